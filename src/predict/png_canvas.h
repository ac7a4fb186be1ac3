// An RGB picture to draw predictions on, written as PNG with libpng.
// No LibTorch here: pixels come in as plain floats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace glint::predict {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

class Canvas {
 public:
  Canvas(int width, int height);  // black

  int width() const { return width_; }
  int height() const { return height_; }

  // Draws a height x width grey image (row-major floats, any range: scaled
  // so that its min is black and its max white), each pixel as a
  // scale x scale block with its top-left corner at (left, top).
  void draw_gray(const float* pixels, int height, int width, int scale, int left, int top);
  // A ring of `radius` pixels (2 px thick) centred on (x, y); clipped.
  void circle(double x, double y, double radius, Rgb color);
  // A "+" of half-size `arm` centred on (x, y); clipped.
  void cross(double x, double y, int arm, Rgb color);

  // Writes an 8-bit RGB PNG. Returns "" or a one-line error.
  std::string write_png(const std::string& path) const;

 private:
  void set(int x, int y, Rgb color);
  int width_;
  int height_;
  std::vector<uint8_t> rgb_;
};

}  // namespace glint::predict
