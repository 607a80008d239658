// The city simulator (simulate.hpp).
#include "css/geo/simulate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>

#include "css/geo/privacy.hpp"

namespace css::geo {
namespace {

// Relative event intensity per local hour (quiet nights, commute and evening peaks).
constexpr std::array<double, 24> kDaily = {0.6, 0.4, 0.25, 0.2, 0.2, 0.3, 0.6, 1.2,
                                           1.5, 1.0, 0.8,  0.9, 1.0, 0.9, 0.8, 0.9,
                                           1.1, 1.5, 1.8,  1.9, 1.8, 1.5, 1.1, 0.8};
constexpr std::array<double, 7> kWeekly = {1.0, 1.0, 1.0, 1.05, 1.3, 1.3, 0.8};  // Mon … Sun

double coarse(double deg) {
  return std::round(deg * 1e4) / 1e4;
}

Xy gaussian(SplitMix64& rng, double sigma) {
  const double r = sigma * std::sqrt(-2.0 * std::log(rng.uniform()));
  const double a = 2.0 * std::numbers::pi * rng.uniform();
  return {r * std::cos(a), r * std::sin(a)};
}

Xy uniform_in(SplitMix64& rng, const StudyArea& a, double margin) {
  const double wx = (a.max.x - a.min.x) * margin, wy = (a.max.y - a.min.y) * margin;
  const double cx = (a.max.x + a.min.x) / 2, cy = (a.max.y + a.min.y) / 2;
  return {cx + (rng.uniform() - 0.5) * wx, cy + (rng.uniform() - 0.5) * wy};
}

double event_time(SplitMix64& rng, const SimCityConfig& c, const City& city) {
  double cum[25] = {0};
  for (int h = 0; h < 24; ++h) cum[h + 1] = cum[h] + kDaily[static_cast<std::size_t>(h)];
  for (;;) {
    const int day = static_cast<int>(rng.uniform() * c.days);
    const double u = rng.uniform() * cum[24];
    int hour = 0;
    while (hour < 23 && cum[hour + 1] < u) ++hour;
    // Wall-clock time from the start's local midnight (when start is one), then to UTC in the
    // city's zone: across a daylight saving change the hours stay local.
    const double local =
        c.start + city.offset_h(c.start) * 3600.0 + day * 86400.0 + (hour + rng.uniform()) * 3600.0;
    const double t = city.to_utc(local);
    if (rng.uniform() * 1.3 <=
        kWeekly[static_cast<std::size_t>(local_weekday(t, city.offset_h(t)))])
      return t;
  }
}

std::vector<PlantedHotspot> plant(const City& city, const StudyArea& a, const SimCityConfig& c,
                                  SplitMix64& rng) {
  std::vector<PlantedHotspot> out;
  for (int i = 0; i < c.hotspots; ++i) {
    if (static_cast<std::size_t>(i) < city.areas.size()) {
      out.push_back({city.areas[static_cast<std::size_t>(i)].centre, c.hotspot_sigma_m,
                     city.areas[static_cast<std::size_t>(i)].name});
    } else {
      out.push_back({a.projection.inverse(uniform_in(rng, a, 0.8)), c.hotspot_sigma_m,
                     "random-" + std::to_string(i + 1)});
    }
  }
  return out;
}

Status check(const SimCityConfig& c) {
  auto bad = [](std::string m) { return make_error(ErrorCode::kInvalidArgument, std::move(m)); };
  if (c.devices < 1 || c.devices > 100000) return bad("devices: expected 1–100000");
  if (c.days < 1 || c.days > 3660) return bad("days: expected 1–3660");
  if (c.hotspots < 0 || c.hotspots > 1000) return bad("hotspots: expected 0–1000");
  if (!(c.events_per_device_day > 0 && c.events_per_device_day <= 1000))
    return bad("events per device and day: expected (0, 1000]");
  if (!(c.hotspot_share >= 0 && c.hotspot_share <= 1)) return bad("hotspot share: expected [0, 1]");
  if (!(c.hotspot_sigma_m > 0 && c.hotspot_sigma_m <= 10000))
    return bad("hotspot sigma: expected (0, 10000] m");
  if (!(c.flow_period_s >= 60 && c.flow_period_s <= 86400))
    return bad("flow period: expected 60–86400 s");
  if (!(c.start >= 0 && c.start + c.days * 86400.0 < kMaxEventTimestampS))
    return bad("start: out of range");
  if (c.incident && !(std::abs(c.incident->where.lon) <= 180 &&
                      std::abs(c.incident->where.lat) <= 90 && std::isfinite(c.incident->start)))
    return bad("incident: expected lon in [-180, 180] deg, lat in [-90, 90] deg and a finite time");
  const double n = c.devices * static_cast<double>(c.days) * c.events_per_device_day;
  if (n > 5e7) return bad("more than 50 million events: lower devices, days or the event rate");
  return Ok{};
}

}  // namespace

Result<SimCity> simulate_city(const City& city, const SimCityConfig& c) {
  if (auto st = check(c); !st) return st.error();
  SplitMix64 rng(c.seed);
  const StudyArea area = study_area(city);
  SimCity out;
  out.hotspots = plant(city, area, c, rng);
  std::vector<Xy> nodes;
  for (int d = 0; d < c.devices; ++d) {
    // Half the nodes stand near hotspots (where a city installs them), half anywhere.
    Xy p = uniform_in(rng, area, 1.0);
    if (!out.hotspots.empty() && d % 2 == 0) {
      const Xy h = area.projection.forward(
          out.hotspots[static_cast<std::size_t>(d / 2) % out.hotspots.size()].centre);
      const Xy g = gaussian(rng, 2.0 * c.hotspot_sigma_m);
      p = {h.x + g.x, h.y + g.y};
    }
    nodes.push_back(p);
    char name[32];
    std::snprintf(name, sizeof name, "sim-node-%04d", d + 1);
    const LonLat ll = area.projection.inverse(p);
    out.devices.emplace_back(name, LonLat{coarse(ll.lon), coarse(ll.lat)});
  }
  const auto n_events =
      static_cast<std::size_t>(c.devices * static_cast<double>(c.days) * c.events_per_device_day);
  std::vector<std::uint64_t> seq(nodes.size(), 0);
  out.events.reserve(n_events);
  for (std::size_t i = 0; i < n_events; ++i) {
    Xy p = uniform_in(rng, area, 1.0);
    if (!out.hotspots.empty() && rng.uniform() < c.hotspot_share) {
      const auto& h = out.hotspots[static_cast<std::size_t>(
          rng.uniform() * static_cast<double>(out.hotspots.size()))];
      const Xy m = area.projection.forward(h.centre), g = gaussian(rng, h.sigma_m);
      p = {m.x + g.x, m.y + g.y};
    }
    std::size_t best = 0;
    double bd = 1e300;
    for (std::size_t d = 0; d < nodes.size(); ++d) {
      const double dd =
          (nodes[d].x - p.x) * (nodes[d].x - p.x) + (nodes[d].y - p.y) * (nodes[d].y - p.y);
      if (dd < bd) bd = dd, best = d;
    }
    Event e;
    std::array<std::uint8_t, 16> id{};
    for (auto& b : id) b = static_cast<std::uint8_t>(rng.next() & 0xff);
    e.id = make_uuid_v4(id);
    e.device = out.devices[best].first;
    e.seq = ++seq[best];
    e.timestamp = std::round(event_time(rng, c, city) * 100.0) / 100.0;
    e.event = rng.uniform() < 0.8 ? EventKind::kSuddenDisplacement : EventKind::kForcedDisplacement;
    e.probability = std::round((0.6 + 0.39 * rng.uniform()) * 1000.0) / 1000.0;
    for (auto& v : e.vector) v = std::round((rng.uniform() - 0.5) * 20.0 * 100.0) / 100.0;
    const LonLat ll = area.projection.inverse(p);
    e.lat = std::clamp(coarse(ll.lat), -90.0, 90.0),
    e.lon = std::clamp(coarse(ll.lon), -180.0, 180.0);
    e.model = kSimulatedModel;
    out.events.push_back(std::move(e));
  }
  std::sort(out.events.begin(), out.events.end(),
            [](const Event& a, const Event& b) { return a.timestamp < b.timestamp; });
  // Sequence numbers follow time per device, as on a real node.
  std::fill(seq.begin(), seq.end(), 0);
  std::map<std::string, std::uint64_t> next;
  for (auto& e : out.events) e.seq = ++next[e.device];
  if (c.flows) {
    const auto periods = static_cast<std::int64_t>(c.days * 86400.0 / c.flow_period_s);
    const Xy inc = c.incident ? area.projection.forward(c.incident->where) : Xy{};
    for (std::int64_t k = 0; k < periods; ++k) {
      const double t = c.start + static_cast<double>(k) * c.flow_period_s;
      const int h = local_hour(t, city.offset_h(t));
      const double inward = h >= 6 && h < 10 ? 0.4 : (h >= 16 && h < 20 ? -0.4 : 0.0);
      for (std::size_t d = 0; d < nodes.size(); ++d) {
        const double r = std::hypot(nodes[d].x, nodes[d].y) + 1.0;
        double e = -inward * nodes[d].x / r + 0.15 * (rng.uniform() - 0.5);
        double n = -inward * nodes[d].y / r + 0.15 * (rng.uniform() - 0.5);
        if (c.incident && t >= c.incident->start && t < c.incident->start + 3600.0) {
          const double dx = nodes[d].x - inc.x, dy = nodes[d].y - inc.y, dist = std::hypot(dx, dy);
          if (dist < 800.0) e = 2.0 * dx / (dist + 1.0), n = 2.0 * dy / (dist + 1.0);
        }
        out.flows.push_back({out.devices[d].first, t, c.flow_period_s, out.devices[d].second,
                             static_cast<std::uint32_t>(c.flow_period_s * 0.9),
                             std::round(e * 1e4) / 1e4, std::round(n * 1e4) / 1e4});
      }
    }
  }
  return out;
}

}  // namespace css::geo
