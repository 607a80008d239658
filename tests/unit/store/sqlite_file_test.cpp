// The SQLite backend on real files: migrations from an older schema, files that are not ours,
// locations we cannot write, several processes at once, and kill -9 after append returned.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "css/store/event_store.hpp"
#include "store_test_util.hpp"

namespace css::store::testing {
namespace {

namespace fs = std::filesystem;

// Runs SQL on a file with the raw C API, outside our library.
void raw_exec(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

std::string url_of(const fs::path& p) {
  return "sqlite://" + p.string();
}

// The schema release 1 wrote, literally (not read from the library, which may change).
constexpr const char* kSchemaV1 = R"sql(
PRAGMA application_id = 1129534291;
CREATE TABLE events (
  rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, device TEXT NOT NULL, seq INTEGER NOT NULL,
  ts REAL NOT NULL, type TEXT NOT NULL, probability REAL NOT NULL, vx REAL NOT NULL,
  vy REAL NOT NULL, vz REAL NOT NULL, lat REAL, lon REAL, model TEXT NOT NULL,
  schema INTEGER NOT NULL
);
CREATE INDEX events_ts ON events (ts, id);
CREATE INDEX events_device_ts ON events (device, ts, id);
CREATE INDEX events_type_ts ON events (type, ts, id);
PRAGMA user_version = 1;
)sql";

TEST(SqliteStore, UpgradesAVersion1DatabaseInPlaceKeepingItsEvents) {
  TempDir dir;
  const fs::path db = dir.path() / "v1.db";
  raw_exec(db, kSchemaV1);
  const Event old = make_event({.n = 42, .timestamp = 1715982000.25});
  raw_exec(db,
           "INSERT INTO events (id, device, seq, ts, type, probability, vx, vy, vz, lat, "
           "lon, model, schema) VALUES ('" +
               old.id +
               "', 'pi4-edge-001', 42, 1715982000.25, 'sudden_displacement', 0.92, 0.12, "
               "-1.048, 3.88, -23.5505, -46.6333, 'sha256:" +
               std::string(64, 'a') + "', 1)");
  // Read-only opening refuses the old schema instead of reading it wrongly.
  auto ro = open_store(url_of(db), {.read_only = true});
  ASSERT_FALSE(ro.ok());
  EXPECT_NE(ro.error().message.find("citysafe store migrate"), std::string::npos);
  // Opening without migrating reports the old version.
  auto peek = open_store(url_of(db), {.migrate = false});
  ASSERT_TRUE(peek.ok()) << peek.error().message;
  EXPECT_EQ(*(*peek)->schema_version(), 1);
  peek->reset();

  auto s = open_store(url_of(db));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(*(*s)->schema_version(), current_schema_version());
  auto page = (*s)->events({});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->events.size(), 1u);
  Event want = old;
  want.probability = 0.92;
  want.vector = {0.12, -1.048, 3.88};
  EXPECT_EQ(page->events[0], want);
  // The upgraded file takes the newer record kinds.
  Batch b;
  b.received_at = 1715982100;
  b.flows = {make_flow("pi4-edge-001", 1715982000)};
  b.events = {old, make_event({.n = 43})};
  auto r = (*s)->append(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->events_duplicate, 1u);
  EXPECT_EQ(r->events_stored, 1u);
  EXPECT_EQ(r->flows_stored, 1u);
  EXPECT_EQ(*(*s)->migrate(), current_schema_version());  // migrating twice is a no-op
}

TEST(SqliteStore, RefusesADatabaseFromANewerBuild) {
  TempDir dir;
  const fs::path db = dir.path() / "new.db";
  ASSERT_TRUE(open_store(url_of(db)).ok());
  raw_exec(db, "PRAGMA user_version = " + std::to_string(current_schema_version() + 7));
  auto s = open_store(url_of(db));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(s.error().message.find("newer than this build"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find(db.string()), std::string::npos);
}

TEST(SqliteStore, RefusesFilesThatAreNotOurs) {
  TempDir dir;
  const fs::path text = dir.path() / "notes.db";
  const std::string junk = "this is not a database" + std::string(4096, 'x');
  std::ofstream(text) << junk;
  auto s = open_store(url_of(text));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kParse);
  EXPECT_NE(s.error().message.find("is not a SQLite database"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("notes.db"), std::string::npos);

  const fs::path other = dir.path() / "other.db";
  raw_exec(other, "CREATE TABLE users (name TEXT)");
  s = open_store(url_of(other));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("not a CitySafeSense store"), std::string::npos)
      << s.error().message;
  const fs::path app = dir.path() / "app.db";
  raw_exec(app, "PRAGMA application_id = 42");
  s = open_store(url_of(app));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("another program"), std::string::npos) << s.error().message;
  // Nothing was changed in the refused files.
  EXPECT_EQ(fs::file_size(text), junk.size());
}

TEST(SqliteStore, CreatesMissingParentDirectoriesOnlyWhenAskedTo) {
  TempDir dir;
  const fs::path db = dir.path() / "a" / "b" / "c.db";
  auto missing = open_store(url_of(db), {.create = false});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir.path() / "a"));
  ASSERT_TRUE(open_store(url_of(db)).ok());
  EXPECT_TRUE(fs::exists(db));
  auto is_dir = open_store(url_of(dir.path()));
  ASSERT_FALSE(is_dir.ok());
  EXPECT_NE(is_dir.error().message.find("is a directory"), std::string::npos);
}

