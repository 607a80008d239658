#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

namespace css::data::detail {

namespace {

Error io_error(const std::filesystem::path& path, const char* what, int err) {
  return make_error(ErrorCode::kIo, path.string() + ": " + what + " failed: " + std::strerror(err));
}

}  // namespace

std::filesystem::path tmp_path_for(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  return tmp;
}

Status write_tmp(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  const std::filesystem::path tmp = tmp_path_for(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(tmp, "open for writing", errno);
  std::size_t done = 0;
  int err = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  // fsync so that the rename below never exposes a file whose data is not on disk.
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    return io_error(tmp, "write", err);
  }
  return Ok{};
}

Status commit_tmp(const std::filesystem::path& path) {
  const std::filesystem::path tmp = tmp_path_for(path);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    return io_error(path, "rename from .tmp", err);
  }
  return Ok{};
}

Status write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  Status written = write_tmp(path, bytes);
  if (!written) return written;
  return commit_tmp(path);
}

Result<std::vector<std::byte>> read_file_bytes(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorCode::kNotFound, path.string() + ": no such file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, path.string() + ": cannot open for reading");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return make_error(ErrorCode::kIo, path.string() + ": cannot determine size");
  in.seekg(0, std::ios::beg);
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    return make_error(ErrorCode::kIo, path.string() + ": read failed");
  }
  return bytes;
}

}  // namespace css::data::detail
