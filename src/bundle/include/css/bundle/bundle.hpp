// Signed release bundles: reading, verifying and extracting citysafe-<version>.tar.gz
// (issue 21 item 5; scripts/release writes them, `citysafe update` installs them).
//
// Contract (the format is fixed; docs/releases.md, "The bundle format"; installing it:
// docs/deploy-raspberry-pi.md, "Updating a node"):
//  - A gzip'd tar (ustar, pax or GNU; an uncompressed tar is read too, any other compression
//    is refused) whose entries all live under one top folder `citysafe-<version>/`. Only
//    regular files and directories: a symlink, hard link, device, FIFO, absolute path, `..`,
//    `.` or empty component, duplicate name, entry outside the top folder, file over
//    kMaxFileBytes, more than kMaxEntries entries or kMaxTotalBytes in all is refused, and
//    the refusal names the entry.
//  - Inside: VERSION (one line, equal to the folder's suffix), SHA256SUMS (sha256sum text:
//    "<64 hex>  <path>" per line, paths relative to the top folder, every file but
//    SHA256SUMS and SHA256SUMS.sig listed exactly once), SHA256SUMS.sig (the raw 64-byte
//    Ed25519 signature of SHA256SUMS, css::signing), bin/<arch>/citysafe-edge for
//    each arch it holds (x86_64, aarch64; bin/<arch>/citysafe optional), models/default.csm.
//  - A bundle is good only if the signature verifies under the trusted public key, then
//    every file's SHA-256 equals its line, then VERSION matches. Checks run in that order and
//    the first failure is the error.
//  - Memory: one file at a time is held whole while it is hashed (and written), so at most
//    kMaxFileBytes plus the archive's buffers; the archive itself is streamed from disk.
//  - Errors: a bad bundle (any rule above, a corrupt archive, a wrong key) is kInvalidArgument
//    naming the bundle and the entry; a missing bundle or key is kNotFound; a failed write
//    while extracting is kIo. Untrusted bytes never crash the reader (fuzz/bundle_fuzz.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::bundle {

namespace fs = std::filesystem;

inline constexpr std::uint64_t kMaxFileBytes = 512ULL << 20;  // one file
inline constexpr std::uint64_t kMaxTotalBytes = 4ULL << 30;   // all files together
inline constexpr std::size_t kMaxEntries = 10'000;
inline constexpr std::string_view kTopPrefix = "citysafe-";
inline constexpr std::string_view kSums = "SHA256SUMS";
inline constexpr std::string_view kSumsSig = "SHA256SUMS.sig";

struct FileInfo {
  std::string path;  // relative to the top folder
  std::uint64_t bytes = 0;
};

// What a verified bundle holds.
struct Manifest {
  std::string version;
  std::vector<std::string> arches;  // of bin/<arch>/, sorted
  std::vector<FileInfo> files;      // every regular file, sorted by path
  std::uint64_t total_bytes = 0;
};

// "x86_64" or "aarch64": this machine's arch as bundles name it (uname -m).
std::string machine_arch();

// Checks bundle bytes in memory (every rule above; nothing is written).
Result<Manifest> check_bytes(std::span<const std::byte> tarball, std::string_view public_pem);

// Checks the bundle FILE (streamed, nothing is written) and, when FILE.sha256 exists beside
// it, that its sha256sum line matches FILE's bytes.
Result<Manifest> check_file(const fs::path& tarball, const fs::path& public_key);

// As check_file, extracting into `staging` (created; must not exist). On success the tree
// is staging/citysafe-<version>/, files of `exec_arch` under bin/ mode 0755, others 0644; on
// any failure `staging` is removed again.
Result<Manifest> extract_verified(const fs::path& tarball, const fs::path& public_key,
                                  const fs::path& staging, std::string_view exec_arch);

}  // namespace css::bundle
