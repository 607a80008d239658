# Stands in for a cross-check test whose tool is not installed (tests/unit/onnx/CMakeLists.txt):
#   cmake -DTEST_NAME=onnx_ort_agreement -DMISSING="node" -DHINT="scripts/bootstrap --with bench"
#         -P tests/node/missing_tool.cmake
# Outside CI it prints "SKIPPED: …" (the test's SKIP_REGULAR_EXPRESSION), so ctest reports the
# test as not run, never as absent. With the environment variable CI set it fails: CI must run it.
if(DEFINED ENV{CI} AND NOT "$ENV{CI}" STREQUAL "")
  message(FATAL_ERROR "${TEST_NAME}: ${MISSING} not installed, and CI must run this test "
                      "(run ${HINT})")
endif()
message("SKIPPED: ${TEST_NAME}: ${MISSING} not installed (run ${HINT})")
