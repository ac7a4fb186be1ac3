// A run of consecutive samples rendered into the file's element types, ready
// for one hyperslab write per dataset. Private to the generator.
#pragma once

#include <cstdint>
#include <vector>

#include "synth/options.h"

namespace glint::synth {

struct Block {
  uint64_t first = 0;
  uint64_t count = 0;
  std::vector<uint8_t> images;    // count * image_bytes(options)
  std::vector<uint8_t> heatmaps;  // count * heatmap_bytes(options)
  std::vector<float> glints;      // count * max_glints * 2, NaN padded
};

// Renders samples [first, first + count) into `block` on `threads` threads
// (at least 1). Sample i always lands in the same place, whatever the
// thread count.
void render_block(const GeneratorOptions& options, uint64_t first, uint64_t count,
                  unsigned threads, Block& block);

}  // namespace glint::synth
