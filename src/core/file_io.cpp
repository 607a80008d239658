#include "css/core/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <system_error>

namespace css::io {

namespace {

Error io_error(const fs::path& path, const char* what, int err) {
  return make_error(ErrorCode::kIo, "cannot " + std::string(what) + " '" + path.string() +
                                        "': " + std::strerror(err));
}

Error bad_output(const fs::path& path, const std::string& why) {
  return make_error(ErrorCode::kInvalidArgument, "output '" + path.string() + "' " + why);
}

fs::path parent_dir(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

// Unique per process and call, hidden, in the destination directory so rename() stays on one
// filesystem.
fs::path tmp_path_for(const fs::path& path, const char* tag) {
  static std::atomic<unsigned> counter{0};
  const std::string name = "." + path.filename().string() + "." + tag + "." +
                           std::to_string(::getpid()) + "." + std::to_string(counter++);
  return parent_dir(path) / name;
}

void remove_quietly(const fs::path& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

bool same_path(const fs::path& a, const fs::path& b) {
  std::error_code ec1;
  std::error_code ec2;
  const fs::path ca = fs::weakly_canonical(a, ec1);
  const fs::path cb = fs::weakly_canonical(b, ec2);
  return !ec1 && !ec2 && ca == cb;
}

// Errors name `path`, the file the user asked for, not its hidden temporary.
Status write_all(int fd, const fs::path& path, std::span<const std::byte> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(path, "write", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return Ok{};
}

// Writes, fsyncs and closes `tmp` (the temporary of `path`); removes it on any failure.
Status write_tmp(const fs::path& tmp, const fs::path& path, std::span<const std::byte> bytes) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(path, "create a temporary file for", errno);
  Status st = write_all(fd, path, bytes);
  // fsync before rename: the rename must never expose a file whose data is not on disk.
  if (st && ::fsync(fd) != 0) st = io_error(path, "fsync", errno);
  if (::close(fd) != 0 && st) st = io_error(path, "close", errno);
  if (!st) remove_quietly(tmp);
  return st;
}

void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);  // best effort: some filesystems refuse fsync on directories
  ::close(fd);
}

}  // namespace

Status check_output(const fs::path& out, std::span<const fs::path> inputs) {
  if (out.empty()) return make_error(ErrorCode::kInvalidArgument, "output path is empty");
  if (out.filename().empty() || out.filename() == "." || out.filename() == "..") {
    return bad_output(out, "names a directory, not a file");
  }
  struct stat out_st {};
  const bool exists = ::stat(out.c_str(), &out_st) == 0;
  if (exists && !S_ISREG(out_st.st_mode)) {
    return bad_output(out, S_ISDIR(out_st.st_mode) ? "is a directory"
                                                   : "is not a regular file (a device, FIFO or "
                                                     "socket); write to a file instead");
  }
  // ENOTDIR: a component of the path is a file ("model.csm/out.json"), reported below.
  if (!exists && errno != ENOENT && errno != ENOTDIR) {
    if (errno == ENAMETOOLONG) return bad_output(out, "is too long a path");
    return io_error(out, "inspect", errno);
  }
  struct stat dir_st {};
  const fs::path dir = parent_dir(out);
  if (::stat(dir.c_str(), &dir_st) != 0 || !S_ISDIR(dir_st.st_mode)) {
    return bad_output(out, "is in '" + dir.string() + "', which is not an existing directory");
  }
  // Found now rather than after the work: a read-only filesystem or a folder the user may not
  // write to (the temporary file is created there).
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return bad_output(
        out, "is in '" + dir.string() + "', which is not writable (" + std::strerror(errno) + ")");
  }
  for (const fs::path& in : inputs) {
    struct stat in_st {};
    const bool same = (exists && ::stat(in.c_str(), &in_st) == 0 && same_file(out_st, in_st)) ||
                      same_path(out, in);
    if (same)
      return bad_output(out, "is also an input ('" + in.string() + "'); refusing to overwrite it");
  }
  return Ok{};
}

Status check_outputs(std::span<const fs::path> outputs, std::span<const fs::path> inputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    Status st = check_output(outputs[i], inputs);
    if (!st) return st;
    for (std::size_t j = 0; j < i; ++j) {
      if (same_path(outputs[i], outputs[j])) {
        return bad_output(outputs[i], "is given twice as an output");
      }
    }
  }
  return Ok{};
}

