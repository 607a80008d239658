// ISA selection on x86-64: CPUID via __builtin_cpu_supports, evaluated once.
#include "kernels/kernel_table.hpp"

namespace css::nn {
namespace {

bool cpu_has_avx512_vnni() {
  static const bool kHas =
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
  return kHas;
}
bool cpu_has_avx2() {
  static const bool kHas = __builtin_cpu_supports("avx2");
  return kHas;
}

}  // namespace

bool isa_available(Isa isa) {
  switch (isa) {
    case Isa::kAuto:
    case Isa::kPortable:
      return true;
    case Isa::kAvx2:
      return cpu_has_avx2();
    case Isa::kAvx512Vnni:
      return cpu_has_avx512_vnni();
  }
  return false;
}

Isa best_isa() {
  if (cpu_has_avx512_vnni()) return Isa::kAvx512Vnni;
  if (cpu_has_avx2()) return Isa::kAvx2;
  return Isa::kPortable;
}

namespace detail {
const KernelTable* kernel_table(Isa isa) {
  isa = resolve_isa(isa);
  if (!isa_available(isa)) return nullptr;
  switch (isa) {
    case Isa::kAvx512Vnni:
      return &kAvx512Table;
    case Isa::kAvx2:
      return &kAvx2Table;
    default:
      return &kPortableTable;
  }
}
}  // namespace detail

}  // namespace css::nn
