// Frames from real sensors: fused IMUs + NMEA GNSS (hardware_source.hpp).
#include "css/node/hardware_source.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "css/sensors/imu.hpp"
#include "css/sensors/imu_fusion.hpp"

namespace css::node {
namespace {

using Clock = std::chrono::steady_clock;

Error bad(std::string_view flag, const std::string& msg) {
  return make_error(ErrorCode::kInvalidArgument, std::string(flag) + ": " + msg);
}

Result<std::uint8_t> parse_address(std::string_view text) {
  std::string_view digits = text;
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
    base = 16;
  }
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || v < 0x08 ||
      v > 0x77)
    return bad("--source", "I2C address '" + std::string(text) +
                               "' is not a 7-bit address (0x08-0x77, e.g. 0x68)");
  return static_cast<std::uint8_t>(v);
}

class HardwareSource final : public Source {
 public:
  HardwareSource(const HardwareSpec& spec, std::unique_ptr<sensors::I2cBus> bus,
                 std::vector<std::unique_ptr<sensors::Imu>> imus,
                 std::optional<sensors::GnssReader> gnss, bool paced)
      : spec_(spec),
        bus_(std::move(bus)),
        imus_(std::move(imus)),
        gnss_(std::move(gnss)),
        fusion_(sensors::FusionConfig{.sensors = imus_.size()}),
        paced_(paced),
        readings_(imus_.size()) {}

  Result<std::optional<SensorFrame>> next() override {
    const int max_misses = static_cast<int>(std::ceil(spec_.rate_hz));
    for (int misses = 0;; ++misses) {
      const double t = static_cast<double>(tick_++) / spec_.rate_hz;
      wait_until(t);
      if (auto st = poll_gnss(t); !st) return st.error();
      auto fused = read_imus();
      if (fused) return std::optional<SensorFrame>{frame(t, fused->sample)};
      if (misses + 1 >= max_misses)
        return make_error(ErrorCode::kIo, "--source imu:" + spec_.i2c_path +
                                              ": no IMU answered for 1 s (" + last_error_ + ")");
    }
  }

  std::string describe() const override { return "imu:" + spec_.i2c_path; }

 private:
  void wait_until(double t) {
    if (!paced_) return;
    const auto offset =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(t));
    if (!start_) start_ = Clock::now() - offset;
    std::this_thread::sleep_until(*start_ + offset);
  }

  Result<sensors::FusedSample> read_imus() {
    for (std::size_t i = 0; i < imus_.size(); ++i) {
      auto s = imus_[i]->read();
      if (s) {
        readings_[i] = *s;
      } else {
        readings_[i].reset();
        last_error_ = s.error().message;
      }
    }
    return fusion_.fuse(readings_);
  }

  Status poll_gnss(double t) {
    if (!gnss_) return Ok{};
    fixes_.clear();
    auto n = gnss_->poll(0, fixes_);
    if (!n)
      return make_error(ErrorCode::kIo, "--gnss " + spec_.gnss_path + ": " + n.error().message);
    for (const auto& f : fixes_)
      if (f.valid && std::isfinite(f.lat_deg) && std::isfinite(f.lon_deg)) {
        fix_ = f;
        fix_t_ = t;
      }
    return Ok{};
  }

  SensorFrame frame(double t, const sensors::ImuSample& s) const {
    SensorFrame f;
    f.t = t;
    f.acc = s.acc_mps2;
    f.gyro = s.gyro_rps;
    f.spl = std::numeric_limits<float>::quiet_NaN();
    if (fix_ && t - fix_t_ <= kGnssStaleS) {
      f.gnss_fix = true;
      f.lat = fix_->lat_deg;
      f.lon = fix_->lon_deg;
      f.gnss_speed = std::isfinite(fix_->speed_mps) ? static_cast<float>(fix_->speed_mps) : 0.0F;
      f.gnss_course = std::isfinite(fix_->course_deg) ? static_cast<float>(fix_->course_deg) : 0.0F;
    }
    return f;
  }

  HardwareSpec spec_;
  std::unique_ptr<sensors::I2cBus> bus_;  // the IMUs borrow it: declared before them
  std::vector<std::unique_ptr<sensors::Imu>> imus_;
  std::optional<sensors::GnssReader> gnss_;
  sensors::ImuFusion fusion_;
  bool paced_;
  std::optional<Clock::time_point> start_;
  std::uint64_t tick_ = 0;
  std::vector<std::optional<sensors::ImuSample>> readings_;
  std::vector<sensors::GnssFix> fixes_;
  std::optional<sensors::GnssFix> fix_;
  double fix_t_ = 0.0;
  std::string last_error_ = "no read yet";
};

}  // namespace

