// The one rule for a device id, shared by events, flow summaries, the store, ingest and the
// API (docs/event-schema.md): 1 to kMaxDeviceIdChars (64) characters of [A-Za-z0-9_.-], plain
// ASCII whatever the locale. It is also a single MQTT topic level (no '/', '+', '#').
#pragma once

#include <string_view>

namespace css {

bool valid_device_id(std::string_view id);

}  // namespace css
