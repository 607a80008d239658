#include "css/eval/heldout.hpp"

#include "css/modelrun/window_data.hpp"

namespace css::eval {
namespace {

// splitmix64 finaliser: a well-mixed, distinct seed per part.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t part) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (part + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

const std::vector<std::string>& normal_only_scenarios() {
  static const std::vector<std::string> names = {"running",  "stairs",           "in_vehicle",
                                                 "handling", "entering_vehicle", "hard_negatives"};
  return names;
}

std::vector<StreamPlan> event_streams(const HeldoutSpec& spec) {
  std::vector<StreamPlan> plans;
  std::uint64_t part = 0;
  auto add = [&](sim::Scenario scenario, int devices) {
    sim::GeneratorConfig cfg;
    cfg.scenario = scenario;
    cfg.duration_s = spec.hours * 3600.0;
    cfg.devices = devices;
    cfg.seed = mix_seed(spec.seed, part++);
    for (int d = 0; d < devices; ++d) plans.push_back({cfg, d});
  };
  add(sim::Scenario::kMix, spec.devices);
  add(sim::Scenario::kSnatch, spec.risky_devices);
  add(sim::Scenario::kForcedMovement, spec.risky_devices);
  for (const auto& name : normal_only_scenarios())
    add(*sim::scenario_from_string(name), spec.normal_devices);
  return plans;
}

Result<Recording> generate_stream(const StreamPlan& plan) {
  auto rec = sim::generate_device(plan.config, plan.device);
  if (!rec) return rec.error();
  rec->scenario = std::string(sim::to_string(plan.config.scenario));
  return rec;
}

Result<std::vector<Recording>> window_recordings(const HeldoutSpec& spec) {
  modelrun::SimSpec s;
  s.mix_devices = spec.window_mix_devices;
  s.risky_devices = spec.window_risky_devices;
  s.extra_devices = spec.window_extra_devices;
  s.duration_s = spec.window_duration_s;
  s.seed = mix_seed(spec.seed, 1000);
  return modelrun::simulate_recordings(s);
}

}  // namespace css::eval
