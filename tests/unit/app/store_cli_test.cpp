// `citysafe store`: the real binary against a store the library filled.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "cli_runner.hpp"
#include "css/store/event_store.hpp"

namespace {

using css::testing::line_count;
using css::testing::run_citysafe;

css::Event event(int n, double t, const std::string& device) {
  css::Event e;
  std::array<std::uint8_t, 16> bytes{};
  bytes[0] = static_cast<std::uint8_t>(n);
  e.id = css::make_uuid_v4(bytes);
  e.device = device;
  e.seq = static_cast<std::uint64_t>(n);
  e.timestamp = t;
  e.probability = 0.9;
  e.lat = -23.55;
  e.lon = -46.63;
  e.model = "sha256:" + std::string(64, 'b');
  return e;
}

class StoreCli : public css::testing::TempDirTest {
 protected:
  std::string url() const { return "sqlite://" + (dir_ / "s.db").string(); }
  void fill() {
    auto s = css::store::open_store(url());
    ASSERT_TRUE(s.ok()) << s.error().message;
    std::vector<css::Event> events = {event(1, 1715982000, "a"), event(2, 1715985600, "b"),
                                      event(3, 1715989200, "a")};
    ASSERT_TRUE((*s)->append_events(events, 1715990000).ok());
  }
};

TEST_F(StoreCli, EventsPrintsJsonLinesAndPages) {
  fill();
  auto r = run_citysafe("store events --store " + url() + " --device a");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_EQ(line_count(r.out), 2) << r.out;
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);
  auto decoded = css::event_from_json(line);
  ASSERT_TRUE(decoded.ok()) << line;
  EXPECT_EQ(*decoded, event(1, 1715982000, "a"));

  r = run_citysafe("store events --store " + url() + " --limit 2 --from 2024-05-17T21:40:00Z");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto at = r.out.find("--after ");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string cursor = r.out.substr(at + 8, r.out.find('\n', at) - at - 8);
  r = run_citysafe("store events --store " + url() + " --limit 2 --after " + cursor);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(line_count(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("\"seq\":3"), std::string::npos) << r.out;
}

TEST_F(StoreCli, InfoCountsAndRetention) {
  fill();
  auto r = run_citysafe("store info --store " + url());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["events"], 3);
  EXPECT_EQ(j["schema_version"], css::store::current_schema_version());
  r = run_citysafe("store counts --by device --store " + url());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"count\":2,\"key\":\"a\"}\n{\"count\":1,\"key\":\"b\"}\n");
  // The events are from 2024: a one-day retention deletes them all.
  r = run_citysafe("store retention --days 1 --store " + url());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["deleted"]["events"], 3);
  r = run_citysafe("store info --store " + url());
  EXPECT_EQ(nlohmann::json::parse(r.out)["events"], 0);
}

TEST_F(StoreCli, BadInputExitsTwoNamingIt) {
  fill();
  const std::pair<std::string, std::string> cases[] = {
      {"store events --store " + url() + " --from yesterday", "--from"},
      {"store events --store " + url() + " --bbox 1,2,3", "--bbox"},
      {"store events --store " + url() + " --type mugging", "--type"},
      {"store events --store " + url() + " --after nonsense", "cursor"},
      {"store counts --store " + url() + " --by week", "--by"},
      {"store retention --store " + url() + " --days 0", "--days"},
      {"store info --store mysql://u:secret@h/db", "unknown scheme"},
      {"store info --store " + (dir_ / "missing.db").string(), "no database"},
  };
  for (const auto& [args, word] : cases) {
    auto r = run_citysafe(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find(word), std::string::npos) << args << "\n" << r.out;
    EXPECT_EQ(r.out.find("secret"), std::string::npos) << r.out;
  }
}

TEST_F(StoreCli, MigrateCreatesAndReports) {
  auto r = run_citysafe("store migrate --store " + url());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["from"], 0);
  EXPECT_EQ(j["to"], css::store::current_schema_version());
  r = run_citysafe("store migrate --store " + url());
  EXPECT_EQ(nlohmann::json::parse(r.out)["from"], css::store::current_schema_version());
}

}  // namespace
