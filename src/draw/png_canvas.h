// An RGB picture (predictions on images, plots), written as PNG with libpng.
// No LibTorch here: pixels come in as plain floats. Drawing is clipped to the
// picture; nothing here throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace glint::draw {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = {});  // black by default

  int width() const { return width_; }
  int height() const { return height_; }
  // The colour at (x, y); black outside the picture.
  Rgb pixel(int x, int y) const;

  // Draws a height x width grey image (row-major floats, any range: scaled
  // so that its min is black and its max white), each pixel as a
  // scale x scale block with its top-left corner at (left, top).
  void draw_gray(const float* pixels, int height, int width, int scale, int left, int top);
  // A ring of `radius` pixels (2 px thick) centred on (x, y); clipped.
  void circle(double x, double y, double radius, Rgb color);
  // A "+" of half-size `arm` centred on (x, y); clipped.
  void cross(double x, double y, int arm, Rgb color);
  // A line 1 px wide (2 px when `thick`) from (x0, y0) to (x1, y1); with
  // `dashed`, 6 px drawn, 4 px skipped along the line.
  void line(double x0, double y0, double x1, double y1, Rgb color, bool thick = false, bool dashed = false);
  // Filled rectangle [left, left + width) x [top, top + height).
  void fill(int left, int top, int width, int height, Rgb color);
  // Outline of the same rectangle, 1 px.
  void frame(int left, int top, int width, int height, Rgb color);
  // Mixes `color` into pixel (x, y) with weight alpha in [0, 1].
  void blend(int x, int y, Rgb color, double alpha);

  // The picture as the bytes of an 8-bit RGB PNG file (what TensorBoard
  // images hold); "" only if libpng fails (out of memory).
  std::string encode_png() const;
  // Writes those bytes to `path`. Returns "" or a one-line error.
  std::string write_png(const std::string& path) const;

 private:
  void set(int x, int y, Rgb color);

  int width_;
  int height_;
  std::vector<uint8_t> rgb_;
};

}  // namespace glint::draw
