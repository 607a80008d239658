// Host (Linux) implementation of the firmware platform seam: stdout, exit(), argv.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "demo.hpp"
#include "platform.hpp"

namespace css::fw {

// Set once by main() below.
int g_argc = 0;
char** g_argv = nullptr;

void platform_write(const char* text) {
  std::fputs(text, stdout);
}

void platform_exit(int code) {
  std::fflush(stdout);
  std::exit(code);
}

bool platform_command_line(char* buffer, std::size_t size) {
  std::size_t used = 0;
  buffer[0] = '\0';
  for (int i = 1; i < g_argc; ++i) {
    const std::size_t length = std::strlen(g_argv[i]);
    if (used + length + 2 > size) {
      return false;
    }
    if (used > 0) {
      buffer[used++] = ' ';
    }
    std::memcpy(buffer + used, g_argv[i], length + 1);
    used += length;
  }
  return used > 0;
}

}  // namespace css::fw

int main(int argc, char** argv) {
  css::fw::g_argc = argc;
  css::fw::g_argv = argv;
  return css::fw::run_demo();
}
