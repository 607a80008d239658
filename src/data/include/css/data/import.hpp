// Importers for accelerometer-only recordings: users' own CSV files and the
// public ST HAR sample set (docs/datasets.md, "Importing"). Every import marks
// the sensors it lacks as absent (gyro NaN, spl NaN, gnss_fix false), labels
// every sample with one label, and resamples to the system rate (50 Hz).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "css/core/label.hpp"
#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/core/units.hpp"
#include "css/data/resample.hpp"

namespace css::data {

struct ImportOptions {
  double rate_hz = units::kImuRateHz;  // sample rate of the file
  double scale_to_mps2 = 1.0;          // file unit → m/s² (milli-g: 0.00980665)
  double gyro_scale_to_rps = 1.0;      // gyroscope columns' unit → rad/s (deg/s: π/180)
  Label label = Label::kStationary;    // every sample gets this label
  std::string device = "import";
  std::string subject;  // empty: the file stem
  std::string placement = "unknown";
  double target_rate_hz = units::kImuRateHz;  // 0 keeps the file's rate
};

// Rows of three numbers "x, y, z" (acceleration), or six (acceleration then gyroscope),
// comma and/or whitespace separated, the same count on every row; blank lines are skipped
// and a first line that is not numeric is taken as a header. Without gyroscope columns the
// gyroscope is marked absent. Errors name the file and line.
Result<Recording> import_accel_csv(const std::filesystem::path& path, const ImportOptions& options);

// ST HAR sample set layout: <dir>/<label>/<label>_NN_26Hz_4g_mg.csv, 26 Hz, milli-g,
// one Recording per file: device "st-har", subject "<label>_NN", placement "unknown".
// A sub-folder that is not a label name is an error naming it.
Result<std::vector<Recording>> import_st_har(const std::filesystem::path& dir);

// A folder of IMU CSVs described by labels_file, a CSV with the header
// `file,label,rate_hz,units[,gyro_units]`; units are "mg", "g" or "mps2", gyro_units "rps"
// (default) or "dps"; file is relative to dir.
// device = the folder name, subject = the file stem.
Result<std::vector<Recording>> import_folder(const std::filesystem::path& dir,
                                             const std::filesystem::path& labels_file);

}  // namespace css::data