OutputSet::OutputSet(std::vector<fs::path> inputs) : inputs_(std::move(inputs)) {}

OutputSet::~OutputSet() {
  for (const Staged& s : staged_) remove_quietly(s.tmp_path);
}

Status OutputSet::stage(const fs::path& path, std::span<const std::byte> bytes) {
  Status st = check_output(path, inputs_);
  if (!st) return st;
  for (const Staged& s : staged_) {
    if (same_path(s.final_path, path)) return bad_output(path, "is given twice as an output");
  }
  const fs::path tmp = tmp_path_for(path, "tmp");
  st = write_tmp(tmp, path, bytes);
  if (!st) return st;
  staged_.push_back({path, tmp});
  return Ok{};
}

Status OutputSet::stage_text(const fs::path& path, std::string_view text) {
  return stage(path, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

Status OutputSet::commit() {
  // Keep each previous file under a hard link so a failed rename later can restore it.
  struct Done {
    fs::path final_path;
    fs::path backup;  // empty when there was no previous file
  };
  std::vector<Done> done;
  auto roll_back = [this, &done] {
    for (const Staged& s : staged_) remove_quietly(s.tmp_path);
    staged_.clear();
    for (auto it = done.rbegin(); it != done.rend(); ++it) {
      if (it->backup.empty()) {
        remove_quietly(it->final_path);
      } else {
        ::rename(it->backup.c_str(), it->final_path.c_str());
      }
    }
  };
  const std::vector<Staged> staged = staged_;  // roll_back() clears staged_
  for (const Staged& s : staged) {
    fs::path backup;
    if (staged_.size() > 1 && fs::exists(s.final_path)) {
      backup = tmp_path_for(s.final_path, "old");
      if (::link(s.final_path.c_str(), backup.c_str()) != 0) {
        const int err = errno;
        roll_back();
        return io_error(s.final_path, "keep a backup of", err);
      }
    }
    if (::rename(s.tmp_path.c_str(), s.final_path.c_str()) != 0) {
      const int err = errno;
      if (!backup.empty()) remove_quietly(backup);
      roll_back();
      return io_error(s.final_path, "rename into place", err);
    }
    done.push_back({s.final_path, backup});
  }
  for (const Done& d : done) {
    if (!d.backup.empty()) remove_quietly(d.backup);
    fsync_dir(parent_dir(d.final_path));
  }
  staged_.clear();
  return Ok{};
}

Status write_file(const fs::path& path, std::span<const std::byte> bytes,
                  std::span<const fs::path> inputs) {
  OutputSet out(std::vector<fs::path>(inputs.begin(), inputs.end()));
  Status st = out.stage(path, bytes);
  if (!st) return st;
  return out.commit();
}

Status write_text(const fs::path& path, std::string_view text, std::span<const fs::path> inputs) {
  return write_file(path, std::as_bytes(std::span<const char>(text.data(), text.size())), inputs);
}

Result<std::string> read_secret_line(const fs::path& path, std::string_view flag) {
  if (path.empty()) return std::string();
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line))
    return make_error(ErrorCode::kNotFound,
                      std::string(flag) + ": cannot read '" + path.string() + "'");
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

Result<std::vector<std::byte>> read_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status))
    return make_error(ErrorCode::kNotFound, path.string() + ": no such file");
  if (!fs::is_regular_file(status)) {
    return make_error(ErrorCode::kInvalidArgument, path.string() + ": not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, path.string() + ": cannot open for reading");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) return make_error(ErrorCode::kIo, path.string() + ": cannot read its size");
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), size);
  if (!in) return make_error(ErrorCode::kIo, path.string() + ": read failed");
  return bytes;
}

Status flush_stdout() {
  std::cout.flush();
  const bool stream_ok = static_cast<bool>(std::cout);
  errno = 0;
  const bool c_ok = std::fflush(stdout) == 0 && !std::ferror(stdout);
  if (stream_ok && c_ok) return Ok{};
  const int err = errno != 0 ? errno : EIO;
  return make_error(ErrorCode::kIo,
                    std::string("cannot write to standard output: ") + std::strerror(err));
}

}  // namespace css::io
