// Writes a few tiny valid .csm files (made by ModelWriter) as the fuzzer's seed corpus.
// Usage: make_fuzz_seeds <output dir>
#include <cstdio>
#include <string>
#include <vector>

#include "css/nn/model_writer.hpp"

namespace {

bool write(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output dir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  using css::nn::DefaultModelOptions;
  DefaultModelOptions tiny;
  tiny.input_channels = 2;
  tiny.classes = 2;
  tiny.window = 8;
  tiny.hidden = 3;
  tiny.dilations = {1, 2};
  tiny.calibration_windows = 2;
  DefaultModelOptions tiny_int8 = tiny;
  tiny_int8.include_float = false;
  DefaultModelOptions two_conv = tiny;
  two_conv.convs_per_block = 2;
  two_conv.kernel = 2;
  const std::vector<std::pair<std::string, DefaultModelOptions>> seeds = {
      {"tiny_float.csm", tiny}, {"tiny_int8.csm", tiny_int8}, {"two_conv.csm", two_conv}};
  for (const auto& [name, opt] : seeds) {
    const auto bytes = css::nn::build_default_random_model(1, opt);
    if (bytes.empty() || !write(dir + "/" + name, bytes)) {
      std::fprintf(stderr, "cannot write %s\n", name.c_str());
      return 1;
    }
  }
  return 0;
}
