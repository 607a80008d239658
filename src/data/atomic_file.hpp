// Internal: write-then-rename file output so readers never see a partial file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

#include "css/core/result.hpp"

namespace css::data::detail {

std::filesystem::path tmp_path_for(const std::filesystem::path& path);

// Writes bytes to <path>.tmp and fsyncs it; removes the tmp file on failure.
Status write_tmp(const std::filesystem::path& path, std::span<const std::byte> bytes);
// Renames <path>.tmp over <path>; removes the tmp file on failure.
Status commit_tmp(const std::filesystem::path& path);
// write_tmp + commit_tmp.
Status write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes);

Result<std::vector<std::byte>> read_file_bytes(const std::filesystem::path& path);

}  // namespace css::data::detail
