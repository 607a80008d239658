// The real environment station: edge.env_sensors parsing, opening, polling (env_sensors.hpp).
#include "css/node/env_sensors.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

#include "css/sensors/bh1750.hpp"
#include "css/sensors/bme680.hpp"
#include "css/sensors/pir.hpp"
#include "css/sensors/pms7003.hpp"
#include "css/sensors/serial_port.hpp"
#include "css/sensors/sht31.hpp"

namespace css::node {
namespace {

constexpr std::string_view kKey = "edge.env_sensors";
constexpr int kPmsBaud = 9600;

Error bad_token(std::string_view token, const std::string& why) {
  return make_error(ErrorCode::kInvalidArgument,
                    std::string(kKey) + ": '" + std::string(token) + "': " + why);
}

Result<unsigned> parse_number(std::string_view text, unsigned max) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v > max)
    return make_error(ErrorCode::kInvalidArgument, "not a number");
  return v;
}

std::uint8_t default_address(std::string_view kind) {
  if (kind == "sht31") return 0x44;
  if (kind == "bh1750") return 0x23;
  return 0x76;  // bme680
}

bool is_i2c_kind(std::string_view kind) {
  return kind == "sht31" || kind == "bh1750" || kind == "bme680";
}

bool is_gpiochip(std::string_view path) {
  return path.rfind("/dev/gpiochip", 0) == 0;
}

// The @ARG of one token: an I2C address, a GPIO line, or nothing.
Status parse_arg(std::string_view token, std::string_view arg, EnvSensorSpec& s) {
  if (is_i2c_kind(s.kind)) {
    auto v = parse_number(arg, 0x77);
    if (!v || *v < 0x08)
      return bad_token(token, "I2C address '" + std::string(arg) +
                                  "' is not a 7-bit address (0x08-0x77, e.g. 0x44)");
    s.address = static_cast<std::uint8_t>(*v);
    return Ok{};
  }
  if (s.kind == "pir" && is_gpiochip(s.path)) {
    auto v = parse_number(arg, 1023);
    if (!v) return bad_token(token, "GPIO line '" + std::string(arg) + "' is not a number");
    s.gpio_line = *v;
    return Ok{};
  }
  return bad_token(token, s.kind + " on " + s.path + " takes no @ARG");
}

Result<EnvSensorSpec> parse_token(std::string_view token) {
  const auto colon = token.find(':');
  if (colon == std::string_view::npos)
    return bad_token(token, "expected KIND:PATH[@ARG], e.g. sht31:/dev/i2c-1");
  EnvSensorSpec s;
  s.kind = std::string(token.substr(0, colon));
  if (!is_i2c_kind(s.kind) && s.kind != "pms7003" && s.kind != "pir")
    return bad_token(token,
                     "unknown sensor '" + s.kind + "' (sht31, bh1750, bme680, pms7003, pir)");
  const std::string_view rest = token.substr(colon + 1);
  const auto at = rest.find('@');
  s.path = std::string(rest.substr(0, at));
  if (s.path.empty()) return bad_token(token, "no device path");
  if (is_i2c_kind(s.kind)) s.address = default_address(s.kind);
  if (at != std::string_view::npos) {
    if (auto st = parse_arg(token, rest.substr(at + 1), s); !st) return st.error();
  } else if (s.kind == "pir" && is_gpiochip(s.path)) {
    return bad_token(token, "a GPIO chip needs the line, e.g. pir:/dev/gpiochip0@17");
  }
  return s;
}

std::string describe(const EnvSensorSpec& s) {
  std::string d = s.kind + " on " + s.path;
  if (is_i2c_kind(s.kind)) d += " at " + sensors::hex_byte(s.address);
  if (s.kind == "pir" && is_gpiochip(s.path)) d += " line " + std::to_string(s.gpio_line);
  return d;
}

}  // namespace

bool is_simulated_env(std::string_view text) {
  return text == "sim";
}

