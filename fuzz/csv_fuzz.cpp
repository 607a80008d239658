// libFuzzer target for the CSV readers of users' files: read_csv (our frame columns),
// import_accel_csv (3 or 6 numbers a row) and import_folder (the labels CSV). The input is
// written to files in a private folder (the readers take paths): bytes up to the first NUL
// are the labels CSV, the rest the recording "x.csv"; without a NUL the whole input is the
// recording and the labels are a fixed valid file. Any bytes give a recording that keeps the
// readers' promises, or an Error with a message, never a crash.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "css/data/csv.hpp"
#include "css/data/import.hpp"

namespace {

namespace fs = std::filesystem;

// The private folder, removed when the fuzzer exits normally.
struct WorkDir {
  fs::path path;
  WorkDir() {
    std::string tmpl = (fs::temp_directory_path() / "css-csv-fuzz-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path = tmpl;
  }
  ~WorkDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

const fs::path& work_dir() {
  static const WorkDir dir;
  return dir.path;
}

void write(const fs::path& p, std::string_view bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) std::abort();
}

// Every frame sane: what every reader promises about a recording it returns.
void check(const css::Result<css::Recording>& r) {
  if (!r.ok()) {
    if (r.error().message.empty()) std::abort();
    return;
  }
  if (r->frames.empty() || r->labels.size() != r->frames.size()) std::abort();
  if (!(r->rate_hz >= 1.0 && r->rate_hz <= 10000.0)) std::abort();
  for (std::size_t i = 0; i < r->frames.size(); ++i) {
    const auto& f = r->frames[i];
    if (!std::isfinite(f.t) || (i > 0 && !(f.t > r->frames[i - 1].t))) std::abort();
    for (float a : f.acc)
      if (!std::isfinite(a)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view labels =
      nul == std::string_view::npos
          ? std::string_view("file,label,rate_hz,units\nx.csv,walking,50,g\n")
          : input.substr(0, nul);
  const std::string_view recording = nul == std::string_view::npos ? input : input.substr(nul + 1);
  const fs::path& dir = work_dir();
  write(dir / "x.csv", recording);
  write(dir / "labels.csv", labels);

  check(css::data::read_csv(dir / "x.csv"));
  css::data::ImportOptions opt;
  opt.rate_hz = 26.0;
  check(css::data::import_accel_csv(dir / "x.csv", opt));
  auto folder = css::data::import_folder(dir, dir / "labels.csv");
  if (!folder.ok()) {
    if (folder.error().message.empty()) std::abort();
  } else {
    if (folder->empty()) std::abort();
    for (const auto& r : *folder) check(r);
  }
  return 0;
}
