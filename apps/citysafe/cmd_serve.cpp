// citysafe serve: the dashboard API and the dashboard over an event store (css::api on
// css::http). Runs until SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "cli_support.hpp"
#include "css/api/api.hpp"
#include "css/http/server.hpp"
#include "geo_support.hpp"

namespace css::cli {
namespace {

struct ServeArgs {
  api::ApiOptions api;
  std::string db = "sqlite://data/citysafe.db";
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string city;
  std::string web, npm;
  std::size_t max_body = 16 * 1024;
  std::size_t max_connections = 256;
  std::size_t threads = 0;  // 0: one per core
  std::size_t answer_cache_mb = 16;
};

void log_line(const std::string& line) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::cerr << stamp << " citysafe serve: " << line << std::endl;
}

// A folder given by flag, else the first of ./<name>, $CSS_SOURCE_DIR/<name> and the source
// tree this binary was built from that exists.
std::filesystem::path find_dir(const std::string& flag_value, const std::string& name) {
  if (!flag_value.empty()) return flag_value;
  std::vector<std::filesystem::path> candidates{name};
  if (const char* src = std::getenv("CSS_SOURCE_DIR"))
    candidates.emplace_back(std::filesystem::path(src) / name);
  candidates.emplace_back(std::filesystem::path(CSS_SOURCE_TREE) / name);
  std::error_code ec;
  for (const auto& c : candidates)
    if (std::filesystem::is_directory(c, ec)) return c;
  return {};
}

int run(ServeArgs a) {
  a.api.store_url = a.db;
  a.api.answer_cache_bytes = a.answer_cache_mb << 20;
  a.api.log = log_line;
  a.api.web_dir = find_dir(a.web, "web");
  a.api.npm_dir = find_dir(a.npm, "node_modules");
  if (!a.city.empty()) {  // the lookup of every --city (geo::find_city_file)
    auto file = geo::find_city_file(a.city, city_search_dirs());
    if (!file) return report(make_error(file.error().code, "--city: " + file.error().message));
    a.api.city_file = *file;
  }
  auto api = api::Api::create(a.api);
  if (!api) return report(api.error());
  http::ServerOptions so;
  so.address = a.bind;
  so.port = a.port;
  so.max_body_bytes = a.max_body;
  so.max_connections = a.max_connections;
  so.threads = a.threads;
  auto server = http::Server::start((*api)->router(), so);
  if (!server) return report(server.error());
  log_line(
      "serving " + a.db + " on http://" + a.bind + ":" + std::to_string((*server)->port()) +
      "/ (API /api/v1, docs /docs, OpenAPI /openapi.json), " +
      std::to_string(a.threads ? a.threads : std::max(1u, std::thread::hardware_concurrency())) +
      " I/O threads");
  const SignalFlags flags = install_signal_flags();
  while (!flags.stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  log_line("stopping");
  (*server)->stop();
  return kExitOk;
}

}  // namespace

void add_serve(CLI::App& root, Runner& run_cmd) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = root.add_subcommand(
      "serve",
      "Serve the dashboard API (/api/v1: events, hotspots, flows, devices, telemetry, stats,\n"
      "model, alerts, stream) and the dashboard (/) over an event store that `citysafe ingest`\n"
      "fills. Interactive docs at /docs, OpenAPI 3.1 at /openapi.json. Stops on SIGINT/SIGTERM.\n\n"
      "Routes other than /, /docs, /openapi.json and /health need a bearer token\n"
      "(`citysafe token create --scope read`) unless --allow-anonymous-read.\n\n"
      "Examples:\n"
      "  citysafe token create --tokens data/api-tokens --scope read --name dashboard\n"
      "  citysafe serve --db sqlite://data/citysafe.db --port 8080 --city sao-paulo\n"
      "  curl -H 'Authorization: Bearer css_…' 'http://127.0.0.1:8080/api/v1/events?limit=10'\n"
      "  citysafe serve --db data/citysafe.db --allow-anonymous-read --cors "
      "https://ops.example.org");
  cmd->add_option("--db", a->db, "Event store URL (sqlite:///abs/path.db, path.db, postgresql://…)")
      ->capture_default_str();
  cmd->add_option("--port", a->port, "TCP port (0 = any free port, printed in the log)")
      ->capture_default_str();
  cmd->add_option("--bind", a->bind,
                  "Address to listen on (0.0.0.0 = every interface; put TLS in front)")
      ->capture_default_str();
  cmd->add_option("--tokens", a->api.tokens_file, "Hashed token file (`citysafe token`)")
      ->default_str("data/api-tokens");
  a->api.tokens_file = "data/api-tokens";
  cmd->add_flag("--allow-anonymous-read", a->api.allow_anonymous_read,
                "Let requests without a token read everything (logged loudly at start)");
  cmd->add_option("--cors", a->api.cors_origins,
                  "Origin allowed to call the API from a browser (repeatable; '*' = any)");
  cmd->add_option("--rate-limit", a->api.rate_per_s,
                  "Requests/s per client IP, sustained (0 = off)")
      ->capture_default_str()
      ->check(finite_range(0.0, 1e6));
  cmd->add_option("--burst", a->api.rate_burst, "Requests per client IP allowed in a burst")
      ->capture_default_str()
      ->check(finite_range(1.0, 1e6));
  cmd->add_option("--max-body", a->max_body, "Largest request body in bytes (larger: 413)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 24));
  cmd->add_option("--max-connections", a->max_connections,
                  "Connections served at once (SSE clients count)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--threads", a->threads,
                  "I/O threads answering requests (0 = one per core, here " +
                      std::to_string(std::max(1u, std::thread::hardware_concurrency())) +
                      "); each holds its own store connection while it answers")
      ->capture_default_str()
      ->check(CLI::Range(0, 256));
  cmd->add_option("--answer-cache-mb", a->answer_cache_mb,
                  "Memory for repeated /api/v1/events pages, served while the SQLite store is "
                  "unchanged (exact: any commit empties it; 0 = off; PostgreSQL: never cached)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));
  cmd->add_option(
      "--city", a->city,
      "City for /api/v1/hotspots and /flows: a name in cities/ (sao-paulo) or a .toml file "
      "(default: none; those routes answer 503)");
  cmd->add_option("--web", a->web, "Dashboard folder (default: ./web, else the source tree's)");
  cmd->add_option("--npm", a->npm,
                  "node_modules with leaflet, chart.js, swagger-ui-dist (default: ./node_modules)");
  cmd->add_option(
      "--tile-url", a->api.tile_url,
      "Map tile URL template for the dashboard, e.g. http://tiles.local/{z}/{x}/{y}.png "
      "(default: none, hexes over a plain background)");
  cmd->add_option("--heartbeat-allowance", a->api.heartbeat_allowance_s,
                  "Seconds a device may stay silent before it is marked offline and alerted "
                  "(nodes send a heartbeat every 30 s by default)")
      ->capture_default_str()
      ->check(finite_range(1.0, 86400.0 * 30));
  cmd->add_option("--alert-webhook", a->api.alert_webhook,
                  "http://HOST[:PORT]/PATH to POST each fleet alert to as JSON (5 s timeout)");
  cmd->callback([a, &run_cmd] { run_cmd = [a] { return run(*a); }; });
}

}  // namespace css::cli
