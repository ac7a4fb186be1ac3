#include "png_canvas.h"

#include <png.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "util/posix_error.h"

namespace glint::predict {

Canvas::Canvas(int width, int height)
    : width_(width), height_(height), rgb_(static_cast<size_t>(width) * height * 3, 0) {}

void Canvas::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  uint8_t* p = &rgb_[(static_cast<size_t>(y) * width_ + x) * 3];
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

void Canvas::draw_gray(const float* pixels, int height, int width, int scale, int left, int top) {
  const auto [lo, hi] = std::minmax_element(pixels, pixels + static_cast<size_t>(height) * width);
  const float range = *hi > *lo ? *hi - *lo : 1.0f;
  for (int y = 0; y < height * scale; ++y) {
    for (int x = 0; x < width * scale; ++x) {
      const float v = (pixels[(y / scale) * width + x / scale] - *lo) / range;
      const auto g = static_cast<uint8_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
      set(left + x, top + y, {g, g, g});
    }
  }
}

void Canvas::circle(double cx, double cy, double radius, Rgb color) {
  const int r = static_cast<int>(std::ceil(radius)) + 2;
  for (int y = static_cast<int>(cy) - r; y <= static_cast<int>(cy) + r; ++y) {
    for (int x = static_cast<int>(cx) - r; x <= static_cast<int>(cx) + r; ++x) {
      const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
      if (std::abs(d - radius) <= 1.0) set(x, y, color);
    }
  }
}

void Canvas::cross(double cx, double cy, int arm, Rgb color) {
  const int x0 = static_cast<int>(std::floor(cx));
  const int y0 = static_cast<int>(std::floor(cy));
  for (int d = -arm; d <= arm; ++d) {
    set(x0 + d, y0, color);
    set(x0, y0 + d, color);
  }
}

std::string Canvas::write_png(const std::string& path) const {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!file) return "cannot create " + path + ": " + errno_text(errno);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return "libpng could not start writing " + path;
  }
  // libpng reports errors by longjmp: nothing with a destructor is live below.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return "libpng failed writing " + path + " (disk full?)";
  }
  png_init_io(png, file.get());
  png_set_IHDR(png, info, width_, height_, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < height_; ++y) {
    png_write_row(png, &rgb_[static_cast<size_t>(y) * width_ * 3]);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return "";
}

}  // namespace glint::predict
