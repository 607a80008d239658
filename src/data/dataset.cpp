#include "css/data/dataset.hpp"

#include <cmath>
#include <string>
#include <system_error>

#include "css/core/file_io.hpp"
#include "css/data/npy.hpp"
#include "dataset_sidecar.hpp"
#include "frame_checks.hpp"
#include "frame_table.hpp"

namespace css::data {

namespace {

namespace fs = std::filesystem;

fs::path stem_of(const fs::path& npy_path) {
  fs::path base = npy_path;
  if (base.extension() == ".npy") base.replace_extension();
  return base;
}

Status check_recordings(std::span<const Recording> recordings) {
  for (std::size_t i = 0; i < recordings.size(); ++i) {
    const Recording& r = recordings[i];
    const std::string where = "recording " + std::to_string(i) + " (" + r.subject + "): ";
    if (r.labels.size() != r.frames.size()) {
      return make_error(ErrorCode::kInvalidArgument,
                        where + std::to_string(r.labels.size()) + " labels for " +
                            std::to_string(r.frames.size()) + " frames");
    }
    if (r.rate_hz != recordings[0].rate_hz) {
      return make_error(ErrorCode::kInvalidArgument,
                        where + "rate " + std::to_string(r.rate_hz) +
                            " Hz differs from the first recording's; resample first");
    }
  }
  if (!recordings.empty() && !(recordings[0].rate_hz > 0.0)) {
    return make_error(ErrorCode::kInvalidArgument, "recordings: rate_hz must be positive");
  }
  return Ok{};
}

Status check_entry(const detail::RecordingEntry& e, std::size_t i, std::size_t rows,
                   const std::string& name) {
  const std::string where = name + ": recordings[" + std::to_string(i) + "]: ";
  if (e.begin > e.end || e.end > rows) {
    return make_error(ErrorCode::kParse, where + "rows [" + std::to_string(e.begin) + ", " +
                                             std::to_string(e.end) + ") are outside the " +
                                             std::to_string(rows) + " frames");
  }
  const std::size_t n = e.end - e.begin;
  if (n == 0) return make_error(ErrorCode::kParse, where + "holds no frames (begin == end)");
  for (std::size_t k = 0; k < e.meta.segments.size(); ++k) {
    const Segment& s = e.meta.segments[k];
    if (s.begin > s.end || s.end > n) {
      return make_error(ErrorCode::kParse,
                        where + "segments[" + std::to_string(k) + "] [" + std::to_string(s.begin) +
                            ", " + std::to_string(s.end) + ") lies outside the recording's " +
                            std::to_string(n) + " frames");
    }
  }
  for (std::size_t k = 0; k < e.meta.onsets.size(); ++k) {
    if (e.meta.onsets[k].index >= n) {
      return make_error(ErrorCode::kParse, where + "onsets[" + std::to_string(k) + "] index " +
                                               std::to_string(e.meta.onsets[k].index) +
                                               " lies outside the recording's " +
                                               std::to_string(n) + " frames");
    }
  }
  return Ok{};
}

}  // namespace

fs::path labels_path_for(const fs::path& npy_path) {
  fs::path p = stem_of(npy_path);
  p += ".labels.npy";
  return p;
}

fs::path sidecar_path_for(const fs::path& npy_path) {
  fs::path p = stem_of(npy_path);
  p += ".json";
  return p;
}

Status write_dataset(const fs::path& npy_path, std::span<const Recording> recordings,
                     const DatasetMeta& meta) {
  const fs::path parent = npy_path.parent_path().empty() ? fs::path(".") : npy_path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    return make_error(ErrorCode::kNotFound,
                      "dataset directory " + parent.string() + " does not exist");
  }
  Status valid = check_recordings(recordings);
  if (!valid) return valid;

  std::vector<double> table;
  std::vector<std::uint8_t> labels;
  detail::Sidecar sidecar;
  sidecar.rate_hz = recordings.empty() ? 50.0 : recordings[0].rate_hz;
  sidecar.meta = meta;
  for (const Recording& r : recordings) {
    detail::RecordingEntry entry;
    entry.meta = r;
    entry.meta.frames.clear();
    entry.meta.labels.clear();
    entry.begin = labels.size();
    for (std::size_t i = 0; i < r.frames.size(); ++i) {
      const auto row = detail::frame_to_row(r.frames[i]);
      table.insert(table.end(), row.begin(), row.end());
      labels.push_back(static_cast<std::uint8_t>(r.labels[i]));
    }
    entry.end = labels.size();
    sidecar.recordings.push_back(std::move(entry));
  }
  const std::size_t n = labels.size();
  Result<NpyArray> frames_npy = make_npy<double>({n, detail::kFrameWidth}, table);
  Result<NpyArray> labels_npy = make_npy<std::uint8_t>({n}, labels);
  if (!frames_npy) return frames_npy.error();
  if (!labels_npy) return labels_npy.error();
  Result<std::vector<std::byte>> frames_bytes = serialize_npy(*frames_npy);
  Result<std::vector<std::byte>> labels_bytes = serialize_npy(*labels_npy);
  if (!frames_bytes) return frames_bytes.error();
  if (!labels_bytes) return labels_bytes.error();
  const std::string json = detail::encode_sidecar(sidecar);

