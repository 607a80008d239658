// css::bundle on real files: a packed bundle verifies and extracts; every entry rule and every
// content check refuses, naming what is wrong; a bundle made by the shell tools scripts/release
// uses (tar, sha256sum, openssl pkeyutl) verifies too.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "css/bundle/bundle.hpp"
#include "css/bundle/pack.hpp"
#include "css/signing/ed25519.hpp"
#include "test_files.hpp"

namespace css::bundle {
namespace {

namespace fs = std::filesystem;
using test::slurp;
using test::write;

std::vector<PackFile> node_files(const std::string& arch = "x86_64") {
  return {{"bin/" + arch + "/citysafe-edge", "#!/bin/sh\necho edge\n", true},
          {"bin/" + arch + "/citysafe", "#!/bin/sh\necho full\n", true},
          {"models/default.csm", std::string(300, '\x5a'), false},
          {"deploy/edge.toml", "[edge]\ndevice_id = \"n1\"\n", false},
          {"docs/index.md", "# CitySafeSense\n", false}};
}

TarEntry ent(std::string path, EntryKind kind, std::string content = "", std::string link = "") {
  TarEntry t;
  t.path = std::move(path);
  t.kind = kind;
  t.content = std::move(content);
  t.link = std::move(link);
  return t;
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("bundle");
    ASSERT_TRUE(signing::write_keypair(dir_ / "k.pem", dir_ / "k.pub"));
    ASSERT_TRUE(signing::write_keypair(dir_ / "other.pem", dir_ / "other.pub"));
    key_ = slurp(dir_ / "k.pem");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The well-formed entries of version 1.2.0, to alter.
  std::vector<TarEntry> entries(const std::vector<PackFile>& files = node_files()) {
    auto e = bundle_entries("1.2.0", files, key_);
    EXPECT_TRUE(e.ok());
    return e.ok() ? *e : std::vector<TarEntry>{};
  }
  // Writes `e` and returns the error of check_file (empty string if it verified).
  std::string refusal(const std::vector<TarEntry>& e, const fs::path& key = {}) {
    const fs::path out = dir_ / "b.tar.gz";
    fs::remove(out);
    if (auto st = write_tar_gz(out, e); !st) return "write failed: " + st.error().message;
    auto m = check_file(out, key.empty() ? dir_ / "k.pub" : key);
    if (m) return "";
    EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument) << m.error().message;
    return m.error().message;
  }
  TarEntry* find(std::vector<TarEntry>& e, const std::string& path) {
    for (auto& t : e)
      if (t.path == "citysafe-1.2.0/" + path) return &t;
    ADD_FAILURE() << "no entry " << path;
    return &e.front();
  }

  fs::path dir_;
  std::string key_;
};

TEST_F(BundleTest, PackedBundleVerifiesAndListsWhatItHolds) {
  ASSERT_TRUE(pack(dir_ / "citysafe-1.2.0.tar.gz", "1.2.0", node_files(), key_));
  auto m = check_file(dir_ / "citysafe-1.2.0.tar.gz", dir_ / "k.pub");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->version, "1.2.0");
  EXPECT_EQ(m->arches, std::vector<std::string>{"x86_64"});
  std::vector<std::string> paths;
  for (const auto& f : m->files) paths.push_back(f.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"SHA256SUMS", "SHA256SUMS.sig", "VERSION",
                                      "bin/x86_64/citysafe", "bin/x86_64/citysafe-edge",
                                      "deploy/edge.toml", "docs/index.md", "models/default.csm"}));
  const auto bytes = slurp(dir_ / "citysafe-1.2.0.tar.gz");
  auto mem = check_bytes(std::as_bytes(std::span(bytes)), slurp(dir_ / "k.pub"));
  ASSERT_TRUE(mem.ok()) << mem.error().message;
  EXPECT_EQ(mem->total_bytes, m->total_bytes);
}

// What scripts/release ships: both binaries for x86_64, the node only for aarch64 (no arm64
// LibTorch beside the amd64 one), so the full CLI is optional per arch.
TEST_F(BundleTest, BothArchesAreListedTheFullCliOptional) {
  auto files = node_files("x86_64");
  for (auto& f : node_files("aarch64"))
    if (f.path == "bin/aarch64/citysafe-edge") files.push_back(f);
  ASSERT_TRUE(pack(dir_ / "b.tar.gz", "2.0", files, key_));
  auto m = check_file(dir_ / "b.tar.gz", dir_ / "k.pub");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->arches, (std::vector<std::string>{"aarch64", "x86_64"}));
}

