#include "css/data/import.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <system_error>
#include <utility>

#include "frame_checks.hpp"
#include "text_util.hpp"

namespace css::data {

namespace {

namespace fs = std::filesystem;

// ST HAR README: 26 Hz, values in mg (LSM6DSL, ±4 g range).
constexpr double kStHarRateHz = 26.0;

// Splits on commas when the line has any, else on whitespace.
std::vector<std::string_view> split_values(std::string_view line) {
  if (line.find(',') != std::string_view::npos) return detail::split_fields(line);
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

SensorFrame imu_frame(double t, const std::array<double, 6>& v, bool has_gyro) {
  constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
  SensorFrame f;
  f.t = t;
  for (std::size_t k = 0; k < 3; ++k) {
    f.acc[k] = static_cast<float>(v[k]);
    f.gyro[k] = has_gyro ? static_cast<float>(v[3 + k]) : kNan;
  }
  f.spl = kNan;
  f.gnss_fix = false;
  return f;
}

std::string label_list() {
  std::string s;
  for (std::string_view n : kLabelNames) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

std::vector<fs::path> sorted_entries(const fs::path& dir, bool directories) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (directories ? e.is_directory(ec) : e.is_regular_file(ec)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "running_01_26Hz_4g_mg" → "running_01": the part before the "_<rate>Hz" suffix.
std::string st_har_subject(const std::string& stem) {
  std::size_t pos = 0;
  while ((pos = stem.find('_', pos)) != std::string::npos) {
    std::size_t k = pos + 1;
    while (k < stem.size() && std::isdigit(static_cast<unsigned char>(stem[k])) != 0) ++k;
    if (k > pos + 1 && stem.compare(k, 2, "Hz") == 0) return stem.substr(0, pos);
    ++pos;
  }
  return stem;
}

}  // namespace

Result<Recording> import_accel_csv(const fs::path& path, const ImportOptions& options) {
  if (auto st = detail::check_rate(options.rate_hz, path.string()); !st) return st.error();
  if (!std::isfinite(options.scale_to_mps2) || !std::isfinite(options.gyro_scale_to_rps)) {
    return make_error(ErrorCode::kInvalidArgument, path.string() + ": import needs finite scales");
  }
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kNotFound, path.string() + ": cannot open for reading");
  Recording rec;
  rec.device = options.device;
  rec.subject = options.subject.empty() ? path.stem().string() : options.subject;
  rec.placement = options.placement;
  rec.scenario = std::string(to_string(options.label));
  rec.rate_hz = options.rate_hz;
  std::string line;
  std::size_t line_no = 0;
  bool first = true;
  std::size_t columns = 0;  // 3 (acc) or 6 (acc, gyro), fixed by the first data row
  while (std::getline(in, line)) {
    ++line_no;
    if (detail::trim(line).empty()) continue;
    const std::vector<std::string_view> fields = split_values(line);
    if (columns == 0 && (fields.size() == 3 || fields.size() == 6) &&
        detail::parse_number(fields[0]).has_value())
      columns = fields.size();
    std::array<double, 6> v{};
    bool numeric = columns != 0 && fields.size() == columns;
    for (std::size_t k = 0; numeric && k < columns; ++k) {
      const std::optional<double> x = detail::parse_number(fields[k]);
      numeric = x.has_value() && std::isfinite(*x);
      if (numeric) v[k] = *x * (k < 3 ? options.scale_to_mps2 : options.gyro_scale_to_rps);
      // Frames hold floats: a value that is finite here may not be once scaled and narrowed.
      if (numeric && !std::isfinite(static_cast<float>(v[k]))) {
        return make_error(ErrorCode::kParse,
                          path.string() + " line " + std::to_string(line_no) + ", column " +
                              std::to_string(k + 1) + ": '" + std::string(fields[k]) +
                              "' overflows a float once scaled (expected |value| <= 3.4e38 " +
                              (k < 3 ? "m/s^2" : "rad/s") + ")");
      }
    }
    const bool was_first = std::exchange(first, false);
    if (!numeric) {
      const bool looks_like_header =
          was_first && !fields.empty() && !detail::parse_number(fields[0]).has_value();
      if (looks_like_header) continue;
      return make_error(ErrorCode::kParse,
                        path.string() + " line " + std::to_string(line_no) +
                            (columns == 6 ? ": expected six finite numbers ax, ay, az, gx, gy, gz"
                                          : ": expected three finite numbers x, y, z (or six: "
                                            "acceleration then gyroscope)"));
    }
    const double t = static_cast<double>(rec.frames.size()) / options.rate_hz;
    rec.frames.push_back(imu_frame(t, v, columns == 6));
  }
  if (rec.frames.empty()) {
    return make_error(ErrorCode::kParse, path.string() + ": no samples");
  }
  rec.labels.assign(rec.frames.size(), options.label);
  rec.segments.push_back(Segment{options.label, 0, rec.frames.size()});
  if (options.target_rate_hz > 0.0) return resample(rec, options.target_rate_hz);
  return rec;
}

Result<std::vector<Recording>> import_st_har(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return make_error(ErrorCode::kNotFound, "ST HAR folder " + dir.string() + " does not exist");
  }
  std::vector<Recording> out;
  for (const fs::path& folder : sorted_entries(dir, /*directories=*/true)) {
    const std::string name = folder.filename().string();
    const std::optional<Label> label = label_from_string(name);
    if (!label) {
      return make_error(ErrorCode::kInvalidArgument, "ST HAR folder " + folder.string() + ": '" +
                                                         name + "' is not a label (" +
                                                         label_list() + ")");
    }
    for (const fs::path& file : sorted_entries(folder, /*directories=*/false)) {
      if (file.extension() != ".csv") continue;
      ImportOptions opt;
      opt.rate_hz = kStHarRateHz;
      opt.scale_to_mps2 = units::milli_g_to_mps2(1.0);
      opt.label = *label;
      opt.device = "st-har";
      opt.subject = st_har_subject(file.stem().string());
      Result<Recording> rec = import_accel_csv(file, opt);
      if (!rec) return rec.error();
      out.push_back(std::move(*rec));
    }
  }
  if (out.empty()) {
    return make_error(ErrorCode::kNotFound,
                      "ST HAR folder " + dir.string() + " holds no CSV files");
  }
  return out;
}

Result<std::vector<Recording>> import_folder(const fs::path& dir, const fs::path& labels_file) {
  std::ifstream in(labels_file);
  if (!in) return make_error(ErrorCode::kNotFound, labels_file.string() + ": cannot open");
  const std::string name = labels_file.string();
  std::string line;
  const std::vector<std::string_view> header4{"file", "label", "rate_hz", "units"};
  std::vector<std::string_view> header;
  if (std::getline(in, line)) header = detail::split_fields(line);
  const bool with_gyro_units = header.size() == 5 && header[4] == "gyro_units";
  if (header.size() < 4 || !std::equal(header4.begin(), header4.end(), header.begin()) ||
      (header.size() == 5 && !with_gyro_units) || header.size() > 5) {
    return make_error(ErrorCode::kParse,
                      name + " line 1: header must be file,label,rate_hz,units[,gyro_units]");
  }
  std::vector<Recording> out;
  std::map<fs::path, std::size_t> listed;  // file (normalised) → line that listed it
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (detail::trim(line).empty()) continue;
    const std::string where = name + " line " + std::to_string(line_no);
    const std::vector<std::string_view> f = detail::split_fields(line);
    if (f.size() != header.size())
      return make_error(ErrorCode::kParse,
                        where + ": expected " + std::to_string(header.size()) + " fields");
    const std::string file(f[0]);
    const auto [first, inserted] = listed.emplace((dir / file).lexically_normal(), line_no);
    if (!inserted) {
      return make_error(ErrorCode::kInvalidArgument,
                        where + ": file '" + file + "' is already listed on line " +
                            std::to_string(first->second) + " (expected each file once)");
    }
    ImportOptions opt;
    opt.device = dir.filename().string();
    const std::optional<Label> label = label_from_string(f[1]);
    if (!label) {
      return make_error(ErrorCode::kInvalidArgument,
                        where + ": file '" + file + "': unknown label '" + std::string(f[1]) +
                            "' (expected one of " + label_list() + ")");
    }
    opt.label = *label;
    const std::optional<double> rate = detail::parse_number(f[2]);
    if (!rate) {
      return make_error(ErrorCode::kParse, where + ": file '" + file + "': rate_hz '" +
                                               std::string(f[2]) + "' is not a number");
    }
    if (auto st = detail::check_rate(*rate, where + ": file '" + file + "'"); !st)
      return st.error();
    opt.rate_hz = *rate;
    if (f[3] == "mg") {
      opt.scale_to_mps2 = units::milli_g_to_mps2(1.0);
    } else if (f[3] == "g") {
      opt.scale_to_mps2 = units::kGravity;
    } else if (f[3] == "mps2") {
      opt.scale_to_mps2 = 1.0;
    } else {
      return make_error(ErrorCode::kParse, where + ": file '" + file + "': units '" +
                                               std::string(f[3]) + "' is not mg, g or mps2");
    }
    if (with_gyro_units) {
      if (f[4] == "dps") {
        opt.gyro_scale_to_rps = 3.14159265358979323846 / 180.0;
      } else if (f[4] != "rps") {
        return make_error(ErrorCode::kParse, where + ": file '" + file + "': gyro_units '" +
                                                 std::string(f[4]) + "' is not rps or dps");
      }
    }
    Result<Recording> rec = import_accel_csv(dir / file, opt);
    if (!rec) return rec.error();
    out.push_back(std::move(*rec));
  }
  if (out.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      name + ": lists no files (expected a row per CSV after the header)");
  }
  return out;
}

}  // namespace css::data
