// libFuzzer target for css::sensors::Pms7003Parser: any bytes, whole or split, give the same
// frames and counters, never a crash; every frame returned decodes again on its own bytes.
// Built by the "fuzz" preset (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "css/sensors/pms7003.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  css::sensors::Pms7003Parser whole;
  std::vector<css::sensors::Pms7003Frame> a;
  whole.feed(bytes, a);

  css::sensors::Pms7003Parser split;
  std::vector<css::sensors::Pms7003Frame> b;
  const std::size_t cut = size == 0 ? 0 : data[size - 1] % (size + 1);
  split.feed(bytes.first(cut), b);
  split.feed(bytes.subspan(cut), b);

  if (a.size() != b.size() || whole.counters().garbage_bytes != split.counters().garbage_bytes ||
      whole.counters().bad_checksum != split.counters().bad_checksum) {
    std::abort();
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].pm_atm_ugm3 != b[i].pm_atm_ugm3) std::abort();
  }
  (void)css::sensors::pms7003_decode(bytes);  // any length: a value or an Error
  return 0;
}
