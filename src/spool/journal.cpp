#include "journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace css::spool {

namespace {

constexpr std::string_view kSegPrefix = "seg-";
constexpr std::string_view kSegSuffix = ".log";
constexpr std::size_t kGenDigits = 20;

// Generation number of a segment file name, or 0 if the name is not one.
std::uint64_t parse_gen(const std::string& name) {
  if (name.size() != kSegPrefix.size() + kGenDigits + kSegSuffix.size()) return 0;
  if (!name.starts_with(kSegPrefix) || !name.ends_with(kSegSuffix)) return 0;
  std::uint64_t gen = 0;
  for (std::size_t i = kSegPrefix.size(); i < kSegPrefix.size() + kGenDigits; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    const auto digit = static_cast<std::uint64_t>(name[i] - '0');
    if (gen > (UINT64_MAX - digit) / 10) return 0;
    gen = gen * 10 + digit;
  }
  return gen;
}

Status write_all(int fd, const fs::path& path, std::span<const std::byte> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {  // each pass writes >= 1 byte or returns
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return sys_error(path, "write to", n < 0 ? errno : ENOSPC);
    done += static_cast<std::size_t>(n);
  }
  return Ok{};
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

Error sys_error(const fs::path& path, const char* what, int err) {
  return make_error(ErrorCode::kIo, std::string("cannot ") + what + " spool file '" +
                                        path.string() + "': " + std::strerror(err));
}

Result<Journal> Journal::open_dir(const fs::path& dir, bool create) {
  std::error_code ec;
  if (create) fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    return make_error(ErrorCode::kIo, "spool directory '" + dir.string() + "' " +
                                          (create ? "cannot be created" : "does not exist") +
                                          " or is not a directory" +
                                          (ec ? ": " + ec.message() : std::string()));
  }
  Journal j;
  j.dir_ = dir;
  const fs::path lock = dir / "LOCK";
  j.lock_ = UniqueFd(::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (j.lock_.get() < 0) return sys_error(lock, "open", errno);
  if (::flock(j.lock_.get(), LOCK_EX | LOCK_NB) != 0) {
    return make_error(ErrorCode::kIo, "spool directory '" + dir.string() +
                                          "' is in use by another process (LOCK is held)");
  }
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path path = it->path();
    const std::string name = path.filename().string();
    if (name.ends_with(".tmp")) {
      std::error_code ignored;
      fs::remove(path, ignored);
    } else if (const std::uint64_t gen = parse_gen(name); gen != 0) {
      if (Status st = j.open_segment(gen, path); !st) return st.error();
    }
  }
  if (ec) return make_error(ErrorCode::kIo, "cannot list '" + dir.string() + "': " + ec.message());
  return j;
}

Status Journal::open_segment(std::uint64_t gen, const fs::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC));
  if (fd.get() < 0) return sys_error(path, "open", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return sys_error(path, "inspect", errno);
  if (!S_ISREG(st.st_mode)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "spool segment '" + path.string() + "' is not a regular file");
  }
  segments_[gen] = Segment{path, std::move(fd), static_cast<std::uint64_t>(st.st_size)};
  return Ok{};
}

fs::path Journal::segment_path(std::uint64_t gen) const {
  char name[48];
  std::snprintf(name, sizeof name, "seg-%020llu.log", static_cast<unsigned long long>(gen));
  return dir_ / name;
}

std::uint64_t Journal::newest_gen() const {
  return segments_.empty() ? 0 : segments_.rbegin()->first;
}

std::uint64_t Journal::bytes() const {
  std::uint64_t total = 0;
  for (const auto& [gen, seg] : segments_) total += seg.size;
  return total;
}

Result<std::vector<std::byte>> Journal::read_all(std::uint64_t gen) const {
  const auto it = segments_.find(gen);
  if (it == segments_.end()) return make_error(ErrorCode::kNotFound, "no spool segment");
  return read(gen, 0, static_cast<std::size_t>(it->second.size));
}

