// The checks on a walked bundle, in the contract's order: signature of SHA256SUMS, every
// file against its line, VERSION, then the files a node needs. Also the public entry points.
#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <system_error>

#include "css/bundle/bundle.hpp"
#include "css/core/file_io.hpp"
#include "css/signing/ed25519.hpp"
#include "digest.hpp"
#include "reader.hpp"

namespace css::bundle {
namespace {

constexpr std::array<std::string_view, 2> kArches = {"x86_64", "aarch64"};

Error refuse(const std::string& name, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, name + ": " + what);
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One sha256sum line: "<64 hex>  <path>" (text mode) or "<64 hex> *<path>" (binary mode).
bool parse_sum_line(std::string_view line, std::string& hex, std::string& path) {
  if (line.size() < 67 || !is_hex64(line.substr(0, 64)) || line[64] != ' ' ||
      (line[65] != ' ' && line[65] != '*'))
    return false;
  hex = lower(std::string(line.substr(0, 64)));
  path = std::string(line.substr(66));
  if (path.starts_with("./")) path.erase(0, 2);
  return true;
}

Result<std::map<std::string, std::string>> parse_sums(std::string_view text,
                                                      const std::string& name) {
  std::map<std::string, std::string> sums;
  std::size_t line_no = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t nl = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    ++line_no;
    const std::string where = std::string(kSums) + " line " + std::to_string(line_no) + ": ";
    std::string hex, path;
    if (!parse_sum_line(line, hex, path))
      return refuse(name, where + "expected '<64 hex>  <path>' as sha256sum writes it");
    if (const std::string p = relative_path_problem(path); !p.empty())
      return refuse(name, where + "'" + path + "': " + p);
    if (path == kSums || path == kSumsSig)
      return refuse(name, where + "lists " + path + ", which is not part of the sums");
    if (!sums.emplace(path, hex).second)
      return refuse(name, where + "'" + path + "' is listed twice");
  }
  return sums;
}

Status check_signature(const Scan& s, std::string_view public_pem, const std::string& name) {
  for (std::string_view f : {kSums, kSumsSig})
    if (!s.kept.contains(std::string(f))) return refuse(name, "has no " + std::string(f));
  const std::string& sums = s.kept.at(std::string(kSums));
  const std::string& sig = s.kept.at(std::string(kSumsSig));
  if (auto st = signing::verify_bytes(std::as_bytes(std::span(sums)), std::as_bytes(std::span(sig)),
                                      public_pem, "the release public key");
      !st)
    return refuse(name, std::string(kSumsSig) + " does not verify: " + st.error().message);
  return Ok{};
}

Status check_sums(const Scan& s, const std::string& name) {
  auto sums = parse_sums(s.kept.at(std::string(kSums)), name);
  if (!sums) return sums.error();
  for (const auto& [path, hex] : s.sha256) {
    if (path == kSums || path == kSumsSig) continue;
    const auto it = sums->find(path);
    if (it == sums->end()) return refuse(name, "'" + path + "' is not listed in SHA256SUMS");
    if (it->second != hex)
      return refuse(name,
                    "'" + path + "': SHA-256 does not match SHA256SUMS (tampered or corrupt)");
  }
  for (const auto& [path, hex] : *sums)
    if (!s.sha256.contains(path))
      return refuse(name, "SHA256SUMS lists '" + path + "', which the bundle does not hold");
  return Ok{};
}

Status check_version(const Scan& s, const std::string& name) {
  const auto it = s.kept.find("VERSION");
  if (it == s.kept.end()) return refuse(name, "has no VERSION");
  std::string v = it->second;
  if (v.ends_with('\n')) v.pop_back();
  if (v != s.version)
    return refuse(name, "VERSION says '" + v.substr(0, 64) + "' but the folder is '" + s.top +
                            "' (one line, equal to the folder's suffix)");
  return Ok{};
}

Result<std::vector<std::string>> check_layout(const Scan& s, const std::string& name) {
  if (!s.sha256.contains("models/default.csm")) return refuse(name, "has no models/default.csm");
  std::set<std::string> arches;
  for (const auto& [path, hex] : s.sha256) {
    if (!path.starts_with("bin/")) continue;
    const std::string arch = path.substr(4, path.find('/', 4) - 4);
    if (std::find(kArches.begin(), kArches.end(), arch) == kArches.end())
      return refuse(name, "'" + path + "': bin/ holds only x86_64/ and aarch64/");
    arches.insert(arch);
  }
  if (arches.empty()) return refuse(name, "has no bin/<arch>/ (x86_64 or aarch64)");
  // citysafe-edge is what a node runs; the full CLI is optional per arch (LibTorch has no
  // arm64 build that co-installs with the amd64 one, so aarch64 bundles carry the node only).
  for (const std::string& a : arches)
    if (!s.sha256.contains("bin/" + a + "/citysafe-edge"))
      return refuse(name, "has bin/" + a + "/ but no bin/" + a + "/citysafe-edge");
  return std::vector<std::string>(arches.begin(), arches.end());
}

Result<Manifest> verify_scan(const Scan& s, std::string_view public_pem, const std::string& name) {
  if (auto st = check_signature(s, public_pem, name); !st) return st.error();
  if (auto st = check_sums(s, name); !st) return st.error();
  if (auto st = check_version(s, name); !st) return st.error();
  auto arches = check_layout(s, name);
  if (!arches) return arches.error();
  Manifest m{s.version, std::move(*arches), {}, s.total_bytes};
  for (const auto& [path, bytes] : s.bytes) m.files.push_back({path, bytes});
  return m;
}

Result<std::string> read_key(const fs::path& key) {
  auto bytes = io::read_file(key);
  if (!bytes)
    return make_error(bytes.error().code, "public key '" + key.string() + "': cannot read it");
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

// FILE.sha256 beside FILE, when present: one sha256sum line whose hash is FILE's.
Status check_sidecar(const fs::path& tarball) {
  const fs::path side = tarball.string() + ".sha256";
  std::error_code ec;
  if (!fs::exists(side, ec)) return Ok{};
  auto text = io::read_file(side);
  if (!text) return text.error();
  std::string line(reinterpret_cast<const char*>(text->data()), text->size());
  if (line.ends_with('\n')) line.pop_back();
  std::string hex, path;
  if (line.find('\n') != std::string::npos || !parse_sum_line(line, hex, path))
    return refuse(side.string(), "expected one line '<64 hex>  <file name>' (sha256sum)");
  auto actual = sha256_file(tarball);
  if (!actual) return actual.error();
  if (*actual != hex)
    return refuse(tarball.string(), "SHA-256 " + *actual + " does not match " +
                                        side.filename().string() + " (" + hex + ")");
  return Ok{};
}

Status require_file(const fs::path& tarball) {
  std::error_code ec;
  if (!fs::is_regular_file(tarball, ec))
    return make_error(ErrorCode::kNotFound, "bundle '" + tarball.string() + "': no such file");
  return Ok{};
}

// Files of `arch` under bin/ become executable; everything else stays 0644.
Status make_executable(const fs::path& tree, const Manifest& m, std::string_view arch) {
  const std::string prefix = "bin/" + std::string(arch) + "/";
  for (const FileInfo& f : m.files) {
    if (!f.path.starts_with(prefix)) continue;
    const fs::path p = tree / f.path;
    if (::chmod(p.c_str(), 0755) != 0)
      return make_error(ErrorCode::kIo, "cannot make '" + p.string() + "' executable");
  }
  return Ok{};
}

}  // namespace

std::string machine_arch() {
  utsname u{};
  if (::uname(&u) != 0) return "unknown";
  const std::string m = u.machine;
  return m == "arm64" ? "aarch64" : m;
}

Result<Manifest> check_bytes(std::span<const std::byte> tarball, std::string_view public_pem) {
  const std::string name = "bundle";
  if (tarball.empty()) return refuse(name, "is empty");
  auto scan = scan_archive(tarball, {}, name, nullptr);
  if (!scan) return scan.error();
  return verify_scan(*scan, public_pem, name);
}

Result<Manifest> check_file(const fs::path& tarball, const fs::path& public_key) {
  if (auto st = require_file(tarball); !st) return st.error();
  auto pem = read_key(public_key);
  if (!pem) return pem.error();
  if (auto st = check_sidecar(tarball); !st) return st.error();
  auto scan = scan_archive({}, tarball, tarball.string(), nullptr);
  if (!scan) return scan.error();
  return verify_scan(*scan, *pem, tarball.string());
}

Result<Manifest> extract_verified(const fs::path& tarball, const fs::path& public_key,
                                  const fs::path& staging, std::string_view exec_arch) {
  if (auto st = require_file(tarball); !st) return st.error();
  auto pem = read_key(public_key);
  if (!pem) return pem.error();
  if (auto st = check_sidecar(tarball); !st) return st.error();
  std::error_code ec;
  if (fs::exists(staging, ec) || !fs::create_directory(staging, ec))
    return make_error(ErrorCode::kIo, "cannot create the staging folder '" + staging.string() +
                                          "'" + (ec ? ": " + ec.message() : ": it exists"));
  auto sink = [&](const std::string& top, const std::string& rel, bool is_dir,
                  std::span<const std::byte> data) -> Status {
    const fs::path p = rel.empty() ? staging / top : staging / top / rel;
    std::error_code mk;
    fs::create_directories(is_dir ? p : p.parent_path(), mk);
    if (mk)
      return make_error(ErrorCode::kIo, "cannot create '" + p.string() + "': " + mk.message());
    return is_dir ? Status(Ok{}) : io::write_file(p, data);
  };
  auto done = [&]() -> Result<Manifest> {
    auto scan = scan_archive({}, tarball, tarball.string(), sink);
    if (!scan) return scan.error();
    auto m = verify_scan(*scan, *pem, tarball.string());
    if (!m) return m.error();
    if (auto st = make_executable(staging / scan->top, *m, exec_arch); !st) return st.error();
    return m;
  }();
  if (!done) fs::remove_all(staging, ec);
  return done;
}

}  // namespace css::bundle
