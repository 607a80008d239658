# The repository's aarch64 toolchain (cmake/toolchains/aarch64-linux-gnu.cmake) plus Debian
# multiarch: the arm64 libraries the edge image links (libssl-dev:arm64, ...) live in
# /usr/lib/aarch64-linux-gnu, outside that toolchain's /usr/aarch64-linux-gnu root.
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/toolchains/aarch64-linux-gnu.cmake)
list(APPEND CMAKE_FIND_ROOT_PATH /)
