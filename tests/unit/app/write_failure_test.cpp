// What the real citysafe binary does when it cannot or must not write: an output that is a
// device, a directory, one of the inputs, or in a missing folder (exit 2, before any work);
// a full disk or a failing stdout (exit 1). Every case ends with one error line, no signal,
// no partial or temporary file, and the inputs unchanged byte for byte.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "css/nn/model_writer.hpp"

namespace fs = std::filesystem;

namespace {

using css::testing::line_count;

struct Outcome {
  int exit_code = -1;  // -1 when the child ended on a signal
  int signal = 0;      // the signal that ended it, if any
  std::string out;     // stderr, plus stdout unless stdout went elsewhere
};

enum class Stdout { kCaptured, kDevFull, kClosedPipe };

struct RunOptions {
  Stdout stdout_to = Stdout::kCaptured;
  std::optional<rlim_t> max_file_bytes;  // RLIMIT_FSIZE: a "full disk" for files we write
};

// fork + exec of the real binary (no shell), so the child can get its own file-size limit.
// SIGXFSZ is left at its default, as `ulimit -f` in a shell leaves it: citysafe itself must
// ignore it so that write() fails with EFBIG just as it fails with ENOSPC (otherwise the
// kernel kills it mid-write and its temporary file stays behind).
Outcome run_citysafe(const std::vector<std::string>& args, const RunOptions& opt = {}) {
  int out_pipe[2];
  int dead_pipe[2] = {-1, -1};
  if (::pipe(out_pipe) != 0) return {};
  if (opt.stdout_to == Stdout::kClosedPipe) {
    if (::pipe(dead_pipe) != 0) return {};
    ::close(dead_pipe[0]);  // nobody reads, from the start: writes fail with EPIPE (or SIGPIPE)
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], STDERR_FILENO);
    if (opt.stdout_to == Stdout::kDevFull) {
      const int fd = ::open("/dev/full", O_WRONLY);
      ::dup2(fd, STDOUT_FILENO);
    } else if (opt.stdout_to == Stdout::kClosedPipe) {
      ::dup2(dead_pipe[1], STDOUT_FILENO);
    } else {
      ::dup2(out_pipe[1], STDOUT_FILENO);
    }
    ::close(out_pipe[0]);
    ::signal(SIGPIPE, SIG_DFL);  // as a shell would start it
    ::signal(SIGXFSZ, SIG_DFL);
    if (opt.max_file_bytes) {
      const rlimit limit{*opt.max_file_bytes, *opt.max_file_bytes};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<char*> argv;
    std::string bin = CSS_CITYSAFE_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  if (dead_pipe[1] >= 0) ::close(dead_pipe[1]);
  Outcome r;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out_pipe[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) r.out.append(buf, static_cast<std::size_t>(n));
  ::close(out_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::string describe(const Outcome& r) {
  return "exit " + std::to_string(r.exit_code) + ", signal " + std::to_string(r.signal) +
         ", output:\n" + r.out;
}

// A failed command: the exit code, exactly one line "citysafe: error: ..." naming `needle`.
void expect_one_line_error(const Outcome& r, int code, const std::string& needle) {
  EXPECT_EQ(r.signal, 0) << describe(r);
  EXPECT_EQ(r.exit_code, code) << describe(r);
  EXPECT_EQ(line_count(r.out), 1) << describe(r);
  EXPECT_EQ(r.out.rfind("citysafe: error: ", 0), 0U) << describe(r);
  EXPECT_NE(r.out.find(needle), std::string::npos) << "expected '" << needle << "' in\n" << r.out;
}

// A model (random weights, default architecture) and a generated dataset in a fresh folder.
class WriteFailure : public css::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    model_ = dir_ / "m.csm";
    const auto bytes = css::nn::build_default_random_model(5);
    std::ofstream(model_, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    data_ = dir_ / "d.npy";
    const Outcome g = run_citysafe(
        {"generate", "-q", "--out", data_.string(), "--duration", "60", "--seed", "3"});
    ASSERT_EQ(g.exit_code, 0) << g.out;
    for (const fs::path& p : inputs()) before_.push_back(slurp(p));
    files_before_ = listing(dir_);
  }
  std::vector<fs::path> inputs() const {
    return {model_, data_, dir_ / "d.labels.npy", dir_ / "d.json"};
  }
  // Inputs byte for byte as they were, and no file added (no output, temporary or partial).
  void expect_untouched() const {
    const auto in = inputs();
    for (std::size_t i = 0; i < in.size(); ++i)
      EXPECT_EQ(slurp(in[i]), before_[i]) << in[i] << " changed";
    EXPECT_EQ(listing(dir_), files_before_);
  }
  std::vector<std::string> infer_args(const std::string& out) const {
    return {"infer", "--model", model_.string(), "--input", data_.string(), "--out", out};
  }

  fs::path model_, data_;
  std::vector<std::string> before_;
  std::set<std::string> files_before_;
};

TEST_F(WriteFailure, OutputThatIsADeviceOrFolderIsRefused) {
  // The devices are reached through links in the test's folder: a regression that renamed a
  // temporary file over its output (as eval once did, run as root) then replaces the link,
  // never the machine's /dev/full or /dev/null.
  for (const std::string device : {"/dev/full", "/dev/null"}) {
    const fs::path link = dir_ / fs::path(device).filename();
    fs::create_symlink(device, link);
    files_before_ = listing(dir_);
    expect_one_line_error(run_citysafe(infer_args(link.string())), 2,
                          "--out: output '" + link.string() + "' is not a regular file");
    expect_one_line_error(
        run_citysafe({"eval", "--model", model_.string(), "--metrics", link.string()}), 2,
        "--metrics: output '" + link.string() + "' is not a regular file");
    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(fs::read_symlink(link), device);
  }
  expect_one_line_error(run_citysafe(infer_args(dir_.string())), 2, "is a directory");
  expect_untouched();
}

TEST_F(WriteFailure, OutputThatIsAnInputIsRefusedAndTheInputKept) {
  for (const fs::path& in : inputs())
    expect_one_line_error(run_citysafe(infer_args(in.string())), 2, "is also an input");
  // The same file under another name is still the input.
  expect_one_line_error(run_citysafe(infer_args((dir_ / "." / "d.npy").string())), 2,
                        "is also an input");
  expect_one_line_error(
      run_citysafe({"eval", "--model", model_.string(), "--metrics", model_.string()}), 2,
      "--metrics: output '" + model_.string() + "' is also an input");
  expect_one_line_error(run_citysafe({"eval", "--model", model_.string(), "--data", data_.string(),
                                      "--metrics", data_.string()}),
                        2, "is also an input");
  expect_untouched();
}

TEST_F(WriteFailure, OutputInAMissingFolderIsRefused) {
  const auto out = dir_ / "missing" / "p.csv";
  expect_one_line_error(run_citysafe(infer_args(out.string())), 2, "not an existing directory");
  expect_one_line_error(
      run_citysafe({"eval", "--model", model_.string(), "--metrics", out.string()}), 2,
      "--metrics");
  expect_untouched();
}

TEST_F(WriteFailure, FullDiskIsExitOneWithNoFileLeft) {
  RunOptions full;
  full.max_file_bytes = 2048;  // the probabilities of 60 s are far more than 2 KiB
  const Outcome infer = run_citysafe(infer_args((dir_ / "p.csv").string()), full);
  expect_one_line_error(infer, 1, "File too large");
  EXPECT_NE(infer.out.find("--out"), std::string::npos) << infer.out;
  const Outcome gen = run_citysafe(
      {"generate", "-q", "--out", (dir_ / "g.npy").string(), "--duration", "60"}, full);
  expect_one_line_error(gen, 1, "File too large");
  expect_untouched();
  // The same commands succeed without the limit: the failure above was the disk.
  EXPECT_EQ(run_citysafe(infer_args((dir_ / "p.csv").string())).exit_code, 0);
  EXPECT_GT(fs::file_size(dir_ / "p.csv"), 2048U);
}

// A store created on a full disk left a 0-byte .db behind (simulate-city --db, ingest --db).
TEST_F(WriteFailure, FullDiskLeavesNoNewStoreBehind) {
  RunOptions full;
  full.max_file_bytes = 1024;  // below one SQLite page
  const auto db = dir_ / "city.db";
  const Outcome r = run_citysafe({"simulate-city", "--devices", "2", "--days", "1", "--db",
                                  db.string(), "--out", (dir_ / "e.jsonl").string()},
                                 full);
  expect_one_line_error(r, 1, "--db: ");
  EXPECT_NE(r.out.find(db.string()), std::string::npos) << r.out;
  expect_untouched();
}

TEST_F(WriteFailure, StdoutThatFailsIsExitOne) {
  RunOptions to_full;
  to_full.stdout_to = Stdout::kDevFull;
  expect_one_line_error(run_citysafe({"dataset", "stats", data_.string()}, to_full), 1,
                        "cannot write to standard output");
  expect_one_line_error(
      run_citysafe({"infer", "--model", model_.string(), "--input", data_.string()}, to_full), 1,
      "standard output");
  RunOptions closed;
  closed.stdout_to = Stdout::kClosedPipe;
  expect_one_line_error(
      run_citysafe({"infer", "--model", model_.string(), "--input", data_.string()}, closed), 1,
      "cannot write to standard output");
  expect_untouched();
}

TEST_F(WriteFailure, TrainOutThatIsAFileIsRefused) {
  const auto file = dir_ / "notes.txt";
  std::ofstream(file) << "keep me\n";
  files_before_ = listing(dir_);
  expect_one_line_error(run_citysafe({"train", "--epochs", "1", "--out", file.string()}), 2,
                        "--out: '" + file.string() + "' exists and is not a folder");
  expect_one_line_error(run_citysafe({"train", "--epochs", "1", "--out", (file / "sub").string()}),
                        2, "--out: cannot create folder");
  // Its outputs may not overwrite its inputs either: --data inside --out named like a result.
  const auto out = dir_ / "ck";
  fs::create_directories(out);
  fs::copy_file(data_, out / "eval.pt");
  const std::string kept = slurp(out / "eval.pt");
  expect_one_line_error(run_citysafe({"train", "--epochs", "1", "--out", out.string(), "--data",
                                      (out / "eval.pt").string()}),
                        2, "--out: output '" + (out / "eval.pt").string() + "' is also an input");
  EXPECT_EQ(slurp(file), "keep me\n");
  EXPECT_EQ(slurp(out / "eval.pt"), kept);
}

// export stages the .csm, its metrics, the C header and the ONNX file, then commits them
// together: one that cannot be written leaves none of them. Needs a real checkpoint, trained
// once (seconds) for the suite.
class ExportAllOrNone : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("css-export-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const Outcome data =
        run_citysafe({"generate", "-q", "--out", (dir_ / "d.npy").string(), "--duration", "120",
                      "--devices", "6", "--scenario", "mix", "--seed", "4"});
    ASSERT_EQ(data.exit_code, 0) << data.out;
    const Outcome t = run_citysafe({"train",     "-q",
                                    "--out",     (dir_ / "ck").string(),
                                    "--data",    (dir_ / "d.npy").string(),
                                    "--epochs",  "1",
                                    "--threads", "1",
                                    "--set",     "train.model.width=8",
                                    "--set",     "train.samples_per_epoch=256",
                                    "--set",     "train.batch_size=64",
                                    "--set",     "train.calibration_windows=16",
                                    "--set",     "train.real="});
    ASSERT_EQ(t.exit_code, 0) << t.out;
    ready_ = true;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  void SetUp() override {
    // A failed suite set-up must fail each test, not show as skipped.
    ASSERT_TRUE(ready_) << "the suite's generate + train set-up failed (see above)";
    out_ = dir_ /
           ("out-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(out_);
  }
  std::vector<std::string> export_args() const {
    return {"export",
            "-q",
            "--no-real",
            "--checkpoint",
            (dir_ / "ck" / "best.pt").string(),
            "--out",
            (out_ / "m.csm").string(),
            "--c-header",
            (out_ / "m.h").string(),
            "--onnx",
            (out_ / "m.onnx").string()};
  }
  static inline fs::path dir_;
  static inline bool ready_ = false;
  fs::path out_;
};

TEST_F(ExportAllOrNone, WritesEveryFileWhenItCan) {
  const Outcome r = run_citysafe(export_args());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(listing(out_), (std::set<std::string>{"m.csm", "m.h", "m.metrics.json", "m.onnx"}));
}

TEST_F(ExportAllOrNone, ALaterFailingOutputLeavesNoCsm) {
  // Sized so the .csm and its metrics fit but the C header (the model as text) does not.
  const Outcome ok = run_citysafe(export_args());
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  const auto csm_bytes = fs::file_size(out_ / "m.csm");
  const auto header_bytes = fs::file_size(out_ / "m.h");
  ASSERT_GT(header_bytes, csm_bytes + 1024);
  fs::remove_all(out_);
  fs::create_directories(out_);

  RunOptions full;
  full.max_file_bytes = csm_bytes + 512;
  const Outcome r = run_citysafe(export_args(), full);
  expect_one_line_error(r, 1, "--c-header: ");
  EXPECT_NE(r.out.find("File too large"), std::string::npos) << r.out;
  EXPECT_TRUE(listing(out_).empty()) << "left behind: " << *listing(out_).begin();
}

// train on a full disk (the file-size limit as `ulimit -f` sets it): one line, exit 1, no
// checkpoint temporary left in --out (it once aborted with a backtrace and left last.pt.tmp).
TEST_F(ExportAllOrNone, TrainOnAFullDiskIsExitOneWithNoTemporary) {
  RunOptions full;
  full.max_file_bytes = 4096;  // a checkpoint of even this small model is larger
  const Outcome r = run_citysafe({"train",     "-q",
                                  "--out",     out_.string(),
                                  "--data",    (dir_ / "d.npy").string(),
                                  "--epochs",  "1",
                                  "--threads", "1",
                                  "--set",     "train.model.width=8",
                                  "--set",     "train.samples_per_epoch=64",
                                  "--set",     "train.batch_size=64",
                                  "--set",     "train.calibration_windows=16",
                                  "--set",     "train.real="},
                                 full);
  expect_one_line_error(r, 1, "File too large");
  for (const auto& name : listing(out_))
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << "left behind: " << name;
}

TEST_F(ExportAllOrNone, AnOutputInAMissingFolderIsRefusedBeforeExporting) {
  auto args = export_args();
  args.back() = (out_ / "missing" / "m.onnx").string();
  const Outcome r = run_citysafe(args);
  expect_one_line_error(r, 2, "--onnx: output '" + args.back() + "'");
  EXPECT_TRUE(listing(out_).empty());
  // --out over the checkpoint it reads.
  auto over = export_args();
  over[6] = (dir_ / "ck" / "best.pt").string();
  expect_one_line_error(run_citysafe(over), 2, "must end in .csm");
  const auto ck_bytes = slurp(dir_ / "ck" / "best.pt");
  auto metrics_over = export_args();
  metrics_over.push_back("--metrics");
  metrics_over.push_back((dir_ / "ck" / "best.pt").string());
  expect_one_line_error(run_citysafe(metrics_over), 2, "--metrics: output '");
  EXPECT_EQ(slurp(dir_ / "ck" / "best.pt"), ck_bytes);
  EXPECT_TRUE(listing(out_).empty());
}

}  // namespace
