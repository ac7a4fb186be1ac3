# glint_layer_headers(TARGET t DIR d)
# Lets the users of target `t` include the headers of src/<d> as "<d>/foo.h",
# and nothing else of src/: each layer gets an include root of its own that
# holds one link, <build>/layers/<d>/<d> -> src/<d>. With src/ itself on a
# public include path, training code could include a private cache header
# ("cache/segment_writer.h"); with this it cannot, the build refuses.
function(glint_layer_headers)
  cmake_parse_arguments(L "" "TARGET;DIR" "" ${ARGN})
  set(_root ${PROJECT_BINARY_DIR}/layers/${L_DIR})
  file(MAKE_DIRECTORY ${_root})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${L_DIR} ${_root}/${L_DIR} SYMBOLIC)
  target_include_directories(${L_TARGET} PUBLIC ${_root})
endfunction()
