// The events answer's hot path: an Event appended as JSON to a growing body without building a
// JSON tree. The content is that of css::to_json(event) — same keys in the same order, every
// number the same double, NaN/inf as null — but numbers are written in the shortest
// round-trip form (std::to_chars), which can differ in text from nlohmann's Grisu2 ("1" for
// "1.0", one digit fewer in ~0.05 % of values). Profiled: the tree, then the number
// formatting were most of an /api/v1/events request. An event with a string that would need
// escaping (quotes, controls, non-ASCII) is encoded by to_json itself.
#pragma once

#include <string>

#include "css/core/event.hpp"

namespace css::api {

void append_event_json(std::string& out, const Event& event);

}  // namespace css::api
