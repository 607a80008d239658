// css::bundle::update on a local install tree, without processes: the "service" is a /health
// route served in this process (css::http) that answers 200 unless ROOT/current is a release
// marked broken, and the restart command is a shell line. Covers what the CLI test leaves
// out: pruning to the 3 newest, both links restored on rollback, a failing restart command,
// the bounded restart, an unsupported arch and a ROOT that is not ours.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "css/bundle/bundle.hpp"
#include "css/bundle/pack.hpp"
#include "css/bundle/update.hpp"
#include "css/http/server.hpp"
#include "css/signing/ed25519.hpp"
#include "test_files.hpp"

namespace css::bundle {
namespace {

namespace fs = std::filesystem;
using test::slurp;

class UpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("update-lib");
    ASSERT_TRUE(signing::write_keypair(dir_ / "k.pem", dir_ / "k.pub"));
    key_ = slurp(dir_ / "k.pem");
    root_ = dir_ / "root";
    http::Router router;
    const fs::path root = root_;
    router.add({http::Method::kGet, "/health", "test health", "application/json",
                [root](const http::Request&) {
                  const std::string state = slurp(root / "current/docs/state.txt");
                  if (state == "broken")
                    return http::Response::json(503, R"({"status":"failing"})");
                  // "idle": answers, but its model never ran (a node about to exit on it).
                  return http::Response::json(
                      200, state == "idle" ? R"({"status":"degraded","last_inference_age_s":-1})"
                                           : R"({"status":"ok","last_inference_age_s":0.02})");
                }});
    auto server = http::Server::start(std::move(router));
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    options_.public_key = dir_ / "k.pub";
    options_.root = root_;
    options_.restart_cmd = "true";
    options_.health_url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/health";
    options_.health_timeout_s = 1.0;
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  fs::path bundle(const std::string& version, const std::string& state = "ok",
                  const std::string& arch = machine_arch()) {
    const fs::path out = dir_ / ("citysafe-" + version + ".tar.gz");
    const std::vector<PackFile> files = {{"bin/" + arch + "/citysafe-edge", "#!/bin/sh\n", true},
                                         {"bin/" + arch + "/citysafe", "#!/bin/sh\n", true},
                                         {"models/default.csm", "model " + version, false},
                                         {"docs/state.txt", state, false}};
    EXPECT_TRUE(pack(out, version, files, key_));
    return out;
  }
  Result<UpdateReport> run(const fs::path& b) {
    options_.bundle = b;
    log_.clear();
    return update(options_, [this](const std::string& line) { log_ += line + "\n"; });
  }
  std::string link(const std::string& name) const {
    std::error_code ec;
    return fs::read_symlink(root_ / name, ec).string();
  }
  std::vector<std::string> releases() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(root_ / "releases"))
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_, root_;
  std::string key_, log_;
  std::unique_ptr<http::Server> server_;
  UpdateOptions options_;
};

TEST_F(UpdateTest, KeepsTheThreeNewestReleases) {
  for (const char* v : {"1.0", "1.1", "1.2", "1.3", "1.4"}) {
    auto r = run(bundle(v));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, UpdateOutcome::kUpdated) << log_;
    EXPECT_EQ(link("current"), std::string("releases/") + v);
  }
  EXPECT_EQ(link("previous"), "releases/1.3");
  EXPECT_EQ(releases(), (std::vector<std::string>{"1.2", "1.3", "1.4"}));
  EXPECT_NE(log_.find("removed old releases: 1.1"), std::string::npos) << log_;
}

TEST_F(UpdateTest, RollbackRestoresBothLinksAndDeletesTheNewRelease) {
  ASSERT_TRUE(run(bundle("1.0")).ok());
  ASSERT_TRUE(run(bundle("1.1")).ok());
  auto r = run(bundle("2.0", "broken"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->outcome, UpdateOutcome::kRolledBack) << log_;
  EXPECT_EQ(r->previous, "1.1");
  EXPECT_TRUE(r->rollback_healthy) << log_;
  EXPECT_NE(r->failure.find("HTTP 503"), std::string::npos) << r->failure;
  EXPECT_EQ(link("current"), "releases/1.1");
  EXPECT_EQ(link("previous"), "releases/1.0");
  EXPECT_EQ(releases(), (std::vector<std::string>{"1.0", "1.1"}));
  // The same version, fixed, installs afterwards.
  ASSERT_TRUE(run(bundle("2.0")).ok());
  EXPECT_EQ(link("current"), "releases/2.0");
}

// A service that answers 200 but has never run its model (one that refuses the model answers
// /health until it exits) is not up: the update rolls back.
TEST_F(UpdateTest, AnAnswerBeforeAnyInferenceIsNotHealthy) {
  ASSERT_TRUE(run(bundle("1.0")).ok());
  auto r = run(bundle("2.0", "idle"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->outcome, UpdateOutcome::kRolledBack) << log_;
  EXPECT_NE(r->failure.find("no inference yet"), std::string::npos) << r->failure;
  EXPECT_TRUE(r->rollback_healthy) << log_;
  EXPECT_EQ(link("current"), "releases/1.0");
}

TEST_F(UpdateTest, AFailingRestartCommandRollsBack) {
  ASSERT_TRUE(run(bundle("1.0")).ok());
  // Fails only while current is 2.0: the rollback's restart then succeeds.
  options_.restart_cmd =
      "test \"$(readlink " + (root_ / "current").string() + ")\" != releases/2.0";
  auto r = run(bundle("2.0"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->outcome, UpdateOutcome::kRolledBack) << log_;
  EXPECT_EQ(r->failure, "the restart command exited 1");
  EXPECT_TRUE(r->rollback_healthy);
  EXPECT_EQ(link("current"), "releases/1.0");
}

TEST_F(UpdateTest, RefusesABundleWithoutThisMachinesArch) {
  ASSERT_TRUE(run(bundle("1.0")).ok());
  const std::string other = machine_arch() == "x86_64" ? "aarch64" : "x86_64";
  auto r = run(bundle("2.0", "ok", other));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("holds no binaries for this machine"), std::string::npos);
  EXPECT_EQ(releases(), std::vector<std::string>{"1.0"});
  EXPECT_EQ(link("current"), "releases/1.0");
  for (const auto& e : fs::directory_iterator(root_))
    EXPECT_FALSE(e.path().filename().string().starts_with(".staging")) << e.path();
}

TEST_F(UpdateTest, RefusesARootWhoseCurrentIsNotOurSymlink) {
  fs::create_directories(root_ / "current");
  auto r = run(bundle("1.0"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("is not a symlink; refusing to touch it"), std::string::npos);
  EXPECT_FALSE(fs::exists(root_ / "releases"));
}

TEST_F(UpdateTest, OneUpdateAtATimePerRoot) {
  ASSERT_TRUE(run(bundle("1.0")).ok());
  const int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);  // as a running update holds it
  auto r = run(bundle("1.1"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("another update is running there"), std::string::npos);
  EXPECT_EQ(link("current"), "releases/1.0");
  ::close(fd);
  EXPECT_TRUE(run(bundle("1.1")).ok()) << "the lock goes with its holder";
}

}  // namespace
}  // namespace css::bundle
