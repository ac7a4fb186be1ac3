#include "synth/render.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "synth/random.h"

namespace glint::synth {
namespace {

constexpr uint64_t kNoiseStream = 1;

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }
double square(double v) { return v * v; }

// exp(-(dx^2 + dy^2) / 2r^2) factors into a row part and a column part, so
// the soft lighting blobs cost two short tables instead of an exp per pixel.
struct BlobTables {
  BlobTables(const EyeScene& s, uint32_t size) : count(s.blobs.size()), x(count * size), y(count * size) {
    for (size_t b = 0; b < count; ++b) {
      const auto& blob = s.blobs[b];
      for (uint32_t i = 0; i < size; ++i) {
        x[b * size + i] = std::exp(-square(i - blob.x) / (2 * square(blob.radius)));
        y[b * size + i] = blob.amplitude * std::exp(-square(i - blob.y) / (2 * square(blob.radius)));
      }
    }
  }
  double at(uint32_t col, uint32_t row, uint32_t size) const {
    double sum = 0;
    for (size_t b = 0; b < count; ++b) sum += x[b * size + col] * y[b * size + row];
    return sum;
  }
  size_t count;
  std::vector<double> x, y;
};

// A soft dark line `distance` pixels from a lid, `width` wide; skipped where
// it is invisible, which is most of the image.
double fold(double distance, double width, double depth) {
  if (std::abs(distance) > 4 * width) return 1.0;
  return 1.0 - depth * std::exp(-square(distance / width));
}

double skin_value(const EyeScene& s, double x, double y, const LidDistances& d, double blobs) {
  double v = s.skin + s.skin_dx * (x / s.size - 0.5) + s.skin_dy * (y / s.size - 0.5) + blobs;
  // Skin darkens towards the eye socket, and both lids fold at a crease.
  if (d.outside < 0.5 * s.size) v *= 1.0 - 0.22 * std::exp(-d.outside / (0.05 * s.size));
  const double open = std::max(0.0, 1.0 - d.t * d.t);
  if (open > 0) {
    const double root = std::sqrt(open);
    v *= fold(d.upper + s.crease * root, 0.025 * s.size, 0.18 * root);
    v *= fold(d.lower + 0.45 * s.crease * root, 0.02 * s.size, 0.10 * root);
  }
  return v;
}

double iris_value(const EyeScene& s, double dx, double dy, double r) {
  // Radial fibres and a ring pattern, darker towards the limbus.
  const double angle = std::atan2(dy, dx);
  const double rel = r / s.iris_r;
  const double fibres = 0.10 * std::sin(s.iris_freq[0] * angle + s.iris_phase[0]) *
                            std::sin(s.iris_freq[1] * angle + s.iris_phase[1]) +
                        0.05 * std::sin(rel * 18.0 + s.iris_phase[2]);
  const double limbus = std::clamp((rel - 0.75) / 0.25, 0.0, 1.0);
  return s.iris * (1.0 + fibres) * (1.0 - 0.4 * limbus * limbus);
}

double eye_value(const EyeScene& s, double x, double y, const LidDistances& d) {
  double v = s.sclera * (1.0 - 0.35 * square(square(d.t)));
  const double dx = x - s.iris_x;
  const double dy = y - s.iris_y;
  const double r = std::hypot(dx, dy);
  const double iris_cover = clamp01(s.iris_r - r + 0.5);
  if (iris_cover > 0) v += (iris_value(s, dx, dy, r) - v) * iris_cover;
  const double q = std::hypot((x - s.pupil_x) / s.pupil_rx, (y - s.pupil_y) / s.pupil_ry);
  const double pupil_cover = clamp01((1.0 - q) * std::min(s.pupil_rx, s.pupil_ry) + 0.5);
  if (pupil_cover > 0) v += (s.pupil - v) * pupil_cover;
  // The lids cast a shadow on the eyeball, the upper one more.
  v *= 1.0 - 0.4 * std::exp(-std::max(0.0, d.upper) / (0.035 * s.size));
  v *= 1.0 - 0.15 * std::exp(-std::max(0.0, d.lower) / (0.02 * s.size));
  return v;
}

double lash_shade(const EyeScene& s, const LidDistances& d) {
  const double open = std::max(0.0, 1.0 - d.t * d.t);
  const double unit = s.size / 256.0;
  if (open <= 0 || std::abs(d.upper + 2.0 * unit) > 10.0 * unit) return 1.0;
  const double band = std::exp(-square((d.upper + 2.0 * unit) / (2.5 * unit)));
  const double strands =
      0.55 + 0.45 * std::sin(s.lash_freq * std::numbers::pi * d.t + s.lash_phase +
                             0.8 * std::sin(7.0 * d.t));
  return 1.0 - s.lashes * std::sqrt(open) * band * strands;
}

double pixel_value(const EyeScene& s, const LidFrame& frame, double x, double y, double blobs) {
  const LidDistances d = frame.at(x, y);
  const double open_cover = clamp01(d.upper + 0.5) * clamp01(d.lower + 0.5);
  double v = open_cover < 1 ? skin_value(s, x, y, d, blobs) : 0.0;
  if (open_cover > 0) v += (eye_value(s, x, y, d) - v) * open_cover;
  v *= lash_shade(s, d);
  // Vignetting: the lens dims the corners.
  const double c = (s.size - 1) / 2.0;
  return v * (1.0 - s.vignette * (square(x - c) + square(y - c)) / (2 * c * c));
}

// Bright spots saturate towards their peak; drawn after vignetting because
// a glint is far brighter than the sensor's range.
void add_spot(const Spot& spot, uint32_t size, float* image) {
  const double reach = 4.0 * spot.radius + 2.0;
  const auto lo = [&](double c) { return static_cast<int>(std::max(0.0, std::floor(c - reach))); };
  const auto hi = [&](double c) {
    return static_cast<int>(std::min(size - 1.0, std::ceil(c + reach)));
  };
  for (int row = lo(spot.y); row <= hi(spot.y); ++row) {
    for (int col = lo(spot.x); col <= hi(spot.x); ++col) {
      const double d2 = square(col - spot.x) + square(row - spot.y);
      const double core = std::min(1.0, 1.4 * std::exp(-d2 / (2 * square(spot.radius))));
      const double halo = 0.08 * std::exp(-d2 / (2 * square(3 * spot.radius)));
      float& p = image[static_cast<size_t>(row) * size + col];
      p = static_cast<float>(p + (spot.peak - p) * std::min(1.0, core + halo));
    }
  }
}

}  // namespace

