// Private helpers for one-line error messages in core (not a public header).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace css::detail {

// Shortest text that reads back to the same double ("1.7", "1e+300", "nan").
std::string format_number(double value);

// 'text' in single quotes for an error message: control and non-ASCII bytes are
// escaped as \xHH and long inputs are cut at max_chars with "..." so a hostile
// payload cannot make a log line huge or multi-line.
std::string quote(std::string_view text, std::size_t max_chars = 64);

}  // namespace css::detail
