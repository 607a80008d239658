// open_store and the EventStore conveniences (event_store.hpp).
#include "css/store/event_store.hpp"

#include "backends.hpp"
#include "sqlite/schema.hpp"

namespace css::store {

Result<AppendResult> EventStore::append_events(std::span<const Event> events, double received_at) {
  Batch batch;
  batch.events.assign(events.begin(), events.end());
  batch.received_at = received_at;
  return append(batch);
}

int current_schema_version() {
  return sqlite::migrations().back().version;
}

Result<std::unique_ptr<EventStore>> open_store(std::string_view url, const OpenOptions& options) {
  auto parsed = parse_store_url(url);
  if (!parsed) return parsed.error();
  if (options.busy_timeout_ms < 0)
    return make_error(ErrorCode::kInvalidArgument, "busy_timeout_ms must be >= 0");
  switch (parsed->backend) {
    case Backend::kSqlite:
      return open_sqlite_store(*parsed, options);
    case Backend::kPostgres:
      return open_postgres_store(*parsed, options);
  }
  return make_error(ErrorCode::kUnsupported,
                    "store URL '" + parsed->redacted + "': unknown backend");
}

}  // namespace css::store
