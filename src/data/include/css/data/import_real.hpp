// Importer for real smartphone recordings in the neutral layout of
// ../shared/data/real/ (docs/datasets.md, "Real recordings"):
//   NAME.npy         float32 [N, 7]: t, acc_x acc_y acc_z [m/s², gravity included,
//                    Android axes], gyro_x gyro_y gyro_z [rad/s, NaN = no gyroscope]; 50 Hz
//   NAME.index.json  {name, rate_hz, columns, units, recordings: [{key, begin, end,
//                    activity, subject, placement, suggested_class, …}]}
// Labelled runs of one session (hapt `exp`, spswhar `execution`, placed by `start_s`) are
// joined back into one continuous Recording where they touch (gap ≤ max_gap_s), so the
// streaming engine sees what a device saw. Labels come from each run's `suggested_class`
// (a css::Label name) unless the activity is mapped explicitly; a run with no class
// (posture transitions, sitting down) is everyday motion labelled `stationary`: the person
// stays where they are, and nothing may fire on it. Subjects are "NAME/<subject>".
// Every failure names the file and the recording key; bad bytes are an error, never UB.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/data/split.hpp"

namespace css::data {

struct RealImportOptions {
  // activity (the dataset's own name) → css::Label name, or "none" for everyday motion with
  // no class (labelled stationary). Overrides suggested_class; unknown label names are errors.
  std::map<std::string, std::string> activity_map;
  double max_gap_s = 0.5;  // runs further apart than this start a new recording
  bool join_sessions = true;
};

// "X.npy" → "X.index.json".
std::filesystem::path real_index_path_for(const std::filesystem::path& npy_path);
// True when npy_path has an index JSON beside it (the real layout, not our dataset format).
bool is_real_layout(const std::filesystem::path& npy_path);

// Parses an index document (the JSON text) against the frame count of its NPY; exposed for
// the fuzz target. `name` is used in error messages.
struct RealRun {
  std::string key, activity, subject, placement, session;
  std::size_t begin = 0, end = 0;
  double start_s = -1.0;             // position in the session; < 0 when the dataset has none
  Label label = Label::kStationary;  // a run with no class is everyday motion: stationary
};
struct RealIndex {
  std::string name;
  double rate_hz = 50.0;
  std::vector<RealRun> runs;
};
Result<RealIndex> parse_real_index(std::string_view json_text, std::size_t frame_rows,
                                   const std::string& name, const RealImportOptions& options = {});

// Reads NAME.npy + NAME.index.json into recordings (see the contract above).
Result<std::vector<Recording>> import_real(const std::filesystem::path& npy_path,
                                           const RealImportOptions& options = {});

// Recordings of a dataset in any layout we read: a folder is the ST HAR sample set
// (import.hpp), an NPY with NAME.index.json beside it the real layout, any other NPY our
// dataset format (dataset.hpp).
Result<std::vector<Recording>> read_recordings(const std::filesystem::path& npy_path);

// Short placement class of a dataset's placement text: pocket | hand | bag | waist | arm |
// neck | unknown (for per-placement figures).
std::string placement_class(std::string_view placement);

// The one subject split of real recordings that training and evaluation share: per dataset,
// by subject, kRealSplitSeed, 15 % validation, 30 % test subjects. Test subjects are never
// trained on nor used to choose settings.
inline constexpr std::uint64_t kRealSplitSeed = 0x5EA15C0DE2026ULL;
inline constexpr double kRealValFrac = 0.15;
inline constexpr double kRealTestFrac = 0.30;
Split real_subject_split(std::span<const Recording> recordings);

enum class SplitPart { kAll, kTrain, kVal, kTest };
// "all" | "train" | "val" | "test".
Result<SplitPart> split_part_from_string(std::string_view name);
std::vector<Recording> select_part(std::vector<Recording> recordings, SplitPart part);

}  // namespace css::data
