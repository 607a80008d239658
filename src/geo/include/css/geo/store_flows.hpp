// Placing stored flow summaries on the map. A summary carries no position (a node sends
// aggregates only), so each is placed at its device's position: from `known` when it names the
// device, else the device's newest event with a position (already coarsened on the node).
// Summaries of devices with neither are left out and counted in *unplaced (may be null).
// One rule for `citysafe flows --db` and /api/v1/flows, so both draw the same field.
#pragma once

#include <cstddef>
#include <vector>

#include "css/core/flow.hpp"
#include "css/core/result.hpp"
#include "css/geo/event_files.hpp"
#include "css/store/event_store.hpp"

namespace css::geo {

Result<std::vector<FlowRecord>> place_flows(store::EventStore& db,
                                            const std::vector<FlowSummary>& rows,
                                            const DevicePositions& known,
                                            std::size_t* unplaced = nullptr);

}  // namespace css::geo
