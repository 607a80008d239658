// Writes a few small valid NPY files (one per dtype and rank) as the seed
// corpus of npy_fuzz, so the fuzzer starts from the shapes real files have.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "css/data/npy.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_npy_seeds DIR\n");
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  const std::vector<double> f8 = {1.0, -2.5, 9.80665, 0.0, 1e-3, 42.0};
  const std::vector<float> f4 = {0.5F, 1.5F, -3.0F, 7.0F};
  const std::vector<std::uint8_t> u1 = {0, 1, 2, 7, 3};
  int failures = 0;
  auto put = [&](const std::string& name, css::Result<css::data::NpyArray> array) {
    failures += !(array.ok() && css::data::write_npy(dir / name, *array).ok());
  };
  put("f8_2d.npy", css::data::make_npy<double>({3, 2}, f8));
  put("f4_1d.npy", css::data::make_npy<float>({4}, f4));
  put("u1_1d.npy", css::data::make_npy<std::uint8_t>({5}, u1));
  return failures == 0 ? 0 : 1;
}
