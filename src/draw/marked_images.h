// Pictures of glints found in images: the image in grey (min black, max
// white), a red ring on each predicted glint, a green cross on each true
// one. Small images are enlarged (up to 8x) so that a 64x64 image is 256
// wide. What glint_predict's --overlay/--png and the trainer's TensorBoard
// images show. No LibTorch here; nothing throws (std::bad_alloc aside).
#pragma once

#include <optional>
#include <vector>

#include "draw/png_canvas.h"

namespace glint::draw {

struct Mark {
  double x = 0;  // column, pixels (sub-pixel)
  double y = 0;  // row, pixels
};

struct MarkedImage {
  const float* pixels = nullptr;  // height x width, row-major; not owned
  int height = 0;
  int width = 0;
  std::vector<Mark> predicted;             // red rings
  std::optional<std::vector<Mark>> truth;  // green crosses; nullopt: no truth
};

// The enlargement of a height x width image: 256 / its larger side, in [1, 8].
int marked_scale(int height, int width);

// One image, enlarged `scale` times, with its top-left corner at (left, top).
void draw_marked(Canvas& canvas, const MarkedImage& image, int scale, int left, int top);

// The images side by side, `columns` to a row, 4 px apart, each cell the
// size of the largest image. An empty list gives a 1x1 black picture.
Canvas marked_sheet(const std::vector<MarkedImage>& images, int columns = 4);

}  // namespace glint::draw
