// Training data: recordings (simulated or read from a dataset) → features via
// features::extract (the ONE shared preprocessing) → fixed-length windows via
// data::make_windows, split by subject/device (never by window). Torch-free;
// the trainer turns batches into tensors.
//
// Features are kept per recording ([T, C] float, unnormalised) and windows are
// (recording, begin, label) references into them, so memory is O(frames), not
// O(windows × length).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/data/split.hpp"
#include "css/data/windowing.hpp"
#include "css/features/features.hpp"

namespace css::modelrun {

struct SimSpec {
  int mix_devices = 96;     // scenario "mix" (random chains of everyday life)
  int risky_devices = 24;   // per explicit risky scenario (snatch, forced_movement)
  int extra_devices = 12;   // per look-alike (running, entering_vehicle, handling, hard_negatives)
  int context_devices = 0;  // per look-alike needing context (stairs, in_vehicle); 0 keeps
                            // the mix that eval's window-level set is built with
  double duration_s = 240.0;  // per device
  std::uint64_t seed = 42;
};

// Simulates the mix + explicit scenarios; device and subject ids are prefixed by
// the scenario ("snatch/subj-0003") so they stay unique across generate() calls.
Result<std::vector<Recording>> simulate_recordings(const SimSpec& spec);

// Features of one recording, [frames, kChannelCount] row-major, and its per-frame labels.
struct FeatureTrack {
  std::vector<float> values;
  std::vector<Label> labels;
  std::size_t frames = 0;
};

struct WindowSet {
  std::vector<FeatureTrack> tracks;  // one per recording
  std::vector<data::Window> windows;
  std::size_t length = 128;
};

// Extracts features of every recording and windows them. Recordings with a
// label outside css::Label or a rate other than the first one's are an error
// naming the recording.
Result<WindowSet> build_windows(std::span<const Recording> recordings,
                                const data::WindowSpec& spec);

// Copies frames [begin − context, begin − context + out.size()/C) of a track into out
// ([context + length, C]), applying mask (as if the sensor were absent) then normalisation.
// Rows before the recording's first frame are 0 after normalisation (the channel mean): the
// history a device has not seen yet. context = 0 is the bare window.
void gather_window(const FeatureTrack& track, std::size_t begin, std::size_t context,
                   const features::ChannelMask& mask, const features::Normalization& norm,
                   std::span<float> out);

// The same rows raw (unnormalised, all sensors): history before the first frame is the
// normalisation mean, so the engine (which normalises inside) sees 0 there too.
void gather_raw(const FeatureTrack& track, std::size_t begin, std::size_t context,
                const features::Normalization& norm, std::span<float> out);

// Windows per class (size kLabelCount).
std::vector<std::int64_t> class_counts(std::span<const data::Window> windows);

// Normalisation fitted on every frame of the tracks (all sensors present).
features::Normalization fit_tracks(std::span<const FeatureTrack> tracks);

// Recordings picked by index (copies).
std::vector<Recording> select(std::span<const Recording> all, std::span<const std::size_t> idx);

}  // namespace css::modelrun
