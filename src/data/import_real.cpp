#include "css/data/import_real.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "css/data/dataset.hpp"
#include "css/data/import.hpp"
#include "css/data/npy.hpp"

namespace css::data {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kColumns = 7;  // t, acc xyz, gyro xyz

std::string label_names() {
  std::string s;
  for (std::string_view n : kLabelNames) s += (s.empty() ? "" : ", ") + std::string(n);
  return s + ", none";
}

const json* field(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string text_field(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (v == nullptr || !v->is_string()) return "";
  return v->get<std::string>();
}

// The session a run belongs to: hapt `exp` (per subject), spswhar `execution`; empty = none.
std::string session_of(const json& r, const std::string& subject) {
  if (const json* e = field(r, "execution"); e != nullptr && e->is_string())
    return e->get<std::string>();
  if (const json* e = field(r, "exp"); e != nullptr && e->is_number_integer())
    return subject + "/exp" + std::to_string(e->get<long long>());
  return "";
}

Result<Label> label_of(const std::string& where, const std::string& activity, const json& r,
                       const RealImportOptions& o) {
  std::string name;
  if (const auto m = o.activity_map.find(activity); m != o.activity_map.end()) {
    name = m->second;
  } else if (const json* s = field(r, "suggested_class"); s != nullptr && s->is_string()) {
    name = s->get<std::string>();
  } else if (s == nullptr || s->is_null()) {
    name = "none";
  } else {
    return make_error(ErrorCode::kParse, where + ": suggested_class must be a string or null");
  }
  if (name == "none") return Label::kStationary;  // everyday motion with no class
  const auto label = label_from_string(name);
  if (!label)
    return make_error(ErrorCode::kInvalidArgument, where + ": activity '" + activity +
                                                       "' maps to unknown label '" + name +
                                                       "' (expected one of " + label_names() + ")");
  return *label;
}

Result<RealRun> parse_run(const json& r, std::size_t i, std::size_t rows, const std::string& name,
                          const RealImportOptions& o) {
  std::string where = name + " recording " + std::to_string(i);
  if (!r.is_object()) return make_error(ErrorCode::kParse, where + ": not an object");
  RealRun run;
  run.key = text_field(r, "key");
  if (!run.key.empty()) where += " ('" + run.key + "')";
  const json* b = field(r, "begin");
  const json* e = field(r, "end");
  if (b == nullptr || e == nullptr || !b->is_number_unsigned() || !e->is_number_unsigned())
    return make_error(ErrorCode::kParse, where + ": begin and end must be row numbers >= 0");
  run.begin = b->get<std::size_t>();
  run.end = e->get<std::size_t>();
  if (run.begin >= run.end || run.end > rows)
    return make_error(ErrorCode::kParse, where + ": rows [" + std::to_string(run.begin) + ", " +
                                             std::to_string(run.end) + ") are not inside the " +
                                             std::to_string(rows) + " rows of the NPY");
  run.activity = text_field(r, "activity");
  const std::string subject = text_field(r, "subject");
  if (subject.empty())
    return make_error(ErrorCode::kParse, where + ": subject must be a non-empty string");
  run.subject = subject;  // prefixed with the dataset's name by parse_real_index
  run.placement = text_field(r, "placement");
  run.session = session_of(r, subject);
  if (const json* s = field(r, "start_s"); s != nullptr && s->is_number()) {
    run.start_s = s->get<double>();
    if (!std::isfinite(run.start_s) || run.start_s < 0.0)
      return make_error(ErrorCode::kParse, where + ": start_s must be a finite number >= 0");
  }
  auto label = label_of(where, run.activity, r, o);
  if (!label) return label.error();
  run.label = *label;
  return run;
}

SensorFrame frame_of(const float* row, double t) {
  SensorFrame f;
  f.t = t;
  for (std::size_t k = 0; k < 3; ++k) {
    f.acc[k] = row[1 + k];
    f.gyro[k] = row[4 + k];  // NaN: no gyroscope, as SensorFrame marks it
  }
  f.spl = std::numeric_limits<float>::quiet_NaN();
  f.gnss_fix = false;
  return f;
}

// Joins runs of one session in start order where they touch; each group is one Recording.
std::vector<std::vector<const RealRun*>> group_runs(const RealIndex& index,
                                                    const RealImportOptions& o) {
  std::vector<const RealRun*> order;
  for (const RealRun& r : index.runs) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(), [](const RealRun* a, const RealRun* b) {
    if (a->session != b->session) return a->session < b->session;
    return a->start_s < b->start_s;
  });
  std::vector<std::vector<const RealRun*>> groups;
  const RealRun* prev = nullptr;
  for (const RealRun* r : order) {
    const double prev_end =
        prev == nullptr
            ? 0.0
            : prev->start_s + static_cast<double>(prev->end - prev->begin) / index.rate_hz;
    const bool joins = o.join_sessions && prev != nullptr && !r->session.empty() &&
                       r->session == prev->session && r->start_s >= 0.0 && prev->start_s >= 0.0 &&
                       std::abs(r->start_s - prev_end) <= o.max_gap_s;
    if (!joins) groups.emplace_back();
    groups.back().push_back(r);
    prev = r;
  }
  return groups;
}

Recording make_recording(const RealIndex& index, const std::vector<const RealRun*>& runs,
                         std::span<const float> values) {
  Recording rec;
  const RealRun& first = *runs.front();
  rec.device = index.name;
  rec.subject = first.subject;
  rec.placement = placement_class(first.placement);
  rec.scenario = index.name + ":" + rec.placement;
  rec.rate_hz = index.rate_hz;
  for (const RealRun* r : runs) {
    const std::size_t begin = rec.frames.size();
    for (std::size_t row = r->begin; row < r->end; ++row) {
      const double t = static_cast<double>(rec.frames.size()) / index.rate_hz;
      rec.frames.push_back(frame_of(values.data() + row * kColumns, t));
      rec.labels.push_back(r->label);
    }
    if (!rec.segments.empty() && rec.segments.back().label == r->label)
      rec.segments.back().end = rec.frames.size();
    else
      rec.segments.push_back(Segment{r->label, begin, rec.frames.size()});
  }
  return rec;
}

}  // namespace