  // All three or none; the frames file is renamed last: its presence means "complete".
  io::OutputSet files;
  if (auto st = files.stage(labels_path_for(npy_path), *labels_bytes); !st) return st;
  if (auto st = files.stage_text(sidecar_path_for(npy_path), json); !st) return st;
  if (auto st = files.stage(npy_path, *frames_bytes); !st) return st;
  return files.commit();
}

Result<Dataset> read_dataset(const fs::path& npy_path) {
  const fs::path labels_path = labels_path_for(npy_path);
  const fs::path json_path = sidecar_path_for(npy_path);
  for (const fs::path& p : {npy_path, labels_path, json_path}) {
    std::error_code ec;
    if (fs::exists(p, ec) && !fs::is_regular_file(p, ec))
      return make_error(ErrorCode::kInvalidArgument,
                        "dataset file " + p.string() + " is not a regular file (a folder?)");
    if (!fs::is_regular_file(p, ec)) {
      return make_error(ErrorCode::kNotFound, "dataset file " + p.string() + " is missing");
    }
  }
  Result<NpyArray> frames_npy = read_npy(npy_path);
  if (!frames_npy) return frames_npy.error();
  if (frames_npy->shape.size() != 2 || frames_npy->shape[1] != detail::kFrameWidth ||
      (frames_npy->dtype != "<f8" && frames_npy->dtype != "<f4")) {
    return make_error(ErrorCode::kParse, npy_path.string() +
                                             ": expected float64 [N, 13] frames, got " +
                                             frames_npy->dtype + " with " +
                                             std::to_string(frames_npy->shape.size()) + " dims");
  }
  const std::size_t rows = frames_npy->shape[0];
  Result<NpyArray> labels_npy = read_npy(labels_path);
  if (!labels_npy) return labels_npy.error();
  if (labels_npy->dtype != "|u1" || labels_npy->shape.size() != 1 || labels_npy->shape[0] != rows) {
    return make_error(ErrorCode::kParse,
                      labels_path.string() + ": expected uint8 [" + std::to_string(rows) +
                          "] labels (one per frame row), got " + labels_npy->dtype);
  }
  Result<std::vector<std::byte>> json_bytes = io::read_file(json_path);
  if (!json_bytes) return json_bytes.error();
  Result<detail::Sidecar> sidecar = detail::decode_sidecar(
      std::string_view(reinterpret_cast<const char*>(json_bytes->data()), json_bytes->size()),
      json_path.string());
  if (!sidecar) return sidecar.error();

  const std::vector<double> table = npy_as_double(*frames_npy);
  const std::vector<std::uint8_t> labels = *npy_values<std::uint8_t>(*labels_npy);
  for (std::size_t row = 0; row < rows; ++row) {
    if (labels[row] >= kLabelCount) {
      return make_error(ErrorCode::kParse, labels_path.string() + " row " + std::to_string(row) +
                                               ": label " + std::to_string(labels[row]) +
                                               " is not one of 0.." +
                                               std::to_string(kLabelCount - 1));
    }
    const double fix = table[row * detail::kFrameWidth + detail::kGnssFixColumn];
    if (fix != 0.0 && fix != 1.0) {
      return make_error(ErrorCode::kParse, npy_path.string() + " row " + std::to_string(row) +
                                               ": gnss_fix " + std::to_string(fix) +
                                               " is not 0 or 1");
    }
  }

  Dataset out;
  out.meta = sidecar->meta;
  for (std::size_t i = 0; i < sidecar->recordings.size(); ++i) {
    detail::RecordingEntry& e = sidecar->recordings[i];
    Status ok = check_entry(e, i, rows, json_path.string());
    if (!ok) return ok.error();
    Recording r = std::move(e.meta);
    r.frames.reserve(e.end - e.begin);
    r.labels.reserve(e.end - e.begin);
    for (std::size_t row = e.begin; row < e.end; ++row) {
      r.frames.push_back(detail::row_to_frame(&table[row * detail::kFrameWidth]));
      r.labels.push_back(static_cast<Label>(labels[row]));
    }
    const std::string where = npy_path.string() + " recordings[" + std::to_string(i) + "] (rows " +
                              std::to_string(e.begin) + ".." + std::to_string(e.end) + ")";
    if (auto st = detail::check_frames(r.frames, r.rate_hz, where); !st) return st.error();
    out.recordings.push_back(std::move(r));
  }
  return out;
}

}  // namespace css::data
