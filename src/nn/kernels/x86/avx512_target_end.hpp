// Private: closes the region avx512_target_begin.hpp opened (last lines of the .cpp).
#include "x86_target_end.hpp"
