// Private to report/: reading untrusted JSON (metrics, training logs, GeoJSON) with errors that
// name the source and the field. nlohmann/json stays inside report's .cpp files.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "css/core/result.hpp"

namespace css::report::detail {

using nlohmann::json;

inline Result<json> parse_json(std::string_view text, std::string_view source) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return make_error(ErrorCode::kParse, std::string(source) + ": not valid JSON");
  return j;
}

inline Error field_error(std::string_view source, std::string_view field, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument,
                    std::string(source) + ": " + std::string(field) + ": " + std::string(what));
}

// A finite number at j (integer or float), or an error naming `field`.
inline Result<double> number_at(const json& j, std::string_view source, std::string_view field) {
  if (!j.is_number()) return field_error(source, field, "expected a number");
  const double v = j.get<double>();
  if (v != v || v > 1e300 || v < -1e300)
    return field_error(source, field, "expected a finite number");
  return v;
}

// The string member `key` of object j, or "" when j is not an object, lacks the key or holds a
// non-string there (json::value would throw on the latter: a fuzzer found it).
inline std::string string_member(const json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace css::report::detail
