// `citysafe update` / `citysafe-edge update` end to end on a local install tree: bundles packed
// with css::bundle hold the real citysafe-edge binary, the shipped model and an edge.toml; the
// restart command is a script that stops the running node (pid file) and starts
// ROOT/current's binary with /health on a free loopback port. Good update, automatic
// rollback, refused bundles (root unchanged, service untouched), --check, --help (pruning and
// the other layout rules: update_test.cpp). Every node is stopped at the end.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "css/bundle/bundle.hpp"
#include "css/bundle/pack.hpp"
#include "css/http/client.hpp"
#include "css/signing/ed25519.hpp"
#include "test_files.hpp"

namespace css::bundle {
namespace {

namespace fs = std::filesystem;
using test::slurp;
using test::write;

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct Run {
  int code;
  std::string out;  // stdout + stderr
};
// A real binary under `timeout` (a hung update fails the test instead of hanging it).
Run run_bin(const char* bin, const std::string& args) {
  const std::string cmd = "timeout -k 5 40 " + std::string(bin) + " " + args + " 2>&1 </dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int st = ::pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

// `update` is the same code in both binaries: the node's own, citysafe-edge (what the docs
// run on a Pi), starts in milliseconds; the full citysafe (LibTorch) takes most of a second.
Run citysafe_edge(const std::string& args) {
  return run_bin(CSS_CITYSAFE_EDGE_BIN, args);
}
Run citysafe(const std::string& args) {
  return run_bin(CSS_CITYSAFE_BIN, args);
}

// A live process (not gone, not a zombie nobody reaped).
bool alive(int pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

std::vector<PackFile> node_files(const std::string& version, const std::string& edge,
                                 const std::string& model, const std::string& ca,
                                 const std::string& arch, const fs::path& spool) {
  const std::string toml =
      "[edge]\ndevice_id = \"node-" + version +
      "\"\nmodel = \"models/default.csm\"\nmqtt = \"127.0.0.1:" + std::to_string(free_port()) +
      "\"\ntls_cert = \"deploy/ca.pem\"\n" + "spool = \"" + spool.string() +
      "\"\nsource = \"sim\"\n";
  return {{"bin/" + arch + "/citysafe-edge", edge, true},
          {"bin/" + arch + "/citysafe",
           "#!/bin/sh\nexec \"$(dirname \"$0\")/citysafe-edge\" \"$@\"\n", true},
          {"models/default.csm", model, false},
          {"deploy/edge.toml", toml, false},
          {"deploy/ca.pem", ca, false},
          {"docs/index.md", "# CitySafeSense " + version + "\n", false}};
}

// Bundles are packed when a test first asks for one (each test runs in its own process; packing
// the 20+ MB binary takes a moment), in a folder shared by the suite.
class Bundles {
 public:
  Bundles() {
    dir_ = fs::temp_directory_path() / ("css-update-bundles-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    EXPECT_TRUE(signing::write_keypair(dir_ / "k.pem", dir_ / "k.pub"));
    EXPECT_TRUE(signing::write_keypair(dir_ / "other.pem", dir_ / "other.pub"));
    // A CA certificate for edge.tls_cert (the node never reaches a broker here: its /health
    // answers "degraded", which is healthy).
    EXPECT_EQ(std::system(("openssl req -x509 -newkey ed25519 -nodes -days 1 -subj /CN=test-ca "
                           "-keyout " +
                           (dir_ / "ca.key").string() + " -out " + (dir_ / "ca.pem").string() +
                           " 2>/dev/null")
                              .c_str()),
              0);
    key_ = slurp(dir_ / "k.pem");
    ca_ = slurp(dir_ / "ca.pem");
    const char* src = std::getenv("CSS_SOURCE_DIR");
    model_ = src != nullptr ? slurp(fs::path(src) / "models/default.csm") : "";
    EXPECT_GT(model_.size(), 100U) << "CSS_SOURCE_DIR/models/default.csm";
  }
  ~Bundles() { fs::remove_all(dir_); }

  const fs::path& dir() const { return dir_; }
  const std::string& arch() const { return arch_; }

  // "1.0.0", "1.1.0": good releases of the real node; "1.2.0": well signed, but its model is
  // corrupt, so the node refuses to start; "tampered", "bad-sig", "traversal": refused ones
  // (they never get past verification, so they hold a stand-in binary); "small": a good one
  // with that stand-in, for what installs nothing.
  const fs::path& get(const std::string& which) {
    if (auto it = made_.find(which); it != made_.end()) return it->second;
    fs::path out = dir_ / which / "citysafe-1.1.0.tar.gz";
    if (which == "1.0.0" || which == "1.1.0" || which == "1.2.0") {
      out = dir_ / ("citysafe-" + which + ".tar.gz");
      if (edge_.empty()) edge_ = slurp(CSS_CITYSAFE_EDGE_BIN);
      const std::string model = which == "1.2.0" ? std::string(4096, '\x42') : model_;
      EXPECT_TRUE(
          pack(out, which, node_files(which, edge_, model, ca_, arch_, dir_ / "spool"), key_));
    } else {
      fs::create_directories(out.parent_path());
      auto e = bundle_entries(
          "1.1.0", node_files("1.1.0", "#!/bin/sh\n", model_, ca_, arch_, dir_ / "spool"), key_);
      EXPECT_TRUE(e.ok());
      if (which == "tampered") {
        for (auto& t : *e)
          if (t.path.ends_with("/docs/index.md")) t.content += "tampered\n";
      } else if (which == "small") {  // a good bundle, for checks that install nothing
      } else if (which == "bad-sig") {
        e->back().content[0] = static_cast<char>(e->back().content[0] ^ 1);
      } else {
        TarEntry evil;
        evil.path = "citysafe-1.1.0/../../../evil.sh";
        evil.content = "#!/bin/sh\n";
        e->insert(e->begin() + 1, evil);
      }
      EXPECT_TRUE(write_tar_gz(out, *e));
    }
    return made_[which] = out;
  }

 private:
  fs::path dir_;
  std::string arch_ = machine_arch(), key_, ca_, model_, edge_;
  std::map<std::string, fs::path> made_;
};
Bundles* g_bundles = nullptr;

class UpdateCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { g_bundles = new Bundles; }
  static void TearDownTestSuite() {
    delete g_bundles;
    g_bundles = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(g_bundles, nullptr);
    b_ = g_bundles;
    dir_ = test::fresh_test_dir("update");
    root_ = dir_ / "root";
    port_ = free_port();
    // The test's `systemctl restart citysafe-edge`: stop the node of the pid file, start
    // ROOT/current's (its working folder is the release, so deploy/edge.toml's relative paths
    // are the release's own). SIGKILL after 1 s: a node that cannot reach its broker spends
    // 5 s trying to flush on SIGTERM, which is not what these tests are about (its spool is
    // crash-safe), and each test must stay well under 20 s.
    std::string script = R"(#!/bin/sh
if [ -f @DIR@/node.pid ]; then
  pid=$(cat @DIR@/node.pid); kill $pid 2>/dev/null; i=0
  while [ $i -lt 10 ] && kill -0 $pid 2>/dev/null && ! grep -q '^[^)]*) Z' /proc/$pid/stat 2>/dev/null; do
    sleep 0.1; i=$((i+1))
  done
  kill -9 $pid 2>/dev/null; rm -f @DIR@/node.pid
fi
cd @ROOT@/current || exit 1
./bin/@ARCH@/citysafe-edge edge --config deploy/edge.toml --health 127.0.0.1:@PORT@ \
  >>@DIR@/node.log 2>&1 </dev/null &
echo $! > @DIR@/node.pid
)";
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"@DIR@", dir_.string()},
                                   {"@ROOT@", root_.string()},
                                   {"@ARCH@", b_->arch()},
                                   {"@PORT@", std::to_string(port_)}})
      for (auto at = script.find(from); at != std::string::npos; at = script.find(from))
        script.replace(at, from.size(), to);
    write(dir_ / "restart.sh", script);
    fs::permissions(dir_ / "restart.sh", fs::perms::owner_all);
  }

