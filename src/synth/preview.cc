#include "synth/preview.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <vector>

#include "synth/render.h"

namespace glint::synth {
namespace {

constexpr int kColumns = 4;
constexpr int kGap = 4;

struct Canvas {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;

  void set(int x, int y, double r, double g, double b) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    uint8_t* p = &rgb[(static_cast<size_t>(y) * width + x) * 3];
    p[0] = static_cast<uint8_t>(std::lround(std::clamp(r, 0.0, 1.0) * 255));
    p[1] = static_cast<uint8_t>(std::lround(std::clamp(g, 0.0, 1.0) * 255));
    p[2] = static_cast<uint8_t>(std::lround(std::clamp(b, 0.0, 1.0) * 255));
  }
};

// The heatmap as a translucent "hot" overlay: red at its tails, yellow at
// the glint centres, so the label can be compared with the bright spot.
void draw_sample(const Sample& s, int left, int top, double ring, Canvas& canvas) {
  for (uint32_t y = 0; y < s.size; ++y) {
    for (uint32_t x = 0; x < s.size; ++x) {
      const size_t i = static_cast<size_t>(y) * s.size + x;
      const double gray = s.image[i];
      const double heat = s.heatmap[i];
      const double alpha = std::min(1.0, 0.85 * std::sqrt(heat));
      canvas.set(left + static_cast<int>(x), top + static_cast<int>(y),
                 gray + (1.0 - gray) * alpha, gray + (heat - gray) * alpha, gray * (1.0 - alpha));
    }
  }
  for (const GlintPoint& g : s.glints) {
    const int steps = static_cast<int>(std::ceil(2 * std::numbers::pi * ring * 2));
    for (int k = 0; k < steps; ++k) {
      const double a = 2 * std::numbers::pi * k / steps;
      const int x = static_cast<int>(std::lround(g.x + ring * std::cos(a)));
      const int y = static_cast<int>(std::lround(g.y + ring * std::sin(a)));
      if (x >= 0 && y >= 0 && x < static_cast<int>(s.size) && y < static_cast<int>(s.size)) {
        canvas.set(left + x, top + y, 0.1, 1.0, 0.2);
      }
    }
  }
}

}  // namespace

Status write_preview_png(const std::string& path, const GeneratorOptions& options, int samples) {
  GLINT_RETURN_IF_ERROR(validate(options));
  const int n = static_cast<int>(std::min<uint64_t>(std::max(samples, 1), options.count));
  const int size = static_cast<int>(options.size);
  const int columns = std::min(n, kColumns);
  const int rows = (n + kColumns - 1) / kColumns;
  Canvas canvas;
  canvas.width = columns * size + (columns - 1) * kGap;
  canvas.height = rows * size + (rows - 1) * kGap;
  canvas.rgb.assign(static_cast<size_t>(canvas.width) * canvas.height * 3, 255);
  const double ring = std::max(4.0, 3.0 * options.sigma);
  for (int i = 0; i < n; ++i) {
    draw_sample(render_sample(options, static_cast<uint64_t>(i)), (i % kColumns) * (size + kGap),
                (i / kColumns) * (size + kGap), ring, canvas);
  }
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(canvas.width);
  image.height = static_cast<png_uint_32>(canvas.height);
  image.format = PNG_FORMAT_RGB;
  if (!png_image_write_to_file(&image, path.c_str(), /*convert_to_8bit=*/0, canvas.rgb.data(),
                               /*row_stride=*/0, /*colormap=*/nullptr)) {
    return Status(Code::kIOError, "cannot write preview '" + path + "': " + image.message);
  }
  return Status::Ok();
}

}  // namespace glint::synth
