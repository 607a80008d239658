// The watchdog loop against a real health server, a dead port, and real /bin/sh actions.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "css/edge_health/routes.hpp"
#include "css/edge_health/watchdog.hpp"
#include "css/http/server.hpp"

namespace css::edge_health {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct Edge {
  explicit Edge(double failing_after_s) : state({failing_after_s, 1000}) {
    state.set_broker_connected(true);
    state.mark_inference();
    http::Router router;
    add_health_routes(router, state, probe);
    auto s = http::Server::start(std::move(router));
    EXPECT_TRUE(s);
    server = std::move(*s);
    url = "http://127.0.0.1:" + std::to_string(server->port()) + "/health";
  }
  HealthState state;
  SystemProbe probe{fs::temp_directory_path()};
  std::unique_ptr<http::Server> server;
  std::string url;
};

TEST(Watchdog, HealthyRuntimeNeverTriggers) {
  Edge edge(60);
  std::vector<std::string> lines;
  std::atomic<bool> stop{false};
  const auto s = run_watchdog({edge.url, 2, 0.01, 2, "exit 7", 5}, stop,
                              [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(s.polls, 5U);
  EXPECT_EQ(s.failures, 0U);
  EXPECT_EQ(s.actions, 0U);
  EXPECT_EQ(lines.size(), 2U);  // start and stop lines only
}

TEST(Watchdog, FailingRuntimeRunsActionOncePerStreak) {
  Edge edge(0.05);
  std::this_thread::sleep_for(100ms);  // no inference for > 0.05 s: "failing", HTTP 503
  const fs::path marker = fs::temp_directory_path() / ("css-wd-" + std::to_string(::getpid()));
  fs::remove(marker);
  std::vector<std::string> lines;
  std::atomic<bool> stop{false};
  const auto s = run_watchdog({edge.url, 3, 0.01, 2, "echo restarted >> " + marker.string(), 7},
                              stop, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(s.failures, 7U);
  EXPECT_EQ(s.actions, 2U);  // after polls 3 and 6
  EXPECT_EQ(slurp(marker), "restarted\nrestarted\n");
  EXPECT_NE(lines[1].find("failure 1/3: HTTP 503 (status failing)"), std::string::npos) << lines[1];
  fs::remove(marker);
}

TEST(Watchdog, DeadPortIsAFailureNamingTheUrl) {
  Edge edge(60);
  const std::string dead_url = edge.url;
  edge.server->stop();
  const auto p = poll_health(dead_url, 0.5);
  EXPECT_FALSE(p.healthy);
  EXPECT_NE(p.detail.find(dead_url), std::string::npos) << p.detail;
}

TEST(Watchdog, StopFlagEndsTheLoopPromptly) {
  Edge edge(60);
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(200ms);
    stop = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  const auto s = run_watchdog({edge.url, 3, 30, 2, "", 0}, stop, [](const std::string&) {});
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(s.polls, 1U);
}

TEST(Watchdog, ActionExitStatus) {
  EXPECT_EQ(run_action("exit 0"), 0);
  EXPECT_EQ(run_action("exit 3"), 3);
  EXPECT_EQ(run_action("kill -TERM $$"), 128 + 15);
}

// The bounded form (`citysafe update`'s restart command): a hang ends in SIGTERM, and a
// command that ignores SIGTERM in SIGKILL 2 s later.
TEST(Watchdog, BoundedActionIsStoppedAfterItsTimeout) {
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(run_action("sleep 30", 0.3), 128 + 15);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(run_action("exit 7", 5), 7);
  EXPECT_EQ(run_action("trap '' TERM; sleep 30", 0.3), 128 + 9);
}

}  // namespace
}  // namespace css::edge_health
