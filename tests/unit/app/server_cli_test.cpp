// citysafe-server (issue 14): the server's commands in a binary that links no LibTorch, with
// the same flags and help as in the full `citysafe`, and a real round trip through the store.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"

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

}  // namespace