void render_image(const EyeScene& scene, uint64_t seed, uint64_t index, float* image) {
  const auto size = static_cast<uint32_t>(scene.size);
  const LidFrame frame(scene);
  const BlobTables blobs(scene, size);
  for (uint32_t row = 0; row < size; ++row) {
    for (uint32_t col = 0; col < size; ++col) {
      image[static_cast<size_t>(row) * size + col] =
          static_cast<float>(pixel_value(scene, frame, col, row, blobs.at(col, row, size)));
    }
  }
  for (const Spot& spot : scene.distractors) add_spot(spot, size, image);
  for (const Spot& spot : scene.glints) add_spot(spot, size, image);
  // Read noise plus shot noise that grows with the signal, then the sensor clips.
  Rng rng(seed, index, kNoiseStream);
  const size_t pixels = static_cast<size_t>(size) * size;
  for (size_t i = 0; i < pixels; ++i) {
    const double v = image[i];
    const double sd = scene.noise + scene.shot * std::sqrt(std::max(0.0, v));
    image[i] = static_cast<float>(clamp01(v + sd * rng.normal()));
  }
}

void render_heatmap(const std::vector<GlintPoint>& glints, uint32_t size, double sigma,
                    float* heatmap) {
  std::fill(heatmap, heatmap + static_cast<size_t>(size) * size, 0.0f);
  const int reach = static_cast<int>(std::ceil(6.0 * sigma));
  const double scale = -1.0 / (2.0 * sigma * sigma);
  for (const GlintPoint& g : glints) {
    const int gx = static_cast<int>(g.x);
    const int gy = static_cast<int>(g.y);
    for (int row = std::max(0, gy - reach); row <= std::min<int>(size - 1, gy + reach); ++row) {
      for (int col = std::max(0, gx - reach); col <= std::min<int>(size - 1, gx + reach); ++col) {
        const auto v = static_cast<float>(
            std::exp(scale * (square(col - g.x) + square(row - g.y))));
        float& p = heatmap[static_cast<size_t>(row) * size + col];
        p = std::max(p, v);
      }
    }
  }
}

Sample render_sample(const GeneratorOptions& options, uint64_t index) {
  const EyeScene scene = make_scene(options, index);
  Sample sample;
  sample.size = options.size;
  const size_t pixels = static_cast<size_t>(options.size) * options.size;
  sample.image.resize(pixels);
  sample.heatmap.resize(pixels);
  render_image(scene, options.seed, index, sample.image.data());
  for (const Spot& g : scene.glints) {
    sample.glints.push_back({static_cast<float>(g.x), static_cast<float>(g.y)});
  }
  render_heatmap(sample.glints, options.size, options.sigma, sample.heatmap.data());
  return sample;
}

}  // namespace glint::synth