  void TearDown() override {
    const int pid = node_pid();
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      for (int i = 0; i < 10 && alive(pid); ++i)  // bounded: 1 s, then SIGKILL
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (alive(pid)) ::kill(pid, SIGKILL);
      for (int i = 0; i < 50 && alive(pid); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      EXPECT_FALSE(alive(pid)) << "node " << pid << " still running";
    }
    fs::remove_all(dir_);
  }

  std::string update_args(const fs::path& bundle, const std::string& extra = "") const {
    return "update --bundle " + bundle.string() + " --key " + (b_->dir() / "k.pub").string() +
           " --root " + root_.string() + " --restart-cmd " + (dir_ / "restart.sh").string() +
           " --health-url http://127.0.0.1:" + std::to_string(port_) + "/health " + extra;
  }
  int node_pid() const {
    const std::string s = slurp(dir_ / "node.pid");
    return s.empty() ? 0 : std::atoi(s.c_str());
  }
  // The release folder the running node was started from (its working folder).
  std::string node_release() const {
    std::error_code ec;
    return fs::read_symlink("/proc/" + std::to_string(node_pid()) + "/cwd", ec).string();
  }
  bool healthy() const {
    auto r = http::get("http://127.0.0.1:" + std::to_string(port_) + "/health",
                       std::chrono::milliseconds(2000));
    return r.ok() && r->status == 200;
  }
  std::string link(const std::string& name) const {
    std::error_code ec;
    return fs::read_symlink(root_ / name, ec).string();
  }
  // Every path under ROOT with its kind, link target or size and mtime.
  std::map<std::string, std::string> snapshot() const {
    std::map<std::string, std::string> out;
    std::error_code ec;
    if (!fs::exists(root_, ec)) return out;
    for (auto it = fs::recursive_directory_iterator(root_);
         it != fs::recursive_directory_iterator(); ++it) {
      const auto& e = *it;
      std::string v;
      if (e.is_symlink())
        v = "-> " + fs::read_symlink(e.path()).string();
      else if (e.is_directory())
        v = "dir";
      else
        v = std::to_string(e.file_size()) + " " +
            std::to_string(e.last_write_time().time_since_epoch().count());
      out[fs::relative(e.path(), root_).string()] = v;
    }
    return out;
  }

