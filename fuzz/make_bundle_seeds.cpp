// Writes the seed corpus of fuzz_bundle: a tiny valid bundle (signed with the RFC 8032 test
// key), one with a traversal entry and one with a symlink. Usage: make_bundle_seeds <dir>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "css/bundle/pack.hpp"
#include "rfc8032_key.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_bundle_seeds <output dir>\n");
    return 2;
  }
  namespace b = css::bundle;
  const std::filesystem::path dir = argv[1];
  const std::vector<b::PackFile> files = {{"bin/x86_64/citysafe-edge", "#!/bin/sh\n", true},
                                          {"bin/x86_64/citysafe", "#!/bin/sh\n", true},
                                          {"models/default.csm", "CSM1", false},
                                          {"docs/index.md", "# docs\n", false}};
  auto good = b::bundle_entries("1.0.0", files, css::fuzz::kRfc8032PrivatePem);
  if (!good) return 1;
  auto traversal = *good;
  b::TarEntry evil;
  evil.path = "citysafe-1.0.0/../evil.sh";
  evil.content = "#!/bin/sh\n";
  traversal.insert(traversal.begin() + 1, evil);
  auto symlink = *good;
  b::TarEntry link;
  link.path = "citysafe-1.0.0/docs/link";
  link.kind = b::EntryKind::kSymlink;
  link.link = "/etc/passwd";
  symlink.push_back(link);
  for (const auto& [name, entries] :
       {std::pair{"valid.tar.gz", &*good}, std::pair{"traversal.tar.gz", &traversal},
        std::pair{"symlink.tar.gz", &symlink}}) {
    if (auto st = b::write_tar_gz(dir / name, *entries); !st) {
      std::fprintf(stderr, "make_bundle_seeds: %s\n", st.error().message.c_str());
      return 1;
    }
  }
  return 0;
}