Result<std::vector<std::byte>> Journal::read(std::uint64_t gen, std::uint64_t offset,
                                             std::size_t size) const {
  const auto it = segments_.find(gen);
  if (it == segments_.end()) {
    return make_error(ErrorCode::kNotFound, "spool segment " + std::to_string(gen) +
                                                " is missing in '" + dir_.string() + "'");
  }
  std::vector<std::byte> out(size);
  std::size_t done = 0;
  while (done < size) {  // each pass reads >= 1 byte or returns
    const ssize_t n = ::pread(it->second.fd.get(), out.data() + done, size - done,
                              static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error(it->second.path, "read", errno);
    if (n == 0) {
      return make_error(ErrorCode::kParse, "spool segment '" + it->second.path.string() +
                                               "' ends before offset " +
                                               std::to_string(offset + size));
    }
    done += static_cast<std::size_t>(n);
  }
  return out;
}

Status Journal::append(std::span<const std::byte> bytes, bool sync) {
  if (segments_.empty()) return make_error(ErrorCode::kIo, "spool has no open segment");
  Segment& seg = segments_.rbegin()->second;
  Status st = write_all(seg.fd.get(), seg.path, bytes);
  if (st && sync && ::fdatasync(seg.fd.get()) != 0) st = sys_error(seg.path, "fdatasync", errno);
  if (st) {
    seg.size += bytes.size();
    return st;
  }
  // Cut the partial record off so later records do not follow garbage. If even that fails,
  // recovery skips the torn bytes (they fail the CRC) and keep the size honest.
  if (::ftruncate(seg.fd.get(), static_cast<off_t>(seg.size)) != 0) {
    struct stat now {};
    if (::fstat(seg.fd.get(), &now) == 0) seg.size = static_cast<std::uint64_t>(now.st_size);
  }
  return st;
}

Status Journal::sync_newest() {
  if (segments_.empty()) return Ok{};
  Segment& seg = segments_.rbegin()->second;
  if (::fdatasync(seg.fd.get()) != 0) return sys_error(seg.path, "fdatasync", errno);
  return Ok{};
}

Status Journal::create_segment(std::uint64_t gen, std::span<const std::byte> first) {
  const fs::path path = segment_path(gen);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) return sys_error(path, "create", errno);
  Status st = write_all(fd.get(), path, first);
  if (st && ::fsync(fd.get()) != 0) st = sys_error(path, "fsync", errno);
  if (!st) {
    ::unlink(path.c_str());
    return st;
  }
  segments_[gen] = Segment{path, std::move(fd), first.size()};
  sync_dir();
  return Ok{};
}

Status Journal::install_segment(std::uint64_t gen, const std::function<Status(const Sink&)>& fill) {
  const fs::path path = segment_path(gen);
  const fs::path tmp = dir_ / ("compact-" + std::to_string(gen) + ".tmp");
  UniqueFd fd(::open(tmp.c_str(), O_RDWR | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return sys_error(tmp, "create", errno);
  std::uint64_t size = 0;
  Status st = fill([&](std::span<const std::byte> bytes) -> Status {
    size += bytes.size();
    return write_all(fd.get(), tmp, bytes);
  });
  if (st && ::fsync(fd.get()) != 0) st = sys_error(tmp, "fsync", errno);
  if (st && ::rename(tmp.c_str(), path.c_str()) != 0) st = sys_error(path, "rename to", errno);
  if (!st) {
    ::unlink(tmp.c_str());
    return st;
  }
  segments_[gen] = Segment{path, std::move(fd), size};
  sync_dir();
  return Ok{};
}

Status Journal::truncate(std::uint64_t gen, std::uint64_t size) {
  const auto it = segments_.find(gen);
  if (it == segments_.end()) return Ok{};
  if (::ftruncate(it->second.fd.get(), static_cast<off_t>(size)) != 0 ||
      ::fsync(it->second.fd.get()) != 0) {
    return sys_error(it->second.path, "truncate", errno);
  }
  it->second.size = size;
  return Ok{};
}

Status Journal::remove_segment(std::uint64_t gen) {
  const auto it = segments_.find(gen);
  if (it == segments_.end()) return Ok{};
  const fs::path path = it->second.path;
  segments_.erase(it);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_error(path, "remove", errno);
  return Ok{};
}

void Journal::sync_dir() const {
  UniqueFd fd(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());  // best effort: some filesystems refuse it
}

}  // namespace css::spool
