#include "dataset_sidecar.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "css/core/label.hpp"
#include "css/core/sensor_frame.hpp"
#include "frame_checks.hpp"

namespace css::data::detail {

namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "citysafesense-dataset";
constexpr int kVersion = 1;

json encode_recording(const RecordingEntry& entry) {
  const Recording& r = entry.meta;
  json segments = json::array();
  for (const Segment& s : r.segments) {
    segments.push_back({{"label", to_string(s.label)}, {"begin", s.begin}, {"end", s.end}});
  }
  json onsets = json::array();
  for (const Onset& o : r.onsets) {
    onsets.push_back({{"label", to_string(o.label)}, {"index", o.index}, {"t", o.t}});
  }
  return {{"device", r.device},     {"subject", r.subject}, {"placement", r.placement},
          {"scenario", r.scenario}, {"begin", entry.begin}, {"end", entry.end},
          {"segments", segments},   {"onsets", onsets}};
}

// Typed field access that names the field in its error.
class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  const json* field(const json& obj, const char* key, const std::string& where) {
    if (!obj.is_object() || !obj.contains(key)) {
      fail(where + "missing field '" + key + "'");
      return nullptr;
    }
    return &obj[key];
  }
  std::string str(const json& obj, const char* key, const std::string& where) {
    const json* v = field(obj, key, where);
    if (v == nullptr) return {};
    if (!v->is_string()) fail(where + "'" + key + "' must be a string");
    return v->is_string() ? v->get<std::string>() : std::string();
  }
  std::size_t index(const json& obj, const char* key, const std::string& where) {
    const json* v = field(obj, key, where);
    if (v == nullptr) return 0;
    if (!v->is_number_unsigned()) fail(where + "'" + key + "' must be a non-negative integer");
    return v->is_number_unsigned() ? v->get<std::size_t>() : 0;
  }
  double number(const json& obj, const char* key, const std::string& where) {
    const json* v = field(obj, key, where);
    if (v == nullptr) return 0.0;
    if (!v->is_number()) fail(where + "'" + key + "' must be a number");
    return v->is_number() ? v->get<double>() : 0.0;
  }
  Label label(const json& obj, const std::string& where) {
    const std::string name = str(obj, "label", where);
    const std::optional<Label> l = label_from_string(name);
    if (!l && ok()) fail(where + "unknown label '" + name + "'");
    return l.value_or(Label::kStationary);
  }
  const json& array(const json& obj, const char* key, const std::string& where) {
    static const json kEmpty = json::array();
    const json* v = field(obj, key, where);
    if (v == nullptr) return kEmpty;
    if (!v->is_array()) {
      fail(where + "'" + key + "' must be an array");
      return kEmpty;
    }
    return *v;
  }

  void fail(const std::string& what) {
    if (error_.empty()) error_ = name_ + ": " + what;
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::string name_;
  std::string error_;
};

RecordingEntry decode_recording(Reader& rd, const json& j, std::size_t i) {
  const std::string where = "recordings[" + std::to_string(i) + "]: ";
  RecordingEntry e;
  e.meta.device = rd.str(j, "device", where);
  e.meta.subject = rd.str(j, "subject", where);
  e.meta.placement = rd.str(j, "placement", where);
  e.meta.scenario = rd.str(j, "scenario", where);
  e.begin = rd.index(j, "begin", where);
  e.end = rd.index(j, "end", where);
  const json& segments = rd.array(j, "segments", where);
  for (std::size_t k = 0; k < segments.size() && rd.ok(); ++k) {
    const std::string w = where + "segments[" + std::to_string(k) + "]: ";
    const Label l = rd.label(segments[k], w);
    const std::size_t b = rd.index(segments[k], "begin", w);
    e.meta.segments.push_back(Segment{l, b, rd.index(segments[k], "end", w)});
  }
  const json& onsets = rd.array(j, "onsets", where);
  for (std::size_t k = 0; k < onsets.size() && rd.ok(); ++k) {
    const std::string w = where + "onsets[" + std::to_string(k) + "]: ";
    const Label l = rd.label(onsets[k], w);
    const std::size_t idx = rd.index(onsets[k], "index", w);
    e.meta.onsets.push_back(Onset{l, idx, rd.number(onsets[k], "t", w)});
  }
  return e;
}

}  // namespace

