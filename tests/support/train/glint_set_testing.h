// Test-only: small synthetic glint datasets written with the HDF5 C API
// (tests/support), independent of the generator under src/synth.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "support/h5_fixture.h"

namespace glint::train::testdata {

struct GlintSetOptions {
  int64_t count = 64;
  int64_t size = 32;      // square images
  uint32_t seed = 1;
  double sigma = 2.0;     // heatmap Gaussian, as the generator's default
  int64_t heatmap_count = -1;  // rows of "heatmaps" (-1: count), to build bad files
  int64_t heatmap_size = -1;   // size of heatmaps (-1: size)
};

// "images" [N,H,W] float32 (dim background, noise, one bright spot), and
// "heatmaps" [N,1,H,W] float32 (a Gaussian of height 1 on the spot), and
// "glints" [N,2] float32 (x, y of the spot, pixel centres at integers).
inline std::vector<float> write_glint_set(const std::string& path, const GlintSetOptions& o) {
  const int64_t n = o.count, s = o.size;
  const int64_t hn = o.heatmap_count < 0 ? n : o.heatmap_count;
  const int64_t hs = o.heatmap_size < 0 ? s : o.heatmap_size;
  std::mt19937 rng(o.seed);
  std::uniform_real_distribution<float> noise(0.0f, 0.1f);
  std::uniform_real_distribution<float> where(4.0f, static_cast<float>(s) - 5.0f);
  std::vector<float> images(n * s * s), heatmaps(hn * hs * hs), glints(n * 2);
  for (int64_t i = 0; i < n; ++i) {
    const float gx = where(rng), gy = where(rng);
    glints[i * 2] = gx;
    glints[i * 2 + 1] = gy;
    for (int64_t y = 0; y < s; ++y) {
      for (int64_t x = 0; x < s; ++x) {
        const double d2 = (x - gx) * (x - gx) + (y - gy) * (y - gy);
        images[(i * s + y) * s + x] = 0.2f + noise(rng) + 0.7f * static_cast<float>(std::exp(-d2 / 2.0));
        if (i < hn && y < hs && x < hs) {
          heatmaps[(i * hs + y) * hs + x] = static_cast<float>(std::exp(-d2 / (2 * o.sigma * o.sigma)));
        }
      }
    }
  }
  const auto bytes = [](const std::vector<float>& v) {
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    return std::vector<uint8_t>(p, p + v.size() * sizeof(float));
  };
  const auto u = [](int64_t v) { return static_cast<hsize_t>(v); };
  glint::testing::write_h5(
      path, {{"images", H5T_NATIVE_FLOAT, {u(n), u(s), u(s)}, bytes(images)},
             {"heatmaps", H5T_NATIVE_FLOAT, {u(hn), 1, u(hs), u(hs)}, bytes(heatmaps)},
             {"glints", H5T_NATIVE_FLOAT, {u(n), 2}, bytes(glints)}});
  return glints;
}

}  // namespace glint::train::testdata
