// citysafe store: look after the event store (css::store; docs/storage.md) — info, migrate,
// retention, and events/counts as JSON lines.
#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/core/config.hpp"
#include "css/core/file_io.hpp"
#include "css/store/event_store.hpp"
#include "css/store/query_text.hpp"
#include "css/store/settings.hpp"
#include "css/store/store_url.hpp"

namespace css::cli {
namespace {

struct StoreOptions {
  std::optional<std::string> url;
  std::string config_file;
  std::vector<std::string> sets;
  // events / counts
  std::optional<std::string> from, to, type, device, bbox, after, by;
  std::size_t limit = 100;
  bool newest_first = false;
  // retention
  std::optional<int> days;
};

Result<store::StoreConfig> config_of(const StoreOptions& o) {
  Config cfg(store::store_settings());
  if (!o.config_file.empty())
    if (auto st = cfg.load_toml_file(o.config_file); !st) return st.error();
  for (const auto& s : o.sets)
    if (auto st = cfg.set_assignment(s); !st) return st.error();
  if (o.url) {
    if (auto url = store::parse_store_url(*o.url); !url)
      return make_error(url.error().code, "--store: " + url.error().message);
    if (auto st = cfg.set("store.url", *o.url); !st)
      return make_error(st.error().code, "--store: " + st.error().message);
  }
  return store::store_config_from(cfg);
}

// kRead: an existing store at this build's schema, read-only; kInspect: an existing store at
// any schema, not migrated; kCreate: created when absent, not migrated (migrate does it and
// reports); kModify: an existing store, migrated first.
enum class Access { kRead, kInspect, kCreate, kModify };

Result<std::unique_ptr<store::EventStore>> open(const StoreOptions& o, Access access) {
  auto cfg = config_of(o);
  if (!cfg) return cfg.error();
  store::OpenOptions open;
  open.read_only = access == Access::kRead;
  open.migrate = access == Access::kModify;
  open.create = access == Access::kCreate;
  open.busy_timeout_ms = cfg->busy_timeout_ms;
  return store::open_store(cfg->url, open);
}

Result<store::EventFilter> filter_of(const StoreOptions& o) {
  store::EventFilter f;
  const auto flag = [](const char* name, const Error& e) {
    return make_error(e.code, std::string(name) + ": " + e.message);
  };
  if (o.from) {
    auto t = store::parse_time(*o.from);
    if (!t) return flag("--from", t.error());
    f.from = *t;
  }
  if (o.to) {
    auto t = store::parse_time(*o.to);
    if (!t) return flag("--to", t.error());
    f.to = *t;
  }
  if (o.type) {
    auto k = store::parse_event_type(*o.type);
    if (!k) return flag("--type", k.error());
    f.type = *k;
  }
  if (o.bbox) {
    auto b = store::parse_bbox(*o.bbox);
    if (!b) return flag("--bbox", b.error());
    f.bbox = *b;
  }
  f.device = o.device;
  return f;
}

int print(const std::string& text) {
  std::cout << text << '\n';
  if (auto st = io::flush_stdout(); !st) return report(st.error());
  return kExitOk;
}

int run_info(const StoreOptions& o) {
  auto s = open(o, Access::kInspect);
  if (!s) return report(s.error());
  auto st = (*s)->stats();
  if (!st) return report(st.error());
  nlohmann::json j = {{"url", (*s)->url()},
                      {"backend", st->backend},
                      {"schema_version", st->schema_version},
                      {"schema_version_of_this_build", store::current_schema_version()},
                      {"events", st->events},
                      {"flows", st->flows},
                      {"telemetry", st->telemetry},
                      {"devices", st->devices},
                      {"dead_letters", st->dead_letters},
                      {"dead_letters_by_reason", st->dead_letters_by_reason}};
  j["oldest_event"] = st->oldest_event ? nlohmann::json(*st->oldest_event) : nlohmann::json();
  j["newest_event"] = st->newest_event ? nlohmann::json(*st->newest_event) : nlohmann::json();
  return print(j.dump());
}

int run_migrate(const StoreOptions& o) {
  auto s = open(o, Access::kCreate);
  if (!s) return report(s.error());
  auto before = (*s)->schema_version();
  if (!before) return report(before.error());
  auto after = (*s)->migrate();
  if (!after) return report(after.error());
  return print(nlohmann::json{{"url", (*s)->url()}, {"from", *before}, {"to", *after}}.dump());
}

int run_retention(const StoreOptions& o) {
  auto cfg = config_of(o);
  if (!cfg) return report(cfg.error());
  const int days = o.days.value_or(cfg->retention_days);
  auto s = open(o, Access::kModify);
  if (!s) return report(s.error());
  const double cutoff = static_cast<double>(std::time(nullptr)) - days * 86400.0;
  auto r = (*s)->delete_older_than(cutoff < 0 ? 0 : cutoff);
  if (!r) return report(r.error());
  return print(nlohmann::json{{"days", days},
                              {"cutoff", cutoff},
                              {"deleted",
                               {{"events", r->events},
                                {"flows", r->flows},
                                {"telemetry", r->telemetry},
                                {"statuses", r->statuses},
                                {"dead_letters", r->dead_letters}}}}
                   .dump());
}

int run_events(const StoreOptions& o) {
  auto filter = filter_of(o);
  if (!filter) return report(filter.error());
  auto s = open(o, Access::kRead);
  if (!s) return report(s.error());
  store::EventQuery q;
  q.filter = *filter;
  q.limit = o.limit;
  q.after = o.after;
  q.newest_first = o.newest_first;
  auto page = (*s)->events(q);
  if (!page) return report(page.error());
  for (const Event& e : page->events) std::cout << to_json(e) << '\n';
  if (page->next_cursor)
    std::cerr << "citysafe store events: more follow: --after " << *page->next_cursor << '\n';
  if (auto st = io::flush_stdout(); !st) return report(st.error());
  return kExitOk;
}

int run_counts(const StoreOptions& o) {
  auto filter = filter_of(o);
  if (!filter) return report(filter.error());
  auto by = store::parse_count_by(o.by.value_or("type"));
  if (!by) return report(make_error(by.error().code, "--by: " + by.error().message));
  auto s = open(o, Access::kRead);
  if (!s) return report(s.error());
  auto rows = (*s)->counts(*filter, *by);
  if (!rows) return report(rows.error());
  for (const auto& r : *rows)
    std::cout << nlohmann::json{{"key", r.key}, {"count", r.count}}.dump() << '\n';
  if (auto st = io::flush_stdout(); !st) return report(st.error());
  return kExitOk;
}

void add_store_flags(CLI::App* cmd, StoreOptions& o) {
  cmd->add_option("--store", o.url,
                  "Store URL (default store.url: sqlite://data/citysafe.db; docs/storage.md)");
  cmd->add_option("--config", o.config_file, "TOML file of store.* settings");
  cmd->add_option("--set", o.sets, "store.NAME=VALUE (see `citysafe config`); repeatable");
}

void add_filter_flags(CLI::App* cmd, StoreOptions& o) {
  cmd->add_option("--from", o.from, "Events at or after: Unix s or 2024-05-17T21:40:00Z (UTC)");
  cmd->add_option("--to", o.to, "Events before: Unix s or ISO 8601 UTC");
  cmd->add_option("--type", o.type, "sudden_displacement | forced_displacement");
  cmd->add_option("--device", o.device, "One device id");
  cmd->add_option("--bbox", o.bbox, "MIN_LON,MIN_LAT,MAX_LON,MAX_LAT (deg)");
}

}  // namespace

void add_store(CLI::App& root, Runner& run) {
  auto o = std::make_shared<StoreOptions>();
  auto* cmd = root.add_subcommand(
      "store",
      "Look after the event store: schema, counts, migrations, retention, queries.\n"
      "Examples: citysafe store info\n"
      "          citysafe store migrate --store sqlite:///var/lib/citysafe/events.db\n"
      "          citysafe store retention --days 30\n"
      "          citysafe store events --from 2024-05-17 --type sudden_displacement --limit 10\n"
      "          citysafe store counts --by hour --bbox -46.7,-23.6,-46.6,-23.5");
  cmd->require_subcommand(1);
  auto* info =
      cmd->add_subcommand("info", "Backend, schema version and row counts (one JSON line)");
  add_store_flags(info, *o);
  info->callback([o, &run] { run = [o] { return run_info(*o); }; });

  auto* migrate = cmd->add_subcommand(
      "migrate", "Bring the schema to this build's version, in place, keeping the data");
  add_store_flags(migrate, *o);
  migrate->callback([o, &run] { run = [o] { return run_migrate(*o); }; });

  auto* retention = cmd->add_subcommand(
      "retention", "Delete events, flows, telemetry, statuses and dead letters older than N days");
  add_store_flags(retention, *o);
  retention->add_option("--days", o->days, "Age limit in days (default store.retention_days = 90)")
      ->check(CLI::Range(1, 36500));
  retention->callback([o, &run] { run = [o] { return run_retention(*o); }; });

  auto* events = cmd->add_subcommand(
      "events",
      "Stored events as JSON lines, oldest first (the MQTT payload form). When more match than\n"
      "--limit, stderr names the --after cursor of the next page.");
  add_store_flags(events, *o);
  add_filter_flags(events, *o);
  events->add_option("--limit", o->limit, "Events per page, 1..10000")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  events->add_option("--after", o->after, "Cursor printed by the previous page");
  events->add_flag("--newest-first", o->newest_first, "Newest first");
  events->callback([o, &run] { run = [o] { return run_events(*o); }; });

  auto* counts = cmd->add_subcommand(
      "counts", "Event counts as JSON lines {\"key\",\"count\"}, grouped --by one key");
  add_store_flags(counts, *o);
  add_filter_flags(counts, *o);
  counts->add_option("--by", o->by, "type | device | hour | day | hour_of_day (UTC; default type)");
  counts->callback([o, &run] { run = [o] { return run_counts(*o); }; });
}

}  // namespace css::cli
