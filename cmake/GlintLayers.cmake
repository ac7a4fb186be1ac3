# glint_layer_headers(TARGET t DIR d [PRIVATE h ...])
# Lets the users of target `t` include the headers of src/<d> as "<d>/foo.h",
# and nothing else of src/: each layer gets an include root of its own,
# <build>/layers/<d>, that holds <d>/ and nothing beside it. With src/ itself
# on a public include path, training code could include a private cache
# header ("cache/segment_writer.h"); with this it cannot, the build refuses.
#
# Without PRIVATE, <d> is one link to src/<d>: every header is public. With
# PRIVATE, <d> is a folder of one link per public header, and the headers
# named are left out: the folder's own sources and unit tests include them by
# their bare name ("checkpoint_contents.h"), found beside the includer, and
# nothing outside the folder can. Adding a header to the folder re-runs CMake.
function(glint_layer_headers)
  cmake_parse_arguments(L "" "TARGET;DIR" "PRIVATE" ${ARGN})
  set(_src ${PROJECT_SOURCE_DIR}/src/${L_DIR})
  set(_root ${PROJECT_BINARY_DIR}/layers/${L_DIR})
  set(_exposed ${_root}/${L_DIR})
  file(MAKE_DIRECTORY ${_root})
  if(IS_SYMLINK ${_exposed} OR EXISTS ${_exposed})
    file(REMOVE_RECURSE ${_exposed})  # a link is removed, never followed
  endif()
  if(NOT L_PRIVATE)
    file(CREATE_LINK ${_src} ${_exposed} SYMBOLIC)
  else()
    file(MAKE_DIRECTORY ${_exposed})
    file(GLOB _headers RELATIVE ${_src} CONFIGURE_DEPENDS ${_src}/*.h)
    foreach(_h IN LISTS L_PRIVATE)
      if(NOT _h IN_LIST _headers)
        message(FATAL_ERROR "glint_layer_headers: private header src/${L_DIR}/${_h} does not exist")
      endif()
    endforeach()
    list(REMOVE_ITEM _headers ${L_PRIVATE})
    foreach(_h IN LISTS _headers)
      file(CREATE_LINK ${_src}/${_h} ${_exposed}/${_h} SYMBOLIC)
    endforeach()
  endif()
  target_include_directories(${L_TARGET} PUBLIC ${_root})
endfunction()

# glint_torch_layer(TARGET t DIR d [PRIVATE_HEADERS h ...] [PUBLIC l ...] [PRIVATE l ...]
#                   [TESTS name] [TEST_LIBS l ...] [TEST_TIMEOUT s])
# One LibTorch layer: the static library `t` of src/<d>/*.cc (tests
# excluded), its headers exposed as "<d>/foo.h" but for PRIVATE_HEADERS
# (glint_layer_headers), and one GoogleTest executable `name` of its
# *_test.cc (label "train"; one executable per folder, as each torch
# translation unit is expensive to build). Every torch layer and its tests
# reuse the one precompiled header of glint_model (src/model/pch.h), so
# splitting src/ into folders adds no torch/torch.h parse.
function(glint_torch_layer)
  cmake_parse_arguments(L "" "TARGET;DIR;TESTS;TEST_TIMEOUT"
                        "PRIVATE_HEADERS;PUBLIC;PRIVATE;TEST_LIBS" ${ARGN})
  set(_src ${PROJECT_SOURCE_DIR}/src/${L_DIR})
  file(GLOB _sources CONFIGURE_DEPENDS ${_src}/*.cc)
  list(FILTER _sources EXCLUDE REGEX "_test\\.cc$")
  add_library(${L_TARGET} STATIC ${_sources})
  glint_layer_headers(TARGET ${L_TARGET} DIR ${L_DIR} PRIVATE ${L_PRIVATE_HEADERS})
  target_link_libraries(${L_TARGET} PUBLIC ${L_PUBLIC} glint_torch Threads::Threads
                        PRIVATE ${L_PRIVATE} glint_warnings)
  if(L_TARGET STREQUAL "glint_model")
    target_precompile_headers(${L_TARGET} PRIVATE ${_src}/pch.h)
  else()
    target_precompile_headers(${L_TARGET} REUSE_FROM glint_model)
  endif()
  if(GLINT_BUILD_TESTS AND L_TESTS)
    file(GLOB _tests CONFIGURE_DEPENDS ${_src}/*_test.cc)
    if(_tests)
      if(NOT L_TEST_TIMEOUT)
        set(L_TEST_TIMEOUT 600)
      endif()
      glint_add_test(NAME ${L_TESTS} SOURCES ${_tests} LIBS ${L_TARGET} ${L_TEST_LIBS}
                     LABELS train TIMEOUT ${L_TEST_TIMEOUT})
      target_precompile_headers(${L_TESTS} REUSE_FROM glint_model)
    endif()
  endif()
endfunction()
