// libFuzzer target for the store's parsers of untrusted text (css::store): store URLs, page
// cursors (an API query parameter), and query values (times, boxes, type and count names).
// The first byte picks the parser; any bytes give a value or an Error, never a crash, and a
// decoded cursor re-encodes to text that decodes to the same cursor.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/store/cursor.hpp"
#include "css/store/query_text.hpp"
#include "css/store/store_url.hpp"

namespace {

void check_error(const css::Error& e) {
  if (e.message.empty()) std::abort();
}

template <typename T>
void expect_total(const css::Result<T>& r) {
  if (!r.ok()) check_error(r.error());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      auto url = css::store::parse_store_url(text);
      expect_total(url);
      if (url.ok() && url->backend == css::store::Backend::kSqlite && url->path.empty())
        std::abort();
      (void)css::store::redact_url(text);
      break;
    }
    case 1: {
      auto c = css::store::decode_cursor(text);
      expect_total(c);
      if (c.ok()) {
        auto again = css::store::decode_cursor(css::store::encode_cursor(*c));
        if (!again.ok() || !(*again == *c)) std::abort();
      }
      break;
    }
    case 2: {
      auto t = css::store::parse_time(text);
      expect_total(t);
      if (t.ok() && !(*t >= 0.0 && *t <= css::kMaxEventTimestampS)) std::abort();
      break;
    }
    case 3: {
      auto b = css::store::parse_bbox(text);
      expect_total(b);
      if (b.ok() && !(b->min_lon <= b->max_lon && b->min_lat <= b->max_lat)) std::abort();
      break;
    }
    default:
      expect_total(css::store::parse_event_type(text));
      expect_total(css::store::parse_count_by(text));
      break;
  }
  return 0;
}
