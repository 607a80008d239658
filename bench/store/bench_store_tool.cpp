// bench_store_tool: appends N events in batches of B to a fresh store through css::store and
// prints one JSON line of figures (bench/store/run runs it beside the Python baseline).
//   bench_store_tool URL N B
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "css/store/event_store.hpp"

namespace {

css::Event event(std::uint64_t n) {
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 8; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
  bytes[8] = 0xa5;
  css::Event e;
  e.id = css::make_uuid_v4(bytes);
  e.device = "pi4-edge-" + std::to_string(n % 100);
  e.seq = n;
  e.timestamp = 1715982000.0 + static_cast<double>(n) * 0.01;
  e.probability = 0.9;
  e.vector = {0.12, -1.09, 3.88};
  e.lat = -23.55 + static_cast<double>(n % 97) * 1e-3;
  e.lon = -46.63 + static_cast<double>(n % 89) * 1e-3;
  e.model = "sha256:" + std::string(64, 'a');
  return e;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bench_store_tool URL EVENTS BATCH\n");
    return 2;
  }
  const std::uint64_t n = std::strtoull(argv[2], nullptr, 10);
  const std::uint64_t batch = std::strtoull(argv[3], nullptr, 10);
  auto store = css::store::open_store(argv[1]);
  if (!store) {
    std::fprintf(stderr, "bench_store_tool: %s\n", store.error().message.c_str());
    return 1;
  }
  std::vector<std::vector<css::Event>> batches;
  for (std::uint64_t i = 0; i < n; i += batch) {
    batches.emplace_back();
    for (std::uint64_t j = i; j < i + batch && j < n; ++j) batches.back().push_back(event(j));
  }
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& b : batches)
    if (!(*store)->append_events(b, 1715990000.0)) return 1;
  const double append_s = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  std::size_t dups = 0;
  for (const auto& b : batches) dups += (*store)->append_events(b, 1715990000.0)->events_duplicate;
  const double dup_s = seconds_since(t0);
  if (dups != n) return 1;
  // A page of 1000 events of one device in a time range (the API's common query).
  css::store::EventQuery q;
  q.filter.device = "pi4-edge-7";
  q.filter.from = 1715982000.0 + static_cast<double>(n) * 0.005;
  t0 = std::chrono::steady_clock::now();
  constexpr int kPages = 50;
  for (int i = 0; i < kPages; ++i)
    if (!(*store)->events(q)) return 1;
  const double page_ms = seconds_since(t0) * 1000.0 / kPages;
  std::printf("{\"rows_per_s\":%.0f,\"duplicate_rows_per_s\":%.0f,\"page_ms\":%.3f}\n",
              static_cast<double>(n) / append_s, static_cast<double>(n) / dup_s, page_ms);
  return 0;
}
