// The conformance suite on PostgreSQL/PostGIS: one fresh database per test in a private cluster
// (pg_cluster_env.hpp).
#include "conformance.hpp"
#include "pg_cluster_env.hpp"

namespace css::store::testing {
namespace {

[[maybe_unused]] auto* const kEnv = ::testing::AddGlobalTestEnvironment(new PgClusterEnv);

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance,
                         ::testing::Values(StoreBackend{"postgresql", fresh_pg_url}),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace css::store::testing
