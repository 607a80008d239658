// `citysafe edge --require-signature`: the node refuses to start (exit 2, naming the
// signature) unless MODEL.sig verifies against --public-key, and a SIGHUP reload whose
// signature fails keeps the old model. Real keys (css::signing), a real TLS Mosquitto.
#include <gtest/gtest.h>

#include "css/signing/ed25519.hpp"
#include "edge_fixture.hpp"

namespace css::node {
namespace {

namespace fs = std::filesystem;
using namespace test;  // NOLINT: the fixture's helpers
using mqtt::test::Inbox;

struct Signed {
  fs::path model, pub, key;
};

// A copy of the shipped model, signed with a fresh key pair in `dir`.
Signed signed_model(const fs::path& dir) {
  Signed s{dir / "model.csm", dir / "model.pub", dir / "model.key"};
  fs::copy_file(fs::path(CSS_SOURCE_DIR) / "models/default.csm", s.model,
                fs::copy_options::overwrite_existing);
  EXPECT_TRUE(signing::write_keypair(s.key, s.pub).ok());
  EXPECT_TRUE(signing::sign_file(s.model, s.key).ok());
  return s;
}

std::vector<std::string> with_model(std::vector<std::string> args, const Signed& s,
                                    std::initializer_list<const char*> extra) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--model") args[i + 1] = s.model.string();
  for (const char* a : extra) args.push_back(a);
  return args;
}

int run_to_end(const std::vector<std::string>& args, const fs::path& log, std::string& text) {
  EdgeChild edge(args, log, false);
  const int rc = edge.wait(30'000);
  text = edge.log();
  return rc;
}

TEST(EdgeSignature, RefusesToStartUnlessTheSignatureVerifies) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  const Signed s = signed_model(fx.dir);
  const std::string pub = s.pub.string();
  auto args = [&](std::initializer_list<const char*> extra) {
    auto a = with_model(fx.args("stdin"), s, extra);  // stdin is /dev/null: ends at once
    for (const char* x : {"--set", "edge.drain_ms=0", "--require-signature"}) a.push_back(x);
    return a;
  };
  std::string log;

  auto ok = args({});
  ok.insert(ok.end(), {"--public-key", pub});
  ASSERT_EQ(run_to_end(ok, fx.dir / "ok.log", log), 0) << log;
  EXPECT_NE(log.find("Stopped: "), std::string::npos) << log;

  EXPECT_EQ(run_to_end(args({}), fx.dir / "nokey.log", log), 2) << log;
  EXPECT_NE(log.find("--public-key"), std::string::npos) << log;

  // A model changed after signing (one byte of the payload) is refused before any connect.
  {
    std::fstream f(s.model, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-1, std::ios::end);
    const char last = static_cast<char>(f.get());
    f.seekp(-1, std::ios::end);
    f.put(static_cast<char>(last ^ 0x01));
  }
  EXPECT_EQ(run_to_end(ok, fx.dir / "tampered.log", log), 2) << log;
  EXPECT_NE(log.find("--require-signature"), std::string::npos) << log;
  EXPECT_NE(log.find("model.csm.sig"), std::string::npos) << log;
  EXPECT_EQ(log.find("Connected to"), std::string::npos) << log;

  // No .sig at all: refused, naming the missing file.
  fs::copy_file(fs::path(CSS_SOURCE_DIR) / "models/default.csm", s.model,
                fs::copy_options::overwrite_existing);
  fs::remove(signing::signature_path(s.model));
  EXPECT_EQ(run_to_end(ok, fx.dir / "nosig.log", log), 2) << log;
  EXPECT_NE(log.find("model.csm.sig"), std::string::npos) << log;
}

TEST(EdgeSignature, HupReloadVerifiesBeforeTheSwapAndKeepsTheOldModel) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  const Signed s = signed_model(fx.dir);
  auto args = with_model(fx.args("sim"), s, {"--require-signature"});
  args.insert(args.end(), {"--public-key", s.pub.string()});
  EdgeChild edge(args, fx.dir / "edge.log", false);
  auto log_count = [&](const std::string& needle) {
    const std::string text = edge.log();
    std::size_t n = 0;
    for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
    return n;
  };
  auto eventually_count = [&](const std::string& needle, std::size_t n) {
    return mqtt::test::eventually([&] { return log_count(needle) >= n; }, 10'000);
  };
  ASSERT_TRUE(eventually_count("Connected to", 1)) << edge.log();

  // A signature that does not match (another key signed it): the reload is refused.
  const fs::path other_pub = fx.dir / "other.pub", other_key = fx.dir / "other.key";
  ASSERT_TRUE(signing::write_keypair(other_key, other_pub).ok());
  ASSERT_TRUE(signing::sign_file(s.model, other_key).ok());
  edge.signal(SIGHUP);
  ASSERT_TRUE(eventually_count("model reload failed", 1)) << edge.log();
  EXPECT_NE(edge.log().find("signature"), std::string::npos) << edge.log();
  EXPECT_EQ(log_count("Model reloaded"), 0u) << edge.log();

  // Signed again with the node's key: the next SIGHUP swaps.
  ASSERT_TRUE(signing::sign_file(s.model, s.key).ok());
  edge.signal(SIGHUP);
  ASSERT_TRUE(eventually_count("Model reloaded: sha256:", 1)) << edge.log();
  edge.signal(SIGTERM);
  ASSERT_EQ(edge.wait(20'000), 0) << edge.log();
}

}  // namespace
}  // namespace css::node
