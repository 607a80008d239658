// The server over TLS on loopback, against certificates made by deploy/certs/make-certs.sh:
// routes and SSE over HTTPS with the CA verified, TLS < 1.2 refused, hostile clients (plain
// HTTP, a handshake cut halfway, garbage) closed while others keep being served, and every
// bad certificate/key combination rejected with an error naming the file.
#include <gtest/gtest.h>
#include <openssl/tls1.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>

#include "css/http/server.hpp"
#include "raw_socket.hpp"
#include "tls_test_client.hpp"

namespace css::http {
namespace {

using namespace std::chrono_literals;
using test::RawSocket;
using testing::TlsClient;
using testing::TlsMaterial;

class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { material_ = new TlsMaterial(); }
  static void TearDownTestSuite() {
    delete material_;
    material_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(material_->ok()) << "make-certs.sh failed"; }

  static Router router(std::atomic<int>* ticks = nullptr) {
    Router r;
    r.add({Method::kGet, "/hello", "greeting", "text/plain",
           [](const Request&) { return Response::text(200, "hi\n"); }});
    // Larger than a TLS record (16 KiB): the head and this body go out in one gather write.
    r.add({Method::kGet, "/big", "big", "text/plain",
           [](const Request&) { return Response::text(200, big_body()); }});
    // Three SSE events, one per poll, then the end of the stream.
    r.add({Method::kGet, "/events", "stream", "text/event-stream", [ticks](const Request&) {
             Response res;
             res.content_type = "text/event-stream";
             auto n = std::make_shared<int>(0);
             res.stream = std::make_shared<Stream>(Stream{
                 20ms, [n, ticks]() {
                   if (ticks) ++*ticks;
                   if (*n == 3) return std::optional<std::string>();
                   return std::optional<std::string>("data: " + std::to_string(++*n) + "\n\n");
                 }});
             return res;
           }});
    return r;
  }

  static std::string big_body() {
    std::string b(200 * 1024, 'x');
    for (std::size_t i = 0; i < b.size(); i += 64) b[i] = static_cast<char>('a' + (i / 64) % 26);
    return b;
  }

  static ServerOptions options() {
    ServerOptions o;
    o.tls.cert_file = material_->cert();
    o.tls.key_file = material_->key();
    return o;
  }

  static std::unique_ptr<Server> start(ServerOptions o = options()) {
    auto s = Server::start(router(), o);
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }

  static void expect_serves(const Server& s) {
    TlsClient c(s.port(), material_->ca());
    ASSERT_TRUE(c.connected()) << c.error();
    const auto a = c.get("/hello");
    ASSERT_TRUE(a) << c.error();
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(a->body, "hi\n");
  }

  static TlsMaterial* material_;
};
TlsMaterial* Tls::material_ = nullptr;

TEST_F(Tls, ServesRoutesOverHttpsWithKeepAlive) {
  auto s = start();
  ASSERT_TRUE(s);
  TlsClient c(s->port(), material_->ca());
  ASSERT_TRUE(c.connected()) << c.error();
  for (int i = 0; i < 3; ++i) {
    const auto a = c.get("/hello");
    ASSERT_TRUE(a) << i << ": " << c.error();
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(a->body, "hi\n");
  }
  const auto missing = c.get("/nope");
  ASSERT_TRUE(missing) << c.error();
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("\"error\":\"not_found\""), std::string::npos);
}

TEST_F(Tls, AnswerLargerThanATlsRecordArrivesWhole) {
  auto s = start();
  ASSERT_TRUE(s);
  TlsClient c(s->port(), material_->ca());
  ASSERT_TRUE(c.connected()) << c.error();
  for (int i = 0; i < 2; ++i) {  // and the connection stays usable after it
    const auto a = c.get("/big");
    ASSERT_TRUE(a) << i << ": " << c.error();
    EXPECT_EQ(a->status, 200);
    EXPECT_TRUE(a->body == big_body()) << a->body.size() << " bytes";
  }
}

TEST_F(Tls, ClientWithAnotherCaRejectsTheServer) {
  auto s = start();
  ASSERT_TRUE(s);
  TlsMaterial other;
  ASSERT_TRUE(other.ok());
  TlsClient c(s->port(), other.ca());
  EXPECT_FALSE(c.connected());
  EXPECT_NE(c.error().find("handshake"), std::string::npos) << c.error();
  expect_serves(*s);
}

TEST_F(Tls, Tls11IsRefused) {
  auto s = start();
  ASSERT_TRUE(s);
  TlsClient old(s->port(), material_->ca(), 3000, TLS1_1_VERSION);
  EXPECT_FALSE(old.connected());
  TlsClient v12(s->port(), material_->ca(), 3000, TLS1_2_VERSION);
  EXPECT_TRUE(v12.connected()) << v12.error();
}

