// Journal: one spool directory's segment files (private to css::spool).
//
// Segment files are named seg-<generation, 20 digits>.log; the newest generation is the one
// appended to. Every write is checked; a failed append is cut back off the file (ftruncate)
// so the journal never keeps half a record it reported as failed. Errors name the file and
// the system's reason (ErrorCode::kIo). Not thread-safe; owned by one Spool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "css/core/result.hpp"

namespace css::spool {

namespace fs = std::filesystem;

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release();

 private:
  int fd_ = -1;
};

Error sys_error(const fs::path& path, const char* what, int err);

class Journal {
 public:
  struct Segment {
    fs::path path;
    UniqueFd fd;  // read + append
    std::uint64_t size = 0;
  };

  // Opens `dir` (creating it if missing and `create`), takes its LOCK (flock: one process per
  // spool), removes leftover *.tmp files of an interrupted compaction, and opens every segment.
  static Result<Journal> open_dir(const fs::path& dir, bool create);

  const fs::path& dir() const { return dir_; }
  const std::map<std::uint64_t, Segment>& segments() const { return segments_; }
  std::uint64_t newest_gen() const;  // 0 when there is no segment
  std::uint64_t bytes() const;       // sum of segment sizes

  // Whole file of segment `gen`.
  Result<std::vector<std::byte>> read_all(std::uint64_t gen) const;
  // `size` bytes at `offset` of segment `gen`.
  Result<std::vector<std::byte>> read(std::uint64_t gen, std::uint64_t offset,
                                      std::size_t size) const;

  // Appends to the newest segment; `sync` = fdatasync before returning.
  Status append(std::span<const std::byte> bytes, bool sync);
  Status sync_newest();
  // Starts segment `gen` (> newest) holding `first` (fsynced, directory fsynced).
  Status create_segment(std::uint64_t gen, std::span<const std::byte> first);
  // Writes segment `gen` (> newest) via a temporary file + fsync + rename (compaction):
  // `fill` streams the content through the sink it is given.
  using Sink = std::function<Status(std::span<const std::byte>)>;
  Status install_segment(std::uint64_t gen, const std::function<Status(const Sink&)>& fill);
  Status truncate(std::uint64_t gen, std::uint64_t size);
  Status remove_segment(std::uint64_t gen);
  void sync_dir() const;

 private:
  fs::path dir_;
  UniqueFd lock_;
  std::map<std::uint64_t, Segment> segments_;

  fs::path segment_path(std::uint64_t gen) const;
  Status open_segment(std::uint64_t gen, const fs::path& path);
};

}  // namespace css::spool
