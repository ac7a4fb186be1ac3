#include "draw/png_canvas.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "draw/png_quiet.h"
#include "util/posix_error.h"

namespace glint::draw {

Canvas::Canvas(int width, int height, Rgb background)
    : width_(width), height_(height), rgb_(static_cast<size_t>(width) * height * 3, 0) {
  fill(0, 0, width, height, background);
}

Rgb Canvas::pixel(int x, int y) const {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return {};
  const uint8_t* p = &rgb_[(static_cast<size_t>(y) * width_ + x) * 3];
  return {p[0], p[1], p[2]};
}

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

void Canvas::blend(int x, int y, Rgb c, double alpha) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  uint8_t* p = &rgb_[(static_cast<size_t>(y) * width_ + x) * 3];
  const double a = std::clamp(alpha, 0.0, 1.0);
  const uint8_t in[3] = {c.r, c.g, c.b};
  for (int k = 0; k < 3; ++k) p[k] = static_cast<uint8_t>(std::lround(p[k] * (1 - a) + in[k] * a));
}

void Canvas::line(double x0, double y0, double x1, double y1, Rgb color, bool thick, bool dashed) {
  const double length = std::hypot(x1 - x0, y1 - y0);
  const int steps = std::max(1, static_cast<int>(std::ceil(length * 2)));  // half-pixel steps
  for (int i = 0; i <= steps; ++i) {
    const double t = static_cast<double>(i) / steps;
    if (dashed && std::fmod(t * length, 10.0) >= 6.0) continue;
    const int x = static_cast<int>(std::lround(x0 + t * (x1 - x0)));
    const int y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
    set(x, y, color);
    if (thick) {
      set(x + 1, y, color);
      set(x, y + 1, color);
    }
  }
}

void Canvas::fill(int left, int top, int width, int height, Rgb color) {
  for (int y = top; y < top + height; ++y) {
    for (int x = left; x < left + width; ++x) set(x, y, color);
  }
}

void Canvas::frame(int left, int top, int width, int height, Rgb color) {
  line(left, top, left + width - 1, top, color);
  line(left, top + height - 1, left + width - 1, top + height - 1, color);
  line(left, top, left, top + height - 1, color);
  line(left + width - 1, top, left + width - 1, top + height - 1, color);
}

namespace {

void append_to_string(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), length);
}

}  // namespace

std::string Canvas::encode_png() const {
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, quiet_png_error, quiet_png_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return "";
  }
  // libpng reports errors by longjmp: nothing with a destructor is created below.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return "";
  }
  png_set_write_fn(png, &out, append_to_string, /*output_flush_fn=*/nullptr);
  png_set_IHDR(png, info, width_, height_, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < height_; ++y) {
    png_write_row(png, &rgb_[static_cast<size_t>(y) * width_ * 3]);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::string Canvas::write_png(const std::string& path) const {
  const std::string png = encode_png();
  if (png.empty()) return "libpng could not encode the picture for " + path;
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!file) return "cannot create " + path + ": " + errno_text(errno);
  if (std::fwrite(png.data(), 1, png.size(), file.get()) != png.size() || std::fflush(file.get()) != 0) {
    return "cannot write " + path + ": " + errno_text(errno);
  }
  return "";
}

}  // namespace glint::draw
