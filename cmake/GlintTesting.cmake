# glint_add_test(NAME n SOURCES a.cc ... [LIBS l ...] [LABELS x ...] [TIMEOUT s])
# One GoogleTest executable, registered with ctest test by test.
function(glint_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} glint_test_support GTest::gtest GTest::gtest_main glint_warnings)
  target_compile_definitions(${T_NAME} PRIVATE GLINT_SOURCE_DIR_DEFAULT="${CMAKE_SOURCE_DIR}")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  gtest_discover_tests(${T_NAME}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "GLINT_BUILD_DIR=${CMAKE_BINARY_DIR}")
endfunction()
