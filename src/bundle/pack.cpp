// Writing bundles with libarchive (pax tar + gzip) into memory, then one atomic css::io write.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>
#include <set>

#include "css/bundle/bundle.hpp"
#include "css/bundle/pack.hpp"
#include "css/core/file_io.hpp"
#include "css/signing/ed25519.hpp"
#include "digest.hpp"
#include "reader.hpp"

namespace css::bundle {
namespace {

Error write_error(archive* a, const std::string& what) {
  const char* s = archive_error_string(a);
  return make_error(ErrorCode::kIo, what + ": " + (s != nullptr ? s : "libarchive error"));
}

void describe(archive_entry* e, const TarEntry& t) {
  archive_entry_set_pathname(e, t.path.c_str());
  archive_entry_set_perm(e, t.mode);
  archive_entry_set_mtime(e, 0, 0);  // reproducible bytes
  switch (t.kind) {
    case EntryKind::kFile:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(t.content.size()));
      break;
    case EntryKind::kDirectory:
      archive_entry_set_filetype(e, AE_IFDIR);
      break;
    case EntryKind::kSymlink:
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, t.link.c_str());
      break;
    case EntryKind::kHardlink:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, t.link.c_str());
      break;
    case EntryKind::kCharDevice:
      archive_entry_set_filetype(e, AE_IFCHR);
      archive_entry_set_rdev(e, 0x0103);  // what /dev/null is
      break;
    case EntryKind::kFifo:
      archive_entry_set_filetype(e, AE_IFIFO);
      break;
  }
}

// libarchive's write callback: the archive goes to memory, then to disk through css::io.
la_ssize_t append(archive*, void* client, const void* buf, std::size_t n) {
  auto* out = static_cast<std::vector<std::byte>*>(client);
  const auto* b = static_cast<const std::byte*>(buf);
  out->insert(out->end(), b, b + n);
  return static_cast<la_ssize_t>(n);
}

std::string_view as_text(const signing::Signature& s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

}  // namespace

std::string sums_text(std::span<const PackFile> files) {
  std::vector<const PackFile*> sorted;
  for (const PackFile& f : files) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(),
            [](const PackFile* x, const PackFile* y) { return x->path < y->path; });
  std::string out;
  for (const PackFile* f : sorted)
    out += sha256_hex(std::as_bytes(std::span(f->content))) + "  " + f->path + "\n";
  return out;
}

Result<std::vector<TarEntry>> bundle_entries(std::string_view version,
                                             std::span<const PackFile> files,
                                             std::string_view private_pem) {
  if (!valid_version(version))
    return make_error(ErrorCode::kInvalidArgument,
                      "version '" + std::string(version) + "': use 1..64 of [A-Za-z0-9._+-]");
  const std::string top = std::string(kTopPrefix) + std::string(version);
  std::vector<PackFile> all(files.begin(), files.end());
  all.push_back({"VERSION", std::string(version) + "\n", false});
  std::set<std::string> dirs, seen;
  for (const PackFile& f : all) {
    if (const std::string p = relative_path_problem(f.path);
        !p.empty() || f.path == kSums || f.path == kSumsSig)
      return make_error(ErrorCode::kInvalidArgument,
                        "pack: path '" + f.path + "': " + (p.empty() ? "reserved name" : p));
    if (!seen.insert(f.path).second)
      return make_error(ErrorCode::kInvalidArgument, "pack: path '" + f.path + "' given twice");
    for (std::size_t s = f.path.find('/'); s != std::string::npos; s = f.path.find('/', s + 1))
      dirs.insert(f.path.substr(0, s));
  }
  const std::string sums = sums_text(all);
  auto sig = signing::sign_bytes(std::as_bytes(std::span(sums)), private_pem, "release key");
  if (!sig) return sig.error();
  std::vector<TarEntry> out{{top + "/", EntryKind::kDirectory, "", "", 0755}};
  for (const std::string& d : dirs)
    out.push_back({top + "/" + d + "/", EntryKind::kDirectory, "", "", 0755});
  for (const PackFile& f : all)
    out.push_back(
        {top + "/" + f.path, EntryKind::kFile, f.content, "", f.executable ? 0755U : 0644U});
  out.push_back({top + "/" + std::string(kSums), EntryKind::kFile, sums, "", 0644});
  out.push_back(
      {top + "/" + std::string(kSumsSig), EntryKind::kFile, std::string(as_text(*sig)), "", 0644});
  return out;
}

Status write_tar_gz(const std::filesystem::path& out, std::span<const TarEntry> entries) {
  const std::unique_ptr<archive, int (*)(archive*)> writer(archive_write_new(), archive_write_free);
  archive* a = writer.get();
  std::vector<std::byte> bytes;
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  // Fast over small: pack serves tests and tools; scripts/release makes the shipped bundles.
  archive_write_set_filter_option(a, "gzip", "compression-level", "1");
  archive_write_set_bytes_in_last_block(a, 1);
  if (archive_write_open(a, &bytes, nullptr, append, nullptr) != ARCHIVE_OK)
    return write_error(a, "cannot start '" + out.string() + "'");
  for (const TarEntry& t : entries) {
    const std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(),
                                                                     archive_entry_free);
    describe(e.get(), t);
    if (archive_write_header(a, e.get()) != ARCHIVE_OK)
      return write_error(a, "'" + out.string() + "': entry '" + t.path + "'");
    if (t.kind == EntryKind::kFile && !t.content.empty() &&
        archive_write_data(a, t.content.data(), t.content.size()) < 0)
      return write_error(a, "'" + out.string() + "': entry '" + t.path + "'");
  }
  if (archive_write_close(a) != ARCHIVE_OK)
    return write_error(a, "cannot finish '" + out.string() + "'");
  return io::write_file(out, bytes);
}

Status pack(const std::filesystem::path& out, std::string_view version,
            std::span<const PackFile> files, std::string_view private_pem) {
  auto entries = bundle_entries(version, files, private_pem);
  if (!entries) return entries.error();
  return write_tar_gz(out, *entries);
}

}  // namespace css::bundle
