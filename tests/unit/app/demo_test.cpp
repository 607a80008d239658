// `citysafe demo` end to end (issue 21 item 1), the real binary with its real children
// (Mosquitto over TLS, ingest, serve, simulate-city, edge, the artefact commands):
//  - a --duration run exits 0 with every artefact written and non-empty (events in the
//    SQLite file, GeoJSON that parses, figures, whitepaper, checklist), and afterwards none of
//    the pids it printed runs and the broker port no longer accepts;
//  - SIGINT in the middle (while the nodes publish) stops everything too, with exit 0;
//  - --out naming a file, or a --port in use, is refused with exit 2 before anything starts.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.hpp"
#include "css/store/event_store.hpp"
#include "process.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using css::testing::TempDirTest;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts `citysafe demo ARGS` with stdout + stderr to `log`; the pid.
pid_t start_demo(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv_s{CSS_CITYSAFE_BIN, "demo"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// Waits up to timeout_ms for the demo; its exit code, or -1 (then it is killed and reaped).
int finish(pid_t pid, int timeout_ms) {
  const int status = css::testing::wait_bounded(pid, timeout_ms);
  if (status == -1) {
    ::kill(pid, SIGKILL);
    int ignored = 0;
    ::waitpid(pid, &ignored, 0);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Every "pid N" the demo printed for the children it started.
std::vector<pid_t> printed_pids(const std::string& out) {
  std::vector<pid_t> pids;
  const std::regex re("started, pid ([0-9]+)");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator();
       ++it) {
    pids.push_back(static_cast<pid_t>(std::stol((*it)[1])));
  }
  return pids;
}

std::uint16_t broker_port(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("Mosquitto .* on 127\\.0\\.0\\.1:([0-9]+)"))) return 0;
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

// Nothing the demo started runs any more and the broker port is closed.
void expect_nothing_left(const std::string& out) {
  const auto pids = printed_pids(out);
  EXPECT_EQ(pids.size(), 3u) << out;  // mosquitto, ingest, serve
  for (pid_t pid : pids) {
    EXPECT_TRUE(::kill(pid, 0) == -1 && errno == ESRCH) << "pid " << pid << " still runs\n" << out;
  }
  const std::uint16_t port = broker_port(out);
  ASSERT_NE(port, 0) << out;
  EXPECT_FALSE(css::testing::accepts(port)) << "the broker port still accepts\n" << out;
  EXPECT_NE(out.find("nothing left running"), std::string::npos) << out;
}

void expect_nonempty(const fs::path& p) {
  std::error_code ec;
  EXPECT_TRUE(fs::is_regular_file(p, ec)) << p;
  EXPECT_GT(fs::file_size(p, ec), 0u) << p;
}

using DemoTest = TempDirTest;

TEST_F(DemoTest, DurationRunWritesEveryArtefactAndLeavesNothingRunning) {
  const fs::path out = dir_ / "city";
  const pid_t pid =
      start_demo({"--duration", "25", "--nodes", "4", "--out", out.string()}, dir_ / "demo.log");
  ASSERT_GT(pid, 0);
  const int code = finish(pid, 85'000);
  const std::string log = slurp(dir_ / "demo.log");
  ASSERT_EQ(code, 0) << log;

  // Events reached SQLite through Mosquitto and ingest: simulated nodes and the edge node.
  auto store = css::store::open_store("sqlite://" + (out / "citysafe.db").string(),
                                      {.read_only = true, .migrate = false, .create = false});
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto stats = (*store)->stats();
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_GE(stats->events, 1u);
  EXPECT_EQ(stats->devices, 5u) << "4 simulated nodes and demo-edge-1";

  for (const char* name : {"hotspots.geojson", "flows.geojson"}) {
    const auto doc = nlohmann::json::parse(slurp(out / name), nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << name << " is not JSON";
    EXPECT_EQ(doc.value("type", ""), "FeatureCollection") << name;
    EXPECT_TRUE(doc.contains("features") && doc["features"].is_array()) << name;
  }
  EXPECT_FALSE(nlohmann::json::parse(slurp(out / "hotspots.geojson"))["features"].empty());
  // Issue 17: the demo says where to open the hot spot map.
  EXPECT_NE(log.find("or open " + (out / "hotspots.geojson").string() + " in QGIS"),
            std::string::npos)
      << log;
  for (const char* name : {"whitepaper.pdf", "checklist.pdf"}) {
    expect_nonempty(out / name);
    EXPECT_EQ(slurp(out / name).substr(0, 5), "%PDF-") << name;
  }
  expect_nonempty(out / "checklist.md");
  for (const char* fig : {"hotspots.pdf", "hotspots.png", "confusion.png", "training.png"})
    expect_nonempty(out / "figures" / fig);
  // The URL and every artefact path are printed.
  EXPECT_NE(log.find("dashboard: http://127.0.0.1:"), std::string::npos) << log;
  EXPECT_NE(log.find("/#token=css_"), std::string::npos) << log;
  EXPECT_NE(log.find("read token: css_"), std::string::npos) << log;
  EXPECT_NE(log.find((out / "whitepaper.pdf").string()), std::string::npos) << log;
  expect_nothing_left(log);
}

TEST_F(DemoTest, SigintMidRunStopsEveryChildAndExitsZero) {
  const fs::path out = dir_ / "city";
  const pid_t pid = start_demo({"--nodes", "2", "--out", out.string()}, dir_ / "demo.log");
  ASSERT_GT(pid, 0);
  // Until serve is up (the nodes are next): then Ctrl-C, as a user would.
  bool up = false;
  for (int waited = 0; waited < 60'000 && !up; waited += 100) {  // bounded: 60 s
    up = slurp(dir_ / "demo.log").find("serve started, pid") != std::string::npos;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(up) << slurp(dir_ / "demo.log");
  ::kill(pid, SIGINT);
  const int code = finish(pid, 30'000);
  const std::string log = slurp(dir_ / "demo.log");
  EXPECT_EQ(code, 0) << log;
  EXPECT_NE(log.find("stop requested"), std::string::npos) << log;
  expect_nothing_left(log);
}

TEST_F(DemoTest, OutNamingAFileIsRefusedBeforeAnythingStarts) {
  const fs::path file = dir_ / "taken";
  std::ofstream(file) << "keep me\n";
  const auto r = css::testing::run_citysafe("demo --duration 1 --out " + file.string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--out"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(file), "keep me\n");
}

}  // namespace

TEST_F(DemoTest, PortInUseIsRefusedBeforeAnythingStarts) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  const auto r =
      css::testing::run_citysafe("demo --port " + port + " --out " + (dir_ / "city").string());
  ::close(fd);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--port: 127.0.0.1:" + port + " is in use"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "city")) << "nothing started, nothing written";
}
