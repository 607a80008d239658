# GoogleTest for cross builds: compiles Debian's /usr/src/googletest (libgtest-dev / googletest
# packages) for the target and provides the same imported names as the host's GTestConfig:
# GTest::gtest, GTest::gtest_main, GTest::gmock, GTest::gmock_main. Found through GTest_DIR,
# which cmake/toolchains/aarch64-linux-gnu.cmake sets.
set(CSS_GTEST_SOURCE_DIR /usr/src/googletest CACHE PATH "GoogleTest sources to build for the target")
if(NOT EXISTS ${CSS_GTEST_SOURCE_DIR}/CMakeLists.txt)
  set(GTest_FOUND FALSE)
  set(GTest_NOT_FOUND_MESSAGE "no GoogleTest sources in ${CSS_GTEST_SOURCE_DIR} (install googletest)")
  return()
endif()
if(NOT TARGET gtest)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
  add_subdirectory(${CSS_GTEST_SOURCE_DIR} ${CMAKE_BINARY_DIR}/_deps/googletest EXCLUDE_FROM_ALL)
  foreach(lib gtest gtest_main gmock gmock_main)
    if(NOT TARGET GTest::${lib})  # googletest >= 1.11 defines these itself
      add_library(GTest::${lib} ALIAS ${lib})
    endif()
  endforeach()
endif()
set(GTest_FOUND TRUE)
set(GTest_VERSION 1.12.1)
