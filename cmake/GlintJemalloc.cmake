# GLINT_TRAINER_JEMALLOC: the jemalloc library train_glint_unet links, or
# empty (GLINT_JEMALLOC off, a sanitizer build, whose runtime brings its own
# allocator, or no libjemalloc-dev).
set(GLINT_TRAINER_JEMALLOC "")
if(GLINT_JEMALLOC AND NOT GLINT_SANITIZE)
  find_library(GLINT_JEMALLOC_LIBRARY NAMES jemalloc)
  if(GLINT_JEMALLOC_LIBRARY)
    set(GLINT_TRAINER_JEMALLOC ${GLINT_JEMALLOC_LIBRARY})
  else()
    message(WARNING "GLINT_JEMALLOC: libjemalloc not found (apt-get install libjemalloc-dev); "
                    "train_glint_unet uses glibc malloc with its tuning")
  endif()
endif()

# For the trainer's tests: which allocator the built train_glint_unet runs.
if(GLINT_TRAINER_JEMALLOC)
  set(GLINT_TRAINER_LINKS_JEMALLOC 1)
else()
  set(GLINT_TRAINER_LINKS_JEMALLOC 0)
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/trainer_allocator.h.in
               ${CMAKE_BINARY_DIR}/generated/glint/trainer_allocator.h @ONLY)
