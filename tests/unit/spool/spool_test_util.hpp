// Helpers shared by the spool tests: a fresh temporary directory per test and byte helpers.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/spool/spool.hpp"

namespace css::spool::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("css-spool-" + std::to_string(::getpid()) + "-" +
                                         info->test_suite_name() + "-" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline std::vector<std::byte> bytes_of(std::string_view text) {
  const auto* p = reinterpret_cast<const std::byte*>(text.data());
  return {p, p + text.size()};
}

inline std::string text_of(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Segment files of a spool directory, oldest first.
inline std::vector<fs::path> segments(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("seg-") && name.ends_with(".log")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<char> slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void put(const fs::path& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// XORs the byte at `offset` of `path` with `mask`.
inline void flip(const fs::path& path, std::size_t offset, char mask) {
  std::vector<char> bytes = slurp(path);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] = static_cast<char>(bytes[offset] ^ mask);
  put(path, bytes);
}

// Every pending record's payload, in order.
inline std::vector<std::string> pending_texts(Spool& spool) {
  auto batch = spool.next_batch(1'000'000);
  EXPECT_TRUE(batch.ok()) << (batch.ok() ? "" : batch.error().message);
  std::vector<std::string> out;
  if (batch.ok()) {
    for (const Record& r : *batch) out.push_back(text_of(r.payload));
  }
  return out;
}

// Options for fast tests: no fdatasync (kill -9 safety does not need it).
inline Options fast_options() {
  Options o;
  o.sync = Sync::kNone;
  return o;
}

}  // namespace css::spool::testing
