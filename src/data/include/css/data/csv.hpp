// CSV form of one Recording, for inspection and exchange (docs/datasets.md).
// Header row: the kFrameColumns names then "label"; one row per frame; numbers
// in shortest round-trip form ("nan" for an absent gyro or microphone),
// gnss_fix as 0/1, label by name. Values read back bit-exact.
// Only frames and labels are stored: read_csv rebuilds segments from runs of
// equal labels, derives rate_hz from the t column, names the subject after the
// file stem and leaves onsets empty.
#pragma once

#include <filesystem>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"

namespace css::data {

// Atomic (tmp + rename). Requires one label per frame.
Status write_csv(const std::filesystem::path& path, const Recording& recording);
// Errors name the line (1-based) and column.
Result<Recording> read_csv(const std::filesystem::path& path);

}  // namespace css::data
