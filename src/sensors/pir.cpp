#include "css/sensors/pir.hpp"

#include <fcntl.h>
#include <linux/gpio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace css::sensors {
namespace {

Error gpio_error(const std::string& path, const char* what) {
  return make_error(ErrorCode::kIo, "gpio " + path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

Result<SysfsGpioInput> SysfsGpioInput::open(const std::string& value_path) {
  const int fd = ::open(value_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return gpio_error(value_path, "cannot open the value file");
  return SysfsGpioInput(fd, value_path);
}

SysfsGpioInput::SysfsGpioInput(SysfsGpioInput&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)) {}

SysfsGpioInput::~SysfsGpioInput() {
  if (fd_ >= 0) ::close(fd_);
}

Result<bool> SysfsGpioInput::read() {
  char buf[4] = {};
  const ssize_t n = ::pread(fd_, buf, sizeof buf, 0);  // sysfs: re-read from offset 0
  if (n < 0) return gpio_error(path_, "read failed");
  if (n >= 1 && (buf[0] == '0' || buf[0] == '1') && (n == 1 || buf[1] == '\n')) {
    return buf[0] == '1';
  }
  return make_error(ErrorCode::kParse, "gpio " + path_ + ": expected \"0\" or \"1\"");
}

Result<ChardevGpioInput> ChardevGpioInput::open(const std::string& chip_path,
                                                unsigned line_offset) {
  const int chip = ::open(chip_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (chip < 0) return gpio_error(chip_path, "cannot open the GPIO chip");
  gpio_v2_line_request req{};
  req.offsets[0] = line_offset;
  req.num_lines = 1;
  req.config.flags = GPIO_V2_LINE_FLAG_INPUT;
  std::strncpy(req.consumer, "citysafe-pir", sizeof req.consumer - 1);
  const int rc = ::ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &req);
  const int err = errno;
  ::close(chip);  // the line request keeps its own descriptor
  if (rc < 0) {
    errno = err;
    return gpio_error(chip_path + " line " + std::to_string(line_offset), "cannot request");
  }
  return ChardevGpioInput(req.fd, chip_path + " line " + std::to_string(line_offset));
}

ChardevGpioInput::ChardevGpioInput(ChardevGpioInput&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)) {}

ChardevGpioInput::~ChardevGpioInput() {
  if (fd_ >= 0) ::close(fd_);
}

Result<bool> ChardevGpioInput::read() {
  gpio_v2_line_values values{};
  values.mask = 1;
  if (::ioctl(fd_, GPIO_V2_LINE_GET_VALUES_IOCTL, &values) < 0) {
    return gpio_error(path_, "read failed");
  }
  return (values.bits & 1U) != 0;
}

Status Pir::poll() {
  ++counters_.polls;
  auto v = line_.read();
  if (!v.ok()) {
    ++counters_.read_errors;
    return v.error();
  }
  if (*v && !level_) ++counters_.motion_events;
  level_ = *v;
  seen_ = seen_ || *v;
  return Ok{};
}

Result<EnvReadings> Pir::sample(double /*t_s*/) {
  if (auto s = poll(); !s.ok()) return s.error();
  EnvReadings r;
  r.set(Quantity::kMotion, seen_ ? 1.0 : 0.0);
  seen_ = level_;  // a line still high counts for the next sample too
  return r;
}

}  // namespace css::sensors
