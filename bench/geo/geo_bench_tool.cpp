// bench_geo_tool DIR CITY.toml [EVENTS]: writes EVENTS (default 1 000 000) simulated São
// Paulo events (uniform over the box plus 8 Gaussian hotspots, seed 1) to DIR/lonlat.f64
// (lon, lat pairs, little-endian doubles), times the Gi* map on one core (median of 5) and
// writes DIR/cpp_z.csv (q,r,count,z of every study-area cell) and DIR/grid.txt (the grid the
// Python baseline rebuilds). Prints one JSON line of timings.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "css/geo/city.hpp"
#include "css/geo/hotspots.hpp"
#include "css/geo/privacy.hpp"

using namespace css::geo;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<EventPoint> make_events(const City& city, std::size_t n) {
  SplitMix64 rng(1);
  const StudyArea a = study_area(city);
  std::vector<Xy> hot;
  for (int i = 0; i < 8; ++i)
    hot.push_back({a.min.x + (0.2 + 0.6 * rng.uniform()) * (a.max.x - a.min.x),
                   a.min.y + (0.2 + 0.6 * rng.uniform()) * (a.max.y - a.min.y)});
  std::vector<EventPoint> ev(n);
  for (auto& e : ev) {
    Xy p{a.min.x + rng.uniform() * (a.max.x - a.min.x),
         a.min.y + rng.uniform() * (a.max.y - a.min.y)};
    if (rng.uniform() < 0.3) {
      const Xy h = hot[static_cast<std::size_t>(rng.uniform() * 8)];
      const double r = 200 * std::sqrt(-2 * std::log(rng.uniform())),
                   t = 6.283185307179586 * rng.uniform();
      p = {h.x + r * std::cos(t), h.y + r * std::sin(t)};
    }
    e = {1.0, a.projection.inverse(p)};
  }
  return ev;
}

struct Timings {
  double project_bin_s, weights_s, gi_s, total_s, full_map_s;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_geo_tool DIR CITY.toml [EVENTS]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::size_t n = argc > 3 ? std::stoul(argv[3]) : 1000000;
  auto city = load_city_file(argv[2]);
  if (!city) {
    std::fprintf(stderr, "%s\n", city.error().message.c_str());
    return 2;
  }
  const auto events = make_events(*city, n);
  {
    std::ofstream f(dir + "/lonlat.f64", std::ios::binary);
    for (const auto& e : events) {
      f.write(reinterpret_cast<const char*>(&e.where.lon), 8);
      f.write(reinterpret_cast<const char*>(&e.where.lat), 8);
    }
  }
  const Window w{0, 2};
  std::vector<Timings> runs;
  std::vector<double> counts;
  GiStar gi;
  std::size_t cells_n = 0;
  for (int rep = 0; rep < 5; ++rep) {
    Timings t{};
    const auto t0 = std::chrono::steady_clock::now();
    const Grid grid = *Grid::make(city->grid, city->cell_size_m);
    const StudyArea area = study_area(*city);
    const CellIndex cells(grid, area.min, area.max);
    counts = bin_counts(cells, area.projection, events, w);
    t.project_bin_s = seconds_since(t0);
    auto t1 = std::chrono::steady_clock::now();
    const Weights wts = kring_weights(cells, 1);
    t.weights_s = seconds_since(t1);
    t1 = std::chrono::steady_clock::now();
    gi = gi_star(counts, wts);
    t.gi_s = seconds_since(t1);
    t.total_s = seconds_since(t0);
    t1 = std::chrono::steady_clock::now();
    HotspotConfig cfg;
    cfg.privacy.k = 1;
    const auto map = compute_hotspots(*city, events, w, cfg);
    t.full_map_s = seconds_since(t1);
    cells_n = map->cells.size();
    runs.push_back(t);
    if (rep == 0) {
      std::ofstream z(dir + "/cpp_z.csv");
      z << "q,r,count,z\n";
      char line[128];
      for (std::size_t i = 0; i < cells.size(); ++i) {
        std::snprintf(line, sizeof line, "%d,%d,%.0f,%.17g\n", cells.cells()[i].a,
                      cells.cells()[i].b, counts[i], gi.z[i]);
        z << line;
      }
      std::ofstream g(dir + "/grid.txt");
      g.precision(17);
      g << city->centre.lon << " " << city->centre.lat << " " << city->cell_size_m << " "
        << area.min.x << " " << area.min.y << " " << area.max.x << " " << area.max.y << "\n";
    }
  }
  auto median = [&](double Timings::*m) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.*m);
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf(
      "{\"events\": %zu, \"cells\": %zu, \"cpp_project_bin_s\": %.4f, \"cpp_weights_s\": %.4f, "
      "\"cpp_gi_s\": %.4f, "
      "\"cpp_gi_map_s\": %.4f, \"cpp_full_map_s\": %.4f}\n",
      n, cells_n, median(&Timings::project_bin_s), median(&Timings::weights_s),
      median(&Timings::gi_s), median(&Timings::total_s), median(&Timings::full_map_s));
  return 0;
}