Result<std::vector<EnvSensorSpec>> parse_env_sensors(std::string_view text) {
  std::vector<EnvSensorSpec> out;
  while (true) {
    const auto comma = text.find(',');
    const std::string_view token = text.substr(0, comma);
    if (token.empty())
      return bad_token(token, "empty entry (write sim, or KIND:PATH[@ARG] separated by commas)");
    auto s = parse_token(token);
    if (!s) return s.error();
    for (const auto& o : out)
      if (o.kind == s->kind && o.path == s->path && o.address == s->address &&
          o.gpio_line == s->gpio_line)
        return bad_token(token, "named twice");
    out.push_back(std::move(*s));
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

I2cOpener linux_i2c_opener() {
  return [](const std::string& path) -> Result<std::unique_ptr<sensors::I2cBus>> {
    auto bus = sensors::LinuxI2cBus::open_path(path);
    if (!bus) return bus.error();
    return std::unique_ptr<sensors::I2cBus>(
        std::make_unique<sensors::LinuxI2cBus>(std::move(*bus)));
  };
}

// Declaration order is destruction order reversed: drivers go before what they borrow.
struct EnvRig::Parts {
  std::map<std::string, std::unique_ptr<sensors::I2cBus>> buses;
  std::vector<std::unique_ptr<sensors::GpioInput>> lines;
  std::vector<std::unique_ptr<sensors::EnvSensor>> drivers;
};

namespace {

Result<sensors::I2cBus*> bus_for(EnvRig::Parts& parts, const std::string& path,
                                 const I2cOpener& open_i2c) {
  auto it = parts.buses.find(path);
  if (it != parts.buses.end()) return it->second.get();
  auto bus = open_i2c(path);
  if (!bus) return bus.error();
  return parts.buses.emplace(path, std::move(*bus)).first->second.get();
}

Result<std::unique_ptr<sensors::EnvSensor>> open_i2c_part(sensors::I2cBus& bus,
                                                          const EnvSensorSpec& s) {
  if (s.kind == "sht31") {
    auto d = std::make_unique<sensors::Sht31>(bus, s.address);
    if (auto st = d->soft_reset(); !st) return st.error();
    return std::unique_ptr<sensors::EnvSensor>(std::move(d));
  }
  if (s.kind == "bh1750") {
    auto d = std::make_unique<sensors::Bh1750>(bus, s.address);
    if (auto st = d->init(); !st) return st.error();
    return std::unique_ptr<sensors::EnvSensor>(std::move(d));
  }
  auto d = std::make_unique<sensors::Bme680>(bus, sensors::Bme680Config{.address = s.address});
  if (auto st = d->init(); !st) return st.error();
  return std::unique_ptr<sensors::EnvSensor>(std::move(d));
}

Result<std::unique_ptr<sensors::GpioInput>> open_line(const EnvSensorSpec& s) {
  if (is_gpiochip(s.path)) {
    auto l = sensors::ChardevGpioInput::open(s.path, s.gpio_line);
    if (!l) return l.error();
    return std::unique_ptr<sensors::GpioInput>(
        std::make_unique<sensors::ChardevGpioInput>(std::move(*l)));
  }
  auto l = sensors::SysfsGpioInput::open(s.path);
  if (!l) return l.error();
  return std::unique_ptr<sensors::GpioInput>(
      std::make_unique<sensors::SysfsGpioInput>(std::move(*l)));
}

Result<std::unique_ptr<sensors::EnvSensor>> open_part(EnvRig::Parts& parts, const EnvSensorSpec& s,
                                                      const I2cOpener& open_i2c) {
  if (is_i2c_kind(s.kind)) {
    auto bus = bus_for(parts, s.path, open_i2c);
    if (!bus) return bus.error();
    return open_i2c_part(**bus, s);
  }
  if (s.kind == "pms7003") {
    auto port = sensors::SerialPort::open(s.path, kPmsBaud);
    if (!port) return port.error();
    return std::unique_ptr<sensors::EnvSensor>(
        std::make_unique<sensors::Pms7003Sensor>(std::move(*port)));
  }
  auto line = open_line(s);
  if (!line) return line.error();
  parts.lines.push_back(std::move(*line));
  return std::unique_ptr<sensors::EnvSensor>(std::make_unique<sensors::Pir>(*parts.lines.back()));
}

}  // namespace

Result<std::unique_ptr<EnvRig>> EnvRig::open(const std::vector<EnvSensorSpec>& specs,
                                             const I2cOpener& open_i2c) {
  std::unique_ptr<EnvRig> rig(new EnvRig());
  rig->parts_ = std::make_unique<Parts>();
  for (const auto& s : specs) {
    auto d = open_part(*rig->parts_, s, open_i2c);
    if (!d)  // a part missing at start is a run-time failure (exit 1), whatever the cause
      return make_error(ErrorCode::kIo,
                        std::string(kKey) + ": " + describe(s) + ": " + d.error().message);
    rig->parts_->drivers.push_back(std::move(*d));
  }
  return rig;
}

EnvRig::~EnvRig() = default;

std::vector<sensors::EnvSensor*> EnvRig::sensors() const {
  std::vector<sensors::EnvSensor*> out;
  for (const auto& d : parts_->drivers) out.push_back(d.get());
  return out;
}

namespace {
double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

EnvPoller::EnvPoller(std::vector<sensors::EnvSensor*> sensors, const std::string& device,
                     double period_s, double poll_s)
    : aggregator_(device, period_s),
      station_(std::move(sensors), aggregator_),
      poll_s_(poll_s),
      thread_([this] { loop(); }) {}

EnvPoller::~EnvPoller() {
  stop();
}

void EnvPoller::loop() {
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(poll_s_));
  auto next = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto w = station_.poll(unix_now());  // the drivers' waits happen here, unlocked
    lock.lock();
    if (w) done_.push_back(std::move(*w));
    next = std::max(next + period, std::chrono::steady_clock::now());  // no burst after a stall
    cv_.wait_until(lock, next, [this] { return stopping_; });
  }
}

std::vector<sensors::TelemetryWindow> EnvPoller::take() {
  std::lock_guard lock(mu_);
  return std::exchange(done_, {});
}

std::vector<sensors::TelemetryWindow> EnvPoller::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  auto out = std::exchange(done_, {});
  if (auto w = aggregator_.flush()) out.push_back(std::move(*w));
  return out;
}

}  // namespace css::node