bool is_hardware_source(std::string_view spec) {
  return spec.rfind("imu:", 0) == 0;
}

Status parse_imu_source(std::string_view text, HardwareSpec& spec) {
  if (!is_hardware_source(text))
    return bad("--source", "expected imu:PATH[@ADDR[,ADDR...]], got '" + std::string(text) + "'");
  text.remove_prefix(4);
  const auto at = text.find('@');
  spec.i2c_path = std::string(text.substr(0, at));
  if (spec.i2c_path.empty())
    return bad("--source", "imu: needs the I2C adapter, e.g. imu:/dev/i2c-1");
  if (at == std::string_view::npos) return Ok{};
  spec.addresses.clear();
  std::string_view rest = text.substr(at + 1);
  while (true) {
    const auto comma = rest.find(',');
    auto addr = parse_address(rest.substr(0, comma));
    if (!addr) return addr.error();
    for (const auto a : spec.addresses)
      if (a == *addr) return bad("--source", "I2C address " + sensors::hex_byte(a) + " twice");
    spec.addresses.push_back(*addr);
    if (spec.addresses.size() > sensors::kMaxImus)
      return bad("--source", "at most " + std::to_string(sensors::kMaxImus) + " IMUs");
    if (comma == std::string_view::npos) return Ok{};
    rest.remove_prefix(comma + 1);
  }
}

Status parse_gnss_spec(std::string_view text, HardwareSpec& spec) {
  const auto at = text.find('@');
  spec.gnss_path = std::string(text.substr(0, at));
  if (spec.gnss_path.empty()) return bad("--gnss", "expected PATH[@BAUD], e.g. /dev/ttyAMA0@9600");
  if (at == std::string_view::npos) return Ok{};
  const std::string_view baud = text.substr(at + 1);
  int v = 0;
  const auto [end, ec] = std::from_chars(baud.data(), baud.data() + baud.size(), v);
  if (baud.empty() || ec != std::errc{} || end != baud.data() + baud.size() ||
      !sensors::supported_baud(v))
    return bad("--gnss", "baud rate '" + std::string(baud) +
                             "' is not one the serial port supports (4800-921600, e.g. 9600)");
  spec.gnss_baud = v;
  return Ok{};
}

Status check_imu_driver(std::string_view driver) {
  if (driver == "mpu6050" || driver == "icm20948") return Ok{};
  return bad("--imu-driver", "expected mpu6050 or icm20948, got '" + std::string(driver) + "'");
}

Result<std::unique_ptr<Source>> make_hardware_source(const HardwareSpec& spec,
                                                     std::unique_ptr<sensors::I2cBus> bus,
                                                     std::optional<sensors::GnssReader> gnss,
                                                     bool paced) {
  if (auto st = check_imu_driver(spec.driver); !st) return st.error();
  if (spec.addresses.empty() || spec.addresses.size() > sensors::kMaxImus)
    return bad("--source", "1 to " + std::to_string(sensors::kMaxImus) + " IMU addresses");
  std::vector<std::unique_ptr<sensors::Imu>> imus;
  for (const auto addr : spec.addresses) {
    sensors::ImuConfig c{.address = addr, .rate_hz = spec.rate_hz};
    std::unique_ptr<sensors::Imu> imu;
    if (spec.driver == "icm20948")
      imu = std::make_unique<sensors::Icm20948>(*bus, c);
    else
      imu = std::make_unique<sensors::Mpu6050>(*bus, c);
    if (auto st = imu->init(); !st)
      return make_error(st.error().code, "--source imu:" + spec.i2c_path + ": " + spec.driver +
                                             " at " + sensors::hex_byte(addr) + ": " +
                                             st.error().message);
    imus.push_back(std::move(imu));
  }
  return std::unique_ptr<Source>(std::make_unique<HardwareSource>(
      spec, std::move(bus), std::move(imus), std::move(gnss), paced));
}

Result<std::unique_ptr<Source>> make_hardware_source(const HardwareSpec& spec, bool paced) {
  auto bus = sensors::LinuxI2cBus::open_path(spec.i2c_path);
  if (!bus) return make_error(bus.error().code, "--source: " + bus.error().message);
  std::optional<sensors::GnssReader> gnss;
  if (!spec.gnss_path.empty()) {
    auto reader = sensors::GnssReader::open(spec.gnss_path, spec.gnss_baud);
    if (!reader) return make_error(reader.error().code, "--gnss: " + reader.error().message);
    gnss.emplace(std::move(*reader));
  }
  return make_hardware_source(spec, std::make_unique<sensors::LinuxI2cBus>(std::move(*bus)),
                              std::move(gnss), paced);
}

}  // namespace css::node
