// append_event_json: css::to_json's content, written straight into the body.
#include "css/api/event_json.hpp"

#include <charconv>
#include <cmath>

namespace css::api {

namespace {

// Printable ASCII without '"' and '\\': copied as is by nlohmann's dump too.
bool plain(std::string_view s) {
  for (const char c : s)
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

void add_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  // Shortest round-trip text (Ryu in libstdc++): a third of nlohmann's Grisu2 cost, which was
  // the largest single item of an events request (perf, bench/run api).
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

template <typename Int>
void add_int(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

void add_string(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += '"';
  out += value;
  out += '"';
}

}  // namespace

void append_event_json(std::string& out, const Event& e) {
  const std::string_view kind = to_string(e.event);
  if (!plain(e.id) || !plain(e.device) || !plain(e.model) || !plain(kind)) {
    out += to_json(e);
    return;
  }
  out += "{\"schema\":";
  add_int(out, e.schema);
  add_string(out, ",\"id\":", e.id);
  add_string(out, ",\"device\":", e.device);
  out += ",\"seq\":";
  add_int(out, e.seq);
  out += ",\"timestamp\":";
  add_double(out, e.timestamp);
  add_string(out, ",\"event\":", kind);
  out += ",\"probability\":";
  add_double(out, e.probability);
  out += ",\"vector\":[";
  for (std::size_t i = 0; i < e.vector.size(); ++i) {
    if (i) out += ',';
    add_double(out, e.vector[i]);
  }
  out += ']';
  if (e.lat) {
    out += ",\"lat\":";
    add_double(out, *e.lat);
  }
  if (e.lon) {
    out += ",\"lon\":";
    add_double(out, *e.lon);
  }
  add_string(out, ",\"model\":", e.model);
  out += '}';
}

}  // namespace css::api
