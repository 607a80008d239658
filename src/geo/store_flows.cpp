#include "css/geo/store_flows.hpp"

#include <map>
#include <optional>
#include <string>

namespace css::geo {

Result<std::vector<FlowRecord>> place_flows(store::EventStore& db,
                                            const std::vector<FlowSummary>& rows,
                                            const DevicePositions& known, std::size_t* unplaced) {
  std::map<std::string, std::optional<LonLat>, std::less<>> where(known.begin(), known.end());
  std::vector<FlowRecord> out;
  if (unplaced != nullptr) *unplaced = 0;
  for (const auto& f : rows) {
    auto it = where.find(f.device);
    if (it == where.end()) {
      store::EventQuery q;
      q.filter.device = f.device;
      q.filter.bbox = store::BoundingBox{};  // only events with a position
      q.limit = 1;
      q.newest_first = true;
      auto page = db.events(q);
      if (!page) return page.error();
      std::optional<LonLat> p;
      if (!page->events.empty()) p = LonLat{*page->events[0].lon, *page->events[0].lat};
      it = where.emplace(f.device, p).first;
    }
    if (!it->second) {
      if (unplaced != nullptr) ++*unplaced;
      continue;
    }
    out.push_back({f.device, f.start, f.period, *it->second, f.velocity_seconds, f.velocity_east,
                   f.velocity_north});
  }
  return out;
}

}  // namespace css::geo
