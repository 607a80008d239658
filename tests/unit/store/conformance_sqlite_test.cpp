// The conformance suite on SQLite: one fresh database file per test.
#include <atomic>
#include <memory>

#include "conformance.hpp"
#include "store_test_util.hpp"

namespace css::store::testing {
namespace {

std::string fresh_sqlite_url() {
  // One directory for the binary's run; removed at exit.
  static const auto dir = std::make_shared<TempDir>();
  static std::atomic<int> n{0};
  return "sqlite://" + (dir->path() / ("conformance-" + std::to_string(n++) + ".db")).string();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         ::testing::Values(StoreBackend{"sqlite", fresh_sqlite_url}),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace css::store::testing