std::string encode_sidecar(const Sidecar& sidecar) {
  json columns = json::array();
  json units = json::array();
  for (std::size_t i = 0; i < kFrameColumns.size(); ++i) {
    columns.push_back(kFrameColumns[i]);
    units.push_back(kFrameUnits[i]);
  }
  json labels = json::array();
  for (std::string_view name : kLabelNames) labels.push_back(name);
  std::vector<std::string> scenarios;
  json recordings = json::array();
  for (const RecordingEntry& e : sidecar.recordings) {
    if (std::find(scenarios.begin(), scenarios.end(), e.meta.scenario) == scenarios.end()) {
      scenarios.push_back(e.meta.scenario);
    }
    recordings.push_back(encode_recording(e));
  }
  const json doc = {{"format", kFormat},
                    {"version", kVersion},
                    {"rate_hz", sidecar.rate_hz},
                    {"columns", columns},
                    {"units", units},
                    {"labels", labels},
                    {"seed", sidecar.meta.seed},
                    {"generator", sidecar.meta.generator},
                    {"scenarios", scenarios},
                    {"recordings", recordings}};
  return doc.dump(1) + "\n";
}

Result<Sidecar> decode_sidecar(std::string_view text, const std::string& name) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return make_error(ErrorCode::kParse, name + ": not a JSON object");
  }
  Reader rd(name);
  if (rd.str(doc, "format", "") != kFormat && rd.ok()) {
    rd.fail("'format' must be \"" + std::string(kFormat) + "\"");
  }
  if (rd.index(doc, "version", "") != kVersion && rd.ok()) {
    rd.fail("'version' " + doc["version"].dump() + " is not supported (expected 1)");
  }
  const json& columns = rd.array(doc, "columns", "");
  bool columns_ok = columns.size() == kFrameColumns.size();
  for (std::size_t i = 0; columns_ok && i < columns.size(); ++i) {
    columns_ok = columns[i].is_string() && columns[i].get<std::string>() == kFrameColumns[i];
  }
  if (!columns_ok && rd.ok()) rd.fail("'columns' differ from the frame columns t, acc_x, ..., spl");
  const json& labels = rd.array(doc, "labels", "");
  bool labels_ok = labels.size() == kLabelNames.size();
  for (std::size_t i = 0; labels_ok && i < labels.size(); ++i) {
    labels_ok = labels[i].is_string() && labels[i].get<std::string>() == kLabelNames[i];
  }
  if (!labels_ok && rd.ok()) rd.fail("'labels' differ from this build's label names");

  Sidecar out;
  out.rate_hz = rd.number(doc, "rate_hz", "");
  if (rd.ok()) {
    if (auto st = check_rate(out.rate_hz, "'rate_hz'"); !st) rd.fail(st.error().message);
  }
  out.meta.seed = doc.contains("seed") && doc["seed"].is_number_unsigned()
                      ? doc["seed"].get<std::uint64_t>()
                      : 0;
  out.meta.generator = rd.str(doc, "generator", "");
  const json& recordings = rd.array(doc, "recordings", "");
  if (rd.ok() && recordings.empty())
    rd.fail("'recordings' is empty (expected at least one recording)");
  for (std::size_t i = 0; i < recordings.size() && rd.ok(); ++i) {
    out.recordings.push_back(decode_recording(rd, recordings[i], i));
    out.recordings.back().meta.rate_hz = out.rate_hz;
  }
  if (!rd.ok()) return make_error(ErrorCode::kParse, rd.error());
  return out;
}

}  // namespace css::data::detail
