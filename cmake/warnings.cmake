# css_warnings(target): the project's warning set; -Werror when CSS_WERROR is on (CI).
function(css_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  if(CSS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# css_library(name SOURCES...): one subsystem = one static library css_<name>, alias css::<name>,
# public headers under src/<name>/include.
function(css_library name)
  add_library(css_${name} STATIC ${ARGN})
  add_library(css::${name} ALIAS css_${name})
  target_include_directories(css_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  css_warnings(css_${name})
endfunction()

# css_test(name SOURCES ... LIBS ...): a GoogleTest binary registered with ctest.
# Tests get the labels in CSS_TEST_LABELS (set per folder in tests/CMakeLists.txt);
# "sanitize" marks the tests the asan preset runs.
function(css_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest_main GTest::gmock)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  css_warnings(${name})
  # gtest_discover_tests flattens list values, so each test carries exactly one label.
  set(label unit)
  if(CSS_TEST_LABELS)
    set(label ${CSS_TEST_LABELS})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "CSS_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
                                  LABELS ${label})
endfunction()