  Bundles* b_ = nullptr;
  fs::path dir_, root_;
  int port_ = 0;
};

TEST_F(UpdateCli, GoodUpdateSwitchesAndTheNewVersionAnswers) {
  auto r = citysafe_edge(update_args(b_->get("1.0.0"), "--health-timeout-s 15"));
  ASSERT_EQ(r.code, 0) << r.out << slurp(dir_ / "node.log");
  EXPECT_EQ(link("current"), "releases/1.0.0");
  EXPECT_TRUE(healthy());
  EXPECT_EQ(node_release(), (root_ / "releases/1.0.0").string());
  const int first_pid = node_pid();

  r = citysafe_edge(update_args(b_->get("1.1.0"), "--health-timeout-s 15"));
  ASSERT_EQ(r.code, 0) << r.out << slurp(dir_ / "node.log");
  for (const char* step : {"verify: ", "install: releases/1.1.0 (beside current 1.0.0)",
                           "switch: current -> releases/1.1.0, previous -> releases/1.0.0",
                           "restart: ", "health: ", "done: 1.1.0 is current"})
    EXPECT_NE(r.out.find(step), std::string::npos) << step << " missing in:\n" << r.out;
  EXPECT_EQ(link("current"), "releases/1.1.0");
  EXPECT_EQ(link("previous"), "releases/1.0.0");
  EXPECT_TRUE(healthy());
  EXPECT_NE(node_pid(), first_pid);
  EXPECT_FALSE(alive(first_pid)) << "the old node was stopped";
  EXPECT_EQ(node_release(), (root_ / "releases/1.1.0").string()) << "the NEW release answers";
  EXPECT_TRUE(fs::is_regular_file(root_ / "releases/1.0.0/bin" / b_->arch() / "citysafe-edge"))
      << "the previous release stays beside it";
  EXPECT_FALSE(fs::exists(root_ / (".staging-" + std::to_string(::getpid()))));

  // The version already current: a no-op, the node is not restarted.
  const int pid = node_pid();
  r = citysafe_edge(update_args(b_->get("1.1.0")));
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("1.1.0 is already current; nothing to do"), std::string::npos) << r.out;
  EXPECT_EQ(node_pid(), pid);
}

