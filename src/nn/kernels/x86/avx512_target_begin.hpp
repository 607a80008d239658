// Private: opens an AVX-512 VNNI code region in a .cpp. Include it once, AFTER every other
// header of that file, and close the region with avx512_target_end.hpp at the end of the file.
// Everything between is compiled for avx512f/bw/vl/vnni; the file's callers must check the CPU
// first (isa_x86.cpp). Other headers come first so no inline function of theirs is compiled
// with AVX-512 (the linker could otherwise keep that copy for callers on any CPU).
// No include guard on purpose: it is a region marker, not a declaration set.

// GCC 12 reports its own intrinsic headers' _mm*_undefined_* operands as (maybe-)uninitialized;
// silenced before they are included, so every build that compiles an AVX-512 file agrees.
#if !defined(__clang__)  // clang has no -Wmaybe-uninitialized and does not warn here
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

// GCC takes the target pragma; clang (the asan preset) needs its own form.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vnni")
#endif

#include "avx512_requant.hpp"  // inside the region: its functions are AVX-512 code
