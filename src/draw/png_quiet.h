// libpng error and warning handlers that print nothing: libpng's defaults
// write to stderr, while glint_predict reports every failure as one line of
// its own. The error handler longjmps to the caller's setjmp(png_jmpbuf(png)).
#pragma once

#include <png.h>

namespace glint::draw {

[[noreturn]] inline void quiet_png_error(png_structp png, png_const_charp /*message*/) { png_longjmp(png, 1); }
inline void quiet_png_warning(png_structp /*png*/, png_const_charp /*message*/) {}

}  // namespace glint::draw
