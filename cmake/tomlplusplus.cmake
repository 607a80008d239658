# toml++ as the target tomlplusplus::tomlplusplus, for the libraries that parse TOML (core,
# geo, power). Debian's libtomlplusplus-dev 3.3 ships a CMake config (compiled library,
# TOML_HEADER_ONLY=0); fall back to pkg-config where it does not. Imported targets are scoped
# to the directory that finds them, so each library includes this file.
find_package(tomlplusplus QUIET)
if(NOT TARGET tomlplusplus::tomlplusplus)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(tomlplusplus REQUIRED IMPORTED_TARGET tomlplusplus)
  add_library(tomlplusplus::tomlplusplus ALIAS PkgConfig::tomlplusplus)
endif()
