# GLINT_SANITIZE="address;undefined" or "thread": applied to every target.
if(GLINT_SANITIZE)
  string(REPLACE ";" "," _glint_san "${GLINT_SANITIZE}")
  add_compile_options(-fsanitize=${_glint_san} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${_glint_san})
endif()
