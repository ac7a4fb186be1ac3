#include "draw/marked_images.h"

#include <algorithm>

namespace glint::draw {
namespace {

constexpr Rgb kPredicted{255, 40, 40};
constexpr Rgb kTruth{0, 220, 0};

}  // namespace

int marked_scale(int height, int width) {
  return std::clamp(256 / std::max({height, width, 1}), 1, 8);
}

void draw_marked(Canvas& canvas, const MarkedImage& image, int scale, int left, int top) {
  canvas.draw_gray(image.pixels, image.height, image.width, scale, left, top);
  const auto at_x = [&](const Mark& m) { return left + (m.x + 0.5) * scale; };
  const auto at_y = [&](const Mark& m) { return top + (m.y + 0.5) * scale; };
  if (image.truth) {
    for (const Mark& m : *image.truth) canvas.cross(at_x(m), at_y(m), std::max(2, scale), kTruth);
  }
  for (const Mark& m : image.predicted) canvas.circle(at_x(m), at_y(m), std::max(4.0, 2.5 * scale), kPredicted);
}

Canvas marked_sheet(const std::vector<MarkedImage>& images, int columns) {
  if (images.empty()) return Canvas(1, 1);
  int h = 0, w = 0;
  for (const MarkedImage& i : images) {
    h = std::max(h, i.height);
    w = std::max(w, i.width);
  }
  const int scale = marked_scale(h, w);
  const int cell_w = w * scale, cell_h = h * scale, gap = 4;
  columns = std::clamp(columns, 1, static_cast<int>(images.size()));
  const int rows = (static_cast<int>(images.size()) + columns - 1) / columns;
  Canvas canvas(columns * (cell_w + gap) - gap, rows * (cell_h + gap) - gap);
  for (size_t i = 0; i < images.size(); ++i) {
    draw_marked(canvas, images[i], scale, static_cast<int>(i) % columns * (cell_w + gap),
                static_cast<int>(i) / columns * (cell_h + gap));
  }
  return canvas;
}

}  // namespace glint::draw
