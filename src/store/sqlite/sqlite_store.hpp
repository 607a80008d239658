// The SQLite backend of EventStore (private to css_store; docs/storage.md). One connection per
// object; WAL journal with synchronous=FULL so a returned append survives power loss; every
// statement prepared once and cached; one BEGIN IMMEDIATE transaction per batch.
#pragma once

#include <memory>
#include <string>

#include "css/store/event_store.hpp"
#include "db.hpp"

namespace css::store::sqlite {

class SqliteStore final : public EventStore {
 public:
  SqliteStore(std::unique_ptr<Db> db, std::string redacted_url)
      : db_(std::move(db)), url_(std::move(redacted_url)) {}

  std::string_view backend() const override { return "sqlite"; }
  const std::string& url() const override { return url_; }
  Result<int> schema_version() override;
  Result<int> migrate() override;
  Result<AppendResult> append(const Batch& batch) override;
  Result<RetentionResult> delete_older_than(double cutoff) override;
  Result<EventPage> events(const EventQuery& query) override;
  Result<std::vector<GridCount>> grid_counts(const GridQuery& query) override;
  Result<std::vector<CountRow>> counts(const EventFilter& filter, CountBy by) override;
  Result<std::vector<FlowSummary>> flows(const WindowQuery& query) override;
  Result<std::vector<TelemetryRecord>> telemetry(const WindowQuery& query) override;
  Result<std::vector<DeviceStatus>> device_statuses() override;
  Result<std::vector<DeadLetter>> dead_letters(std::size_t limit,
                                               std::optional<std::int64_t> before_id) override;
  Result<StoreStats> stats() override;
  Result<std::optional<std::uint64_t>> change_counter() override;

 private:
  Result<AppendResult> append_in_transaction(const Batch& batch);
  Db& db() { return *db_; }

  std::unique_ptr<Db> db_;
  std::string url_;
};

// Runs f() inside BEGIN IMMEDIATE … COMMIT; rolls back when f fails.
template <typename F>
auto in_transaction(Db& db, F&& f) -> decltype(f()) {
  if (auto st = db.exec("BEGIN IMMEDIATE"); !st) return st.error();
  auto result = f();
  if (!result) {
    (void)db.exec("ROLLBACK");
    return result;
  }
  if (auto st = db.exec("COMMIT"); !st) {
    (void)db.exec("ROLLBACK");
    return st.error();
  }
  return result;
}

}  // namespace css::store::sqlite