TEST_F(Tls, PlainHttpIsClosedWithoutAnAnswerAndServingGoesOn) {
  auto s = start();
  ASSERT_TRUE(s);
  RawSocket plain(s->port());
  ASSERT_TRUE(plain.connected());
  ASSERT_TRUE(plain.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const auto t0 = std::chrono::steady_clock::now();
  const std::string got = plain.recv_all();
  EXPECT_EQ(got.find("HTTP/1.1"), std::string::npos) << got;
  EXPECT_EQ(got.find("hi\n"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);  // closed at once, not on a timeout
  expect_serves(*s);
}

TEST_F(Tls, HandshakeCutHalfwayIsClosedOnTheIoTimeout) {
  ServerOptions o = options();
  o.io_timeout = 300ms;
  o.max_connections = 2;
  auto s = start(o);
  ASSERT_TRUE(s);
  // A ClientHello record header announcing 200 bytes, then 3 of them, then silence.
  RawSocket stalled(s->port(), 5000);
  ASSERT_TRUE(stalled.connected());
  ASSERT_TRUE(stalled.send(std::string("\x16\x03\x01\x00\xc8\x01\x00\x00", 8)));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(stalled.recv_all(), "");
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 200ms);
  EXPECT_LT(waited, 3s);
  expect_serves(*s);  // its connection slot was given back (max_connections 2)
  expect_serves(*s);
}

TEST_F(Tls, GarbageBytesAreClosedAndServingGoesOn) {
  auto s = start();
  ASSERT_TRUE(s);
  std::string junk(4096, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i)
    junk[i] = static_cast<char>((i * 2654435761u) >> 13);
  for (int round = 0; round < 3; ++round) {
    RawSocket c(s->port());
    ASSERT_TRUE(c.connected());
    c.send(junk);
    const std::string got = c.recv_all();
    EXPECT_EQ(got.find("HTTP/1.1"), std::string::npos);
  }
  // A valid record header that announces garbage inside a handshake.
  RawSocket c(s->port());
  c.send(std::string("\x16\x03\x03\x00\x05\xff\xff\xff\xff\xff", 10));
  c.recv_all();
  expect_serves(*s);
}

TEST_F(Tls, ServerSentEventsArriveOverTlsAndTheStreamEnds) {
  std::atomic<int> ticks{0};
  auto s = Server::start(router(&ticks), options());
  ASSERT_TRUE(s) << s.error().message;
  TlsClient c((*s)->port(), material_->ca());
  ASSERT_TRUE(c.connected()) << c.error();
  const std::string got = c.get_until("/events", "data: 3\n\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0U) << got;
  EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(got.find("data: 1\n\ndata: 2\n\ndata: 3\n\n"), std::string::npos) << got;
  EXPECT_GE(ticks.load(), 3);
}

TEST_F(Tls, StopEndsOpenTlsConnections) {
  auto s = start();
  ASSERT_TRUE(s);
  TlsClient idle(s->port(), material_->ca());
  ASSERT_TRUE(idle.connected()) << idle.error();
  RawSocket stalled(s->port());
  ASSERT_TRUE(stalled.send(std::string("\x16\x03\x01", 3)));
  const auto t0 = std::chrono::steady_clock::now();
  s->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

// --- bad files -------------------------------------------------------------------------------

class TlsFilesCheck : public Tls {
 protected:
  static TlsFiles files(std::string cert, std::string key) {
    TlsFiles f;
    f.cert_file = std::move(cert);
    f.key_file = std::move(key);
    f.cert_name = "--tls-cert";
    f.key_name = "--tls-key";
    return f;
  }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (material_->dir() / name).string();
    std::ofstream(path) << text;
    return path;
  }
  static std::string error_of(const TlsFiles& f) {
    auto st = check_tls(f);
    EXPECT_FALSE(st);
    if (st) return "";
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    // The same check runs at start(), before anything is bound.
    ServerOptions o;
    o.tls = f;
    auto s = Server::start(Router{}, o);
    EXPECT_FALSE(s);
    if (!s) {
      EXPECT_EQ(s.error().message, st.error().message);
    }
    return st.error().message;
  }
};

TEST_F(TlsFilesCheck, GoodPairPasses) {
  EXPECT_TRUE(check_tls(files(material_->cert(), material_->key())));
}

TEST_F(TlsFilesCheck, OneWithoutTheOtherNamesTheMissingOne) {
  EXPECT_EQ(error_of(files(material_->cert(), "")).rfind("--tls-key: required when --tls-cert", 0),
            0U);
  EXPECT_EQ(error_of(files("", material_->key())).rfind("--tls-cert: required when --tls-key", 0),
            0U);
}

TEST_F(TlsFilesCheck, MissingOrDirectoryIsUnreadable) {
  const std::string missing = (material_->dir() / "nope.pem").string();
  const std::string m = error_of(files(missing, material_->key()));
  EXPECT_EQ(m.rfind("--tls-cert: '" + missing + "': cannot read it", 0), 0U) << m;
  const std::string d = error_of(files(material_->cert(), material_->dir().string()));
  EXPECT_EQ(d.rfind("--tls-key: '" + material_->dir().string() + "': cannot read it", 0), 0U) << d;
}

TEST_F(TlsFilesCheck, NotPemIsNamed) {
  const std::string junk = write("junk.pem", "this is not a certificate\n");
  const std::string m = error_of(files(junk, material_->key()));
  EXPECT_EQ(m.rfind("--tls-cert: '" + junk + "': not a PEM certificate", 0), 0U) << m;
  // A key given as the certificate, and a certificate given as the key.
  const std::string swapped = error_of(files(material_->key(), material_->cert()));
  EXPECT_EQ(swapped.rfind("--tls-cert: '" + material_->key() + "': not a PEM certificate", 0), 0U)
      << swapped;
  const std::string k = error_of(files(material_->cert(), material_->cert()));
  EXPECT_EQ(
      k.rfind("--tls-key: '" + material_->cert() + "': not an unencrypted PEM private key", 0), 0U)
      << k;
}

TEST_F(TlsFilesCheck, KeyOfAnotherCertificateIsAMismatch) {
  const std::string m = error_of(files(material_->cert(), material_->other_key()));
  EXPECT_EQ(m.rfind("--tls-key: '" + material_->other_key() +
                        "': does not match the certificate in '" + material_->cert() + "'",
                    0),
            0U)
      << m;
}

}  // namespace
}  // namespace css::http
