// The spool under real process death and a real full disk: a forked child appends and acks,
// reporting each call that returned over a pipe; it is SIGKILLed at random points, or its
// file size limit (RLIMIT_FSIZE) stands in for a full disk. The parent then reopens the
// journal and checks that nothing the child was told is durable went missing or came back.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>

#include "spool_test_util.hpp"

namespace css::spool {
namespace {

using namespace css::spool::testing;

// A payload that names its seq and whose length and filler depend on it.
std::string payload_for(Seq seq) {
  return "rec-" + std::to_string(seq) + "-" +
         std::string(seq * 37 % 3000, static_cast<char>('a' + seq % 26));
}

void say(int fd, char what, Seq seq) {
  char line[32];
  const int n =
      std::snprintf(line, sizeof line, "%c %llu\n", what, static_cast<unsigned long long>(seq));
  if (::write(fd, line, static_cast<std::size_t>(n)) != n) ::_exit(3);
}

// The child: append forever (bounded), ack every third record; report each success.
[[noreturn]] void append_until_killed(const fs::path& dir, int report_fd) {
  Options o;  // default: fdatasync every record
  o.segment_bytes = 64 * 1024;
  auto spool = Spool::open(dir, o);
  if (!spool) ::_exit(2);
  for (int i = 0; i < 1'000'000; ++i) {
    const Seq next = spool->next_seq();
    auto seq = spool->append(Kind::kEvent, bytes_of(payload_for(next)));
    if (!seq || *seq != next) ::_exit(4);
    say(report_fd, 'A', *seq);
    if (*seq % 3 == 0) {
      if (!spool->ack(*seq - 1)) ::_exit(5);
      say(report_fd, 'K', *seq - 1);
    }
  }
  ::_exit(0);
}

// Forks a child that runs `body(report_fd)` (which must _exit); returns the read end.
int start_child(pid_t& child, const std::function<void(int)>& body) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return -1;
  }
  if (child == 0) {
    ::close(fds[0]);
    body(fds[1]);
    ::_exit(100);
  }
  ::close(fds[1]);
  return fds[0];
}

// Reads "A n"/"K n" lines until EOF (SIGKILLing `child` after `kill_after` lines, if > 0),
// reaps the child and returns its wait status.
int collect(int fd, pid_t child, int kill_after, std::set<Seq>& appended, std::set<Seq>& acked) {
  FILE* in = ::fdopen(fd, "r");
  char what = 0;
  unsigned long long seq = 0;
  int lines = 0;
  while (in && std::fscanf(in, " %c %llu", &what, &seq) == 2) {  // EOF: the child is gone
    (what == 'A' ? appended : acked).insert(seq);
    if (++lines == kill_after && child > 0) ::kill(child, SIGKILL);
  }
  if (in) std::fclose(in);
  int status = 0;
  if (::waitpid(child, &status, 0) != child) return -1;
  return status;
}

TEST(SpoolCrash, KillNineMidWriteLosesNothingReportedDurable) {
  TempDir dir;
  std::mt19937 rng(20240515);
  std::set<Seq> appended;
  std::set<Seq> acked;
  for (int round = 0; round < 6; ++round) {
    pid_t child = -1;
    const int fd = start_child(child, [&](int out) { append_until_killed(dir.path(), out); });
    ASSERT_GE(fd, 0);
    ASSERT_GT(child, 0);
    const int kill_after = std::uniform_int_distribution<int>(20, 600)(rng);
    const int status = collect(fd, child, kill_after, appended, acked);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited " << WEXITSTATUS(status);

    auto spool = Spool::open(dir.path(), fast_options());
    ASSERT_TRUE(spool.ok()) << spool.error().message;
    EXPECT_EQ(spool->counters().corrupt_regions, 0u) << "round " << round;
    EXPECT_LE(spool->counters().torn_records, 1u);
    auto batch = spool->next_batch(1'000'000);
    ASSERT_TRUE(batch.ok());
    std::set<Seq> pending;
    Seq prev = 0;
    for (const Record& r : *batch) {
      EXPECT_GT(r.seq, prev) << "out of order";
      prev = r.seq;
      EXPECT_EQ(text_of(r.payload), payload_for(r.seq)) << "seq " << r.seq;
      EXPECT_FALSE(acked.contains(r.seq)) << "acked seq " << r.seq << " came back";
      EXPECT_TRUE(appended.contains(r.seq) || r.seq > *appended.rbegin())
          << "seq " << r.seq << " was never appended";
      pending.insert(r.seq);
    }
    for (const Seq seq : appended) {
      if (!acked.contains(seq)) {
        EXPECT_TRUE(pending.contains(seq)) << "lost seq " << seq;
      }
    }
    // Records the child wrote but had no time to report are pending too: count them as
    // appended so the next round checks them as well.
    appended.insert(pending.begin(), pending.end());
  }
  EXPECT_GT(appended.size(), 100u);
}

TEST(SpoolCrash, AFullDiskIsAnErrorAndTheJournalStaysWhole) {
  TempDir dir;
  pid_t child = -1;
  const int fd = start_child(child, [&](int out) {
    ::signal(SIGXFSZ, SIG_IGN);  // the write then fails with EFBIG instead of killing us
    auto spool = Spool::open(dir.path(), fast_options());
    if (!spool) ::_exit(2);
    const rlimit lim{20000, 20000};
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(3);
    for (int i = 0; i < 1000; ++i) {
      const Seq next = spool->next_seq();
      auto seq = spool->append(Kind::kEvent, bytes_of(payload_for(next % 7 + 1)));
      if (!seq) {
        if (seq.error().code != ErrorCode::kIo) ::_exit(6);
        if (seq.error().message.find("seg-") == std::string::npos) ::_exit(7);
        // The journal keeps refusing cleanly; the failed seq is not consumed.
        if (spool->append(Kind::kEvent, bytes_of(payload_for(next % 7 + 1))).ok()) ::_exit(8);
        if (spool->next_seq() != next || spool->counters().write_errors != 2) ::_exit(9);
        ::_exit(0);
      }
      say(out, 'A', *seq);
    }
    ::_exit(10);  // the limit never hit
  });
  ASSERT_GE(fd, 0);
  ASSERT_GT(child, 0);
  std::set<Seq> appended;
  std::set<Seq> acked;
  const int status = collect(fd, child, 0, appended, acked);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "the child saw the wrong error (see its exit code)";

  auto spool = Spool::open(dir.path(), fast_options());
  ASSERT_TRUE(spool.ok()) << spool.error().message;
  EXPECT_EQ(spool->counters().torn_records, 0u);  // the partial record was cut off
  EXPECT_EQ(spool->counters().corrupt_regions, 0u);
  EXPECT_EQ(spool->depth(), appended.size());
  EXPECT_GT(appended.size(), 3u);
  EXPECT_EQ(spool->next_seq(), appended.size() + 1);
  auto batch = spool->next_batch(10'000);
  ASSERT_TRUE(batch.ok());
  for (const Record& r : *batch) EXPECT_EQ(text_of(r.payload), payload_for(r.seq % 7 + 1));
}

}  // namespace
}  // namespace css::spool
