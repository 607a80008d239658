#include "zip_check.hpp"

#include <array>
#include <cstdint>

namespace css::train {
namespace {

// CRC-32 of zip (IEEE 802.3, reflected polynomial 0xEDB88320, init and final XOR ~0).
std::uint32_t crc32(std::span<const std::byte> bytes) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFU;
  for (const std::byte b : bytes)
    c = table[(c ^ std::to_integer<std::uint32_t>(b)) & 0xFFU] ^ (c >> 8);
  return c ^ 0xFFFFFFFFU;
}

std::uint32_t le(std::span<const std::byte> b, std::size_t at, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::to_integer<std::uint32_t>(b[at + i]) << (8 * i);
  return v;
}

constexpr std::size_t kEocdBytes = 22;
constexpr std::size_t kCentralBytes = 46;
constexpr std::size_t kLocalBytes = 30;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kZip64 = 0xFFFFFFFFU;

// One central-directory entry at `at`: checks its member, advances `at` past the entry.
std::string check_entry(std::span<const std::byte> zip, std::size_t& at) {
  if (at + kCentralBytes > zip.size() || le(zip, at, 4) != kCentralSig)
    return "central directory entry outside the file or without its signature";
  const std::uint32_t method = le(zip, at + 10, 2);
  const std::uint32_t crc = le(zip, at + 16, 4);
  const std::uint32_t packed = le(zip, at + 20, 4);
  const std::uint32_t unpacked = le(zip, at + 24, 4);
  const std::size_t name_len = le(zip, at + 28, 2);
  const std::size_t extra_len = le(zip, at + 30, 2);
  const std::size_t comment_len = le(zip, at + 32, 2);
  const std::uint32_t local = le(zip, at + 42, 4);
  if (at + kCentralBytes + name_len > zip.size()) return "entry name outside the file";
  const auto* name_at = reinterpret_cast<const char*>(zip.data() + at + kCentralBytes);
  const std::string name = "entry '" + std::string(name_at, name_len) + "'";
  at += kCentralBytes + name_len + extra_len + comment_len;
  if (packed == kZip64 || unpacked == kZip64 || local == kZip64)
    return name + ": ZIP64 (not verifiable)";
  if (std::size_t{local} + kLocalBytes > zip.size() || le(zip, local, 4) != kLocalSig)
    return name + ": local header outside the file or without its signature";
  const std::size_t data =
      std::size_t{local} + kLocalBytes + le(zip, local + 26, 2) + le(zip, local + 28, 2);
  if (data + packed > zip.size()) return name + ": data outside the file";
  // Tensors are stored; deflated members (LibTorch's code/ and constants, not weights)
  // would need inflating to check and are only bounds-checked.
  if (method != 0) return "";
  if (packed != unpacked) return name + ": stored with two different sizes";
  if (crc32(zip.subspan(data, packed)) != crc) return name + ": CRC mismatch";
  return "";
}

}  // namespace

std::string zip_crc_problem(std::span<const std::byte> zip) {
  if (zip.size() < kEocdBytes) return "shorter than a zip end record";
  const std::size_t eocd = zip.size() - kEocdBytes;
  const std::size_t entries = le(zip, eocd + 10, 2);
  const std::uint32_t cd_offset = le(zip, eocd + 16, 4);
  if (cd_offset == kZip64 || entries == 0xFFFF) return "ZIP64 (not verifiable)";
  if (cd_offset > eocd) return "central directory outside the file";
  std::size_t at = cd_offset;
  for (std::size_t i = 0; i < entries; ++i)
    if (std::string problem = check_entry(zip.first(eocd), at); !problem.empty()) return problem;
  return "";
}

}  // namespace css::train
