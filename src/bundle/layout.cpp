// The release tree: relative symlinks switched by rename(2), which replaces the old link in
// one step, so `current` always names a complete release (never a half-written one).
#include "layout.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "css/bundle/update.hpp"

namespace css::bundle {
namespace {

namespace fs = std::filesystem;

Error io_error(const std::string& what, const std::error_code& ec) {
  return make_error(ErrorCode::kIo, what + ": " + ec.message());
}

// The new directory entry survives a power cut once its folder is synced.
void sync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

Result<std::optional<std::string>> linked_version(const fs::path& root, const std::string& link) {
  const fs::path p = root / link;
  std::error_code ec;
  const auto st = fs::symlink_status(p, ec);
  if (ec || st.type() == fs::file_type::not_found) return std::optional<std::string>{};
  if (st.type() != fs::file_type::symlink)
    return make_error(ErrorCode::kInvalidArgument,
                      "'" + p.string() + "' is not a symlink; refusing to touch it");
  const fs::path target = fs::read_symlink(p, ec);
  if (ec || target.parent_path() != "releases" || target.filename().empty())
    return make_error(
        ErrorCode::kInvalidArgument,
        "'" + p.string() + "' points at '" + target.string() + "', not releases/<version>");
  return std::optional<std::string>{target.filename().string()};
}

Status point_link(const fs::path& root, const std::string& link, const std::string& version) {
  const fs::path tmp = root / ("." + link + ".tmp-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_symlink(fs::path("releases") / version, tmp, ec);
  if (ec) return io_error("cannot create '" + tmp.string() + "'", ec);
  if (std::rename(tmp.c_str(), (root / link).c_str()) != 0) {
    const std::error_code rn(errno, std::generic_category());
    fs::remove(tmp, ec);
    return io_error("cannot switch '" + (root / link).string() + "'", rn);
  }
  sync_dir(root);
  return Ok{};
}

Status restore_link(const fs::path& root, const std::string& link,
                    const std::optional<std::string>& version) {
  if (version) return point_link(root, link, *version);
  std::error_code ec;
  fs::remove(root / link, ec);
  if (ec) return io_error("cannot remove '" + (root / link).string() + "'", ec);
  sync_dir(root);
  return Ok{};
}

Status install_tree(const fs::path& root, const fs::path& tree, const std::string& version) {
  const fs::path releases = root / "releases";
  const fs::path dest = releases / version;
  std::error_code ec;
  fs::create_directories(releases, ec);
  if (ec) return io_error("cannot create '" + releases.string() + "'", ec);
  fs::remove_all(dest, ec);  // a stale copy (a rolled-back or pruned-late install)
  if (ec) return io_error("cannot replace '" + dest.string() + "'", ec);
  fs::rename(tree, dest, ec);
  if (ec) return io_error("cannot move the bundle to '" + dest.string() + "'", ec);
  // Install time orders releases for pruning (a bundle's own mtimes are the build's).
  fs::last_write_time(dest, fs::file_time_type::clock::now(), ec);
  sync_dir(releases);
  return Ok{};
}

Result<std::vector<std::string>> prune_releases(const fs::path& root, std::size_t keep) {
  std::vector<std::string> protect;
  for (const char* link : {"current", "previous"}) {
    auto v = linked_version(root, link);
    if (!v) return v.error();
    if (*v) protect.push_back(**v);
  }
  std::vector<std::pair<fs::file_time_type, std::string>> all;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(root / "releases", ec))
    if (d.is_directory() && !d.path().filename().string().starts_with("."))
      all.emplace_back(d.last_write_time(), d.path().filename().string());
  if (ec) return io_error("cannot list '" + (root / "releases").string() + "'", ec);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::size_t kept = protect.size();
  std::vector<std::string> removed;
  for (const auto& [when, name] : all) {
    if (std::find(protect.begin(), protect.end(), name) != protect.end()) continue;
    if (kept < keep) {
      ++kept;
      continue;
    }
    fs::remove_all(root / "releases" / name, ec);
    if (ec) return io_error("cannot delete '" + (root / "releases" / name).string() + "'", ec);
    removed.push_back(name);
  }
  return removed;
}

}  // namespace css::bundle
