// EventStore: where the server keeps what edge nodes publish — events, flow summaries,
// environment telemetry, device status — and what ingest refused (dead letters).
//
// Contract, for every backend (the conformance suite tests/unit/store/conformance.hpp checks
// it against a real database):
// - append(batch) is one transaction: when it returns ok, every record of the batch is durable
//   (survives kill -9 and power loss); when it fails, none is stored. Idempotent by key:
//   events by id, flows and telemetry by (device, start); a repeated key is counted as a
//   duplicate and the stored row stays as it was (first write wins).
// - queries see every append that returned before they started; event pages are keyset-ordered
//   by (timestamp, id), so paging is stable while appends go on.
// - inputs are checked before any SQL runs: a bad filter, limit or cursor is kInvalidArgument
//   naming the field; a database fault is kIo naming the database.
// - one EventStore object is used by one thread at a time; open one per thread. Several
//   objects (threads or processes) on one database are safe: writers wait for each other up to
//   OpenOptions::busy_timeout_ms.
// Backends are chosen by URL (css/store/store_url.hpp): sqlite (built in), postgresql.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"
#include "css/store/records.hpp"

namespace css::store {

class EventStore {
 public:
  virtual ~EventStore() = default;
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;
  // The URL it was opened with, password removed (for logs and errors).
  virtual const std::string& url() const = 0;

  // ---- schema ----
  virtual Result<int> schema_version() = 0;
  // Applies pending migrations in order, each in its own transaction; returns the version
  // now in place. open_store does this unless OpenOptions::migrate is false.
  virtual Result<int> migrate() = 0;

  // ---- writes ----
  // Records are validated first (validate_event, validate_flow, field limits); an invalid
  // record fails the whole batch with kInvalidArgument naming it — ingest validates before
  // and dead-letters, so this is a programming error guard, not the filter.
  virtual Result<AppendResult> append(const Batch& batch) = 0;
  // Deletes events, flows and telemetry older than `cutoff` (Unix s; event timestamp, window
  // start), dead letters received before it and statuses last seen before it. One transaction.
  virtual Result<RetentionResult> delete_older_than(double cutoff) = 0;

  // ---- queries ----
  virtual Result<EventPage> events(const EventQuery& query) = 0;
  virtual Result<std::vector<GridCount>> grid_counts(const GridQuery& query) = 0;
  // Rows sorted by key.
  virtual Result<std::vector<CountRow>> counts(const EventFilter& filter, CountBy by) = 0;
  virtual Result<std::vector<FlowSummary>> flows(const WindowQuery& query) = 0;
  virtual Result<std::vector<TelemetryRecord>> telemetry(const WindowQuery& query) = 0;
  // Every device's status, sorted by device.
  virtual Result<std::vector<DeviceStatus>> device_statuses() = 0;
  // Newest first; `before_id` (a DeadLetter::id) pages backwards.
  virtual Result<std::vector<DeadLetter>> dead_letters(std::size_t limit,
                                                       std::optional<std::int64_t> before_id) = 0;
  virtual Result<StoreStats> stats() = 0;

  // ---- change detection ----
  // A number that differs from this object's previous answer whenever another connection
  // committed in between (SQLite's PRAGMA data_version); equal answers mean no commit by
  // anyone else since the previous call. nullopt: the backend cannot tell cheaply
  // (PostgreSQL), so callers must not cache answers. Lets a reader cache query answers exactly.
  virtual Result<std::optional<std::uint64_t>> change_counter() {
    return std::optional<std::uint64_t>{};
  }

  // Convenience: a batch of events only, received now.
  Result<AppendResult> append_events(std::span<const Event> events, double received_at);

 protected:
  EventStore() = default;
};

struct OpenOptions {
  bool read_only = false;  // open an existing database for queries only
  bool migrate = true;     // bring the schema to this build's version (ignored if read_only)
  // Create the database (and, for SQLite, missing parent directories) when absent; a SQLite
  // file created here that cannot be set up (a full disk) is removed again.
  bool create = true;
  int busy_timeout_ms = 5000;  // how long a writer waits for another one's lock
};

// Opens the store a URL names (store_url.hpp). Errors name the URL (password removed):
// kInvalidArgument for a malformed URL, kUnsupported for a backend this build lacks,
// kNotFound for a missing database when !create, kIo when it cannot be opened or written,
// kParse when the file is not a SQLite database or not ours, kUnsupported when its schema is
// newer than this build.
Result<std::unique_ptr<EventStore>> open_store(std::string_view url,
                                               const OpenOptions& options = {});

// The schema version this build writes (both backends keep their versions in step).
int current_schema_version();

}  // namespace css::store
