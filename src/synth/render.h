// Rendering one synthetic sample: an infrared-like eye image, its glint
// heatmap and the glint coordinates.
//
// Pure functions of (options, index): any thread may call them at any time,
// and the result never depends on which thread or in which order.
#pragma once

#include <cstdint>
#include <vector>

#include "synth/options.h"
#include "synth/scene.h"

namespace glint::synth {

// A glint centre: x is the column, y the row, both of a pixel centre
// (0-based). Always whole numbers, so the heatmap is exactly 1 there.
struct GlintPoint {
  float x = 0;
  float y = 0;
};

struct Sample {
  uint32_t size = 0;              // images are size x size
  std::vector<float> image;       // row-major, size * size, in [0, 1]
  std::vector<float> heatmap;     // row-major, size * size, in [0, 1]
  std::vector<GlintPoint> glints; // between min_glints and max_glints of them
};

// Renders sample `index` of the dataset described by `options` (count,
// dtypes, compression and overwrite do not matter here).
Sample render_sample(const GeneratorOptions& options, uint64_t index);

// The pieces, for callers that want them separately.
void render_image(const EyeScene& scene, uint64_t seed, uint64_t index, float* image);
// Max of unit-peak Gaussians (sigma pixels) at each glint, cut at 6 sigma.
void render_heatmap(const std::vector<GlintPoint>& glints, uint32_t size, double sigma,
                    float* heatmap);

}  // namespace glint::synth
