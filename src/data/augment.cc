#include "data/augment.h"

#include <algorithm>
#include <vector>

namespace glint::train {

uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

AugmentParams draw_augment(const AugmentOptions& options, uint64_t seed, int64_t epoch,
                           int64_t sample) {
  // Independent streams per (seed, epoch, sample): chain the mix so that no
  // two tuples share a state by simple addition.
  uint64_t state = mix64(mix64(mix64(seed) ^ static_cast<uint64_t>(epoch)) ^
                         static_cast<uint64_t>(sample));
  auto next = [&state] { return state = mix64(state); };
  AugmentParams p;
  // Every draw happens whatever the options, so that turning one feature off
  // does not change the others.
  const uint64_t flips = next();
  const uint64_t shift_y = next();
  const uint64_t shift_x = next();
  p.horizontal_flip = options.horizontal_flip && (flips & 1u);
  p.vertical_flip = options.vertical_flip && (flips & 2u);
  if (options.max_shift > 0) {
    const uint64_t span = 2 * static_cast<uint64_t>(options.max_shift) + 1;
    p.dy = static_cast<int>(shift_y % span) - options.max_shift;
    p.dx = static_cast<int>(shift_x % span) - options.max_shift;
  }
  return p;
}

void apply_augment(const AugmentParams& params, float* planes, int64_t count_planes,
                   int64_t height, int64_t width) {
  if (params.identity()) return;
  // One scratch plane per thread: workers augment many samples per batch.
  thread_local std::vector<float> scratch;
  scratch.resize(static_cast<size_t>(height * width));
  for (int64_t c = 0; c < count_planes; ++c) {
    float* plane = planes + c * height * width;
    std::copy(plane, plane + height * width, scratch.begin());
    for (int64_t y = 0; y < height; ++y) {
      const int64_t fy = y - params.dy;  // row of the flipped image
      float* out = plane + y * width;
      if (fy < 0 || fy >= height) {
        std::fill(out, out + width, 0.0f);
        continue;
      }
      const int64_t sy = params.vertical_flip ? height - 1 - fy : fy;
      const float* in = scratch.data() + sy * width;
      for (int64_t x = 0; x < width; ++x) {
        const int64_t fx = x - params.dx;
        if (fx < 0 || fx >= width) {
          out[x] = 0.0f;
        } else {
          out[x] = in[params.horizontal_flip ? width - 1 - fx : fx];
        }
      }
    }
  }
}

}  // namespace glint::train
