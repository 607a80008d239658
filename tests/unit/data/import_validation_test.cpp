// Users' CSV files that parse but cannot be what they claim: the importers refuse them with
// one line naming the file, line or field (issue 14, "Bad input: refuse it, naming it").
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "css/data/csv.hpp"
#include "css/data/import.hpp"
#include "temp_dir.hpp"

namespace css::data {
namespace {

using testing::TempDir;

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// A folder with two small valid recordings, a.csv and b.csv (3 columns, in g).
void make_folder(const TempDir& dir) {
  write(dir / "a.csv", "0,0,1\n0.1,0,1\n0,0.1,1\n0,0,1.1\n");
  write(dir / "b.csv", "0,0,1\n0,0,0.9\n0,0,1\n0,0,1\n");
}

std::string import_error(const TempDir& dir, const std::string& labels) {
  write(dir / "labels.csv", labels);
  auto r = import_folder(dir.path(), dir / "labels.csv");
  EXPECT_FALSE(r.ok()) << "accepted: " << labels;
  return r.ok() ? std::string() : r.error().message;
}

constexpr const char* kHeader = "file,label,rate_hz,units\n";

TEST(ImportValidation, ValidFolderImports) {
  TempDir dir;
  make_folder(dir);
  write(dir / "labels.csv", std::string(kHeader) + "a.csv,walking,50,g\nb.csv,running,50,g\n");
  auto r = import_folder(dir.path(), dir / "labels.csv");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 2U);
}

TEST(ImportValidation, RateOutsideTheDeclaredRangeNamesRateHz) {
  TempDir dir;
  make_folder(dir);
  for (const char* rate : {"1e300", "1e-300", "0.5", "20000", "-50"}) {
    const std::string msg =
        import_error(dir, std::string(kHeader) + "a.csv,walking," + rate + ",g\n");
    EXPECT_NE(msg.find("line 2: file 'a.csv': rate_hz"), std::string::npos) << msg;
    EXPECT_NE(msg.find("outside [1, 10000] Hz"), std::string::npos) << msg;
  }
}

TEST(ImportValidation, HeaderOnlyLabelsFileIsRefused) {
  TempDir dir;
  make_folder(dir);
  const std::string msg = import_error(dir, std::string(kHeader) + "\n\n");
  EXPECT_NE(msg.find("labels.csv: lists no files"), std::string::npos) << msg;
}

TEST(ImportValidation, FileListedTwiceIsRefusedNamingBothLines) {
  TempDir dir;
  make_folder(dir);
  const std::string msg = import_error(
      dir, std::string(kHeader) + "a.csv,walking,50,g\nb.csv,walking,50,g\n./a.csv,snatch,50,g\n");
  EXPECT_NE(msg.find("line 4: file './a.csv' is already listed on line 2"), std::string::npos)
      << msg;
}

TEST(ImportValidation, ValuesThatOverflowAFloatAreRefused) {
  TempDir dir;
  write(dir / "a.csv", "0,0,1\n0,1e300,1\n");
  const std::string msg = import_error(dir, std::string(kHeader) + "a.csv,walking,50,g\n");
  EXPECT_NE(msg.find("a.csv line 2, column 2: '1e300' overflows a float"), std::string::npos)
      << msg;
  // 1e400 does not even fit a double: refused as not a finite number.
  write(dir / "a.csv", "0,0,1\n0,1e400,1\n");
  EXPECT_NE(import_error(dir, std::string(kHeader) + "a.csv,walking,50,mps2\n").find("line 2"),
            std::string::npos);
}

TEST(ImportValidation, AccelCsvChecksItsRate) {
  TempDir dir;
  make_folder(dir);
  ImportOptions opt;
  opt.rate_hz = 1e-300;
  auto r = import_accel_csv(dir / "a.csv", opt);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("rate_hz 1e-300 is outside"), std::string::npos)
      << r.error().message;
}

std::string csv_error(const TempDir& dir, const std::string& rows) {
  std::string text;
  for (const char* c : kFrameColumns) text += std::string(c) + ",";
  text += "label\n" + rows;
  write(dir / "r.csv", text);
  auto r = read_csv(dir / "r.csv");
  EXPECT_FALSE(r.ok()) << "accepted: " << rows;
  return r.ok() ? std::string() : r.error().message;
}

// t, acc xyz, gyro xyz, lat, lon, fix, speed, course, spl, label
std::string row(const std::string& t, const std::string& lat = "-23.5") {
  return t + ",0,0,9.8,0,0,0," + lat + ",-46.6,1,0,0,60,walking\n";
}

TEST(ImportValidation, CsvFramesMustRunForwardInFiniteTimeOnEarth) {
  TempDir dir;
  EXPECT_NE(csv_error(dir, row("0") + row("0.02") + row("0.01"))
                .find("r.csv frame 2: t 0.01 s "
                      "is not after"),
            std::string::npos);
  EXPECT_NE(csv_error(dir, row("0") + row("nan")).find("frame 1: t nan is not a finite time"),
            std::string::npos);
  EXPECT_NE(csv_error(dir, row("0") + row("0.02", "1000")).find("frame 1: lat 1000 is outside"),
            std::string::npos);
  EXPECT_NE(csv_error(dir, "").find("r.csv: no frames"), std::string::npos);
  EXPECT_NE(csv_error(dir, row("0") + row("1e-7")).find("t column: rate_hz 1e+07 is outside"),
            std::string::npos);
}

}  // namespace
}  // namespace css::data
