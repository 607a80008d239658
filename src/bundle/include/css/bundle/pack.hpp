// Writing bundles: the same format bundle.hpp reads (tests build their bundles with it, and a
// maintainer can too; scripts/release makes the same bytes with tar, sha256sum and openssl).
//
// Contract:
//  - pack() writes citysafe-<version>/ with VERSION, the given files, SHA256SUMS over all of
//    them (sorted by path) and SHA256SUMS.sig signed with the PEM private key. Paths are
//    relative to the top folder; directories are implied. The archive is a gzip'd pax tar
//    written through css::io (atomic). It refuses (kInvalidArgument) a version or path that
//    the reader would refuse, so what pack writes always verifies under the matching key.
//  - write_tar_gz() writes entries exactly as given, including the kinds the reader refuses
//    (symlinks, hard links, devices, traversal): the tests' way to build hostile bundles.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::bundle {

enum class EntryKind { kFile, kDirectory, kSymlink, kHardlink, kCharDevice, kFifo };

struct TarEntry {
  std::string path;  // as stored in the archive, e.g. "citysafe-1.2.0/VERSION"
  EntryKind kind = EntryKind::kFile;
  std::string content;  // kFile only
  std::string link;     // kSymlink / kHardlink target
  unsigned mode = 0644;
};

struct PackFile {
  std::string path;  // relative to the top folder, e.g. "bin/x86_64/citysafe-edge"
  std::string content;
  bool executable = false;
};

// The entries of a well-formed bundle: the top folder, VERSION, `files`, SHA256SUMS and its
// signature (tests alter one of them to build a bad bundle).
Result<std::vector<TarEntry>> bundle_entries(std::string_view version,
                                             std::span<const PackFile> files,
                                             std::string_view private_pem);

// Writes `entries` as a gzip'd pax tar at `out` (atomic, css::io).
Status write_tar_gz(const std::filesystem::path& out, std::span<const TarEntry> entries);

// bundle_entries + write_tar_gz.
Status pack(const std::filesystem::path& out, std::string_view version,
            std::span<const PackFile> files, std::string_view private_pem);

// The "<64 hex>  <path>\n" text of `files` (sorted by path), as sha256sum writes it.
std::string sums_text(std::span<const PackFile> files);

}  // namespace css::bundle
