// Private: closes the region x86_target_begin.hpp opened (last lines of the .cpp).
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#undef CSS_X86_REGION_PUSH
#undef CSS_X86_PRAGMA
#undef CSS_X86_TARGET
