#include "css/data/npy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include "temp_dir.hpp"

namespace css::data {
namespace {

using testing::TempDir;

// Runs a Python script (no single quotes in it) with Debian's numpy, passing arg as
// sys.argv[1]; returns its output and exit status.
std::pair<std::string, int> run_python(const std::string& script, const std::string& arg) {
  const std::string cmd =
      "/usr/bin/python3 -c 'import sys; exec(sys.argv[2])' '" + arg + "' '" + script + "' 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {"popen failed", -1};
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  const int status = ::pclose(pipe);
  return {out, status};
}

std::vector<std::byte> bytes_of(const std::string& s) {
  std::vector<std::byte> out(s.size());
  if (!s.empty()) std::memcpy(out.data(), s.data(), s.size());
  return out;
}

// A v1.0 NPY file with the given header dict and data bytes (no padding checks).
std::string npy_v1(const std::string& dict, const std::string& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

std::string parse_error_of(const std::string& file) {
  Result<NpyArray> r = parse_npy(bytes_of(file));
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string("<parsed>") : r.error().message;
}

TEST(Npy, CppWrittenFilesReadByNumpy) {
  TempDir dir;
  const std::vector<double> f8 = {0.5, -1.25, 1e300, std::numeric_limits<double>::quiet_NaN(),
                                  3.0, 4.0};
  const std::vector<float> f4 = {1.5F, -2.0F, 3.25F};
  const std::vector<std::uint8_t> u1 = {0, 7, 255};
  ASSERT_TRUE(write_npy(dir / "f8.npy", *make_npy<double>({2, 3}, f8)).ok());
  ASSERT_TRUE(write_npy(dir / "f4.npy", *make_npy<float>({3}, f4)).ok());
  ASSERT_TRUE(write_npy(dir / "u1.npy", *make_npy<std::uint8_t>({3, 1}, u1)).ok());
  const std::string code =
      "import numpy as np, sys\n"
      "d = sys.argv[1]\n"
      "a = np.load(d + \"/f8.npy\"); b = np.load(d + \"/f4.npy\"); c = np.load(d + \"/u1.npy\")\n"
      "assert a.dtype == np.float64 and a.shape == (2, 3), (a.dtype, a.shape)\n"
      "assert a[0,0] == 0.5 and a[0,1] == -1.25 and a[0,2] == 1e300 and np.isnan(a[1,0])\n"
      "assert a[1,2] == 4.0\n"
      "assert b.dtype == np.float32 and b.shape == (3,) and list(b) == [1.5, -2.0, 3.25]\n"
      "assert c.dtype == np.uint8 and c.shape == (3, 1) and list(c[:,0]) == [0, 7, 255]\n"
      "print(\"NUMPY-OK\")\n";
  const auto [out, status] = run_python(code, dir.path().string());
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("NUMPY-OK"), std::string::npos) << out;
}

TEST(Npy, NumpyWrittenFilesReadByCpp) {
  TempDir dir;
  const std::string code =
      "import numpy as np, sys\n"
      "d = sys.argv[1]\n"
      "np.save(d + \"/f4.npy\", np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5)\n"
      "np.save(d + \"/f8.npy\", np.array([1.0/3.0, -2.5e-300, 7.0]))\n"
      "np.save(d + \"/u1.npy\", np.array([[1, 2], [254, 255]], dtype=np.uint8))\n"
      "np.save(d + \"/i8.npy\", np.array([-5, 1 << 40], dtype=np.int64))\n"
      "f = open(d + \"/v2.npy\", \"wb\")\n"
      "np.lib.format.write_array(f, np.array([1.5, 2.5], dtype=np.float64), version=(2, 0))\n"
      "f.close()\n";
  const auto [out, status] = run_python(code, dir.path().string());
  ASSERT_EQ(status, 0) << out;

  Result<NpyArray> f4 = read_npy(dir / "f4.npy");
  ASSERT_TRUE(f4.ok()) << f4.error().message;
  EXPECT_EQ(f4->dtype, "<f4");
  EXPECT_EQ(f4->shape, (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(*npy_values<float>(*f4), (std::vector<float>{0.0F, 0.5F, 1.0F, 1.5F, 2.0F, 2.5F}));

  Result<NpyArray> f8 = read_npy(dir / "f8.npy");
  ASSERT_TRUE(f8.ok()) << f8.error().message;
  EXPECT_EQ(*npy_values<double>(*f8), (std::vector<double>{1.0 / 3.0, -2.5e-300, 7.0}));

  Result<NpyArray> u1 = read_npy(dir / "u1.npy");
  ASSERT_TRUE(u1.ok()) << u1.error().message;
  EXPECT_EQ(u1->dtype, "|u1");
  EXPECT_EQ(u1->shape, (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(*npy_values<std::uint8_t>(*u1), (std::vector<std::uint8_t>{1, 2, 254, 255}));

  Result<NpyArray> i8 = read_npy(dir / "i8.npy");
  ASSERT_TRUE(i8.ok()) << i8.error().message;
  EXPECT_EQ(*npy_values<std::int64_t>(*i8), (std::vector<std::int64_t>{-5, std::int64_t{1} << 40}));
  EXPECT_EQ(npy_as_double(*i8), (std::vector<double>{-5.0, 1099511627776.0}));

  Result<NpyArray> v2 = read_npy(dir / "v2.npy");
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  EXPECT_EQ(*npy_values<double>(*v2), (std::vector<double>{1.5, 2.5}));
}

TEST(Npy, DataStartsAtMultipleOf64AndRoundTrips) {
  for (std::size_t n : {0U, 1U, 5U, 1000U}) {
    std::vector<std::int32_t> values(n);
    for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<std::int32_t>(i * 7) - 3;
    Result<NpyArray> a = make_npy<std::int32_t>({n}, values);
    ASSERT_TRUE(a.ok());
    Result<std::vector<std::byte>> bytes = serialize_npy(*a);
    ASSERT_TRUE(bytes.ok());
    const std::size_t header_len = std::to_integer<std::size_t>((*bytes)[8]) |
                                   (std::to_integer<std::size_t>((*bytes)[9]) << 8);
    EXPECT_EQ((10 + header_len) % 64, 0U);
    EXPECT_EQ(bytes->size(), 10 + header_len + n * 4);
    Result<NpyArray> back = parse_npy(*bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*npy_values<std::int32_t>(*back), values);
  }
}

TEST(Npy, MalformedInputIsRejectedWithAReason) {
  const std::string f8x2(16, '\0');
  EXPECT_NE(parse_error_of("").find("magic"), std::string::npos);
  EXPECT_NE(parse_error_of("\x93NUMPZ\x01\x00\x00\x00").find("magic"), std::string::npos);
  std::string past_end = npy_v1("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8x2);
  past_end[8] = '\xFF';
  past_end[9] = '\x7F';
  EXPECT_NE(parse_error_of(past_end).find("past the end"), std::string::npos);
  EXPECT_NE(parse_error_of(npy_v1("['descr', '<f8']", f8x2)).find("bad dict"), std::string::npos);
  EXPECT_NE(parse_error_of(npy_v1("{'descr': '<f8', 'fortran_order': False}", f8x2)).find("shape"),
            std::string::npos);
  EXPECT_NE(parse_error_of(npy_v1("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }", f8x2))
                .find("fortran_order"),
            std::string::npos);
  EXPECT_NE(
      parse_error_of(npy_v1("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", f8x2))
          .find("big-endian"),
      std::string::npos);
  EXPECT_NE(
      parse_error_of(npy_v1("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8x2))
          .find("needs 24 data bytes but the file has 16"),
      std::string::npos);
  EXPECT_NE(parse_error_of(npy_v1("{'descr': '<f8', 'fortran_order': False, 'shape': "
                                  "(4294967296, 4294967296, 16), }",
                                  f8x2))
                .find("overflows"),
            std::string::npos);
  EXPECT_NE(parse_error_of(npy_v1("{'descr': '<f8', 'fortran_order': False, 'shape': "
                                  "(99999999999999999999999,), }",
                                  f8x2))
                .find("shape"),
            std::string::npos);
  EXPECT_NE(
      parse_error_of(npy_v1("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", f8x2))
          .find("not supported"),
      std::string::npos);
  EXPECT_NE(parse_error_of(npy_v1("{'descr': [('a', '<f8')], 'fortran_order': False, "
                                  "'shape': (2,), }",
                                  f8x2))
                .find("structured"),
            std::string::npos);
  std::string v9 = npy_v1("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8x2);
  v9[6] = '\x09';
  EXPECT_NE(parse_error_of(v9).find("version 9"), std::string::npos);
}

TEST(Npy, MutatedBytesNeverCrash) {
  // A cheap in-test fuzz: every outcome must be a value or an Error.
  const std::vector<double> v = {1.0, 2.0, 3.0, 4.0};
  const std::vector<std::byte> good = *serialize_npy(*make_npy<double>({2, 2}, v));
  std::mt19937 rng(1234);
  std::size_t parsed = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<std::byte> b = good;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      b[rng() % b.size()] = static_cast<std::byte>(rng() & 0xFF);
    }
    if (rng() % 4 == 0) b.resize(rng() % (b.size() + 1));
    Result<NpyArray> r = parse_npy(b);
    if (r.ok()) {
      ++parsed;
      EXPECT_EQ(r->data.size(), r->element_count() * npy_itemsize(r->dtype));
    } else {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  EXPECT_LT(parsed, 3000U);  // the mutations must actually break files
}

TEST(Npy, WriteIsAtomicAndLeavesNothingOnFailure) {
  TempDir dir;
  const std::vector<float> v = {1.0F, 2.0F};
  const NpyArray a = *make_npy<float>({2}, v);
  const std::filesystem::path missing = dir / "no-such-dir/a.npy";
  const Status s = write_npy(missing, a);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no-such-dir"), std::string::npos);
  EXPECT_TRUE(dir.files().empty());

  ASSERT_TRUE(write_npy(dir / "a.npy", a).ok());
  const std::vector<float> w = {9.0F, 8.0F, 7.0F};
  ASSERT_TRUE(write_npy(dir / "a.npy", *make_npy<float>({3}, w)).ok());
  EXPECT_EQ(dir.files(), std::vector<std::string>{"a.npy"});  // no .tmp left behind
  EXPECT_EQ(*npy_values<float>(*read_npy(dir / "a.npy")), w);
}

TEST(Npy, TypedHelpersCheckShapeAndDtype) {
  const std::vector<double> v = {1.0, 2.0, 3.0};
  Result<NpyArray> wrong_shape = make_npy<double>({2, 2}, v);
  ASSERT_FALSE(wrong_shape.ok());
  EXPECT_NE(wrong_shape.error().message.find("(2, 2)"), std::string::npos);
  const NpyArray a = *make_npy<double>({3}, v);
  Result<std::vector<float>> as_float = npy_values<float>(a);
  ASSERT_FALSE(as_float.ok());
  EXPECT_NE(as_float.error().message.find("<f8"), std::string::npos);
  NpyArray bad = a;
  bad.data.pop_back();
  EXPECT_FALSE(serialize_npy(bad).ok());
}

}  // namespace
}  // namespace css::data
