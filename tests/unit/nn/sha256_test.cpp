// SHA-256 against the FIPS 180-2 / NIST CSVS example vectors.
#include <gtest/gtest.h>

#include <string>

#include "css/nn/sha256.hpp"

namespace {

std::string hex(const css::nn::Sha256::Digest& d) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (const auto b : d) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Sha256, NistVectors) {
  using css::nn::Sha256;
  EXPECT_EQ(hex(Sha256::hash(bytes_of(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(Sha256::hash(bytes_of("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(Sha256::hash(bytes_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million_a(1000000, 'a');
  EXPECT_EQ(hex(Sha256::hash(bytes_of(million_a))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalMatchesOneShot) {
  using css::nn::Sha256;
  std::string msg;
  for (int i = 0; i < 300; ++i) msg += static_cast<char>('a' + i % 26);
  for (std::size_t split : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 128u, 299u}) {
    Sha256 s;
    s.update(bytes_of(msg.substr(0, split)));
    s.update(bytes_of(msg.substr(split)));
    EXPECT_EQ(hex(s.final()), hex(Sha256::hash(bytes_of(msg)))) << "split " << split;
  }
}

}  // namespace
