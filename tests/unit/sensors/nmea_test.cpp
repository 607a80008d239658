// NmeaParser on published example sentences and on a hand-made u-blox session with the
// defects of a real UART line (tests/data/sensors/make_nmea_session.py).
#include "css/sensors/nmea.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "test_data.hpp"

namespace css::sensors {
namespace {

constexpr double kKnot = 1852.0 / 3600.0;

std::vector<GnssFix> parse(std::string_view text, NmeaParser& p) {
  std::vector<GnssFix> out;
  p.feed(text, out);
  return out;
}

TEST(Nmea, ChecksumIsXorOfBody) {
  // The widely published GGA example carries checksum 47.
  EXPECT_EQ(nmea_checksum("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"), 0x47);
  EXPECT_EQ(nmea_checksum(""), 0);
}

TEST(Nmea, PublishedGgaRmcVtgExamples) {
  NmeaParser p;
  const auto fixes = parse(
      "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n"
      "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n"
      "$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48\r\n",
      p);
  ASSERT_EQ(fixes.size(), 3U);
  const GnssFix& gga = fixes[0];
  EXPECT_EQ(gga.source, NmeaSentence::kGga);
  EXPECT_NEAR(gga.lat_deg, 48.0 + 7.038 / 60.0, 1e-12);
  EXPECT_NEAR(gga.lon_deg, 11.0 + 31.0 / 60.0, 1e-12);
  EXPECT_TRUE(gga.valid);
  EXPECT_EQ(gga.quality, 1);
  EXPECT_EQ(gga.satellites, 8);
  EXPECT_DOUBLE_EQ(gga.hdop, 0.9);
  EXPECT_DOUBLE_EQ(gga.altitude_m, 545.4);
  EXPECT_DOUBLE_EQ(gga.utc_time_of_day_s, 12 * 3600 + 35 * 60 + 19);
  EXPECT_TRUE(std::isnan(gga.unix_time_s()));  // no date before RMC

  const GnssFix& rmc = fixes[1];
  EXPECT_NEAR(rmc.speed_mps, 22.4 * kKnot, 1e-12);
  EXPECT_DOUBLE_EQ(rmc.course_deg, 84.4);
  EXPECT_EQ(rmc.utc_year, 1994);
  EXPECT_EQ(rmc.utc_month, 3);
  EXPECT_EQ(rmc.utc_day, 23);
  EXPECT_DOUBLE_EQ(rmc.unix_time_s(), 764426119.0);  // 1994-03-23T12:35:19Z
  EXPECT_EQ(rmc.satellites, 8);                      // merged from the GGA

  const GnssFix& vtg = fixes[2];
  EXPECT_NEAR(vtg.speed_mps, 10.2 / 3.6, 1e-12);  // km/h field preferred over knots
  EXPECT_DOUBLE_EQ(vtg.course_deg, 54.7);
  EXPECT_EQ(p.counters().accepted, 3U);
  EXPECT_EQ(p.counters().rejected(), 0U);
}

TEST(Nmea, SouthAndWestAreNegative) {
  NmeaParser p;
  const auto f =
      parse("$GNGGA,141201.00,2333.03060,S,04637.99794,W,1,09,0.92,760.1,M,-5.2,M,,*5A\n", p);
  ASSERT_EQ(f.size(), 1U);
  EXPECT_NEAR(f[0].lat_deg, -(23.0 + 33.03060 / 60.0), 1e-12);
  EXPECT_NEAR(f[0].lon_deg, -(46.0 + 37.99794 / 60.0), 1e-12);
}

TEST(Nmea, SessionFileCountsEveryDefect) {
  const auto bytes = testing::read_bytes("ublox_session.nmea");
  NmeaParser p;
  std::vector<GnssFix> fixes;
  p.feed(bytes, fixes);
  const NmeaCounters& c = p.counters();
  // 10 epochs × (RMC, VTG, GGA) = 30, minus the bad-checksum GGA and the cut RMC.
  EXPECT_EQ(c.accepted, 28U);
  EXPECT_EQ(c.ignored, 30U);  // GSA, GSV, GLL
  EXPECT_EQ(c.bad_checksum, 1U);
  EXPECT_EQ(c.truncated, 1U);
  EXPECT_EQ(c.overlong, 1U);
  // The UBX packet holds a '$' (0x24) followed by CR: an empty line without checksum.
  EXPECT_EQ(c.missing_checksum, 1U);
  EXPECT_EQ(c.garbage_bytes, 9U);  // the other UBX bytes
  EXPECT_EQ(c.malformed, 0U);
  ASSERT_EQ(fixes.size(), 28U);
  EXPECT_FALSE(fixes[0].valid);  // epoch 0: no fix yet
  EXPECT_TRUE(std::isnan(fixes[0].lat_deg));
  EXPECT_TRUE(std::isnan(fixes[1].speed_mps));
  const GnssFix& last = fixes.back();
  EXPECT_TRUE(last.valid);
  EXPECT_NEAR(last.lat_deg, -23.550520 + 9e-5, 1e-7);
  EXPECT_NEAR(last.lon_deg, -46.633309 + 9e-5, 1e-7);
  EXPECT_NEAR(last.speed_mps, 5.037 / 3.6, 1e-12);
  EXPECT_DOUBLE_EQ(last.course_deg, 45.0);
  EXPECT_DOUBLE_EQ(last.unix_time_s(), 1716041529.0);  // 2024-05-18T14:12:09Z
}

TEST(Nmea, AnyChunkingGivesTheSameFixes) {
  const auto bytes = testing::read_bytes("ublox_session.nmea");
  NmeaParser whole;
  std::vector<GnssFix> expected;
  whole.feed(bytes, expected);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    NmeaParser p;
    std::vector<GnssFix> got;
    std::size_t at = 0;
    while (at < bytes.size()) {
      const std::size_t n = std::min<std::size_t>(bytes.size() - at, 1 + rng() % (trial + 1));
      p.feed(std::span(bytes).subspan(at, n), got);
      at += n;
    }
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].utc_time_of_day_s, expected[i].utc_time_of_day_s);
      EXPECT_EQ(got[i].source, expected[i].source);
    }
    EXPECT_EQ(p.counters().garbage_bytes, whole.counters().garbage_bytes);
    EXPECT_EQ(p.counters().rejected(), whole.counters().rejected());
  }
}

