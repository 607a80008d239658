// Private: closes the region avx512_target_begin.hpp opened (last lines of the .cpp).
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
