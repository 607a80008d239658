// Duplicate keys in JSON objects. nlohmann/json keeps the last of two equal keys, other
// parsers keep the first, so a payload with both could mean different things to different
// readers: the strict decoders (flows, telemetry) refuse it. This is their one check.
//
// Contract: walks `text` once without building a document and returns the first key that
// appears twice within one object, at any depth ("" when there is none). Text that is not
// well-formed JSON returns "" too: the decoder's own parse reports that, with its message.
#pragma once

#include <string>
#include <string_view>

namespace css {

std::string first_duplicate_json_key(std::string_view text);

}  // namespace css
