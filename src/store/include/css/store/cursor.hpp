// Event page cursors: the position after the last event of a page, (timestamp, id), as opaque
// text a client hands back. The text is untrusted (an API query parameter): decoding is total
// on any bytes and checks both parts. Form: "<shortest round-trip decimal timestamp>_<uuid>".
#pragma once

#include <string>
#include <string_view>

#include "css/core/result.hpp"

namespace css::store {

struct EventCursor {
  double timestamp = 0.0;
  std::string id;
  friend bool operator==(const EventCursor&, const EventCursor&) = default;
};

std::string encode_cursor(const EventCursor& cursor);
Result<EventCursor> decode_cursor(std::string_view text);

}  // namespace css::store
