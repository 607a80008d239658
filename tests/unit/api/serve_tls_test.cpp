// `citysafe serve --tls-cert --tls-key` as a real process over a real SQLite store, with
// certificates from deploy/certs/make-certs.sh: /health, /api/v1/events and the live stream
// over HTTPS with the CA verified, plain HTTP to the port refused while HTTPS goes on, and
// every bad TLS flag refused with exit 2 and one line naming the flag, before the store is
// touched. The process is stopped with SIGTERM (SIGKILL after a bound) in every test.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "api_fixture.hpp"
#include "cli_runner.hpp"
#include "process.hpp"
#include "tls_test_client.hpp"

namespace css::api::test {
namespace {

using namespace std::chrono_literals;
using css::testing::run_citysafe;
using css::testing::TlsClient;
using css::testing::TlsMaterial;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ServeTls : public ApiFixture {
 protected:
  TlsMaterial tls;

  void TearDown() override {
    stop();
    ApiFixture::TearDown();
  }

  // Starts `citysafe serve` on a free port; returns the port from its log line, 0 on failure.
  std::uint16_t start(const std::string& extra = "") {
    log_ = dir.path() / "serve.log";
    const std::string cmd = std::string("exec ") + CSS_CITYSAFE_BIN + " serve --db " + db +
                            " --tokens " + tokens_file().string() + " --port 0 --threads 2" +
                            " --rate-limit 0 --tls-cert " + tls.cert() + " --tls-key " + tls.key() +
                            " " + extra + " >" + log_.string() + " 2>&1";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const std::string marker = "on https://127.0.0.1:";
    for (int i = 0; i < 200; ++i) {  // 10 s at most
      const std::string text = slurp(log_);
      if (const auto at = text.find(marker); at != std::string::npos)
        return static_cast<std::uint16_t>(std::stoi(text.substr(at + marker.size())));
      if (css::testing::wait_bounded(pid_, 0) != -1) {
        pid_ = -1;
        ADD_FAILURE() << "serve exited: " << text;
        return 0;
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "no 'serving' line in 10 s: " << slurp(log_);
    return 0;
  }

  // SIGTERM, then SIGKILL if it has not exited within 5 s; expects a clean exit 0.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = css::testing::wait_bounded(pid_, 5000);
    if (status == -1) {
      ::kill(pid_, SIGKILL);
      status = css::testing::wait_bounded(pid_, 5000);
      ADD_FAILURE() << "serve ignored SIGTERM for 5 s";
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log_);
    pid_ = -1;
  }

  pid_t pid_ = -1;
  std::filesystem::path log_;
};

TEST_F(ServeTls, HealthAndEventsOverHttpsWithTheCaVerified) {
  ASSERT_TRUE(tls.ok());
  const auto port = start();
  ASSERT_NE(port, 0);
  TlsClient c(port, tls.ca());
  ASSERT_TRUE(c.connected()) << c.error();
  const auto health = c.get("/health");
  ASSERT_TRUE(health) << c.error();
  EXPECT_EQ(health->status, 200) << health->body;
  const auto events = c.get("/api/v1/events?limit=5", read_token);
  ASSERT_TRUE(events) << c.error();
  ASSERT_EQ(events->status, 200) << events->body;
  const auto j = nlohmann::json::parse(events->body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << events->body;
  EXPECT_EQ(j["events"].size(), 5U) << events->body;
  const auto openapi = c.get("/openapi.json");  // over 16 KiB: several TLS records
  ASSERT_TRUE(openapi) << c.error();
  EXPECT_GT(openapi->body.size(), 16U * 1024);
  EXPECT_TRUE(nlohmann::json::parse(openapi->body, nullptr, false).contains("paths"));
  const auto anonymous = c.get("/api/v1/events?limit=5");  // the same rules as over HTTP
  ASSERT_TRUE(anonymous) << c.error();
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_NE(slurp(log_).find("https://"), std::string::npos);
}

TEST_F(ServeTls, PlainHttpIsRefusedAndHttpsGoesOn) {
  ASSERT_TRUE(tls.ok());
  const auto port = start();
  ASSERT_NE(port, 0);
  for (int i = 0; i < 3; ++i) {
    const Reply plain = fetch(port, "/health");
    EXPECT_EQ(plain.status, 0) << plain.head << plain.body;  // no HTTP answer at all
  }
  // A handshake cut halfway does not hold up other clients either.
  http::test::RawSocket stalled(port);
  ASSERT_TRUE(stalled.send(std::string("\x16\x03\x01\x00\xc8\x01\x00", 7)));
  TlsClient c(port, tls.ca());
  ASSERT_TRUE(c.connected()) << c.error();
  const auto health = c.get("/health");
  ASSERT_TRUE(health) << c.error();
  EXPECT_EQ(health->status, 200);
}

TEST_F(ServeTls, StreamDeliversAnAppendedEventOverTls) {
  ASSERT_TRUE(tls.ok());
  const auto port = start();
  ASSERT_NE(port, 0);
  TlsClient c(port, tls.ca());
  ASSERT_TRUE(c.connected()) << c.error();
  ASSERT_TRUE(c.send_get("/api/v1/stream", read_token)) << c.error();
  const std::string head = c.read_until("\r\n\r\n");
  ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0U) << head << c.error();
  store::testing::EventSpec spec;
  spec.n = 2000;
  spec.timestamp = now_s();
  const Event e = store::testing::make_event(spec);
  // The feed polls the store; give it a poll to take its starting point before the append.
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(writer->append_events(std::span(&e, 1), now_s()));
  const auto t = std::chrono::steady_clock::now();
  const std::string got = c.read_until(e.id);
  EXPECT_NE(got.find("event: event\ndata: {"), std::string::npos) << got;
  EXPECT_NE(got.find(e.id), std::string::npos) << got << c.error();
  EXPECT_LT(std::chrono::steady_clock::now() - t, 3s);
}

TEST_F(ServeTls, BadTlsFlagsExitTwoNamingTheFlag) {
  ASSERT_TRUE(tls.ok());
  const std::string junk = (dir.path() / "junk.pem").string();
  std::ofstream(junk) << "not PEM\n";
  const std::string fresh = "sqlite://" + (dir.path() / "never.db").string();
  struct Case {
    std::string flags, named, says;
  };
  const Case cases[] = {
      {"--tls-cert " + tls.cert(), "--tls-key", "required when"},
      {"--tls-key " + tls.key(), "--tls-cert", "required when"},
      {"--tls-cert " + (dir.path() / "nope.pem").string() + " --tls-key " + tls.key(), "--tls-cert",
       "cannot read"},
      {"--tls-cert " + tls.cert() + " --tls-key " + dir.path().string(), "--tls-key",
       "cannot read"},
      {"--tls-cert " + junk + " --tls-key " + tls.key(), "--tls-cert", "not a PEM certificate"},
      {"--tls-cert " + tls.cert() + " --tls-key " + junk, "--tls-key", "not an unencrypted PEM"},
      {"--tls-cert " + tls.cert() + " --tls-key " + tls.other_key(), "--tls-key",
       "does not match the certificate"},
      {"--set api.tls_cert=" + junk + " --set api.tls_key=" + tls.key(), "--tls-cert",
       "not a PEM certificate"},
  };
  for (const Case& k : cases) {
    const auto r = run_citysafe("serve --db " + fresh + " --port 0 " + k.flags);
    EXPECT_EQ(r.exit_code, 2) << k.flags << "\n" << r.out;
    EXPECT_EQ(css::testing::line_count(r.out), 1) << r.out;
    EXPECT_EQ(r.out.rfind("citysafe: error: " + k.named + " ", 0), 0U) << r.out;
    EXPECT_NE(r.out.find(k.says), std::string::npos) << r.out;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "never.db"));  // refused before the store
}

}  // namespace
}  // namespace css::api::test