TEST_F(BundleTest, ExtractWritesTheTreeWithThisArchExecutable) {
  auto files = node_files("x86_64");
  for (auto& f : node_files("aarch64"))
    if (f.path.starts_with("bin/")) files.push_back(f);
  ASSERT_TRUE(pack(dir_ / "b.tar.gz", "1.2.0", files, key_));
  auto m = extract_verified(dir_ / "b.tar.gz", dir_ / "k.pub", dir_ / "stage", "x86_64");
  ASSERT_TRUE(m.ok()) << m.error().message;
  const fs::path tree = dir_ / "stage" / "citysafe-1.2.0";
  EXPECT_EQ(slurp(tree / "VERSION"), "1.2.0\n");
  EXPECT_EQ(slurp(tree / "docs/index.md"), "# CitySafeSense\n");
  EXPECT_EQ(fs::file_size(tree / "SHA256SUMS.sig"), 64U);
  struct stat st {};
  ASSERT_EQ(::stat((tree / "bin/x86_64/citysafe-edge").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755U);
  ASSERT_EQ(::stat((tree / "bin/aarch64/citysafe-edge").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0111, 0U) << "another arch's binary is not made executable";
  ASSERT_EQ(::stat((tree / "models/default.csm").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0111, 0U);
}

TEST_F(BundleTest, FailedExtractLeavesNoStaging) {
  auto e = entries();
  find(e, "docs/index.md")->content = "# tampered\n";
  ASSERT_TRUE(write_tar_gz(dir_ / "b.tar.gz", e));
  auto m = extract_verified(dir_ / "b.tar.gz", dir_ / "k.pub", dir_ / "stage", "x86_64");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("docs/index.md"), std::string::npos) << m.error().message;
  EXPECT_FALSE(fs::exists(dir_ / "stage"));
}

// --- entry rules: each refusal names the entry ---

TEST_F(BundleTest, RefusesSymlink) {
  auto e = entries();
  e.push_back(ent("citysafe-1.2.0/docs/link", EntryKind::kSymlink, "", "/etc/passwd"));
  const auto why = refusal(e);
  EXPECT_NE(why.find("'citysafe-1.2.0/docs/link': symbolic link"), std::string::npos) << why;
}

TEST_F(BundleTest, RefusesHardLink) {
  auto e = entries();
  e.push_back(ent("citysafe-1.2.0/docs/hard", EntryKind::kHardlink, "", "citysafe-1.2.0/VERSION"));
  const auto why = refusal(e);
  EXPECT_NE(why.find("'citysafe-1.2.0/docs/hard': hard link"), std::string::npos) << why;
}

TEST_F(BundleTest, RefusesDeviceAndFifo) {
  auto e = entries();
  e.push_back(ent("citysafe-1.2.0/docs/null", EntryKind::kCharDevice));
  auto why = refusal(e);
  EXPECT_NE(why.find("'citysafe-1.2.0/docs/null': device"), std::string::npos) << why;
  e.back() = ent("citysafe-1.2.0/docs/pipe", EntryKind::kFifo);
  why = refusal(e);
  EXPECT_NE(why.find("'citysafe-1.2.0/docs/pipe': FIFO"), std::string::npos) << why;
}

TEST_F(BundleTest, RefusesAbsolutePath) {
  auto e = entries();
  e.insert(e.begin() + 1, ent("/etc/cron.d/evil", EntryKind::kFile, "x"));
  const auto why = refusal(e);
  EXPECT_NE(why.find("'/etc/cron.d/evil': absolute path"), std::string::npos) << why;
}

TEST_F(BundleTest, RefusesTraversal) {
  auto e = entries();
  e.insert(e.begin() + 1, ent("citysafe-1.2.0/../../evil.sh", EntryKind::kFile, "x"));
  const auto why = refusal(e);
  EXPECT_NE(why.find("'citysafe-1.2.0/../../evil.sh': '..' component"), std::string::npos) << why;
}

TEST_F(BundleTest, RefusesDotAndEmptyComponents) {
  auto e = entries();
  e.push_back(ent("citysafe-1.2.0/./docs/x", EntryKind::kFile, "x"));
  EXPECT_NE(refusal(e).find("'.' component"), std::string::npos);
  e.back().path = "citysafe-1.2.0//x";
  EXPECT_NE(refusal(e).find("empty path component"), std::string::npos);
}

TEST_F(BundleTest, RefusesDuplicateName) {
  auto e = entries();
  e.push_back(ent("citysafe-1.2.0/VERSION", EntryKind::kFile, "9.9.9\n"));
  const auto why = refusal(e);
  EXPECT_NE(why.find("'citysafe-1.2.0/VERSION': duplicate name"), std::string::npos) << why;
}

TEST_F(BundleTest, RefusesEntryOutsideTheTopFolder) {
  auto e = entries();
  e.push_back(ent("citysafe-9.9/VERSION", EntryKind::kFile, "9.9\n"));
  auto why = refusal(e);
  EXPECT_NE(why.find("'citysafe-9.9/VERSION': outside the top folder 'citysafe-1.2.0/'"),
            std::string::npos)
      << why;
  e.back() = ent("README", EntryKind::kFile, "top-level file");
  why = refusal(e);
  EXPECT_NE(why.find("'README': outside the top folder"), std::string::npos) << why;
}

TEST_F(BundleTest, RefusesATopFolderThatIsNotCitysafeVersion) {
  const auto why = refusal({{"evil/", EntryKind::kDirectory, "", "", 0755}});
  EXPECT_NE(why.find("'evil/': the top folder must be citysafe-<version>"), std::string::npos)
      << why;
}

TEST_F(BundleTest, RefusesAFileUsedAsAFolder) {
  auto e = entries();
  e.push_back(ent("citysafe-1.2.0/VERSION/x", EntryKind::kFile, "x"));
  const auto why = refusal(e);
  EXPECT_NE(why.find("inside 'VERSION', which is a file"), std::string::npos) << why;
}

// A ustar header declaring a 600 MiB file and no data: refused from the header alone.
std::string ustar_header(const std::string& name, unsigned long long size) {
  std::string h(512, '\0');
  auto put = [&](std::size_t at, const std::string& s) { h.replace(at, s.size(), s); };
  char buf[32];
  put(0, name);
  put(100, "0000644");
  put(108, "0000000");
  put(116, "0000000");
  std::snprintf(buf, sizeof buf, "%011llo", size);
  put(124, buf);
  put(136, "00000000000");
  h[156] = '0';
  put(257, std::string("ustar\0", 6));
  put(263, "00");
  put(148, "        ");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(buf, sizeof buf, "%06o", sum);
  put(148, std::string(buf) + std::string(1, '\0') + " ");
  return h;
}

TEST_F(BundleTest, RefusesAFileOver512MiB) {
  std::string tar = ustar_header("citysafe-1.2.0/models/default.csm", 600ULL << 20);
  write(dir_ / "big.tar", tar + std::string(1024, '\0'));
  auto m = check_file(dir_ / "big.tar", dir_ / "k.pub");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("'citysafe-1.2.0/models/default.csm': larger than 512 MiB"),
            std::string::npos)
      << m.error().message;
}

TEST_F(BundleTest, RefusesMoreThan10000Entries) {
  auto e = entries();
  for (int i = 0; i < 10'000; ++i)
    e.push_back(
        {"citysafe-1.2.0/docs/d" + std::to_string(i) + "/", EntryKind::kDirectory, "", "", 0755});
  const auto why = refusal(e);
  EXPECT_NE(why.find("more than 10000 entries"), std::string::npos) << why;
}

// --- content checks ---

TEST_F(BundleTest, RefusesATamperedFile) {
  auto e = entries();
  find(e, "models/default.csm")->content[17] ^= 1;
  const auto why = refusal(e);
  EXPECT_NE(why.find("'models/default.csm': SHA-256 does not match SHA256SUMS"), std::string::npos)
      << why;
}

TEST_F(BundleTest, RefusesABadSignature) {
  auto e = entries();
  find(e, "SHA256SUMS.sig")->content[5] ^= 1;
  const auto why = refusal(e);
  EXPECT_NE(why.find("SHA256SUMS.sig does not verify"), std::string::npos) << why;
}

TEST_F(BundleTest, RefusesSumsEditedAfterSigning) {
  auto e = entries();
  auto& sums = find(e, "SHA256SUMS")->content;
  sums += std::string(64, '0') + "  docs/extra.md\n";
  e.push_back(ent("citysafe-1.2.0/docs/extra.md", EntryKind::kFile, ""));
  const auto why = refusal(e);
  EXPECT_NE(why.find("SHA256SUMS.sig does not verify"), std::string::npos) << why;
}

TEST_F(BundleTest, RefusesTheWrongKey) {
  ASSERT_TRUE(pack(dir_ / "b.tar.gz", "1.2.0", node_files(), key_));
  auto m = check_file(dir_ / "b.tar.gz", dir_ / "other.pub");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(m.error().message.find("SHA256SUMS.sig does not verify"), std::string::npos)
      << m.error().message;
  auto missing = check_file(dir_ / "b.tar.gz", dir_ / "nope.pub");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("nope.pub"), std::string::npos);
}

TEST_F(BundleTest, RefusesMissingSignatureOrSums) {
  auto e = entries();
  e.pop_back();  // SHA256SUMS.sig
  EXPECT_NE(refusal(e).find("has no SHA256SUMS.sig"), std::string::npos);
  e.pop_back();  // SHA256SUMS
  EXPECT_NE(refusal(e).find("has no SHA256SUMS"), std::string::npos);
}

// Files added to or missing from a bundle whose SHA256SUMS is signed as it is.
TEST_F(BundleTest, RefusesUnlistedAndMissingFiles) {
  auto e = entries();
  e.insert(e.end() - 2, ent("citysafe-1.2.0/docs/extra.md", EntryKind::kFile, "new"));
  EXPECT_NE(refusal(e).find("'docs/extra.md' is not listed in SHA256SUMS"), std::string::npos);
  e = entries();
  std::erase_if(e, [](const TarEntry& t) { return t.path.ends_with("docs/index.md"); });
  EXPECT_NE(refusal(e).find("SHA256SUMS lists 'docs/index.md', which the bundle does not hold"),
            std::string::npos);
}

// A SHA256SUMS that is well signed but malformed (a release tool gone wrong).
TEST_F(BundleTest, RefusesMalformedSums) {
  auto files = node_files();
  const std::string good = sums_text(files);
  auto with_sums = [&](const std::string& sums) {
    auto e = entries(files);
    find(e, "SHA256SUMS")->content = sums;
    auto sig = signing::sign_bytes(std::as_bytes(std::span(sums)), key_);
    EXPECT_TRUE(sig.ok());
    find(e, "SHA256SUMS.sig")->content.assign(reinterpret_cast<const char*>(sig->data()), 64);
    return refusal(e);
  };
  EXPECT_NE(with_sums(good + "zz\n").find("SHA256SUMS line 6: expected '<64 hex>  <path>'"),
            std::string::npos);
  EXPECT_NE(with_sums(good + std::string(64, 'a') + "  ../x\n").find("'..' component"),
            std::string::npos);
  const std::string first = good.substr(0, good.find('\n') + 1);
  EXPECT_NE(with_sums(good + first).find("is listed twice"), std::string::npos);
}

TEST_F(BundleTest, RefusesAVersionThatDoesNotMatchTheFolder) {
  auto files = node_files();
  auto e = bundle_entries("1.2.0", files, key_);
  ASSERT_TRUE(e.ok());
  // Re-sign a bundle whose VERSION says something else.
  auto& version = find(*e, "VERSION")->content;
  version = "1.3.0\n";
  files.push_back({"VERSION", version, false});
  const std::string sums = sums_text(files);
  find(*e, "SHA256SUMS")->content = sums;
  auto sig = signing::sign_bytes(std::as_bytes(std::span(sums)), key_);
  ASSERT_TRUE(sig.ok());
  find(*e, "SHA256SUMS.sig")->content.assign(reinterpret_cast<const char*>(sig->data()), 64);
  const auto why = refusal(*e);
  EXPECT_NE(why.find("VERSION says '1.3.0' but the folder is 'citysafe-1.2.0'"), std::string::npos)
      << why;
}

TEST_F(BundleTest, RefusesABundleWithoutWhatANodeNeeds) {
  auto files = node_files();
  std::erase_if(files, [](const PackFile& f) { return f.path == "models/default.csm"; });
  EXPECT_NE(refusal(entries(files)).find("has no models/default.csm"), std::string::npos);
  files = node_files();
  std::erase_if(files, [](const PackFile& f) { return f.path == "bin/x86_64/citysafe-edge"; });
  EXPECT_NE(refusal(entries(files)).find("no bin/x86_64/citysafe-edge"), std::string::npos);
  files = node_files("riscv64");
  EXPECT_NE(refusal(entries(files)).find("bin/ holds only x86_64/ and aarch64/"),
            std::string::npos);
}

TEST_F(BundleTest, RefusesWhatIsNotAGzippedTar) {
  write(dir_ / "junk.tar.gz", "this is not an archive at all, just text\n");
  auto m = check_file(dir_ / "junk.tar.gz", dir_ / "k.pub");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(m.error().message.find("junk.tar.gz"), std::string::npos) << m.error().message;
  ASSERT_TRUE(pack(dir_ / "b.tar.gz", "1.2.0", node_files(), key_));
  std::string cut = slurp(dir_ / "b.tar.gz");
  write(dir_ / "cut.tar.gz", cut.substr(0, cut.size() / 2));
  EXPECT_FALSE(check_file(dir_ / "cut.tar.gz", dir_ / "k.pub").ok());
  auto none = check_file(dir_ / "missing.tar.gz", dir_ / "k.pub");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
}

TEST_F(BundleTest, ChecksTheSha256FileBesideTheBundle) {
  const fs::path b = dir_ / "citysafe-1.2.0.tar.gz";
  ASSERT_TRUE(pack(b, "1.2.0", node_files(), key_));
  ASSERT_EQ(std::system(("cd " + dir_.string() +
                         " && sha256sum citysafe-1.2.0.tar.gz > citysafe-1.2.0.tar.gz.sha256")
                            .c_str()),
            0);
  EXPECT_TRUE(check_file(b, dir_ / "k.pub").ok());
  write(dir_ / "citysafe-1.2.0.tar.gz.sha256", std::string(64, 'f') + "  citysafe-1.2.0.tar.gz\n");
  auto m = check_file(b, dir_ / "k.pub");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("does not match citysafe-1.2.0.tar.gz.sha256"),
            std::string::npos)
      << m.error().message;
}

