// ISA names and kAuto resolution, shared by every target.
#include "css/nn/isa.hpp"

namespace css::nn {

Isa resolve_isa(Isa isa) {
  return isa == Isa::kAuto ? best_isa() : isa;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kAuto:
      return "auto";
    case Isa::kPortable:
      return "portable";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512Vnni:
      return "avx512vnni";
    case Isa::kAvxVnni:
      return "avxvnni";
  }
  return "?";
}

}  // namespace css::nn
