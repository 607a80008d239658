// Time zones from the system tz database (TZif, RFC 8536): São Paulo with and without its
// former daylight saving time, Berlin summer and winter (and far past the file's last
// transition, through the POSIX TZ footer), the exact instants of a change, local → UTC in a
// gap and a repeated hour, footer rules of both hemispheres, hand-built version 1 and 2 files,
// and corrupt files refused naming the file. Needs Debian's tzdata (/usr/share/zoneinfo).
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "css/geo/city.hpp"
#include "css/geo/csv_import.hpp"
#include "css/geo/hotspots.hpp"
#include "css/geo/time_zone.hpp"

namespace css::geo {
namespace {

namespace fs = std::filesystem;
const fs::path kZoneinfo = "/usr/share/zoneinfo";

TimeZone zone(const char* name) {
  auto z = TimeZone::load(name, kZoneinfo);
  EXPECT_TRUE(z.ok()) << z.error().message;
  return z ? *z : TimeZone::fixed(0, "none");
}

TEST(TimeZone, SaoPauloHadDaylightSavingIn2018NotIn2026) {
  const auto sp = zone("America/Sao_Paulo");
  EXPECT_EQ(sp.offset_s(1542283200), -2 * 3600);  // 2018-11-15T12:00Z: DST (UTC-2)
  EXPECT_EQ(sp.offset_s(1794744000), -3 * 3600);  // 2026-11-15T12:00Z: UTC-3, DST abolished
  // DST began 2018-11-04 at local midnight (03:00Z).
  EXPECT_EQ(sp.offset_s(1541300400 - 1), -3 * 3600);
  EXPECT_EQ(sp.offset_s(1541300400), -2 * 3600);
  EXPECT_EQ(sp.name(), "America/Sao_Paulo");
}

TEST(TimeZone, BerlinSummerAndWinterAndTheChangeInstants) {
  const auto be = zone("Europe/Berlin");
  EXPECT_EQ(be.offset_s(1784116800), 7200);      // 2026-07-15T12:00Z CEST
  EXPECT_EQ(be.offset_s(1768478400), 3600);      // 2026-01-15T12:00Z CET
  EXPECT_EQ(be.offset_s(1774746000 - 1), 3600);  // 2026-03-29T01:00Z: spring forward
  EXPECT_EQ(be.offset_s(1774746000), 7200);
  EXPECT_EQ(be.offset_s(1792890000 - 1), 7200);  // 2026-10-25T01:00Z: fall back
  EXPECT_EQ(be.offset_s(1792890000), 3600);
  // 2100 is past the file's last transition (2037): the footer's rule answers.
  EXPECT_EQ(be.offset_s(4119336000), 7200);
  EXPECT_EQ(be.offset_s(4103697600), 3600);
}

TEST(TimeZone, LocalToUtcInAGapAndARepeatedHour) {
  const auto be = zone("Europe/Berlin");
  // Local seconds of 2026-03-29 02:30, which does not exist: the instant after the gap,
  // 01:30Z (03:30 CEST), the same as local 03:30.
  const std::int64_t gap = 1774751400;
  EXPECT_EQ(be.to_utc(gap), gap - 3600);
  EXPECT_EQ(be.to_utc(gap + 3600), gap - 3600);
  EXPECT_EQ(be.to_utc(1792895400), 1792895400 - 7200);  // 02:30 twice: the earlier, 00:30Z
  EXPECT_EQ(be.to_utc(1784116800), 1784116800 - 7200);
}

TEST(TimeZone, FooterRulesOfBothHemispheres) {
  auto sydney = TimeZone::parse_posix("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(sydney.ok()) << sydney.error().message;
  EXPECT_EQ(TimeZone::posix_offset_s(*sydney, 1894708800), 11 * 3600);  // 2030-01-15
  EXPECT_EQ(TimeZone::posix_offset_s(*sydney, 1910347200), 10 * 3600);  // 2030-07-15
  auto ny = TimeZone::parse_posix("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(TimeZone::posix_offset_s(*ny, 1784116800), -4 * 3600);
  EXPECT_EQ(TimeZone::posix_offset_s(*ny, 1768478400), -5 * 3600);
  auto sp = TimeZone::parse_posix("<-03>3");
  ASSERT_TRUE(sp.ok());
  EXPECT_FALSE(sp->dst_offset_s.has_value());
  EXPECT_EQ(TimeZone::posix_offset_s(*sp, 1784116800), -3 * 3600);
  // Julian day 60 is 1 March in every year; n counts from 0 and includes 29 February.
  auto j = TimeZone::parse_posix("AAA0BBB,J60/0,300/0");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(TimeZone::posix_offset_s(*j, 1709251200 - 1), 0);  // 2024-02-29T23:59:59Z
  EXPECT_EQ(TimeZone::posix_offset_s(*j, 1709251200), 3600);   // 2024-03-01T00:00Z
  for (const char* bad :
       {"", "CET", "CE-1", "CET-1CEST", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.5.0",
        "CET-1CEST,M3.5.0,M10.5.0/200", "<-0>3", "CET-1CEST,M3.5.0,M10.5.0x", "CET-25"})
    EXPECT_FALSE(TimeZone::parse_posix(bad).ok()) << bad;
}

// A hand-built TZif: `version` 0 (v1 only) or '2' (v1 block, v2 block, footer).
std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string tzif(char version, const std::vector<std::int64_t>& times, std::uint8_t types,
                 const std::string& footer) {
  const auto block = [&](int size) {
    std::string h = std::string("TZif") + version + std::string(15, '\0');
    for (std::uint32_t n :
         {0u, 0u, 0u, static_cast<std::uint32_t>(times.size()), std::uint32_t{types}, 4u})
      h += be32(n);
    for (auto t : times)
      h += size == 4
               ? be32(static_cast<std::uint32_t>(t))
               : be32(static_cast<std::uint32_t>(t >> 32)) + be32(static_cast<std::uint32_t>(t));
    for (std::size_t i = 0; i < times.size(); ++i) h += static_cast<char>(i % types);
    for (std::uint8_t i = 0; i < types; ++i) h += be32(i * 3600u) + std::string("\0\0", 2);
    return h + "ABC" + std::string(1, '\0');
  };
  std::string out = block(4);
  if (version != 0) out += block(8) + "\n" + footer + "\n";
  return out;
}

TEST(TimeZone, HandBuiltFilesOfVersionOneAndTwo) {
  auto v1 = TimeZone::parse(tzif(0, {1000, 2000}, 2, ""), "v1");
  ASSERT_TRUE(v1.ok()) << v1.error().message;
  EXPECT_EQ(v1->offset_s(999), 0);  // before the first transition: type 0
  EXPECT_EQ(v1->offset_s(1000), 0);
  EXPECT_EQ(v1->offset_s(1500), 0);
  EXPECT_EQ(v1->offset_s(2000), 3600);
  EXPECT_EQ(v1->offset_s(1'000'000'000), 3600);  // no footer: the last type stays
  // 64-bit times (before 1901), types 0, 1, 2 = +0, +1 h, +2 h.
  auto v2 = TimeZone::parse(tzif('2', {-5'000'000'000, 0, 1000}, 3, "<+05>-5"), "v2");
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(v2->offset_s(-6'000'000'000), 0);
  EXPECT_EQ(v2->offset_s(500), 3600);
  EXPECT_EQ(v2->offset_s(1000), 5 * 3600);  // the footer from the last transition on
}

TEST(TimeZone, CorruptFilesAreRefusedNamingTheFile) {
  const fs::path dir = fs::temp_directory_path() / ("css-tz-" + std::to_string(::getpid()));
  fs::create_directories(dir / "Bad");
  std::ifstream in(kZoneinfo / "Europe/Berlin", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string good = ss.str();
  const auto write = [&](const char* name, const std::string& bytes) {
    std::ofstream(dir / "Bad" / name, std::ios::binary) << bytes;
  };
  std::string magic = good;
  magic[0] = 'X';
  std::string order = tzif('2', {2000, 1000}, 1, "");
  std::string type = tzif('2', {1000}, 1, "");
  type[44 + 4 + 1 + 6 + 4 + 44 + 8] = 7;  // the v2 block's transition type: 7 of 1
  write("Truncated", good.substr(0, good.size() / 2));
  write("Magic", magic);
  write("Order", order);
  write("Type", type);
  write("NoFooter", good.substr(0, good.rfind('\n', good.size() - 2)));
  write("BadFooter", tzif('2', {}, 1, "CET-1CEST"));
  write("Empty", "");
  for (const char* name :
       {"Truncated", "Magic", "Order", "Type", "NoFooter", "BadFooter", "Empty"}) {
    auto z = TimeZone::load(std::string("Bad/") + name, dir);
    ASSERT_FALSE(z.ok()) << name;
    EXPECT_EQ(z.error().code, ErrorCode::kParse) << name;
    EXPECT_NE(z.error().message.find((dir / "Bad" / name).string()), std::string::npos)
        << z.error().message;
  }
  EXPECT_EQ(TimeZone::load("Bad/Missing", dir).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TimeZone::load("../etc/passwd", dir).error().code, ErrorCode::kInvalidArgument);
  fs::remove_all(dir);
}

// The city file's time_zone is used: São Paulo's profile hour of 2018-11-15T12:00Z is 10 h
// (UTC-2), not 9 h; a database without the zone falls back to utc_offset_h with a note; a
// corrupt zone file fails the city, naming the file.
TEST(TimeZone, CitiesUseTheirZone) {
  const std::vector<fs::path> dirs = {std::string(CSS_SOURCE_DIR) + "/cities"};
  auto c = find_city("sao-paulo", dirs, kZoneinfo);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_TRUE(c->zone.has_value());
  EXPECT_TRUE(c->zone_note.empty());
  EXPECT_EQ(local_hour(1542283200, c->offset_h(1542283200)), 10);
  EXPECT_EQ(local_hour(1794744000, c->offset_h(1794744000)), 9);
  auto t = parse_time_text("2018-11-15T10:00:00", *c);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, 1542283200.0);
  t = parse_time_text("2018-11-15T10:00:00Z", *c);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, 1542283200.0 - 2 * 3600);
  const std::array<EventPoint, 1> ev = {EventPoint{1542283200, {-46.63, -23.55}}};
  const auto prof = weekly_profile(ev, Window{1542283000, 1542284000}, *c);
  EXPECT_EQ(prof[3 * 24 + 10], 1u);  // a Thursday, 10 h local

  const fs::path empty = fs::temp_directory_path() / ("css-tz-empty-" + std::to_string(::getpid()));
  fs::create_directories(empty / "America");
  auto fallback = find_city("sao-paulo", dirs, empty);
  ASSERT_TRUE(fallback.ok()) << fallback.error().message;
  EXPECT_FALSE(fallback->zone.has_value());
  EXPECT_NE(fallback->zone_note.find("utc_offset_h = -3"), std::string::npos)
      << fallback->zone_note;
  EXPECT_EQ(fallback->offset_h(1542283200), -3.0);
  std::ofstream(empty / "America/Sao_Paulo") << "TZif2 but nothing else";
  auto broken = find_city("sao-paulo", dirs, empty);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find((empty / "America/Sao_Paulo").string()), std::string::npos)
      << broken.error().message;
  fs::remove_all(empty);
}

}  // namespace
}  // namespace css::geo
