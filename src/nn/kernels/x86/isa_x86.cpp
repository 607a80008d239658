// ISA selection on x86-64: CPUID via __builtin_cpu_supports, evaluated once, capped by the
// CSS_NN_ISA environment variable (isa.hpp).
#include <cpuid.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernels/kernel_table.hpp"

namespace css::nn {
namespace {

bool cpu_has_avx512_vnni() {
  static const bool kHas = __builtin_cpu_supports("avx512f") &&
                           __builtin_cpu_supports("avx512bw") &&
                           __builtin_cpu_supports("avx512vl") &&
                           __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("fma");
  return kHas;
}
bool cpu_has_avx2() {
  // The AVX2 code is compiled for "avx2,fma" (every AVX2 CPU has FMA3; checked anyway).
  static const bool kHas = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return kHas;
}
// CPUID leaf 7 sub-leaf 1, EAX bit 4 (GCC 12 knows "avxvnni" for __builtin_cpu_supports,
// clang 14 does not). The OS saves YMM state whenever avx2 is reported usable.
bool cpu_has_avx_vnni() {
  static const bool kHas = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    return cpu_has_avx2() && __get_cpuid_count(7, 1, &a, &b, &c, &d) != 0 && ((a >> 4) & 1u) != 0;
  }();
  return kHas;
}

// Rank of a path in the CSS_NN_ISA order (portable < avx2 < avxvnni < avx512vnni).
int rank(Isa isa) {
  switch (isa) {
    case Isa::kAvx2:
      return 1;
    case Isa::kAvxVnni:
      return 2;
    case Isa::kAvx512Vnni:
      return 3;
    default:
      return 0;
  }
}

int parse_cap() {
  const char* v = std::getenv("CSS_NN_ISA");
  if (v == nullptr || *v == '\0') return 3;
  for (const Isa isa : {Isa::kPortable, Isa::kAvx2, Isa::kAvxVnni, Isa::kAvx512Vnni})
    if (std::strcmp(v, isa_name(isa)) == 0) return rank(isa);
  if (std::strcmp(v, "avx512") == 0) return 3;
  std::fprintf(stderr, "CSS_NN_ISA=%s ignored: expected portable, avx2, avxvnni or avx512vnni\n",
               v);
  return 3;
}

int cap() {
  static const int kCap = parse_cap();
  return kCap;
}

bool cpu_has(Isa isa) {
  switch (isa) {
    case Isa::kAuto:
    case Isa::kPortable:
      return true;
    case Isa::kAvx2:
      return cpu_has_avx2();
    case Isa::kAvxVnni:
      return cpu_has_avx_vnni();
    case Isa::kAvx512Vnni:
      return cpu_has_avx512_vnni();
  }
  return false;
}

}  // namespace

bool isa_available(Isa isa) {
  return cpu_has(isa) && rank(isa) <= cap();
}

Isa best_isa() {
  for (const Isa isa : {Isa::kAvx512Vnni, Isa::kAvxVnni, Isa::kAvx2})
    if (isa_available(isa)) return isa;
  return Isa::kPortable;
}

namespace detail {
const KernelTable* kernel_table(Isa isa) {
  isa = resolve_isa(isa);
  if (!isa_available(isa)) return nullptr;
  switch (isa) {
    case Isa::kAvx512Vnni:
      return &kAvx512Table;
    case Isa::kAvxVnni:
      return &kAvxVnniTable;
    case Isa::kAvx2:
      return &kAvx2Table;
    default:
      return &kPortableTable;
  }
}
}  // namespace detail

}  // namespace css::nn