TEST(Nmea, RejectsOutOfRangeFieldsWithoutChangingTheFix) {
  auto sentence = [](std::string body) {
    char cs[3];
    std::snprintf(cs, sizeof cs, "%02X", nmea_checksum(body));
    return "$" + body + "*" + cs + "\r\n";
  };
  NmeaParser p;
  parse(sentence("GPGGA,120000,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"), p);
  const double lat = p.last_fix().lat_deg;
  for (const char* bad : {
           "GPGGA,120000,4861.000,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",  // 61 minutes
           "GPGGA,250000,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",  // hour 25
           "GPGGA,120000,4807.038,X,01131.000,E,1,08,0.9,545.4,M,46.9,M,,",  // hemisphere X
           "GPGGA,120000,4807.038,N,01131.000,E,9,08,0.9,545.4,M,46.9,M,,",  // quality 9
           "GPGGA,120000,4807.038,N,01131.000,E,1,08,1e3,545.4,M,46.9,M,,",  // exponent
           "GPGGA,120000,4807.038,N",                                        // too few fields
           "GPRMC,120000,X,4807.038,N,01131.000,E,022.4,084.4,230394,,",     // status X
           "GPRMC,120000,A,4807.038,N,01131.000,E,022.4,084.4,320394,,",     // day 32
           "GPVTG,400.0,T,,M,005.5,N,010.2,K",                               // course 400
           "GPVTG,054.7,T,,M,-05.5,N,,K",                                    // negative speed
       }) {
    EXPECT_TRUE(parse(sentence(bad), p).empty()) << bad;
  }
  EXPECT_EQ(p.counters().malformed, 10U);
  EXPECT_DOUBLE_EQ(p.last_fix().lat_deg, lat);
}

TEST(Nmea, LineDefects) {
  NmeaParser p;
  // No checksum; lowercase hex is fine; binary byte inside; overlong; '$' cuts a sentence.
  parse("$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K\r\n", p);
  EXPECT_EQ(p.counters().missing_checksum, 1U);
  EXPECT_EQ(parse("$GPVTG,77.52,T,,M,0.004,N,0.008,K,A*06\n", p).size(), 1U);
  parse(
      "$GPVTG,054.7,T,\x01"
      "034.4,M*48\r\n",
      p);
  EXPECT_EQ(p.counters().truncated, 1U);
  parse("$GPGSV," + std::string(200, '1') + "*00\r\n", p);
  EXPECT_EQ(p.counters().overlong, 1U);
  EXPECT_EQ(parse("$GPVTG,054.$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48\r\n", p).size(), 1U);
  EXPECT_EQ(p.counters().truncated, 2U);
  parse("$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*49\r\n", p);
  EXPECT_EQ(p.counters().bad_checksum, 1U);
  EXPECT_EQ(p.counters().accepted, 2U);
}

}  // namespace
}  // namespace css::sensors
