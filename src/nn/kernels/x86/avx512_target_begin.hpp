// Private: opens an AVX-512 VNNI code region in a .cpp (x86_target_begin.hpp for
// avx512f/bw/vl/vnni, plus the AVX-512 requantisation helpers). Include it once, AFTER every
// other header of that file, and close the region with avx512_target_end.hpp at the end of it.
// No include guard on purpose: it is a region marker, not a declaration set.
#define CSS_X86_TARGET "avx512f,avx512bw,avx512vl,avx512vnni,fma"
#include "x86_target_begin.hpp"

#include "avx512_requant.hpp"  // inside the region: its functions are AVX-512 code
