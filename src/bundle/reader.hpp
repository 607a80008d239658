// The archive walk behind check_bytes, check_file and extract_verified (private): every entry
// rule of bundle.hpp is enforced here, file bytes are hashed, and the few files the
// verification needs (VERSION, SHA256SUMS, SHA256SUMS.sig) are kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::bundle {

struct Scan {
  std::string top;                             // "citysafe-1.2.0"
  std::string version;                         // "1.2.0": the top folder's suffix
  std::map<std::string, std::string> sha256;   // every file (path under top) -> hex
  std::map<std::string, std::uint64_t> bytes;  // every file -> size
  std::map<std::string, std::string> kept;     // VERSION, SHA256SUMS, SHA256SUMS.sig contents
  std::uint64_t total_bytes = 0;
};

// Called once per entry in archive order with its path under the top folder ("" for the top
// itself); `data` is the whole file (empty for a directory). An error stops the walk.
using EntrySink = std::function<Status(const std::string& top, const std::string& rel, bool is_dir,
                                       std::span<const std::byte> data)>;

// Reads `memory` when it is non-empty, else the file `path`. `name` names the bundle in errors.
Result<Scan> scan_archive(std::span<const std::byte> memory, const std::filesystem::path& path,
                          const std::string& name, const EntrySink& sink);

// Why `rel` (a path under the top folder, from an entry or a SHA256SUMS line) is refused, or
// "" if it is a plain relative path: no empty, "." or ".." component, not absolute.
std::string relative_path_problem(std::string_view rel);

// Whether `version` may name a release folder: 1..64 of [A-Za-z0-9._+-], not starting with '.'.
bool valid_version(std::string_view version);

}  // namespace css::bundle
