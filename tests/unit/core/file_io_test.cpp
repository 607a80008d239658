#include "css/core/file_io.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "../data/temp_dir.hpp"

namespace css::io {
namespace {

using css::data::testing::TempDir;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void put(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

TEST(FileIo, WritesAndReplacesAtomicallyWithoutDebris) {
  TempDir dir;
  ASSERT_TRUE(write_text(dir / "out.json", "first"));
  ASSERT_TRUE(write_text(dir / "out.json", "second"));
  EXPECT_EQ(slurp(dir / "out.json"), "second");
  EXPECT_EQ(dir.files(), std::vector<std::string>{"out.json"});
}

TEST(FileIo, RefusesDevicesDirectoriesAndMissingDirectories) {
  TempDir dir;
  const Status dev = write_text("/dev/full", "x");
  ASSERT_FALSE(dev);
  EXPECT_EQ(dev.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(dev.error().message.find("/dev/full"), std::string::npos);
  EXPECT_FALSE(write_text("/dev/null", "x"));
  const Status is_dir = write_text(dir.path(), "x");
  ASSERT_FALSE(is_dir);
  EXPECT_NE(is_dir.error().message.find("directory"), std::string::npos);
  const Status no_dir = write_text(dir / "missing" / "out.txt", "x");
  ASSERT_FALSE(no_dir);
  EXPECT_EQ(no_dir.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(dir.files().empty());
}

TEST(FileIo, RefusesAnOutputThatIsAnInputEvenThroughAnotherPath) {
  TempDir dir;
  put(dir / "data.npy", "precious");
  fs::create_directory(dir / "sub");
  fs::create_symlink(dir / "data.npy", dir / "sub" / "link.npy");
  const std::vector<fs::path> inputs{dir / "data.npy"};
  for (const fs::path& out :
       {dir / "data.npy", dir / "sub" / ".." / "data.npy", dir / "sub" / "link.npy"}) {
    const Status st = write_text(out, "overwritten", inputs);
    ASSERT_FALSE(st) << out;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(st.error().message.find("input"), std::string::npos);
  }
  EXPECT_EQ(slurp(dir / "data.npy"), "precious");
  EXPECT_TRUE(write_text(dir / "other.npy", "fine", inputs));
}

TEST(FileIo, CheckOutputsRefusesTheSameOutputTwice) {
  TempDir dir;
  const std::vector<fs::path> outs{dir / "a.txt", dir / "." / "a.txt"};
  EXPECT_FALSE(check_outputs(outs));
  const std::vector<fs::path> distinct{dir / "a.txt", dir / "b.txt"};
  EXPECT_TRUE(check_outputs(distinct));
}

TEST(FileIo, OutputSetWritesAllOrNone) {
  TempDir dir;
  put(dir / "model.csm", "old model");
  {
    OutputSet out;
    ASSERT_TRUE(out.stage_text(dir / "model.csm", "new model"));
    // The second output is refused: nothing is renamed, the old model stays.
    EXPECT_FALSE(out.stage_text("/dev/full", "metrics"));
  }
  EXPECT_EQ(slurp(dir / "model.csm"), "old model");
  EXPECT_EQ(dir.files(), std::vector<std::string>{"model.csm"});

  OutputSet out;
  ASSERT_TRUE(out.stage_text(dir / "model.csm", "new model"));
  ASSERT_TRUE(out.stage_text(dir / "metrics.json", "{}"));
  ASSERT_TRUE(out.commit());
  EXPECT_EQ(slurp(dir / "model.csm"), "new model");
  EXPECT_EQ(slurp(dir / "metrics.json"), "{}");
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"metrics.json", "model.csm"}));
}

TEST(FileIo, CommitRollsBackWhenALaterRenameFails) {
  TempDir dir;
  put(dir / "a.txt", "old a");
  OutputSet out;
  ASSERT_TRUE(out.stage_text(dir / "a.txt", "new a"));
  ASSERT_TRUE(out.stage_text(dir / "b.txt", "new b"));
  // A directory appears where b.txt goes between staging and commit: its rename fails.
  fs::create_directory(dir / "b.txt");
  fs::create_directory(dir / "b.txt" / "keep");
  const Status st = out.commit();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kIo);
  EXPECT_EQ(slurp(dir / "a.txt"), "old a");
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"a.txt", "b.txt"}));
}

// A full disk, simulated with the file-size limit: write() fails with EFBIG once the limit is
// reached (SIGXFSZ ignored), exactly as it fails with ENOSPC on a full filesystem.
TEST(FileIo, FullDiskIsAnIoErrorAndLeavesNothingBehind) {
  TempDir dir;
  put(dir / "out.bin", "previous");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit lim{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    const std::vector<std::byte> big(1 << 20, std::byte{7});
    const Status st = write_file(dir / "out.bin", big);
    if (st || st.error().code != ErrorCode::kIo) ::_exit(1);
    // The message names the file the user asked for, not its hidden temporary.
    const std::string& m = st.error().message;
    const bool names_output = m.find("'" + (dir / "out.bin").string() + "'") != std::string::npos;
    ::_exit(names_output && m.find(".tmp.") == std::string::npos ? 0 : 2);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 1) << "write_file did not report the full disk as kIo";
  EXPECT_NE(WEXITSTATUS(status), 2) << "the error does not name out.bin (or names a temporary)";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(slurp(dir / "out.bin"), "previous");
  EXPECT_EQ(dir.files(), std::vector<std::string>{"out.bin"});
}

// "model.csm/out.json" where model.csm is a file: a bad path (exit 2), not a disk error.
TEST(FileIo, AFileUsedAsAFolderIsBadInput) {
  TempDir dir;
  put(dir / "model.csm", "model");
  const Status st = write_text(dir / "model.csm" / "out.json", "x");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(st.error().message.find("not an existing directory"), std::string::npos)
      << st.error().message;
  EXPECT_EQ(slurp(dir / "model.csm"), "model");
  EXPECT_EQ(dir.files(), std::vector<std::string>{"model.csm"});
}

// A folder the user may not write to is refused by check_output, before any work. Root may
// write anywhere, so the check runs in a child that drops to 'nobody' when it is root.
TEST(FileIo, UnwritableFolderIsRefusedUpFront) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  const fs::path ro = dir / "ro";
  fs::create_directory(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                          fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    const Status checked = check_output(ro / "out.txt");
    if (checked || checked.error().code != ErrorCode::kInvalidArgument) ::_exit(1);
    if (checked.error().message.find("not writable") == std::string::npos) ::_exit(2);
    ::_exit(write_text(ro / "out.txt", "x") ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 3) << "could not drop to uid nobody";
  EXPECT_NE(WEXITSTATUS(status), 1) << "an unwritable folder was not refused as bad input";
  EXPECT_NE(WEXITSTATUS(status), 2) << "the message does not say 'not writable'";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(fs::is_empty(ro));
}

TEST(FileIo, ReadFileNamesWhatIsWrong) {
  TempDir dir;
  put(dir / "x.bin", "abc");
  auto ok = read_file(dir / "x.bin");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok.value().size(), 3u);
  auto missing = read_file(dir / "nope.bin");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto is_dir = read_file(dir.path());
  ASSERT_FALSE(is_dir);
  EXPECT_EQ(is_dir.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace css::io
