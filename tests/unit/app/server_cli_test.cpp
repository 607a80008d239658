// citysafe-server (issue 14): the server's commands in a binary that links no LibTorch, with
// the same flags and help as in the full `citysafe`, and a real round trip through the store.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "cli_runner.hpp"
#include "process.hpp"

namespace {

using css::testing::CmdResult;
using css::testing::run_citysafe;

// The commands apps/citysafe/main.cpp registers under CSS_SERVER_BINARY.
const char* const kServerCommands[] = {"serve",    "ingest", "store",         "token",
                                       "hotspots", "flows",  "simulate-city", "import-events"};

CmdResult run(const std::string& cmd) {
  CmdResult r{-1, {}};
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(ServerBinary, LinksNoLibTorch) {
  const auto r = run(std::string("ldd ") + CSS_CITYSAFE_BIN);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_NE(r.out.find("libsqlite3"), std::string::npos) << "ldd printed no libraries:\n" << r.out;
  EXPECT_EQ(r.out.find("torch"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("libonnx"), std::string::npos) << r.out;
}

TEST(ServerBinary, EachCommandHasTheFullBinarysHelp) {
  for (const char* sub : kServerCommands) {
    auto server = run_citysafe(std::string(sub) + " --help");
    // Only the usage line names the binary: "Usage: citysafe-server serve [OPTIONS]".
    const auto at = server.out.find("Usage: citysafe-server ");
    if (at != std::string::npos) server.out.replace(at, 23, "Usage: citysafe ");
    const auto full = run(std::string(CSS_CITYSAFE_FULL_BIN) + " " + sub + " --help");
    ASSERT_EQ(server.exit_code, 0) << sub << ": " << server.out;
    ASSERT_EQ(full.exit_code, 0) << sub << ": " << full.out;
    EXPECT_EQ(server.out, full.out) << sub;
  }
}

TEST(ServerBinary, OffersOnlyTheServerCommands) {
  const auto r = run_citysafe("--help");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* sub : kServerCommands)
    EXPECT_NE(r.out.find(std::string("\n  ") + sub + " "), std::string::npos) << sub;
  for (const char* absent : {"train", "export", "eval", "edge", "demo"}) {
    EXPECT_EQ(r.out.find(std::string("\n  ") + absent + " "), std::string::npos) << absent;
    EXPECT_EQ(run_citysafe(absent).exit_code, 2) << absent;
  }
}

class ServerCli : public css::testing::TempDirTest {};

TEST_F(ServerCli, MigratesANewStoreAndReportsIt) {
  const std::string url = "sqlite://" + (dir_ / "new.db").string();
  auto r = run_citysafe("store info --store " + url);
  EXPECT_EQ(r.exit_code, 2) << r.out;  // no such store yet: refused, naming it
  EXPECT_NE(r.out.find("no database"), std::string::npos) << r.out;
  r = run_citysafe("store migrate --store " + url);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_citysafe("store info --store " + url);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["events"], 0);
  EXPECT_GT(j["schema_version"].get<int>(), 0);
}

// A loopback port nobody listens on now (the kernel's pick for port 0).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  return ok ? ntohs(addr.sin_port) : 0;
}

// GET path from 127.0.0.1:port with HTTP/1.0: the whole answer, or "" if none.
std::string http_get(std::uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, n);
    }
  }
  ::close(fd);
  return out;
}

// `citysafe-server serve` on a migrated store answers /health and an events query, and stops
// cleanly on SIGTERM: the API path works in the torch-free binary, not only its --help.
TEST_F(ServerCli, ServesTheApiAndStopsOnSigterm) {
  const std::string url = "sqlite://" + (dir_ / "api.db").string();
  ASSERT_EQ(run_citysafe("store migrate --store " + url).exit_code, 0);
  const std::uint16_t port = free_port();
  ASSERT_NE(port, 0);
  const std::string log = (dir_ / "serve.log").string();
  const std::string port_text = std::to_string(port);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execl(CSS_CITYSAFE_BIN, CSS_CITYSAFE_BIN, "serve", "--db", url.c_str(), "--port",
            port_text.c_str(), "--allow-anonymous-read", "--threads", "1",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {  // up to 10 s on a loaded machine
    up = css::testing::accepts(port);
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string health = up ? http_get(port, "/health") : "";
  const std::string events = up ? http_get(port, "/api/v1/events?limit=5") : "";
  ::kill(pid, SIGTERM);
  int status = css::testing::wait_bounded(pid, 10000);
  if (status == -1) {
    ::kill(pid, SIGKILL);
    status = css::testing::wait_bounded(pid, 5000);
  }
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_TRUE(up) << "serve never listened on " << port << ":\n" << text.str();
  EXPECT_EQ(health.rfind("HTTP/1.1 200", 0), 0u) << health;
  EXPECT_EQ(events.rfind("HTTP/1.1 200", 0), 0u) << events;
  const auto body = events.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos) << events;
  const auto j = nlohmann::json::parse(events.substr(body + 4), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << events;
  EXPECT_EQ(j.value("events", nlohmann::json()), nlohmann::json::array()) << j.dump();
  ASSERT_TRUE(WIFEXITED(status)) << "serve did not exit on SIGTERM:\n" << text.str();
  EXPECT_EQ(WEXITSTATUS(status), 0) << text.str();
}

}  // namespace
