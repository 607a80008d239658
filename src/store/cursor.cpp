// Event page cursors (cursor.hpp).
#include "css/store/cursor.hpp"

#include <charconv>
#include <cmath>

#include "css/core/event.hpp"

namespace css::store {

std::string encode_cursor(const EventCursor& c) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, c.timestamp);
  return std::string(buf, r.ptr) + "_" + c.id;
}

Result<EventCursor> decode_cursor(std::string_view text) {
  const auto bad = [](const char* what) {
    return make_error(ErrorCode::kInvalidArgument, std::string("cursor: ") + what);
  };
  if (text.size() > 128) return bad("too long (a cursor is <timestamp>_<event id>)");
  const auto sep = text.find('_');
  if (sep == std::string_view::npos) return bad("expected <timestamp>_<event id>");
  EventCursor c;
  const char* first = text.data();
  const char* last = text.data() + sep;
  const auto r = std::from_chars(first, last, c.timestamp);
  if (r.ec != std::errc() || r.ptr != last || !std::isfinite(c.timestamp))
    return bad("timestamp is not a number");
  c.id = std::string(text.substr(sep + 1));
  if (!is_uuid_text(c.id)) return bad("event id is not a UUID");
  return c;
}

}  // namespace css::store
