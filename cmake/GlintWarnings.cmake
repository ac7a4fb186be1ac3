# Warnings for the project's own targets, as an INTERFACE target to link.
add_library(glint_warnings INTERFACE)
target_compile_options(glint_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${GLINT_WERROR}>:-Werror>)
