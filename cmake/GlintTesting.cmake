# glint_add_test(NAME n SOURCES a.cc ... [LIBS l ...] [LABELS x] [TIMEOUT s])
# One GoogleTest executable, registered with ctest test by test.
function(glint_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} glint_test_support GTest::gtest GTest::gtest_main glint_warnings)
  # GLINT_PYTHON: the project's Python environment (torch, numpy, h5py).
  target_compile_definitions(${T_NAME} PRIVATE GLINT_SOURCE_DIR_DEFAULT="${CMAKE_SOURCE_DIR}"
                             GLINT_PYTHON="${GLINT_PYTHON}")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  gtest_discover_tests(${T_NAME}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "GLINT_BUILD_DIR=${CMAKE_BINARY_DIR}")
endfunction()

# glint_add_unit_tests(LIBS l ... LABELS x [OUT var])
# One glint_add_test per *_test.cc next to the calling CMakeLists.txt (unit
# tests live beside their code); OUT receives the target names.
function(glint_add_unit_tests)
  cmake_parse_arguments(U "" "OUT" "LIBS;LABELS" ${ARGN})
  file(GLOB _tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  set(_names)
  foreach(_t IN LISTS _tests)
    get_filename_component(_name ${_t} NAME_WE)
    glint_add_test(NAME ${_name} SOURCES ${_t} LIBS ${U_LIBS} LABELS ${U_LABELS})
    list(APPEND _names ${_name})
  endforeach()
  if(U_OUT)
    set(${U_OUT} ${_names} PARENT_SCOPE)
  endif()
endfunction()
