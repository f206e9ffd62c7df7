# cairn_test(NAME SOURCES... LIBS ...): one gtest executable registered with CTest.
function(cairn_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  add_test(NAME ${name} COMMAND ${name})
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()

# cairn_module(NAME DEPS ...): builds src/<dir>/*.cc (minus *_test.cc) as the
# static library cairn_<NAME>, and its *_test.cc files as cairn_<NAME>_test.
# Sources are globbed so a new file in a module needs no CMake edit; the
# module list and its dependency DAG stay explicit in src/CMakeLists.txt.
function(cairn_module name)
  cmake_parse_arguments(ARG "" "DIR" "DEPS;TEST_DEPS" ${ARGN})
  if(NOT ARG_DIR)
    set(ARG_DIR ${CMAKE_CURRENT_SOURCE_DIR}/${name})
  endif()
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${ARG_DIR}/*.cc)
  file(GLOB_RECURSE tests CONFIGURE_DEPENDS ${ARG_DIR}/*_test.cc)
  if(tests)
    list(REMOVE_ITEM srcs ${tests})
  endif()
  add_library(cairn_${name} STATIC ${srcs})
  target_include_directories(cairn_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(cairn_${name} PUBLIC ${ARG_DEPS})
  if(CAIRN_BUILD_TESTS AND tests)
    cairn_test(cairn_${name}_test SOURCES ${tests} LIBS cairn_${name} ${ARG_TEST_DEPS} LABELS unit)
  endif()
endfunction()
