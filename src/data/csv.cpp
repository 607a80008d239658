#include "css/data/csv.hpp"

#include <cmath>
#include <fstream>
#include <string>

#include "css/core/file_io.hpp"
#include "frame_checks.hpp"
#include "frame_table.hpp"
#include "text_util.hpp"

namespace css::data {

namespace {

constexpr double kDefaultRateHz = 50.0;

// 1/mean(dt), rounded to 1e-6 Hz so that 50 Hz time stamps give exactly 50.
double rate_from_times(const std::vector<SensorFrame>& frames) {
  if (frames.size() < 2) return kDefaultRateHz;
  const double span_s = frames.back().t - frames.front().t;
  if (!(span_s > 0.0)) return kDefaultRateHz;
  const double rate = static_cast<double>(frames.size() - 1) / span_s;
  return std::round(rate * 1e6) / 1e6;
}

}  // namespace

Status write_csv(const std::filesystem::path& path, const Recording& recording) {
  if (recording.labels.size() != recording.frames.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      path.string() + ": recording has " + std::to_string(recording.labels.size()) +
                          " labels for " + std::to_string(recording.frames.size()) + " frames");
  }
  std::string text;
  for (const char* column : kFrameColumns) text += std::string(column) + ",";
  text += "label\n";
  for (std::size_t i = 0; i < recording.frames.size(); ++i) {
    const SensorFrame& f = recording.frames[i];
    text += detail::format_number(f.t) + ",";
    for (float a : f.acc) text += detail::format_number(a) + ",";
    for (float g : f.gyro) text += detail::format_number(g) + ",";
    text += detail::format_number(f.lat) + "," + detail::format_number(f.lon) + ",";
    text += f.gnss_fix ? "1," : "0,";
    text += detail::format_number(f.gnss_speed) + "," + detail::format_number(f.gnss_course) + ",";
    text += detail::format_number(f.spl) + ",";
    text += std::string(to_string(recording.labels[i])) + "\n";
  }
  return io::write_text(path, text);
}

Result<Recording> read_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kNotFound, path.string() + ": cannot open for reading");
  const std::string name = path.string();
  std::string line;
  if (!std::getline(in, line)) return make_error(ErrorCode::kParse, name + ": empty file");
  const std::vector<std::string_view> header = detail::split_fields(line);
  const std::size_t width = detail::kFrameWidth + 1;
  bool header_ok = header.size() == width && header.back() == "label";
  for (std::size_t c = 0; header_ok && c < detail::kFrameWidth; ++c) {
    header_ok = header[c] == kFrameColumns[c];
  }
  if (!header_ok) {
    return make_error(ErrorCode::kParse,
                      name + " line 1: header must be t,acc_x,...,spl,label (the frame columns)");
  }
  Recording rec;
  rec.device = "csv";
  rec.subject = path.stem().string();
  rec.placement = "unknown";
  std::size_t line_no = 1;
  std::array<double, detail::kFrameWidth> row{};
  while (std::getline(in, line)) {
    ++line_no;
    if (detail::trim(line).empty()) continue;
    const std::vector<std::string_view> fields = detail::split_fields(line);
    const std::string where = name + " line " + std::to_string(line_no);
    if (fields.size() != width) {
      return make_error(ErrorCode::kParse, where + ": expected " + std::to_string(width) +
                                               " fields, got " + std::to_string(fields.size()));
    }
    for (std::size_t c = 0; c < detail::kFrameWidth; ++c) {
      const std::optional<double> v = detail::parse_number(fields[c]);
      if (!v) {
        return make_error(ErrorCode::kParse, where + ", column " + kFrameColumns[c] +
                                                 ": expected a number, got '" +
                                                 std::string(fields[c]) + "'");
      }
      row[c] = *v;
    }
    if (row[detail::kGnssFixColumn] != 0.0 && row[detail::kGnssFixColumn] != 1.0) {
      return make_error(ErrorCode::kParse, where + ", column gnss_fix: expected 0 or 1, got '" +
                                               std::string(fields[detail::kGnssFixColumn]) + "'");
    }
    const std::optional<Label> label = label_from_string(fields.back());
    if (!label) {
      return make_error(ErrorCode::kParse, where + ", column label: unknown label '" +
                                               std::string(fields.back()) + "'");
    }
    rec.frames.push_back(detail::row_to_frame(row.data()));
    rec.labels.push_back(*label);
  }
  if (rec.frames.empty())
    return make_error(ErrorCode::kParse, name + ": no frames after the header");
  if (auto st = detail::check_frames(rec.frames, 0.0, name); !st) return st.error();
  rec.rate_hz = rate_from_times(rec.frames);
  if (auto st = detail::check_rate(rec.rate_hz, name + ": t column"); !st) return st.error();
  rec.segments = detail::segments_from_labels(rec.labels);
  return rec;
}

}  // namespace css::data
