// libFuzzer target for css::geo's parsers of untrusted bytes: the CSV incident importer,
// city TOML files and flow JSON lines. Any bytes must give a value or an Error with a
// message, never a crash; imported events must pass validate_event.
// Built by the "fuzz" preset (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/geo/city.hpp"
#include "css/geo/csv_import.hpp"
#include "css/geo/event_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  css::geo::CsvImportOptions o;
  o.lat_col = "lat", o.lon_col = "lon", o.time_col = "time";
  if (auto r = css::geo::import_events_csv(text, o); r.ok()) {
    for (const auto& e : r->events)
      if (!css::validate_event(e).ok()) std::abort();
  } else if (r.error().message.empty()) {
    std::abort();
  }
  if (auto c = css::geo::city_from_toml(text, "fuzz.toml"); !c.ok() && c.error().message.empty())
    std::abort();
  if (auto f = css::geo::parse_flows_jsonl(text, "fuzz.jsonl");
      !f.ok() && f.error().message.empty())
    std::abort();
  (void)css::geo::parse_time_text(text.substr(0, 64), -3);
  return 0;
}
