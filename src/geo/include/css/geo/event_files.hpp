// Event and flow files geo reads and writes directly (until the store is wired in):
// JSON lines, one css::Event (core codec, strict) or one flow summary per line. Blank lines
// are skipped; any other bad line is an error naming the file, the line number and the field
// (nothing is dropped silently). Events without a position are counted, not mapped.
//
// Flow lines are the node's flow JSON (docs/event-schema.md, "Flows") plus the node's
// coarsened position "lat"/"lon" (unknown keys to the node's decoder, so the line stays a
// valid node flow). Lines without a position take it from `device_positions` (device → place)
// when given; otherwise they are an error.
#pragma once

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/event.hpp"
#include "css/core/result.hpp"
#include "css/geo/flows.hpp"
#include "css/geo/hotspots.hpp"

namespace css::geo {

struct EventFile {
  std::vector<EventPoint> points;  // events with a position
  std::size_t without_position = 0;
};

Result<EventFile> parse_events_jsonl(std::string_view text, std::string_view source);
Result<EventFile> read_events_jsonl(const std::filesystem::path& path);

using DevicePositions = std::map<std::string, LonLat, std::less<>>;

Result<FlowRecord> flow_record_from_json(std::string_view line,
                                         const DevicePositions& device_positions = {});
Result<std::vector<FlowRecord>> parse_flows_jsonl(std::string_view text, std::string_view source,
                                                  const DevicePositions& device_positions = {});
Result<std::vector<FlowRecord>> read_flows_jsonl(const std::filesystem::path& path,
                                                 const DevicePositions& device_positions = {});

// One line (no newline): the node's flow JSON for this record plus "lat"/"lon". `moving_s`
// seconds are reported as walking, the rest of the period as stationary.
std::string flow_record_to_json(const FlowRecord& f, std::uint32_t moving_s);

}  // namespace css::geo