TEST_F(UpdateCli, FailingReleaseRollsBackAndTheOldVersionAnswersAgain) {
  auto r = citysafe_edge(update_args(b_->get("1.0.0"), "--health-timeout-s 15"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = citysafe_edge(update_args(b_->get("1.2.0"), "--health-timeout-s 2"));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("switch: current -> releases/1.2.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rollback: current -> releases/1.0.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rolled back to 1.0.0"), std::string::npos) << r.out;
  EXPECT_NE(slurp(dir_ / "node.log").find("default.csm"), std::string::npos)
      << "the new node really refused its model: " << slurp(dir_ / "node.log");
  EXPECT_EQ(link("current"), "releases/1.0.0");
  std::error_code ec;
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_ / "previous", ec))) << "there was none before";
  EXPECT_FALSE(fs::exists(root_ / "releases/1.2.0"));
  EXPECT_TRUE(healthy());
  EXPECT_EQ(node_release(), (root_ / "releases/1.0.0").string());
}

TEST_F(UpdateCli, FailedFirstInstallLeavesNoCurrent) {
  auto r = citysafe_edge(update_args(b_->get("1.2.0"), "--health-timeout-s 2"));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("no previous release to go back to"), std::string::npos) << r.out;
  std::error_code ec;
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_ / "current", ec)));
  EXPECT_FALSE(fs::exists(root_ / "releases/1.2.0"));
}

TEST_F(UpdateCli, BadBundlesAreRefusedAndNothingChanges) {
  auto r = citysafe_edge(update_args(b_->get("1.0.0"), "--health-timeout-s 15"));
  ASSERT_EQ(r.code, 0) << r.out;
  const auto before = snapshot();
  const int pid = node_pid();
  struct Case {
    fs::path bundle;
    std::string key, why;
  };
  const std::vector<Case> cases = {
      {b_->get("tampered"), "k.pub", "'docs/index.md': SHA-256 does not match SHA256SUMS"},
      {b_->get("bad-sig"), "k.pub", "SHA256SUMS.sig does not verify"},
      {b_->get("small"), "other.pub", "SHA256SUMS.sig does not verify"},
      {b_->get("traversal"), "k.pub", "'citysafe-1.1.0/../../../evil.sh': '..' component"}};
  for (const Case& c : cases) {
    auto args = update_args(c.bundle);
    args.replace(args.find("k.pub"), 5, c.key);
    r = citysafe_edge(args);
    EXPECT_EQ(r.code, 2) << c.bundle << ":\n" << r.out;
    EXPECT_NE(r.out.find(c.why), std::string::npos) << c.why << " missing in:\n" << r.out;
    EXPECT_EQ(r.out.find("install:"), std::string::npos) << r.out;
    EXPECT_EQ(snapshot(), before) << "ROOT changed after " << c.bundle;
    EXPECT_EQ(node_pid(), pid) << "the node was restarted";
  }
  EXPECT_FALSE(fs::exists(dir_ / "evil.sh"));
  EXPECT_TRUE(healthy());
}

TEST_F(UpdateCli, RefusedFirstInstallDoesNotCreateTheRoot) {
  auto r = citysafe_edge(update_args(b_->get("bad-sig")));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_FALSE(fs::exists(root_));
}

TEST_F(UpdateCli, CheckListsTheBundleAndInstallsNothing) {
  auto r = citysafe("update --check --bundle " + b_->get("small").string() + " --key " +
                    (b_->dir() / "k.pub").string() + " --root " + root_.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("version 1.1.0; arches " + b_->arch()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("models/default.csm"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(root_));
  r = citysafe_edge("update --check --bundle " + b_->get("tampered").string() + " --key " +
                    (b_->dir() / "k.pub").string());
  EXPECT_EQ(r.code, 2) << r.out;
}

TEST_F(UpdateCli, HelpTeachesWithExamples) {
  auto r = citysafe("update --help");
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"Examples:", "--check", "/etc/citysafe/release-key.pub", "/opt/citysafe",
                        "systemctl restart citysafe-edge", "http://127.0.0.1:8081/health", "=30"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << " missing in:\n" << r.out;
}

}  // namespace
}  // namespace css::bundle