fs::path real_index_path_for(const fs::path& npy_path) {
  fs::path base = npy_path;
  if (base.extension() == ".npy") base.replace_extension();
  base += ".index.json";
  return base;
}

bool is_real_layout(const fs::path& npy_path) {
  std::error_code ec;
  return fs::is_regular_file(real_index_path_for(npy_path), ec);
}

Result<RealIndex> parse_real_index(std::string_view json_text, std::size_t frame_rows,
                                   const std::string& name, const RealImportOptions& options) {
  json doc = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(ErrorCode::kParse, name + ": not a JSON object");
  RealIndex index;
  index.name = text_field(doc, "name");
  if (index.name.empty()) index.name = name;
  if (const json* rate = field(doc, "rate_hz"); rate != nullptr) {
    if (!rate->is_number() || !(rate->get<double>() > 0.0) || !std::isfinite(rate->get<double>()))
      return make_error(ErrorCode::kParse, name + ": rate_hz must be a positive number");
    index.rate_hz = rate->get<double>();
  }
  const json* recs = field(doc, "recordings");
  if (recs == nullptr || !recs->is_array() || recs->empty())
    return make_error(ErrorCode::kParse, name + ": 'recordings' must be a non-empty array");
  for (std::size_t i = 0; i < recs->size(); ++i) {
    auto run = parse_run((*recs)[i], i, frame_rows, name, options);
    if (!run) return run.error();
    run->subject = index.name + "/" + run->subject;
    index.runs.push_back(std::move(*run));
  }
  return index;
}

Result<std::vector<Recording>> import_real(const fs::path& npy_path,
                                           const RealImportOptions& options) {
  if (!(options.max_gap_s >= 0.0) || !std::isfinite(options.max_gap_s))
    return make_error(ErrorCode::kInvalidArgument, "max_gap_s must be a finite number >= 0");
  const fs::path index_path = real_index_path_for(npy_path);
  std::ifstream in(index_path, std::ios::binary);
  if (!in)
    return make_error(ErrorCode::kNotFound, index_path.string() + ": cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  auto arr = read_npy(npy_path);
  if (!arr) return arr.error();
  if (arr->dtype != "<f4" || arr->shape.size() != 2 || arr->shape[1] != kColumns)
    return make_error(ErrorCode::kParse, npy_path.string() +
                                             ": expected float32 [N, 7] (t, acc "
                                             "xyz, gyro xyz), got " +
                                             arr->dtype + " with " +
                                             std::to_string(arr->shape.size()) + " dimensions");
  auto values = npy_values<float>(*arr);
  if (!values) return values.error();
  auto index = parse_real_index(text.str(), arr->shape[0], index_path.string(), options);
  if (!index) return index.error();
  std::vector<Recording> out;
  for (const auto& group : group_runs(*index, options))
    out.push_back(make_recording(*index, group, *values));
  return out;
}

Result<std::vector<Recording>> read_recordings(const fs::path& npy_path) {
  std::error_code ec;
  if (fs::is_directory(npy_path, ec)) return import_st_har(npy_path);
  if (is_real_layout(npy_path)) return import_real(npy_path);
  auto ds = read_dataset(npy_path);
  if (!ds) return ds.error();
  return std::move(ds->recordings);
}

std::string placement_class(std::string_view p) {
  const auto has = [p](std::string_view s) { return p.find(s) != std::string_view::npos; };
  if (has("pocket")) return "pocket";
  if (has("bag") || has("purse")) return "bag";
  if (has("waist") || has("belt")) return "waist";
  if (has("armband") || has("upper arm")) return "arm";
  if (has("neck")) return "neck";
  if (has("hand")) return "hand";
  return "unknown";
}

Split real_subject_split(std::span<const Recording> recordings) {
  return split_recordings(recordings, SplitKey::kSubject, kRealValFrac, kRealTestFrac,
                          kRealSplitSeed);
}

Result<SplitPart> split_part_from_string(std::string_view name) {
  if (name == "all") return SplitPart::kAll;
  if (name == "train") return SplitPart::kTrain;
  if (name == "val") return SplitPart::kVal;
  if (name == "test") return SplitPart::kTest;
  return make_error(ErrorCode::kInvalidArgument,
                    "split '" + std::string(name) + "': expected all, train, val or test");
}

std::vector<Recording> select_part(std::vector<Recording> recordings, SplitPart part) {
  if (part == SplitPart::kAll) return recordings;
  const Split s = real_subject_split(recordings);
  const auto& keep =
      part == SplitPart::kTrain ? s.train : (part == SplitPart::kVal ? s.val : s.test);
  std::vector<Recording> out;
  out.reserve(keep.size());
  for (std::size_t i : keep) out.push_back(std::move(recordings[i]));
  return out;
}

}  // namespace css::data
