# aarch64 Linux (Raspberry Pi 4 class) cross toolchain: Debian's g++-aarch64-linux-gnu, tests run
# through qemu-user (no binfmt on the build machine, so ctest and gtest_discover_tests call the
# emulator explicitly). Usage, see docs/firmware.md:
#   cmake -S . -B build-aarch64 -G Ninja --toolchain cmake/toolchains/aarch64-linux-gnu.cmake \
#         -DCSS_BUILD_APPS=OFF -DCSS_BUILD_BENCH=OFF
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Cortex-A72 is the Pi 4's core; -mcpu implies armv8-a+crc and tunes for it.
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-a72")
set(CMAKE_CXX_FLAGS_INIT "-mcpu=cortex-a72")

set(CSS_AARCH64_SYSROOT /usr/aarch64-linux-gnu)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;${CSS_AARCH64_SYSROOT})

set(CMAKE_FIND_ROOT_PATH ${CSS_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Header-only packages (nlohmann-json, ...) carry no target code, so the host's copies are fine;
# compiled ones must come from the sysroot (find_library stays ONLY above).
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# Debian's libgtest-dev has no aarch64 build; GoogleTest is compiled from its sources in
# /usr/src/googletest by a GTestConfig.cmake of ours, so `find_package(GTest CONFIG REQUIRED)`
# in the top-level CMakeLists works unchanged.
set(GTest_DIR ${CMAKE_CURRENT_LIST_DIR}/cross-gtest CACHE PATH "GoogleTest built from source for the cross target")
