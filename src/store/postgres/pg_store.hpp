// The PostgreSQL/PostGIS backend of EventStore (private to css_store; docs/storage.md,
// "PostgreSQL"). One libpqxx connection per object; every statement is prepared once per
// connection (cached by its SQL text); one transaction per batch, retried on a deadlock or a
// serialization failure (a batch is idempotent, so a retry cannot double-store). Events, flow
// summaries and telemetry each go in as one multi-row upsert per batch (arrays unnested
// server-side, ON CONFLICT DO NOTHING);
// their position is also a geography(Point) with a GiST index that bounding-box queries use.
#pragma once

#include <pqxx/pqxx>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "css/store/event_store.hpp"
#include "css/store/store_url.hpp"

namespace css::store::pg {

// Statement parameters in libpq's text form ($1, $2, … in order of add()).
class Params {
 public:
  void add(double value);
  void add(std::int64_t value);
  void add(std::string_view text);  // repaired to valid UTF-8 without NUL (PostgreSQL text)
  void add(const std::optional<double>& value);
  void add_bytes(std::string_view bytes);  // bytea
  void add_raw(std::string text);          // already in PostgreSQL's input form (arrays)
  // The placeholder the next add() fills.
  std::string next() const { return "$" + std::to_string(values_.size() + 1); }
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// Text as PostgreSQL's text type takes it: invalid UTF-8 sequences and NUL become '?'.
std::string pg_text(std::string_view bytes);
// Shortest text that reads back as the same double.
std::string number_text(double value);

// A refusal raised inside a transaction (not a database error): carries its own code.
class StoreFault : public std::runtime_error {
 public:
  StoreFault(ErrorCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Turns the exception in flight (inside a catch block) into an error naming the URL.
Error current_error(const std::string& url, std::string_view what);
// True when the exception in flight is worth retrying the transaction for.
bool retryable_current();

class PgStore final : public EventStore {
 public:
  PgStore(std::unique_ptr<pqxx::connection> conn, std::string redacted_url);
  ~PgStore() override;

  std::string_view backend() const override { return "postgresql"; }
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

  // Runs a prepared statement (prepared on first use) inside `tx`. Throws pqxx errors: callers
  // are inside guarded().
  pqxx::result run(pqxx::transaction_base& tx, const std::string& sql, const Params& params);
  // Runs f(tx) in one transaction; pqxx exceptions become kIo errors naming the URL; retried
  // (up to 5 times) on a deadlock or serialization failure.
  template <typename T, typename F>
  Result<T> transact(std::string_view what, F&& f) {
    for (int attempt = 1;; ++attempt) {
      try {
        pqxx::work tx(*conn_);
        T out = f(tx);
        tx.commit();
        return out;
      } catch (...) {
        if (attempt < 5 && retryable_current()) continue;
        return current_error(url_, what);
      }
    }
  }
  pqxx::connection& conn() { return *conn_; }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  std::string url_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
};

}  // namespace css::store::pg
