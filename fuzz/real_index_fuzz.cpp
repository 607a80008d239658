// libFuzzer target for css::data::parse_real_index (the index JSON of real recordings):
// any bytes give an index whose runs lie inside the NPY's rows, or an Error with a message,
// never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/data/import_real.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kRows = 1000;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto index = css::data::parse_real_index(text, kRows, "fuzz.index.json");
  if (!index.ok()) {
    if (index.error().message.empty()) std::abort();
    return 0;
  }
  for (const auto& run : index->runs)
    if (run.begin >= run.end || run.end > kRows || run.subject.empty()) std::abort();
  return 0;
}
