// The archive walk (libarchive). Entry rules come before any byte of data is read, so a
// hostile entry is refused without extracting anything.
#include "reader.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <memory>
#include <set>

#include "css/bundle/bundle.hpp"
#include "digest.hpp"

namespace css::bundle {
namespace {

// The files verification reads back; each is small (SHA256SUMS: one line per file).
constexpr std::uint64_t kMaxKeptBytes = 8ULL << 20;

std::string why(archive* a) {
  const char* s = archive_error_string(a);
  return s != nullptr ? s : "unknown libarchive error";
}

Error refuse(const std::string& name, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, name + ": " + what);
}

Error refuse_entry(const std::string& name, std::string_view entry, const std::string& why) {
  return refuse(name, "entry '" + std::string(entry) + "': " + why);
}

// What the walk has seen so far.
struct Walk {
  const std::string& name;
  Scan scan;
  std::set<std::string> dirs, files;
  std::size_t entries = 0;
};

const char* kind_problem(archive_entry* e) {
  if (archive_entry_hardlink(e) != nullptr) return "hard link";
  switch (archive_entry_filetype(e)) {
    case AE_IFREG:
    case AE_IFDIR:
      return nullptr;
    case AE_IFLNK:
      return "symbolic link";
    case AE_IFCHR:
    case AE_IFBLK:
      return "device";
    case AE_IFIFO:
      return "FIFO";
    case AE_IFSOCK:
      return "socket";
    default:
      return "unknown entry type";
  }
}

// Splits "citysafe-1.2/bin/x" into top "citysafe-1.2" and rel "bin/x" after the name rules.
Status split_name(Walk& w, std::string_view raw, bool is_dir, std::string& rel) {
  std::string_view n = raw;
  if (n.empty()) return refuse(w.name, "an entry has an empty name");
  if (n.front() == '/') return refuse_entry(w.name, raw, "absolute path");
  if (is_dir && n.size() > 1 && n.back() == '/') n.remove_suffix(1);
  const std::size_t slash = n.find('/');
  const std::string top(n.substr(0, slash));
  rel = slash == std::string_view::npos ? std::string() : std::string(n.substr(slash + 1));
  if (const std::string p = relative_path_problem(n); !p.empty())
    return refuse_entry(w.name, raw, p);
  if (w.scan.top.empty()) {
    if (!top.starts_with(kTopPrefix) || !valid_version(top.substr(kTopPrefix.size())))
      return refuse_entry(w.name, raw,
                          "the top folder must be citysafe-<version> (version of "
                          "[A-Za-z0-9._+-], at most 64 characters)");
    w.scan.top = top;
    w.scan.version = top.substr(kTopPrefix.size());
  } else if (top != w.scan.top) {
    return refuse_entry(w.name, raw, "outside the top folder '" + w.scan.top + "/'");
  }
  if (rel.empty() && !is_dir)
    return refuse_entry(w.name, raw, "outside the top folder (a file, not a folder)");
  return Ok{};
}

Status check_not_duplicate(Walk& w, std::string_view raw, const std::string& rel, bool is_dir) {
  if (w.dirs.contains(rel) || w.files.contains(rel))
    return refuse_entry(w.name, raw, "duplicate name");
  (is_dir ? w.dirs : w.files).insert(rel);
  return Ok{};
}

Result<std::vector<std::byte>> read_data(Walk& w, archive* a, std::string_view raw) {
  std::vector<std::byte> data;
  std::array<std::byte, 1 << 16> buf{};
  for (;;) {
    const la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
    if (n < 0) return refuse_entry(w.name, raw, "corrupt data: " + why(a));
    if (n == 0) return data;
    if (data.size() + static_cast<std::size_t>(n) > kMaxFileBytes)
      return refuse_entry(w.name, raw, "larger than 512 MiB");
    data.insert(data.end(), buf.begin(), buf.begin() + n);
  }
}

Status take_entry(Walk& w, archive* a, archive_entry* e, const EntrySink& sink) {
  const char* path = archive_entry_pathname(e);
  if (path == nullptr) return refuse(w.name, "an entry's name cannot be read");
  const std::string_view raw(path);
  if (++w.entries > kMaxEntries)
    return refuse_entry(w.name, raw, "more than " + std::to_string(kMaxEntries) + " entries");
  if (const char* k = kind_problem(e))
    return refuse_entry(w.name, raw, std::string(k) + " (only files and directories are allowed)");
  const bool is_dir = archive_entry_filetype(e) == AE_IFDIR;
  std::string rel;
  if (auto st = split_name(w, raw, is_dir, rel); !st) return st;
  if (auto st = check_not_duplicate(w, raw, rel, is_dir); !st) return st;
  if (is_dir) return sink ? sink(w.scan.top, rel, true, {}) : Status(Ok{});
  const std::int64_t declared = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
  if (declared < 0 || static_cast<std::uint64_t>(declared) > kMaxFileBytes)
    return refuse_entry(w.name, raw, "larger than 512 MiB");
  auto data = read_data(w, a, raw);
  if (!data) return data.error();
  w.scan.total_bytes += data->size();
  if (w.scan.total_bytes > kMaxTotalBytes)
    return refuse_entry(w.name, raw, "the bundle's files exceed 4 GiB in all");
  w.scan.sha256[rel] = sha256_hex(*data);
  w.scan.bytes[rel] = data->size();
  if ((rel == "VERSION" || rel == kSums || rel == kSumsSig) && data->size() <= kMaxKeptBytes)
    w.scan.kept[rel].assign(reinterpret_cast<const char*>(data->data()), data->size());
  return sink ? sink(w.scan.top, rel, false, *data) : Status(Ok{});
}

// A file used as a folder ("bin" a file and "bin/x" an entry) cannot be extracted.
Status check_no_file_as_folder(const Walk& w) {
  for (const auto* set : {&w.files, &w.dirs})
    for (const std::string& p : *set)
      for (std::size_t s = p.find('/'); s != std::string::npos; s = p.find('/', s + 1))
        if (w.files.contains(p.substr(0, s)))
          return refuse_entry(w.name, w.scan.top + "/" + p,
                              "inside '" + p.substr(0, s) + "', which is a file");
  return Ok{};
}

}  // namespace

