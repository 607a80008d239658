// The geo commands of the real binary: simulate-city → hotspots / flows, import-events, and
// bad input refused with exit 2 and one line naming it; the same maps from files and from a
// store (a SQLite file in the test's temp dir).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace {

using css::testing::run_citysafe;

class GeoCli : public css::testing::TempDirTest {
 protected:
  std::string p(const char* name) const { return (dir_ / name).string(); }
  static std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(GeoCli, SimulateThenMapHotspotsAndFlows) {
  auto r = run_citysafe(
      "simulate-city --city sao-paulo --devices 40 --days 8 --hotspots 5 --seed 3 --out " +
      p("e.jsonl") + " --flows-out " + p("f.jsonl") + " --truth-out " + p("truth.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_citysafe("hotspots --events " + p("e.jsonl") + " --city sao-paulo --window 7d --out " +
                   p("h.geojson") + " --profile-out " + p("profile.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto fc = nlohmann::json::parse(read(p("h.geojson")));
  EXPECT_EQ(fc.at("type"), "FeatureCollection");
  int hot = 0;
  for (const auto& f : fc.at("features")) hot += f.at("properties").at("bin").get<int>() >= 2;
  EXPECT_GT(hot, 0) << r.out;
  EXPECT_EQ(css::testing::line_count(read(p("profile.csv"))), 8);
  r = run_citysafe("hotspots --events " + p("e.jsonl") + " --window 24h --format csv --out " +
                   p("h.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(read(p("h.csv")).rfind("cell,lon,lat,count,rate,density_km2,z,p,bin,class\n", 0), 0u);
  r = run_citysafe("flows --flows " + p("f.jsonl") + " --window 1h --out " + p("fl.geojson") +
                   " --anomalies-out " + p("an.csv") + " --k 1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(nlohmann::json::parse(read(p("fl.geojson"))).at("features").empty());
  EXPECT_NE(r.out.find("cell tests (BH FDR q = 0.05)"), std::string::npos) << r.out;
  EXPECT_EQ(read(p("an.csv")).rfind("cell,lon,lat,metric,value,median,mad,robust_z,p\n", 0), 0u);
  const auto with_fdr = css::testing::line_count(read(p("an.csv")));
  r = run_citysafe("flows --flows " + p("f.jsonl") + " --window 1h --out " + p("fl.geojson") +
                   " --anomalies-out " + p("an.csv") + " --k 1 --no-fdr");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("cell tests (no FDR correction)"), std::string::npos) << r.out;
  EXPECT_GE(css::testing::line_count(read(p("an.csv"))), with_fdr);
  // The same settings from a [geo.flows] file and --set (geo.flows.*), the flags winning.
  std::ofstream(p("flows.toml")) << "[geo.flows]\nwindow = \"1h\"\nk = 1\nfdr = false\n";
  r = run_citysafe("flows --flows " + p("f.jsonl") + " --config " + p("flows.toml") + " --out " +
                   p("fl.geojson") + " --anomalies-out " + p("an.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("k = 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cell tests (no FDR correction)"), std::string::npos) << r.out;
  r = run_citysafe("flows --flows " + p("f.jsonl") + " --config " + p("flows.toml") +
                   " --set geo.flows.fdr=true --fdr-q 0.2 --k 2 --out " + p("fl.geojson") +
                   " --anomalies-out " + p("an.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("k = 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cell tests (BH FDR q = 0.2)"), std::string::npos) << r.out;
}

// simulate-city writes the same events and flows to files and into a store; hotspots and flows
// from the store are byte for byte those from the files (the window, the positions, every
// statistic), and a second run into the same store only finds duplicates.
TEST_F(GeoCli, StoreGivesTheSameMapsAsFiles) {
  const std::string db = "sqlite://" + p("city.db");
  const std::string sim =
      "simulate-city --city sao-paulo --devices 30 --days 8 --hotspots 3 "
      "--seed 5 --db " +
      db;
  auto r = run_citysafe(sim + " --out " + p("e.jsonl") + " --flows-out " + p("f.jsonl") +
                        " --positions-out " + p("nodes.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("0 already there"), std::string::npos) << r.out;
  for (const std::string& args : {std::string("--window 7d --out "),
                                  std::string("--window 24h --until 2026-11-08T12:00:00 --out ")}) {
    r = run_citysafe("hotspots --events " + p("e.jsonl") + " " + args + p("from-file.geojson"));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const std::string file_summary = r.out.substr(0, r.out.find("->"));
    r = run_citysafe("hotspots --db " + db + " " + args + p("from-db.geojson"));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out.substr(0, r.out.find("->")), file_summary);
    const std::string map = read(p("from-db.geojson"));
    EXPECT_EQ(map, read(p("from-file.geojson"))) << args;
    EXPECT_GT(nlohmann::json::parse(map).at("features").size(), 0u);
  }
  r = run_citysafe("flows --flows " + p("f.jsonl") + " --window 24h --k 1 --out " + p("ff.csv") +
                   " --anomalies-out " + p("fa.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_citysafe("flows --db " + db + " --device-positions " + p("nodes.csv") +
                   " --window 24h --k 1 --out " + p("fd.csv") + " --anomalies-out " + p("da.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_GT(css::testing::line_count(read(p("fd.csv"))), 1);
  EXPECT_EQ(read(p("fd.csv")), read(p("ff.csv")));
  EXPECT_EQ(read(p("da.csv")), read(p("fa.csv")));
  // Without positions, each device sits at its newest event; devices that never sent one (the
  // simulator gives some nodes no events) are left out and said so.
  r = run_citysafe("flows --db " + db + " --window 24h --k 1 --out " + p("fe.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_GT(css::testing::line_count(read(p("fe.csv"))), 1);
  r = run_citysafe(sim);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(": 0 events and 0 flow summaries stored"), std::string::npos) << r.out;
}

// Zone-less times are local in the --city's time zone: 2024-05-17 11:03 is UTC−3, 2018-11-15
// 10:00 was UTC−2 (daylight saving time, abolished in 2019). Without the zone in $TZDIR the
// city's fixed utc_offset_h is used, with a warning; --utc-offset overrides both.
TEST_F(GeoCli, ImportEventsFromCsv) {
  std::ofstream(p("in.csv")) << "LATITUDE;LONGITUDE;DATA\n-23,5503;-46,6339;17/05/2024 11:03\n"
                                ";;17/05/2024 12:00\n-23,5503;-46,6339;15/11/2018 10:00\n";
  const std::string cmd = "import-events --csv " + p("in.csv") +
                          " --lat-col LATITUDE --lon-col LONGITUDE --time-col DATA --city "
                          "sao-paulo --out " +
                          p("e.jsonl");
  auto times = [&] {
    std::vector<double> t;
    std::istringstream in(read(p("e.jsonl")));
    for (std::string line; std::getline(in, line);)
      t.push_back(nlohmann::json::parse(line).at("timestamp").get<double>());
    return t;
  };
  auto r = run_citysafe(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("1 rows without latitude/longitude skipped"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("warning"), std::string::npos) << r.out;
  const std::string lines = read(p("e.jsonl"));
  EXPECT_EQ(nlohmann::json::parse(lines.substr(0, lines.find('\n'))).at("lat"), -23.5503);
  EXPECT_EQ(times(), (std::vector<double>{1715954580.0, 1542283200.0}));
  std::filesystem::create_directories(dir_ / "zoneinfo/America");
  ::setenv("TZDIR", (dir_ / "zoneinfo").c_str(), 1);
  r = run_citysafe(cmd);
  ::unsetenv("TZDIR");
  std::filesystem::remove_all(dir_ / "zoneinfo");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("using the fixed utc_offset_h = -3"), std::string::npos) << r.out;
  EXPECT_EQ(times(), (std::vector<double>{1715954580.0, 1542283200.0 + 3600}));
  r = run_citysafe(cmd + " --utc-offset 0");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(times(), (std::vector<double>{1715943780.0, 1542276000.0}));
}

TEST_F(GeoCli, BadInputIsExitTwoWithOneLine) {
  std::ofstream(p("e.jsonl")) << "{\"schema\":1}\n";
  for (const std::string& args :
       {"hotspots --events " + p("e.jsonl") + " --out " + p("h.geojson"),
        "hotspots --events " + p("missing.jsonl") + " --out " + p("h.geojson"),
        "hotspots --events " + p("e.jsonl") + " --window 7w --out " + p("h.geojson"),
        "hotspots --events " + p("e.jsonl") + " --city atlantis --out " + p("h.geojson"),
        "hotspots --events " + p("e.jsonl") + " --out " + p("e.jsonl"),
        "hotspots --out " + p("h.geojson"),
        "hotspots --events " + p("e.jsonl") + " --db " + p("x.db") + " --out " + p("h.geojson"),
        "hotspots --db " + p("missing.db") + " --out " + p("h.geojson"),
        "hotspots --db " + p("e.jsonl") + " --out " + p("h.geojson"),
        "flows --db sqlite://" + p("missing.db") + " --out " + p("fl.geojson"),
        "flows --flows " + p("e.jsonl") + " --set geo.flows.k=0 --out " + p("fl.geojson"),
        "flows --flows " + p("e.jsonl") + " --cell-size 5 --out " + p("fl.geojson"),
        "flows --flows " + p("e.jsonl") + " --fdr-q 1 --out " + p("fl.geojson"),
        "flows --flows " + p("e.jsonl") + " --set geo.flows.speed=1 --out " + p("fl.geojson"),
        std::string("simulate-city --devices 3"), "simulate-city --devices 0 --out " + p("x.jsonl"),
        "import-events --csv " + p("e.jsonl") + " --lat-col a --lon-col b --time-col c --out " +
            p("y.jsonl")}) {
    const auto r = run_citysafe(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
    EXPECT_EQ(css::testing::line_count(r.out), 1) << args << "\n" << r.out;
  }
  EXPECT_EQ(files_in_dir(), 1u) << "nothing written on bad input";
}

}  // namespace
