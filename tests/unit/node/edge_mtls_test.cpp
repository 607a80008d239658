// `citysafe edge` against a broker that requires client certificates (mutual TLS:
// `require_certificate true`, certificates from deploy/certs/make-certs.sh --device): with
// --client-cert/--client-key the node's events arrive; without them the TLS handshake is
// refused, nothing is published and the events stay in the spool for later.
#include <gtest/gtest.h>

#include <regex>

#include "edge_fixture.hpp"

namespace css::node {
namespace {

using namespace test;  // NOLINT: the fixture's helpers
using mqtt::test::Inbox;

testing::MosquittoBroker::Config mutual_tls() {
  testing::MosquittoBroker::Config c;
  c.require_certificate = true;
  c.client_devices = {"dev-a", "ingest"};
  return c;
}

TEST(EdgeMutualTls, ClientCertificateIsRequiredAndSuffices) {
  Fixture fx(mutual_tls());
  ASSERT_TRUE(fx.broker);
  Inbox inbox;
  auto o = mqtt::test::options_for(*fx.broker, "ingest", "pw-ingest", "ingest-1");
  o.cert_file = fx.broker->client_cert("ingest").string();
  o.key_file = fx.broker->client_key("ingest").string();
  mqtt::Client sub(o, mqtt::Callbacks{.on_message = inbox.sink()});
  ASSERT_TRUE(sub.connect().ok());
  ASSERT_TRUE(sub.subscribe("citysafesense/#", mqtt::Qos::kAtLeastOnce).ok());

  // No client certificate: refused at the handshake; the events wait in the spool.
  auto bare = fx.args("sim");
  for (const char* a :
       {"--scenario", "snatch", "--fast", "--duration", "120", "--set", "edge.drain_ms=2000"})
    bare.push_back(a);
  EdgeChild refused(bare, fx.dir / "refused.log", false);
  ASSERT_EQ(refused.wait(60'000), 0) << refused.log();
  const long built = events_built(refused.log());
  ASSERT_GT(built, 0) << refused.log();
  EXPECT_EQ(refused.log().find("Connected to"), std::string::npos) << refused.log();
  std::smatch m;
  const std::string log = refused.log();
  ASSERT_TRUE(std::regex_search(log, m, std::regex(R"((\d+) pending in the spool)"))) << log;
  EXPECT_GE(std::stol(m[1]), built);
  EXPECT_TRUE(events_of(inbox.all()).empty());

  // The device's certificate: the node connects and delivers what it kept, then stops.
  auto with_cert = fx.args("stdin");
  with_cert.insert(with_cert.end(), {"--client-cert", fx.broker->client_cert("dev-a").string(),
                                     "--client-key", fx.broker->client_key("dev-a").string()});
  EdgeChild ok(with_cert, fx.dir / "ok.log", false);
  ASSERT_EQ(ok.wait(60'000), 0) << ok.log();
  EXPECT_NE(ok.log().find("Connected to"), std::string::npos) << ok.log();
  ASSERT_TRUE(mqtt::test::eventually(
      [&] { return events_of(inbox.all()).size() >= std::size_t(built); }, 10'000))
      << ok.log();
  expect_complete_and_ordered(events_of(inbox.all()), spooled_seqs(refused.log()));
}

}  // namespace
}  // namespace css::node