std::string relative_path_problem(std::string_view rel) {
  if (rel.empty()) return "empty path";
  if (rel.front() == '/') return "absolute path";
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = rel.find('/', start);
    const std::string_view c = rel.substr(start, slash - start);
    if (c.empty()) return "empty path component";
    if (c == "..") return "'..' component (path traversal)";
    if (c == ".") return "'.' component";
    if (slash == std::string_view::npos) return "";
    start = slash + 1;
  }
}

bool valid_version(std::string_view v) {
  if (v.empty() || v.size() > 64 || v.front() == '.') return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '+' || c == '-';
  });
}

Result<Scan> scan_archive(std::span<const std::byte> memory, const std::filesystem::path& path,
                          const std::string& name, const EntrySink& sink) {
  const std::unique_ptr<archive, int (*)(archive*)> reader(archive_read_new(), archive_read_free);
  archive* a = reader.get();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  const int opened = memory.empty() ? archive_read_open_filename(a, path.c_str(), 1 << 16)
                                    : archive_read_open_memory(a, memory.data(), memory.size());
  if (opened != ARCHIVE_OK) return refuse(name, "not a gzip'd tar: " + why(a));
  Walk w{name, {}, {}, {}, 0};
  for (;;) {
    archive_entry* e = nullptr;
    const int rc = archive_read_next_header(a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN)
      return refuse(name, "not a readable gzip'd tar (after " + std::to_string(w.entries) +
                              " entries): " + why(a));
    if (auto st = take_entry(w, a, e, sink); !st) return st.error();
  }
  if (w.entries == 0) return refuse(name, "holds no entries");
  if (auto st = check_no_file_as_folder(w); !st) return st.error();
  return std::move(w.scan);
}

}  // namespace css::bundle
