// libFuzzer target for the dataset sidecar (X.json, docs/datasets.md): any bytes give a
// sidecar that holds recordings at a sane rate, or an Error with a message, never a crash;
// whatever decodes re-encodes to text that decodes to the same sidecar.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dataset_sidecar.hpp"

namespace {

bool same(const css::data::detail::Sidecar& a, const css::data::detail::Sidecar& b) {
  if (a.rate_hz != b.rate_hz || a.meta.generator != b.meta.generator ||
      a.recordings.size() != b.recordings.size())
    return false;
  for (std::size_t i = 0; i < a.recordings.size(); ++i) {
    const auto& x = a.recordings[i];
    const auto& y = b.recordings[i];
    if (x.begin != y.begin || x.end != y.end || x.meta.device != y.meta.device ||
        x.meta.segments.size() != y.meta.segments.size() ||
        x.meta.onsets.size() != y.meta.onsets.size())
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using css::data::detail::decode_sidecar;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sidecar = decode_sidecar(text, "fuzz.json");
  if (!sidecar.ok()) {
    if (sidecar.error().message.empty()) std::abort();
    return 0;
  }
  if (sidecar->recordings.empty() || !(sidecar->rate_hz >= 1.0 && sidecar->rate_hz <= 10000.0))
    std::abort();
  auto again = decode_sidecar(css::data::detail::encode_sidecar(*sidecar), "again.json");
  if (!again.ok() || !same(*sidecar, *again)) std::abort();
  return 0;
}
