#include "css/sim/generator.hpp"

#include <cmath>
#include <cstdio>

#include "css/core/memory.hpp"
#include "engine.hpp"
#include "rng.hpp"

namespace css::sim {

namespace {

Error invalid(const std::string& msg) {
  return make_error(ErrorCode::kInvalidArgument, msg);
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string numbered(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s-%04d", prefix, i);
  return buf;
}
}  // namespace

Status validate(const GeneratorConfig& c) {
  if (!(c.duration_s > 0.0) || c.duration_s > kMaxDurationS) {
    return invalid("duration_s: expected (0, 604800] seconds, got " + std::to_string(c.duration_s));
  }
  if (c.devices < 1 || c.devices > kMaxDevices) {
    return invalid("devices: expected 1..10000, got " + std::to_string(c.devices));
  }
  if (!(c.rate_hz >= 25.0 && c.rate_hz <= 400.0)) {
    return invalid("rate_hz: expected 25..400 Hz (canonical 50), got " + std::to_string(c.rate_hz));
  }
  if (!(c.origin_lat >= -85.0 && c.origin_lat <= 85.0)) {
    return invalid("origin_lat: expected -85..85 deg, got " + std::to_string(c.origin_lat));
  }
  if (!(c.origin_lon >= -180.0 && c.origin_lon <= 180.0)) {
    return invalid("origin_lon: expected -180..180 deg, got " + std::to_string(c.origin_lon));
  }
  if (frames_per_device(c) < 1.0) {
    return invalid("duration_s: " + num(c.duration_s) + " s holds no frame at " + num(c.rate_hz) +
                   " Hz (expected at least " + num(0.5 / c.rate_hz) + " s)");
  }
  const AugmentConfig& a = c.augment;
  if (!(a.jitter_std_acc_mps2 >= 0.0 && a.jitter_std_acc_mps2 <= 10.0)) {
    return invalid("augment.jitter_std_acc_mps2: expected 0..10 m/s²");
  }
  if (!(a.jitter_std_gyro_rps >= 0.0 && a.jitter_std_gyro_rps <= 5.0)) {
    return invalid("augment.jitter_std_gyro_rps: expected 0..5 rad/s");
  }
  if (!(a.scale_std >= 0.0 && a.scale_std <= 0.5)) {
    return invalid("augment.scale_std: expected 0..0.5");
  }
  if (!(a.time_warp_strength >= 0.0 && a.time_warp_strength <= 1.0)) {
    return invalid("augment.time_warp_strength: expected 0..1");
  }
  return Ok{};
}

double frames_per_device(const GeneratorConfig& c) {
  return std::round(c.duration_s * c.rate_hz);  // as Engine::run counts them
}

double estimate_bytes(const GeneratorConfig& c) {
  return frames_per_device(c) * static_cast<double>(c.devices) *
         static_cast<double>(sizeof(SensorFrame) + sizeof(Label));
}

Result<Recording> generate_device(const GeneratorConfig& config, int device_index,
                                  TruthTrace* truth) {
  if (auto st = validate(config); !st) return st.error();
  GeneratorConfig one = config;
  one.devices = 1;
  if (auto st = check_memory(estimate_bytes(one), "one device of " + num(config.duration_s) + " s");
      !st)
    return st.error();
  if (device_index < 0 || device_index >= config.devices) {
    return invalid("device_index: expected 0.." + std::to_string(config.devices - 1));
  }
  const std::uint64_t seed = derive_seed(config.seed, static_cast<std::uint64_t>(device_index));
  Engine engine(config, seed);
  Recording rec;
  rec.device = numbered("sim", device_index + 1);
  rec.subject = numbered("subj", device_index + 1);
  rec.placement = to_string(engine.subject().home);
  rec.scenario = std::string(to_string(config.scenario));
  rec.rate_hz = config.rate_hz;
  engine.run(rec, truth);
  if (config.augment.enabled) augment(rec, config.augment, derive_seed(seed, 0xA06));
  return rec;
}

Result<std::vector<Recording>> generate(const GeneratorConfig& config) {
  if (auto st = validate(config); !st) return st.error();
  const std::string what =
      std::to_string(config.devices) + " device(s) x " + num(config.duration_s) + " s";
  if (auto st = check_memory(estimate_bytes(config), what, kMaxGenerateBytes); !st)
    return st.error();
  std::vector<Recording> out;
  out.reserve(static_cast<std::size_t>(config.devices));
  for (int d = 0; d < config.devices; ++d) {
    auto rec = generate_device(config, d);
    if (!rec) return rec.error();
    out.push_back(std::move(rec).value());
  }
  return out;
}

}  // namespace css::sim
