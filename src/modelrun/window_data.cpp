#include "css/modelrun/window_data.hpp"

#include <algorithm>
#include <cmath>

#include "css/sim/generator.hpp"

namespace css::modelrun {

namespace {

// Renames ids so recordings of separate generate() calls never share a subject.
void prefix_ids(std::vector<Recording>& recs, std::string_view prefix) {
  for (auto& r : recs) {
    r.device = std::string(prefix) + "/" + r.device;
    r.subject = std::string(prefix) + "/" + r.subject;
  }
}

}  // namespace

Result<std::vector<Recording>> simulate_recordings(const SimSpec& spec) {
  struct Part {
    sim::Scenario scenario;
    int devices;
  };
  const Part parts[] = {
      {sim::Scenario::kMix, spec.mix_devices},
      {sim::Scenario::kSnatch, spec.risky_devices},
      {sim::Scenario::kForcedMovement, spec.risky_devices},
      {sim::Scenario::kRunning, spec.extra_devices},
      {sim::Scenario::kEnteringVehicle, spec.extra_devices},
      {sim::Scenario::kHandling, spec.extra_devices},
      // Appended last so the parts above keep their seeds. Stairs and rides with stops are
      // where the default model raised most false alarms (docs/evaluation.md).
      {sim::Scenario::kStairs, spec.context_devices},
      {sim::Scenario::kInVehicle, spec.context_devices},
      // Appended last too: jumps, hops, stumbles, hard sits and runs for a bus, the everyday
      // motion the first model took for risky events (docs/simulator.md, "Hard negatives").
      {sim::Scenario::kHardNegatives, spec.extra_devices},
  };
  std::vector<Recording> all;
  std::uint64_t part_seed = spec.seed;
  for (const auto& p : parts) {
    // A distinct seed per part: the generator derives device seeds from (seed, index).
    part_seed = part_seed * 6364136223846793005ULL + 1442695040888963407ULL;
    if (p.devices <= 0) continue;
    sim::GeneratorConfig cfg;
    cfg.scenario = p.scenario;
    cfg.devices = p.devices;
    cfg.duration_s = spec.duration_s;
    cfg.seed = part_seed;
    auto recs = sim::generate(cfg);
    if (!recs) return recs.error();
    prefix_ids(*recs, sim::to_string(p.scenario));
    for (auto& r : *recs) all.push_back(std::move(r));
  }
  return all;
}

Result<WindowSet> build_windows(std::span<const Recording> recordings,
                                const data::WindowSpec& spec) {
  WindowSet set;
  set.length = spec.length;
  set.tracks.reserve(recordings.size());
  for (std::size_t r = 0; r < recordings.size(); ++r) {
    const auto& rec = recordings[r];
    if (rec.labels.size() != rec.frames.size())
      return make_error(ErrorCode::kInvalidArgument,
                        "recording '" + rec.device + "': " + std::to_string(rec.labels.size()) +
                            " labels for " + std::to_string(rec.frames.size()) + " frames");
    for (auto l : rec.labels)
      if (static_cast<int>(l) >= kLabelCount)
        return make_error(ErrorCode::kInvalidArgument,
                          "recording '" + rec.device + "': unknown label index " +
                              std::to_string(static_cast<int>(l)) + " (expected 0.." +
                              std::to_string(kLabelCount - 1) + ")");
    if (std::abs(rec.rate_hz - recordings[0].rate_hz) > 1e-9)
      return make_error(ErrorCode::kInvalidArgument, "recording '" + rec.device + "': rate " +
                                                         std::to_string(rec.rate_hz) +
                                                         " Hz differs from the first recording's");
    FeatureTrack t;
    t.values = features::extract(rec.frames);
    t.labels = rec.labels;
    t.frames = rec.frames.size();
    set.tracks.push_back(std::move(t));
  }
  set.windows = data::make_windows(recordings, spec);
  return set;
}

namespace {

// Rows of `out` before the track's first frame (when context reaches back beyond it).
std::size_t missing_rows(std::size_t begin, std::size_t context) {
  return context > begin ? context - begin : 0;
}

void copy_rows(const FeatureTrack& track, std::size_t begin, std::size_t context,
               std::span<float> out) {
  constexpr std::size_t kC = features::kChannelCount;
  const std::size_t missing = missing_rows(begin, context);
  const std::size_t first = begin + missing - context;
  std::copy_n(track.values.begin() + static_cast<std::ptrdiff_t>(first * kC),
              out.size() - missing * kC, out.begin() + static_cast<std::ptrdiff_t>(missing * kC));
}

}  // namespace

void gather_window(const FeatureTrack& track, std::size_t begin, std::size_t context,
                   const features::ChannelMask& mask, const features::Normalization& norm,
                   std::span<float> out) {
  constexpr std::size_t kC = features::kChannelCount;
  copy_rows(track, begin, context, out);
  const std::size_t missing = missing_rows(begin, context) * kC;
  auto seen = out.subspan(missing);
  if (!mask.gyro || !mask.gnss || !mask.spl) features::apply_mask(seen, mask);
  features::normalize(seen, norm);
  std::fill_n(out.begin(), missing, 0.0f);
}

void gather_raw(const FeatureTrack& track, std::size_t begin, std::size_t context,
                const features::Normalization& norm, std::span<float> out) {
  constexpr std::size_t kC = features::kChannelCount;
  copy_rows(track, begin, context, out);
  for (std::size_t r = 0; r < missing_rows(begin, context); ++r)
    for (std::size_t c = 0; c < kC; ++c) out[r * kC + c] = norm.mean[c];
}

std::vector<std::int64_t> class_counts(std::span<const data::Window> windows) {
  std::vector<std::int64_t> counts(kLabelCount, 0);
  for (const auto& w : windows) ++counts[static_cast<std::size_t>(w.label)];
  return counts;
}

features::Normalization fit_tracks(std::span<const FeatureTrack> tracks) {
  std::vector<float> all;
  std::size_t total = 0;
  for (const auto& t : tracks) total += t.values.size();
  all.reserve(total);
  for (const auto& t : tracks) all.insert(all.end(), t.values.begin(), t.values.end());
  return features::fit_normalization(all);
}

std::vector<Recording> select(std::span<const Recording> all, std::span<const std::size_t> idx) {
  std::vector<Recording> out;
  out.reserve(idx.size());
  for (auto i : idx) out.push_back(all[i]);
  return out;
}

}  // namespace css::modelrun
