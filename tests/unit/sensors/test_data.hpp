// Reads the recorded byte streams under tests/data/sensors/ (see its README.md).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace css::sensors::testing {

inline std::string data_path(const std::string& name) {
  const char* root = std::getenv("CSS_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/tests/data/sensors/" + name;
}

inline std::vector<std::uint8_t> read_bytes(const std::string& name) {
  std::ifstream in(data_path(name), std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing test data " << data_path(name);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string read_text(const std::string& name) {
  const auto bytes = read_bytes(name);
  return {bytes.begin(), bytes.end()};
}

}  // namespace css::sensors::testing
