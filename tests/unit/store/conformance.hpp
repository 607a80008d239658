// The EventStore conformance suite: what every backend must do, written against the interface
// only. A backend's test binary links conformance.cpp and instantiates the suite with a way to
// make a fresh, empty database:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
//       ::testing::Values(StoreBackend{"sqlite", [] { return "sqlite:///tmp/x/new.db"; }}),
//       [](const auto& p) { return p.param.name; });
//
// fresh_url() is called once per test and must return the URL of a database nobody else uses
// (PostgreSQL: a new database in the test's cluster).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "css/store/event_store.hpp"

namespace css::store::testing {

struct StoreBackend {
  std::string name;
  std::function<std::string()> fresh_url;
};
inline void PrintTo(const StoreBackend& backend, std::ostream* os) {
  *os << backend.name;
}

class StoreConformance : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override;
  // Opens another connection to this test's database (a second writer, or a reopen).
  std::unique_ptr<EventStore> open_again();

  std::string url_;
  std::unique_ptr<EventStore> store_;
};

}  // namespace css::store::testing
