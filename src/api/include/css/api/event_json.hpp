// The events answer's hot path: an Event appended as JSON to a growing body without building a
// JSON tree. The bytes are exactly those of css::to_json(event) (same key order, same number
// text: nlohmann's shortest round-trip form, NaN/inf as null), so the answer does not change,
// only its cost (profiled: the tree was most of an /api/v1/events request). An event with a
// string that would need escaping (quotes, controls, non-ASCII) is encoded by to_json itself.
#pragma once

#include <string>

#include "css/core/event.hpp"

namespace css::api {

void append_event_json(std::string& out, const Event& event);

}  // namespace css::api