TEST(SqliteStore, AnUnwritableLocationIsAClearError) {
  TempDir dir;
  // A path below a regular file cannot be created, even by root.
  const fs::path file = dir.path() / "plain";
  std::ofstream(file) << "x";
  auto s = open_store(url_of(file / "sub" / "x.db"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kIo);
  EXPECT_NE(s.error().message.find("cannot create the directory"), std::string::npos)
      << s.error().message;
  // A read-only directory. Permissions do not bind root: as root, try it as 'nobody' in a child.
  const fs::path ro = dir.path() / "ro";
  fs::create_directory(ro);
  fs::permissions(dir.path(),
                  fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                          fs::perms::others_exec);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(10);
    auto r = open_store(url_of(ro / "x.db"));
    if (r.ok()) _exit(11);
    if (r.error().code != ErrorCode::kIo) _exit(12);
    if (r.error().message.find("x.db") == std::string::npos) _exit(13);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10 setuid failed, 11 opened, 12 wrong code, 13 no path";
  EXPECT_FALSE(fs::exists(ro / "x.db"));
  fs::permissions(ro, fs::perms::owner_all);
}

// Issue 14: a store created on a full disk left a 0-byte .db behind (exit 1, debris). The
// child gets a 1 KiB file-size limit (SIGXFSZ ignored: writes fail with EFBIG, as on ENOSPC).
TEST(SqliteStore, ADatabaseItCouldNotSetUpIsRemovedAnExistingFileKept) {
  TempDir dir;
  const fs::path fresh = dir.path() / "new.db";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{1024, 1024};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(10);
    if (open_store(url_of(fresh)).ok()) _exit(11);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10 setrlimit failed, 11 opened on a full disk";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    EXPECT_FALSE(fs::exists(fresh.string() + suffix)) << suffix;
  // A file that was there before is never removed, whatever fails.
  const fs::path notes = dir.path() / "notes.db";
  std::ofstream(notes) << "not a database, but somebody's";
  EXPECT_FALSE(open_store(url_of(notes)).ok());
  ASSERT_TRUE(fs::exists(notes));
  EXPECT_EQ(fs::file_size(notes), 30U);
}

TEST(SqliteStore, AReadOnlyStoreRefusesWrites) {
  TempDir dir;
  const fs::path db = dir.path() / "x.db";
  ASSERT_TRUE(open_store(url_of(db)).ok());
  auto s = open_store(url_of(db), {.read_only = true});
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto r = (*s)->append_events(std::vector<Event>{make_event({.n = 1})}, 1715982000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("readonly"), std::string::npos) << r.error().message;
  EXPECT_TRUE((*s)->events({})->events.empty());
}

TEST(SqliteStore, InMemoryStoreWorks) {
  auto s = open_store("sqlite://:memory:");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto r = (*s)->append_events(std::vector<Event>{make_event({.n = 1})}, 1715982000);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*s)->events({})->events.size(), 1u);
}

// Child process body: append `batches` batches of 10 from `first`, report each returned
// append on `fd` (one byte), then exit 0 (or wait to be killed when `hang`).
[[noreturn]] void child_writer(const std::string& url, std::uint64_t first, int batches, int fd,
                               bool hang) {
  auto s = open_store(url);
  if (!s) _exit(2);
  for (int b = 0; b < batches; ++b) {
    std::vector<Event> batch;
    for (std::uint64_t i = 0; i < 10; ++i) batch.push_back(make_event({.n = first + b * 10u + i}));
    if (!(*s)->append_events(batch, 1715982000)) _exit(3);
    if (fd >= 0 && write(fd, "+", 1) != 1) _exit(4);
  }
  while (hang) pause();
  _exit(0);
}

TEST(SqliteStore, TwoProcessesWriteOneDatabase) {
  TempDir dir;
  const std::string url = url_of(dir.path() / "shared.db");
  ASSERT_TRUE(open_store(url).ok());
  std::vector<pid_t> kids;
  for (std::uint64_t first : {0u, 150u}) {  // ids 0..299 and 150..449 overlap
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) child_writer(url, first, 30, -1, false);
    kids.push_back(pid);
  }
  for (pid_t pid : kids) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto s = open_store(url);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->stats()->events, 450u);
}

TEST(SqliteStore, WhatAppendReturnedSurvivesKillDashNine) {
  TempDir dir;
  const std::string url = url_of(dir.path() / "crash.db");
  ASSERT_TRUE(open_store(url).ok());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    child_writer(url, 0, 1000, fds[1], true);
  }
  close(fds[1]);
  // Kill it mid-stream, after 25 acknowledged batches.
  int acked = 0;
  char c;
  while (acked < 25 && read(fds[0], &c, 1) == 1) ++acked;
  kill(pid, SIGKILL);
  while (read(fds[0], &c, 1) == 1) ++acked;  // acks written before it died
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto s = open_store(url);
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto stored = (*s)->stats()->events;
  // Every acknowledged batch is there; at most the one in flight besides; never half a batch.
  EXPECT_GE(stored, static_cast<std::uint64_t>(acked) * 10);
  EXPECT_LE(stored, static_cast<std::uint64_t>(acked + 1) * 10);
  EXPECT_EQ(stored % 10, 0u);
}

}  // namespace
}  // namespace css::store::testing
