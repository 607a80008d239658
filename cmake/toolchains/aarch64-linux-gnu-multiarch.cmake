# The aarch64 toolchain (aarch64-linux-gnu.cmake, Cortex-A72 = Raspberry Pi 4) for a build that
# links Debian multiarch arm64 libraries: `dpkg --add-architecture arm64` installs them under
# /usr/lib/aarch64-linux-gnu (scripts/bootstrap --with release), outside the cross compiler's
# own root /usr/aarch64-linux-gnu, and their pkg-config files under that folder's pkgconfig/.
# scripts/release builds citysafe-edge with it:
#   cmake -S . -B build-aarch64-release -G Ninja -DCMAKE_BUILD_TYPE=Release \
#         --toolchain cmake/toolchains/aarch64-linux-gnu-multiarch.cmake \
#         -DCSS_BUILD_TESTS=OFF -DCSS_BUILD_BENCH=OFF -DCSS_LIBS="core;...;node"
include(${CMAKE_CURRENT_LIST_DIR}/aarch64-linux-gnu.cmake)
list(APPEND CMAKE_FIND_ROOT_PATH /)
# pkg_check_modules (libmosquitto, libsystemd, tomlplusplus) must read the arm64 .pc files,
# never the host's; /usr/share/pkgconfig holds arch-independent ones only.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
