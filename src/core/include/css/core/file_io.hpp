// The one way every command writes a file: outputs are checked before any work, written to
// a temporary file in the destination directory, fsynced and renamed over the final name, so
// a reader (or a crash) never sees a partial file and a failed command leaves no debris.
//
// Contract:
//  - check_output() refuses an output that exists and is not a regular file (a directory, a
//    device such as /dev/full, a FIFO), whose directory does not exist or is not writable (a
//    read-only filesystem, a folder without write permission), or that is one of the
//    command's inputs (same file, by device and inode, or by path). These are bad input:
//    ErrorCode::kInvalidArgument, exit 2 in the CLI.
//  - Every write, fsync, close and rename is checked; a failure (a full disk, an I/O error)
//    is ErrorCode::kIo (exit 1) naming the output path (never its hidden temporary) and the
//    system's reason, and its temporary file is removed.
//  - OutputSet writes several files all or none: files are staged (written + fsynced under a
//    temporary name), then commit() renames them; if a rename fails, the files already
//    renamed are put back as they were (previous content restored, new files removed).
//    Temporaries not committed are removed by the destructor.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::io {

namespace fs = std::filesystem;

// Checks `out` as described above, before a command spends time computing its result.
Status check_output(const fs::path& out, std::span<const fs::path> inputs = {});

// Checks several outputs at once: each as check_output, and no two the same path.
Status check_outputs(std::span<const fs::path> outputs, std::span<const fs::path> inputs = {});

class OutputSet {
 public:
  // `inputs`: the files the command reads; no output may be one of them.
  explicit OutputSet(std::vector<fs::path> inputs = {});
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  ~OutputSet();

  // Checks `path` and writes `bytes` to a temporary file beside it (fsynced).
  Status stage(const fs::path& path, std::span<const std::byte> bytes);
  Status stage_text(const fs::path& path, std::string_view text);
  // Renames every staged file over its final name (all or none) and fsyncs the directories.
  Status commit();

 private:
  struct Staged {
    fs::path final_path;
    fs::path tmp_path;
  };
  std::vector<fs::path> inputs_;
  std::vector<Staged> staged_;
};

// One file, atomically: an OutputSet of one.
Status write_file(const fs::path& path, std::span<const std::byte> bytes,
                  std::span<const fs::path> inputs = {});
Status write_text(const fs::path& path, std::string_view text,
                  std::span<const fs::path> inputs = {});

// Reads a whole regular file (kNotFound if missing, kInvalidArgument if not a regular file).
Result<std::vector<std::byte>> read_file(const fs::path& path);

// The first line of a secret file (a password), without its trailing '\r' and spaces; an
// empty `path` gives "". Unreadable: kNotFound "<flag>: cannot read '<path>'".
Result<std::string> read_secret_line(const fs::path& path, std::string_view flag);

// Flushes stdout and reports whether everything written to it arrived (a closed pipe or a
// full disk behind a redirection is kIo), so commands can exit 1 instead of 0.
Status flush_stdout();

}  // namespace css::io
