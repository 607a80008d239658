// Semihosting implementation of the platform seam for Cortex-M (BKPT 0xAB, operation in r0,
// parameter in r1). Operation numbers from Arm's "Semihosting for AArch32 and AArch64", v2.0:
// SYS_WRITE0 0x04, SYS_GET_CMDLINE 0x15, SYS_EXIT_EXTENDED 0x20; ADP_Stopped_ApplicationExit
// is 0x20026. QEMU 7.2 implements all three.
#include <cstdint>

#include "platform.hpp"

namespace css::fw {
namespace {

constexpr std::uint32_t kSysWrite0 = 0x04U;
constexpr std::uint32_t kSysGetCmdline = 0x15U;
constexpr std::uint32_t kSysExitExtended = 0x20U;
constexpr std::uint32_t kAdpStoppedApplicationExit = 0x20026U;

std::uint32_t semihost_call(std::uint32_t operation, const void* parameter) {
  register std::uint32_t r0 asm("r0") = operation;
  register const void* r1 asm("r1") = parameter;
  asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

}  // namespace

void platform_write(const char* text) {
  semihost_call(kSysWrite0, text);
}

void platform_exit(int code) {
  const std::uint32_t block[2] = {kAdpStoppedApplicationExit, static_cast<std::uint32_t>(code)};
  for (;;) {
    semihost_call(kSysExitExtended, block);
  }
}

bool platform_command_line(char* buffer, std::size_t size) {
  struct {
    char* data;
    std::uint32_t length;
  } block{buffer, static_cast<std::uint32_t>(size)};
  if (semihost_call(kSysGetCmdline, &block) != 0U) {
    return false;
  }
  // The semihosting command line starts with the program name (QEMU's first `arg=`); drop it so
  // both platforms return only the arguments.
  std::size_t skip = 0;
  while (skip < block.length && buffer[skip] != ' ') {
    ++skip;
  }
  while (skip < block.length && buffer[skip] == ' ') {
    ++skip;
  }
  std::size_t i = 0;
  for (; skip + i < block.length; ++i) {
    buffer[i] = buffer[skip + i];
  }
  buffer[i] = '\0';
  return i > 0U;
}

}  // namespace css::fw
