// Instruction-set paths of the int8 kernels. The engine picks one at Interpreter/Streaming
// init (kAuto = the best the CPU supports, detected once); tests and benchmarks force each
// path to prove them bit-identical. kPortable is the plain C++ set (kernels_opt_int8.cpp, or
// the NEON/Cortex-M4 twin on those targets) and exists everywhere; the x86 paths exist only in
// x86-64 builds and only when the CPU has the instructions.
#pragma once

#include <cstdint>

namespace css::nn {

enum class Isa : std::uint8_t { kAuto, kPortable, kAvx2, kAvx512Vnni };

bool isa_available(Isa isa);  // kAuto and kPortable: always true
Isa best_isa();               // never kAuto
Isa resolve_isa(Isa isa);     // kAuto -> best_isa(), others unchanged
const char* isa_name(Isa isa);

}  // namespace css::nn