TEST_F(BundleTest, PackRefusesWhatTheReaderWouldRefuse) {
  EXPECT_FALSE(pack(dir_ / "b.tar.gz", "../1", node_files(), key_).ok());
  auto files = node_files();
  files.push_back({"../escape", "x", false});
  EXPECT_FALSE(pack(dir_ / "b.tar.gz", "1.0", files, key_).ok());
  EXPECT_FALSE(fs::exists(dir_ / "b.tar.gz"));
}

// The bundle exactly as scripts/release makes it: tar czf + sha256sum + openssl pkeyutl.
TEST_F(BundleTest, ShellToolBundleVerifies) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  const fs::path top = dir_ / "citysafe-3.1.4";
  for (const auto& f : node_files()) {
    fs::create_directories((top / f.path).parent_path());
    write(top / f.path, f.content);
  }
  write(top / "VERSION", "3.1.4\n");
  const std::string d = dir_.string();
  const std::string script =
      "set -e; cd " + d +
      "/citysafe-3.1.4 && find . -type f ! -name 'SHA256SUMS*' | sed 's|^./||' "
      "| LC_ALL=C sort | xargs sha256sum > SHA256SUMS && openssl pkeyutl -sign -rawin -inkey " +
      d + "/k.pem -in SHA256SUMS -out SHA256SUMS.sig && cd " + d +
      " && tar czf citysafe-3.1.4.tar.gz citysafe-3.1.4 && sha256sum citysafe-3.1.4.tar.gz > "
      "citysafe-3.1.4.tar.gz.sha256";
  ASSERT_EQ(std::system(script.c_str()), 0);
  auto m = check_file(dir_ / "citysafe-3.1.4.tar.gz", dir_ / "k.pub");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->version, "3.1.4");
}

}  // namespace
}  // namespace css::bundle
