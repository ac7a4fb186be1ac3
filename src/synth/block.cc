#include "synth/block.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

#include "synth/half.h"
#include "synth/render.h"

namespace glint::synth {
namespace {

void store_image(const GeneratorOptions& o, const std::vector<float>& image, uint8_t* dst) {
  if (o.image_dtype == DType::kFloat32) {
    std::memcpy(dst, image.data(), image.size() * sizeof(float));
    return;
  }
  for (size_t i = 0; i < image.size(); ++i) {
    dst[i] = static_cast<uint8_t>(std::lround(image[i] * 255.0f));
  }
}

void store_heatmap(const GeneratorOptions& o, const std::vector<float>& heatmap, uint8_t* dst) {
  if (o.heatmap_dtype == DType::kFloat32) {
    std::memcpy(dst, heatmap.data(), heatmap.size() * sizeof(float));
    return;
  }
  for (size_t i = 0; i < heatmap.size(); ++i) {
    const uint16_t bits = float_to_half_bits(heatmap[i]);
    std::memcpy(dst + 2 * i, &bits, 2);  // HDF5 type is little-endian, like the host
  }
}

void render_one(const GeneratorOptions& o, uint64_t index, size_t slot, Block& block) {
  const Sample sample = render_sample(o, index);
  store_image(o, sample.image, block.images.data() + slot * image_bytes(o));
  store_heatmap(o, sample.heatmap, block.heatmaps.data() + slot * heatmap_bytes(o));
  float* glints = block.glints.data() + slot * o.max_glints * 2;
  std::fill(glints, glints + o.max_glints * 2, std::numeric_limits<float>::quiet_NaN());
  for (size_t j = 0; j < sample.glints.size(); ++j) {
    glints[2 * j] = sample.glints[j].x;
    glints[2 * j + 1] = sample.glints[j].y;
  }
}

}  // namespace

void render_block(const GeneratorOptions& o, uint64_t first, uint64_t count, unsigned threads,
                  Block& block) {
  block.first = first;
  block.count = count;
  block.images.resize(count * image_bytes(o));
  block.heatmaps.resize(count * heatmap_bytes(o));
  block.glints.resize(count * o.max_glints * 2);
  const unsigned workers = static_cast<unsigned>(std::clamp<uint64_t>(threads, 1, count));
  // Interleaved slots balance the load: image cost varies little by index.
  auto work = [&](unsigned w) {
    for (uint64_t slot = w; slot < count; slot += workers) render_one(o, first + slot, slot, block);
  };
  std::vector<std::jthread> pool;
  for (unsigned w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
}

}  // namespace glint::synth
