// The release tree under ROOT (update.hpp): symlink switches and pruning (private).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "css/core/result.hpp"

namespace css::bundle {

// ROOT/<link> -> releases/<version>, atomically (a fresh symlink renamed over the old one).
Status point_link(const std::filesystem::path& root, const std::string& link,
                  const std::string& version);
// Sets ROOT/<link> back to `version`, or removes it when nullopt.
Status restore_link(const std::filesystem::path& root, const std::string& link,
                    const std::optional<std::string>& version);
// Moves a verified tree to releases/<version> (replacing a stale copy that is not current).
Status install_tree(const std::filesystem::path& root, const std::filesystem::path& tree,
                    const std::string& version);
// Deletes all but the `keep` newest releases (by install time); never current or previous.
Result<std::vector<std::string>> prune_releases(const std::filesystem::path& root,
                                                std::size_t keep);

}  // namespace css::bundle
