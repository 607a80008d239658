// Store URLs and page cursors: the text forms users and API clients hand us.
#include <gtest/gtest.h>

#include "css/store/cursor.hpp"
#include "css/store/event_store.hpp"
#include "css/store/store_url.hpp"
#include "store_test_util.hpp"

namespace css::store {
namespace {

TEST(StoreUrl, SqliteForms) {
  auto abs = parse_store_url("sqlite:///var/lib/citysafe/events.db");
  ASSERT_TRUE(abs.ok()) << abs.error().message;
  EXPECT_EQ(abs->backend, Backend::kSqlite);
  EXPECT_EQ(abs->path, "/var/lib/citysafe/events.db");
  auto rel = parse_store_url("sqlite://data/citysafe.db");
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->path, "data/citysafe.db");
  auto bare = parse_store_url("data/x.db");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->path, "data/x.db");
  auto mem = parse_store_url("sqlite://:memory:");
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ(mem->path, ":memory:");
  auto def = parse_store_url(kDefaultStoreUrl);
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->path, "data/citysafe.db");
}

TEST(StoreUrl, PostgresIsRecognisedAndItsPasswordNeverPrinted) {
  auto pg = parse_store_url("postgresql://ingest:s3cret@127.0.0.1:5432/city?sslmode=disable");
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg->backend, Backend::kPostgres);
  EXPECT_EQ(pg->conninfo, "postgresql://ingest:s3cret@127.0.0.1:5432/city?sslmode=disable");
  EXPECT_EQ(pg->redacted, "postgresql://ingest:***@127.0.0.1:5432/city?sslmode=disable");
  EXPECT_EQ(parse_store_url("postgres://h/db")->backend, Backend::kPostgres);
  EXPECT_EQ(redact_url("postgresql://h/db?user=a&password=pw&sslmode=require"),
            "postgresql://h/db?user=a&password=***&sslmode=require");
  EXPECT_EQ(redact_url("postgresql://user@h/db"), "postgresql://user@h/db");
}

TEST(StoreUrl, ThePostgresBackendMissingIsAClearError) {
  auto s = open_store("postgresql://ingest:s3cret@127.0.0.1:1/city");
  ASSERT_FALSE(s.ok());
#if CSS_STORE_POSTGRES
  // Built with the backend (tests/unit/store/pg_backend_test.cpp): nothing listens on port 1.
  EXPECT_EQ(s.error().code, ErrorCode::kIo) << s.error().message;
#else
  EXPECT_EQ(s.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(s.error().message.find("PostgreSQL backend is not built"), std::string::npos);
#endif
  EXPECT_NE(s.error().message.find("ingest:***@127.0.0.1"), std::string::npos);
  EXPECT_EQ(s.error().message.find("s3cret"), std::string::npos);
}

TEST(StoreUrl, BadUrlsAreRefusedNamingTheUrl) {
  const auto refused = [](std::string_view url, const std::string& why) {
    auto r = parse_store_url(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  };
  refused("", "empty");
  refused("sqlite://", "no database path");
  refused("sqlite:data/x.db", "expected '//'");
  refused("sqlite://data/x.db?mode=ro", "no '?'");
  refused("sqlite://data/", "directory");
  refused("mysql://u:pw@h/db", "unknown scheme 'mysql'");
  refused("mysql://u:pw@h/db", "u:***@h");
  refused(std::string("sqlite://a\nb"), "control character");
  refused(std::string(kMaxStoreUrlChars + 1, 'a'), "longer than");
}

TEST(Cursor, RoundTripsExactly) {
  const EventCursor c{1715982012.5200000001, testing::uuid_for(3)};
  auto back = decode_cursor(encode_cursor(c));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, c);
  const EventCursor tiny{0.1 + 0.2, testing::uuid_for(4)};
  EXPECT_EQ(*decode_cursor(encode_cursor(tiny)), tiny);
}

TEST(Cursor, GarbageIsRefused) {
  for (std::string_view bad : {"", "_", "12",
                               "abc_"
                               "00000000-0000-4000-8000-000000000000",
                               "12.5_", "12.5_XYZ", "nan_00000000-0000-4000-8000-000000000000",
                               "1e999_00000000-0000-4000-8000-000000000000",
                               "12.5x_00000000-0000-4000-8000-000000000000"}) {
    auto r = decode_cursor(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_TRUE(decode_cursor("12.5_00000000-0000-4000-8000-000000000000").ok());
}

}  // namespace
}  // namespace css::store
