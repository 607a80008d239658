// Query values as people and URLs write them, for `citysafe store events` and the API's query
// parameters. Untrusted text: total on any bytes; errors name what was expected.
#pragma once

#include <string_view>

#include "css/core/event.hpp"
#include "css/core/result.hpp"
#include "css/store/records.hpp"

namespace css::store {

// Unix seconds ("1715982012.5") or UTC ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff]Z" / "YYYY-MM-DD".
Result<double> parse_time(std::string_view text);
// "MIN_LON,MIN_LAT,MAX_LON,MAX_LAT" in degrees (checked like a query's bbox).
Result<BoundingBox> parse_bbox(std::string_view text);
// An event type name ("sudden_displacement").
Result<EventKind> parse_event_type(std::string_view text);
// The name of a CountBy: type, device, hour, day, hour_of_day.
Result<CountBy> parse_count_by(std::string_view text);

}  // namespace css::store
