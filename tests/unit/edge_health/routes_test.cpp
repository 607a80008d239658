// /health and /metrics through the real server and client.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "css/edge_health/routes.hpp"
#include "css/http/client.hpp"
#include "css/http/server.hpp"

namespace css::edge_health {
namespace {

using namespace std::chrono_literals;

TEST(HealthRoutes, HealthJsonHasEveryFieldAndStatusCode) {
  HealthState state({/*failing_after_s=*/0.3, 1000});
  state.set_broker_connected(true);
  state.set_model("tcn-v3.csm");
  state.mark_inference();
  SystemProbe probe(std::filesystem::temp_directory_path());
  http::Router router;
  add_health_routes(router, state, probe);
  auto server = http::Server::start(std::move(router));
  ASSERT_TRUE(server);
  const std::string url = "http://127.0.0.1:" + std::to_string((*server)->port());
  auto r = http::get(url + "/health", 2000ms);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  for (const char* key :
       {"\"status\":\"ok\"", "\"uptime_s\":", "\"cpu_pct\":", "\"mem_pct\":", "\"disk_pct\":",
        "\"broker_connected\":true", "\"spool_depth\":0",
        "\"spool_bytes\":", "\"last_inference_age_s\":", "\"model\":\"tcn-v3.csm\""})
    EXPECT_NE(r->body.find(key), std::string::npos) << key << " in " << r->body;
  std::this_thread::sleep_for(400ms);  // past failing_after_s with no inference
  r = http::get(url + "/health", 2000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("\"status\":\"failing\""), std::string::npos);
}

TEST(HealthRoutes, MetricsAreWellFormedExposition) {
  HealthState state;
  state.add_samples(123);
  state.add_publishes(7);
  state.set_spool(3, 4096);
  SystemProbe probe(std::filesystem::temp_directory_path());
  const std::string text = metrics_text(state.snapshot(), probe.sample());
  EXPECT_NE(text.find("# TYPE citysafe_samples_total counter\ncitysafe_samples_total 123\n"),
            std::string::npos);
  EXPECT_NE(text.find("citysafe_publishes_total 7\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE citysafe_spool_bytes gauge\ncitysafe_spool_bytes 4096\n"),
            std::string::npos);
  // Every sample line is preceded by its HELP and TYPE, names are [a-z_], values parse.
  std::istringstream in(text);
  std::string line, help, type;
  int samples = 0;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      help = line;
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      type = line;
      continue;
    }
    const std::string name = line.substr(0, line.find(' '));
    EXPECT_EQ(help.find("# HELP " + name + " "), 0U) << line;
    EXPECT_EQ(type.find("# TYPE " + name + " "), 0U) << line;
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    const std::string value = line.substr(line.find(' ') + 1);
    EXPECT_TRUE(value == "NaN" || std::strtod(value.c_str(), nullptr) >= 0) << line;
    ++samples;
  }
  EXPECT_EQ(samples, 16);
}

}  // namespace
}  // namespace css::edge_health
