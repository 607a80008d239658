// Platform seam of the firmware demo: the few things that differ between the Cortex-M4 image
// (semihosting under QEMU or a debugger) and the host build of the same demo (stdio).
// One tiny function per need, as in TFLM's debug_log/micro_time seam.
#pragma once

#include <cstddef>

namespace css::fw {

// Writes a NUL-terminated string to the console (semihosting SYS_WRITE0 on the M4).
void platform_write(const char* text);

// Ends the program with `code` as the process / QEMU exit status.
[[noreturn]] void platform_exit(int code);

// Copies the program's command line (arguments after the program name, space separated) into
// `buffer` as a NUL-terminated string; returns false when there is none or it does not fit.
bool platform_command_line(char* buffer, std::size_t size);

}  // namespace css::fw
