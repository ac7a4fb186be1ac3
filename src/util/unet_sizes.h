// The UNet's rule on image sizes, shared by the trainer and the dataset
// generator: each of `depth` levels halves the image, so height and width
// must divide by 2^depth.
#pragma once

#include <cstdint>

namespace glint {

// train_glint_unet's default --depth.
inline constexpr int64_t kDefaultUnetDepth = 3;

// The largest depth (at most `limit`) that a size x size image allows; 0 if
// it does not even divide by 2.
inline int64_t largest_unet_depth(int64_t size, int64_t limit) {
  int64_t depth = 0;
  while (depth < limit && size % (int64_t{2} << depth) == 0) ++depth;
  return depth;
}

}  // namespace glint
