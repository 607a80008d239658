// Internal: small text helpers shared by the CSV reader and the importers.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/recording.hpp"

namespace css::data::detail {

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits on commas; fields are trimmed.
inline std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// The whole field must be a number ("nan" and "inf" included); locale-independent.
inline std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Shortest text that reads back to exactly the same value.
template <typename T>
std::string format_number(T v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("nan");
}

// Contiguous runs of equal labels as segments.
inline std::vector<Segment> segments_from_labels(const std::vector<Label>& labels) {
  std::vector<Segment> out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (out.empty() || out.back().label != labels[i]) out.push_back(Segment{labels[i], i, i});
    out.back().end = i + 1;
  }
  return out;
}

}  // namespace css::data::detail
