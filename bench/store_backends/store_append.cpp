// bench_store_append URL N BATCH [events|flows]: appends N fresh events (or flow summaries) in
// batches of BATCH to the store at URL (one transaction per batch, as ingest does), then the same
// records again (every one a duplicate), then (events) one bounding-box page; prints one JSON
// line of figures. The database must be empty. Used by bench/store/run (bench/README.md).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "css/core/event.hpp"
#include "css/store/event_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

css::Event event_for(std::uint64_t n) {
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 8; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
  bytes[9] = 0xbe;
  css::Event e;
  e.id = css::make_uuid_v4(bytes);
  e.device = "node-" + std::to_string(n % 1000);
  e.seq = n;
  e.timestamp = 1715982000.0 + static_cast<double>(n) * 0.01;
  e.probability = 0.9;
  e.vector = {0.1, -1.2, 3.9};
  // Spread over ~20 × 20 km around São Paulo, coarsened to 0.001° as nodes do.
  e.lat = -23.55 + static_cast<double>(n % 200) * 0.001;
  e.lon = -46.63 + static_cast<double>((n / 200) % 200) * 0.001;
  e.model = "sha256:" + std::string(64, 'c');
  return e;
}

css::FlowSummary flow_for(std::uint64_t n) {
  css::FlowSummary f;
  f.device = "node-" + std::to_string(n % 1000);
  f.start = 1715982000.0 + static_cast<double>(n / 1000) * 60.0;
  f.period = 60.0;
  f.seconds[1] = 40;
  f.seconds[3] = 12;
  f.unclassified = 8;
  f.velocity_seconds = 55;
  f.velocity_east = -1.25;
  f.velocity_north = 0.33;
  return f;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int fail(const std::string& what) {
  std::fprintf(stderr, "bench_store_append: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: bench_store_append URL N BATCH [events|flows]\n");
    return 2;
  }
  const std::string kind = argc == 5 ? argv[4] : "events";
  if (kind != "events" && kind != "flows") return fail("KIND must be events or flows");
  const std::uint64_t total = std::strtoull(argv[2], nullptr, 10);
  const std::uint64_t batch = std::strtoull(argv[3], nullptr, 10);
  if (total == 0 || batch == 0) return fail("EVENTS and BATCH must be positive");
  auto store = css::store::open_store(argv[1]);
  if (!store) return fail(store.error().message);
  double pass_s[2] = {0, 0};
  for (int pass = 0; pass < 2; ++pass) {
    const auto t0 = Clock::now();
    for (std::uint64_t n = 0; n < total; n += batch) {
      css::store::Batch b;
      b.received_at = 1715990000.0;
      for (std::uint64_t i = n; i < std::min(total, n + batch); ++i) {
        if (kind == "events")
          b.events.push_back(event_for(i));
        else
          b.flows.push_back(flow_for(i));
      }
      auto r = (*store)->append(b);
      if (!r) return fail(r.error().message);
      const std::size_t want = b.events.size() + b.flows.size();
      const std::size_t got =
          pass == 0 ? r->events_stored + r->flows_stored : r->events_duplicate + r->flows_duplicate;
      if (got != want) return fail("unexpected stored/duplicate counts");
    }
    pass_s[pass] = seconds_since(t0);
  }
  css::store::EventQuery q;
  q.filter.bbox = css::store::BoundingBox{-46.63, -23.55, -46.62, -23.54};
  q.limit = 1000;
  const auto t0 = Clock::now();
  auto page = (*store)->events(q);
  const double query_s = seconds_since(t0);
  if (!page) return fail(page.error().message);
  std::printf(
      "{\"backend\":\"%s\",\"kind\":\"%s\",\"n\":%llu,\"batch\":%llu,\"per_s\":%.0f,"
      "\"duplicates_per_s\":%.0f,\"bbox_page_ms\":%.2f,\"bbox_page_events\":%zu}\n",
      std::string((*store)->backend()).c_str(), kind.c_str(),
      static_cast<unsigned long long>(total), static_cast<unsigned long long>(batch),
      static_cast<double>(total) / pass_s[0], static_cast<double>(total) / pass_s[1], query_s * 1e3,
      page->events.size());
  return 0;
}
