// ISA selection on targets without x86 paths (aarch64, Cortex-M4): portable only.
#include "kernels/kernel_table.hpp"

namespace css::nn {

bool isa_available(Isa isa) {
  return isa == Isa::kAuto || isa == Isa::kPortable;
}
Isa best_isa() {
  return Isa::kPortable;
}

namespace detail {
const KernelTable* kernel_table(Isa isa) {
  return resolve_isa(isa) == Isa::kPortable ? &kPortableTable : nullptr;
}
}  // namespace detail

}  // namespace css::nn
