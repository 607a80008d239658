// citysafe serve: the dashboard API and the dashboard over an event store (css::api on
// css::http). Runs until SIGINT/SIGTERM. Settings: api.* and store.url (TOML --config, --set,
// and the flags below, which stand for them), listed by `citysafe config`.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli_support.hpp"
#include "css/api/api.hpp"
#include "css/api/settings.hpp"
#include "css/core/config.hpp"
#include "css/core/settings.hpp"
#include "css/http/server.hpp"
#include "css/store/settings.hpp"
#include "geo_support.hpp"

namespace css::cli {
namespace {

constexpr std::array kAliases = {
    FlagAlias{"--db", "store.url"},
    FlagAlias{"--port", "api.port"},
    FlagAlias{"--bind", "api.bind"},
    FlagAlias{"--tls-cert", "api.tls_cert"},
    FlagAlias{"--tls-key", "api.tls_key"},
    FlagAlias{"--tokens", "api.tokens"},
    FlagAlias{"--rate-limit", "api.rate_limit"},
    FlagAlias{"--burst", "api.burst"},
    FlagAlias{"--max-body", "api.max_body"},
    FlagAlias{"--max-connections", "api.max_connections"},
    FlagAlias{"--threads", "api.threads"},
    FlagAlias{"--answer-cache-mb", "api.answer_cache_mb"},
    FlagAlias{"--city", "api.city"},
    FlagAlias{"--tile-url", "api.tile_url"},
    FlagAlias{"--heartbeat-allowance", "api.heartbeat_allowance_s"},
    FlagAlias{"--alert-webhook", "api.alert_webhook"},
};

struct ServeArgs {
  std::string config_file;
  std::vector<std::string> sets;
  std::array<std::optional<std::string>, kAliases.size()> alias_values;
  bool allow_anonymous_read = false;
  std::vector<std::string> cors_origins;
  std::string web, npm;
};

std::array<SettingsTable, 2> serve_tables() {
  return {SettingsTable{"api", "src/api/settings.cpp", "`citysafe serve`", api::api_settings()},
          SettingsTable{"store", "src/store/settings.cpp", "`citysafe serve`",
                        store::store_settings()}};
}

// The file, then --set, then the flags: later sources override earlier ones.
Result<api::ServeOptions> collect(const ServeArgs& a, std::string& db) {
  const auto tables = serve_tables();
  Config cfg(concat_settings(tables));
  if (!a.config_file.empty())
    if (auto st = cfg.load_toml_file(a.config_file); !st) return st.error();
  for (const auto& s : a.sets)
    if (auto st = cfg.set_assignment(s); !st) return st.error();
  if (auto st = apply_aliases(cfg, kAliases, a.alias_values); !st) return st.error();
  if (a.allow_anonymous_read)
    if (auto st = cfg.set("api.allow_anonymous_read", "true"); !st) return st.error();
  auto store = store::store_config_from(cfg);
  if (!store) return name_flag(store.error(), kAliases);
  db = store->url;
  api::ServeOptions o = api::serve_options_from(cfg);
  o.api.cors_origins = a.cors_origins;
  return o;
}

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

int run(const ServeArgs& args) {
  std::string db;
  auto a = collect(args, db);
  if (!a) return report(a.error());
  // Bad TLS files are bad flags: refused before the store or anything else is opened.
  const http::ServerOptions server_opts = api::server_options(*a);
  if (server_opts.tls.enabled())
    if (auto st = http::check_tls(server_opts.tls); !st)
      return report(name_flag(st.error(), kAliases));
  a->api.store_url = db;
  a->api.log = log_line;
  a->api.web_dir = find_dir(args.web, "web");
  a->api.npm_dir = find_dir(args.npm, "node_modules");
  if (!a->city.empty()) {  // the lookup of every --city (geo::find_city_file)
    auto file = geo::find_city_file(a->city, city_search_dirs());
    if (!file) return report(make_error(file.error().code, "--city: " + file.error().message));
    a->api.city_file = *file;
  }
  auto api = api::Api::create(a->api);
  if (!api) return report(api.error());
  auto server = http::Server::start((*api)->router(), server_opts);
  if (!server) return report(name_flag(server.error(), kAliases));
  const std::size_t threads =
      a->threads ? a->threads : std::max(1u, std::thread::hardware_concurrency());
  const std::string scheme = server_opts.tls.enabled() ? "https" : "http";
  log_line("serving " + db + " on " + scheme + "://" + a->bind + ":" +
           std::to_string((*server)->port()) +
           "/ (API /api/v1, docs /docs, OpenAPI /openapi.json), " + std::to_string(threads) +
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
      "Settings: api.* and store.url (`citysafe config`), from --config FILE ([api], [store]),\n"
      "then --set NAME=VALUE, then the flags below, later ones winning.\n\n"
      "Examples:\n"
      "  citysafe token create --tokens data/api-tokens --scope read --name dashboard\n"
      "  citysafe serve --db sqlite://data/citysafe.db --port 8080 --city sao-paulo\n"
      "  curl -H 'Authorization: Bearer css_…' 'http://127.0.0.1:8080/api/v1/events?limit=10'\n"
      "  citysafe serve --db data/citysafe.db --allow-anonymous-read --cors "
      "https://ops.example.org\n"
      "  citysafe serve --config serve.toml --set api.rate_limit=50\n\n"
      "HTTPS: --tls-cert and --tls-key (PEM; both or neither) make the port HTTPS only\n"
      "(TLS 1.2+, no plain HTTP on it). Use them whenever --bind is not 127.0.0.1:\n"
      "  deploy/certs/make-certs.sh certs --server-name ops.example.org\n"
      "  citysafe serve --db data/citysafe.db --bind 0.0.0.0 --port 8443 \\\n"
      "      --tls-cert certs/server.pem --tls-key certs/server.key\n"
      "  curl --cacert certs/ca.pem -H 'Authorization: Bearer css_…' "
      "https://localhost:8443/health");
  for (std::size_t i = 0; i < kAliases.size(); ++i) {
    auto* opt = cmd->add_option(kAliases[i].flag, a->alias_values[i],
                                setting_help(serve_tables(), kAliases[i].setting));
    // NaN and inf fail here, in CLI11's words, before the setting's own range check.
    const std::string_view flag(kAliases[i].flag);
    if (flag == "--rate-limit") opt->check(finite_range(0.0, 1e6));
    if (flag == "--burst") opt->check(finite_range(1.0, 1e6));
    if (flag == "--heartbeat-allowance") opt->check(finite_range(1.0, 86400.0 * 30));
  }
  cmd->add_flag("--allow-anonymous-read", a->allow_anonymous_read,
                "Let requests without a token read everything (logged loudly at start; "
                "api.allow_anonymous_read)");
  cmd->add_option("--cors", a->cors_origins,
                  "Origin allowed to call the API from a browser (repeatable; '*' = any)");
  cmd->add_option("--web", a->web, "Dashboard folder (default: ./web, else the source tree's)");
  cmd->add_option("--npm", a->npm,
                  "node_modules with leaflet, chart.js, swagger-ui-dist (default: ./node_modules)");
  cmd->add_option("--config", a->config_file, "TOML file of api.* and store.* settings");
  cmd->add_option("--set", a->sets, "NAME=VALUE of an api.* or store.* setting; repeatable");
  cmd->callback([a, &run_cmd] { run_cmd = [a] { return run(*a); }; });
}

}  // namespace css::cli
