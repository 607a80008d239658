// api_seed: fills an event store with a simulated city (css::geo::simulate_city) ending now —
// events with planted hot spots, hourly flow summaries and one status per device — for the
// API benchmark, the dashboard's end-to-end test and `make demo`.
// Usage: api_seed DB_URL CITY_TOML [DEVICES=40] [DAYS=2] [EVENTS_PER_DEVICE_DAY=20]
//        api_seed DB_URL --event LAT LON   (one event now; prints its id)
//        api_seed DB_URL --live COMMITS_PER_S SECONDS   (a live ingest: one new event per
//                  commit, as `citysafe ingest` commits its batches, for the benchmark's
//                  "events while ingest writes" run; prints how many it stored)
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <span>
#include <string>
#include <thread>

#include "css/geo/city.hpp"
#include "css/geo/simulate.hpp"
#include "css/store/event_store.hpp"

namespace {
int fail(const std::string& m, int code) {
  std::fprintf(stderr, "api_seed: error: %s\n", m.c_str());
  return code;
}
double now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int one_event(const char* db, double lat, double lon) {
  auto store = css::store::open_store(db);
  if (!store) return fail(store.error().message, 1);
  std::array<std::uint8_t, 16> rnd{};
  std::random_device dev;
  for (auto& b : rnd) b = static_cast<std::uint8_t>(dev());
  css::Event e;
  e.id = css::make_uuid_v4(rnd);
  e.device = "e2e-node";
  e.seq = rnd[0];
  e.timestamp = now_s();
  e.probability = 0.93;
  e.vector = {0.5, -2.0, 9.0};
  e.lat = lat;
  e.lon = lon;
  e.model = css::geo::kSimulatedModel;
  auto r = (*store)->append_events(std::span(&e, 1), e.timestamp);
  if (!r) return fail(r.error().message, 1);
  std::printf("%s\n", e.id.c_str());
  return 0;
}

int live(const char* db, double rate, double seconds) {
  if (!(rate > 0 && rate <= 10000 && seconds > 0 && seconds <= 3600))
    return fail("--live: need 0 < COMMITS_PER_S <= 10000 and 0 < SECONDS <= 3600", 2);
  auto store = css::store::open_store(db);
  if (!store) return fail(store.error().message, 1);
  std::mt19937_64 rng(7);
  const auto start = std::chrono::steady_clock::now();
  const auto period = std::chrono::duration<double>(1.0 / rate);
  std::size_t n = 0;
  for (; n < static_cast<std::size_t>(rate * seconds); ++n) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              period * static_cast<double>(n)));
    std::array<std::uint8_t, 16> rnd{};
    for (auto& b : rnd) b = static_cast<std::uint8_t>(rng());
    css::Event e;
    e.id = css::make_uuid_v4(rnd);
    e.device = "live-node";
    e.seq = n;
    e.timestamp = now_s();
    e.probability = 0.9;
    e.vector = {0.5, -2.0, 9.0};
    e.lat = -23.55;
    e.lon = -46.63;
    e.model = css::geo::kSimulatedModel;
    if (auto r = (*store)->append_events(std::span(&e, 1), e.timestamp); !r)
      return fail(r.error().message, 1);
  }
  std::printf("%zu\n", n);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3)
    return fail("usage: api_seed DB_URL CITY_TOML [DEVICES=40] [DAYS=2] [EVENTS_PER_DEVICE_DAY=20]",
                2);
  if (std::string(argv[2]) == "--event" && argc == 5)
    return one_event(argv[1], std::atof(argv[3]), std::atof(argv[4]));
  if (std::string(argv[2]) == "--live" && argc == 5)
    return live(argv[1], std::atof(argv[3]), std::atof(argv[4]));
  const auto city = css::geo::load_city_file(argv[2]);
  if (!city) return fail(city.error().message, 2);
  css::geo::SimCityConfig cfg;
  cfg.devices = argc > 3 ? std::atoi(argv[3]) : 40;
  cfg.days = argc > 4 ? std::atoi(argv[4]) : 2;
  cfg.events_per_device_day = argc > 5 ? std::atof(argv[5]) : 20.0;
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  cfg.start = std::floor(now / 3600) * 3600 - cfg.days * 86400.0 + 3600;
  const auto sim = css::geo::simulate_city(*city, cfg);
  if (!sim) return fail(sim.error().message, 2);
  auto store = css::store::open_store(argv[1]);
  if (!store) return fail(store.error().message, 1);
  css::store::Batch batch;
  batch.received_at = now;
  std::size_t events = 0, flows = 0;
  const auto flush = [&]() -> bool {
    auto r = (*store)->append(batch);
    if (!r) return false;
    events += r->events_stored;
    flows += r->flows_stored;
    batch = css::store::Batch{};
    batch.received_at = now;
    return true;
  };
  for (const auto& e : sim->events) {
    if (e.timestamp >= now) continue;
    batch.events.push_back(e);
    if (batch.events.size() == 5000 && !flush()) return fail("append failed", 1);
  }
  for (const auto& f : sim->flows) {
    if (f.start >= now) continue;
    css::FlowSummary s;
    s.device = f.device;
    s.start = f.start;
    s.period = f.period;
    s.velocity_seconds = f.velocity_seconds;
    s.velocity_east = f.east;
    s.velocity_north = f.north;
    batch.flows.push_back(s);
  }
  for (const auto& [device, where] : sim->devices)
    batch.statuses.push_back({device, true, now, "{\"status\":\"online\"}"});
  if (!flush()) return fail("append failed", 1);
  std::printf("api_seed: %zu events, %zu flows, %zu devices in %s\n", events, flows,
              sim->devices.size(), argv[1]);
  return 0;
}
