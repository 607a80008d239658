// Private: opens a code region compiled for one x86 instruction set in a .cpp. Define
// CSS_X86_TARGET to the target string first (e.g. "avx2,fma"), include this AFTER every other
// header of that file, and close the region with x86_target_end.hpp at the end of the file.
// Everything between is compiled for that set; the file's callers must check the CPU first
// (isa_x86.cpp). Other headers come first so no inline function of theirs is compiled for
// the set (the linker could otherwise keep that copy for callers on any CPU).
// No include guard on purpose: it is a region marker, not a declaration set.
#if !defined(CSS_X86_TARGET)
#error "define CSS_X86_TARGET before including x86_target_begin.hpp"
#endif

// GCC 12 reports its own intrinsic headers' _mm*_undefined_* operands as (maybe-)uninitialized;
// silenced before they are included, so every build that compiles these files agrees.
#if !defined(__clang__)  // clang has no -Wmaybe-uninitialized and does not warn here
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

// GCC takes the target pragma; clang (the asan preset) needs its own form. _Pragma, so the
// target string can come from the macro (a #pragma line is not macro-expanded).
#define CSS_X86_PRAGMA(text) _Pragma(#text)
#if defined(__clang__)
#define CSS_X86_REGION_PUSH(isa) \
  CSS_X86_PRAGMA(clang attribute push(__attribute__((target(isa))), apply_to = function))
#else
#define CSS_X86_REGION_PUSH(isa) CSS_X86_PRAGMA(GCC push_options) CSS_X86_PRAGMA(GCC target(isa))
#endif
CSS_X86_REGION_PUSH(CSS_X86_TARGET)
