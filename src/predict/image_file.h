// Reading one grey image from a PNG or PGM file. No LibTorch here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace glint::predict {

struct GrayImage {
  int64_t height = 0;
  int64_t width = 0;
  std::vector<float> pixels;  // row-major, scaled as the trainer scales images
};

// Reads `path`, chosen by its first bytes (not its name):
//   PNG  8 or 16 bits, grey or colour (colour is made grey with libpng's
//        rgb_to_gray; alpha is dropped; palettes expanded)
//   PGM  binary "P5", maxval <= 255 (8 bit) or <= 65535 (16 bit, big-endian)
// Values are scaled like uint8 / uint16 datasets in training: v / 255 for
// 8 bits, v / 65535 for 16 bits (a PGM with a smaller maxval keeps that
// scale: 8 or 16 bits, not maxval). Throws std::runtime_error with one line
// naming the file and the problem.
GrayImage read_gray_image(const std::string& path);

// Writes `pixels` (height x width, 0..65535) as a 16-bit grey PNG; for tests
// and for writing images out of a dataset. Returns "" or a one-line error.
std::string write_gray16_png(const std::string& path, int64_t height, int64_t width,
                             const std::vector<uint16_t>& pixels);

}  // namespace glint::predict
