// Instruction-set paths of the int8 kernels. The engine picks one at Interpreter/Streaming
// init (kAuto = the best the CPU supports, detected once); tests and benchmarks force each
// path to prove them bit-identical. kPortable is the plain C++ set (kernels_opt_int8.cpp, or
// the NEON/Cortex-M4 twin on those targets) and exists everywhere; the x86 paths exist only in
// x86-64 builds and only when the CPU has the instructions. kAvxVnni is the AVX2 path with
// the 256-bit VEX vpdpbusd (avx_vnni: Alder Lake and later, Zen 5) instead of
// vpmaddubsw + vpmaddwd; it is never chosen on a CPU that also has AVX-512 VNNI.
//
// CSS_NN_ISA (environment, x86-64 builds, read once): portable | avx2 | avxvnni | avx512vnni
// caps the paths as if the CPU had nothing above the named one (order as listed), so
// isa_available() and best_isa() behave as on such a CPU: how an AVX2-only machine is
// measured and tested on a newer one. Unset or empty: no cap; another value: no cap and one
// line on stderr naming it.
#pragma once

#include <cstdint>

namespace css::nn {

enum class Isa : std::uint8_t { kAuto, kPortable, kAvx2, kAvx512Vnni, kAvxVnni };

bool isa_available(Isa isa);  // kAuto and kPortable: always true
Isa best_isa();               // never kAuto
Isa resolve_isa(Isa isa);     // kAuto -> best_isa(), others unchanged
const char* isa_name(Isa isa);

}  // namespace css::nn
