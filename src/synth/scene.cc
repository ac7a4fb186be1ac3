#include "synth/scene.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "synth/random.h"

namespace glint::synth {
namespace {

constexpr uint64_t kSceneStream = 0;

// Eye-local (along the lids, across them) to image coordinates.
void to_image(const EyeScene& s, double lx, double ly, double* x, double* y) {
  *x = s.eye_x + lx * std::cos(s.tilt) - ly * std::sin(s.tilt);
  *y = s.eye_y + lx * std::sin(s.tilt) + ly * std::cos(s.tilt);
}

void draw_lighting(Rng& rng, EyeScene& s) {
  const double size = s.size;
  s.skin = rng.uniform(0.50, 0.72);
  s.skin_dx = rng.uniform(-0.08, 0.08);
  s.skin_dy = rng.uniform(-0.08, 0.08);
  for (int i = 0; i < 3; ++i) {
    s.blobs.push_back({rng.uniform(0, size), rng.uniform(0, size),
                       rng.uniform(0.2, 0.5) * size, rng.uniform(-0.08, 0.08)});
  }
  s.vignette = rng.uniform(0.10, 0.35);
  s.noise = rng.uniform(0.006, 0.02);
  s.shot = rng.uniform(0.005, 0.02);
}

void draw_eye(Rng& rng, EyeScene& s) {
  const double size = s.size;
  const double unit = size / 256.0;
  s.eye_x = size * (0.5 + rng.uniform(-0.08, 0.08));
  s.eye_y = size * (0.5 + rng.uniform(-0.06, 0.08));
  s.half_width = size * rng.uniform(0.36, 0.46);
  s.upper = size * rng.uniform(0.16, 0.24);
  s.lower = size * rng.uniform(0.10, 0.15);
  s.tilt = rng.uniform(-0.12, 0.12);
  s.crease = size * rng.uniform(0.06, 0.10);
  s.lashes = rng.uniform(0.25, 0.6);
  s.lash_freq = rng.uniform(25, 45);
  s.lash_phase = rng.uniform(0, 2 * std::numbers::pi);
  s.sclera = rng.uniform(0.55, 0.78);
  s.iris = rng.uniform(0.28, 0.45);
  s.pupil = rng.uniform(0.02, 0.09);
  for (double& phase : s.iris_phase) phase = rng.uniform(0, 2 * std::numbers::pi);
  s.iris_freq[0] = static_cast<int>(rng.integer(14, 24));
  s.iris_freq[1] = static_cast<int>(rng.integer(35, 60));

  s.iris_r = size * rng.uniform(0.13, 0.165);
  const double iris_lx = rng.uniform(-0.3, 0.3) * s.half_width;
  const double iris_ly = rng.uniform(-0.25, 0.35) * s.iris_r;
  to_image(s, iris_lx, iris_ly, &s.iris_x, &s.iris_y);
  const double pupil_r = s.iris_r * rng.uniform(0.30, 0.55);
  s.pupil_rx = pupil_r;
  s.pupil_ry = pupil_r * rng.uniform(0.9, 1.0);
  const double pupil_lx = iris_lx + rng.uniform(-0.06, 0.06) * s.iris_r;
  const double pupil_ly = iris_ly + rng.uniform(-0.06, 0.06) * s.iris_r;
  to_image(s, pupil_lx, pupil_ly, &s.pupil_x, &s.pupil_y);

  // The lids may hide part of the iris but never the glints' neighbourhood
  // around the pupil: a glint label must point at something visible.
  const double t = pupil_lx / s.half_width;
  const double open = 1.0 - t * t;
  const double reach = 1.4 * pupil_r + 4 * unit;
  s.upper = std::max(s.upper, (reach - pupil_ly) / open);
  s.lower = std::max(s.lower, (reach + pupil_ly) / open);
}

bool visible(const EyeScene& s, double x, double y, double margin) {
  if (x < margin || y < margin || x > s.size - 1 - margin || y > s.size - 1 - margin) return false;
  const LidDistances d = lid_distances(s, x, y);
  return d.upper > margin && d.lower > margin;
}

bool far_from(const std::vector<Spot>& spots, double x, double y, double min_distance) {
  return std::all_of(spots.begin(), spots.end(), [&](const Spot& o) {
    return std::hypot(o.x - x, o.y - y) >= min_distance;
  });
}

// Glints are reflections of the illuminator LEDs on the cornea: a small
// cluster near the pupil, on the iris, apart from each other.
void draw_glints(Rng& rng, EyeScene& s, int count) {
  const double unit = s.size / 256.0;
  const double pupil_r = s.pupil_rx;
  const double min_distance = std::max(3.0, 4.0 * unit);
  const double cx = s.pupil_x + rng.uniform(-0.4, 0.4) * pupil_r;
  const double cy = s.pupil_y + rng.uniform(-0.4, 0.4) * pupil_r;
  for (int i = 0; i < count; ++i) {
    // Widen the search when the cluster is crowded; the last resort only
    // keeps glints inside the image and distinct, so the count always holds.
    for (int attempt = 0;; ++attempt) {
      const double spread = std::min(s.size, pupil_r * (1.3 + attempt / 32.0));
      const double rho = rng.uniform(0.2, 1.0) * spread;
      const double theta = rng.uniform(0, 2 * std::numbers::pi);
      const double x = std::round(cx + rho * std::cos(theta));
      const double y = std::round(cy + rho * std::sin(theta));
      const bool in_image = x >= 1 && y >= 1 && x <= s.size - 2 && y <= s.size - 2;
      const bool on_cornea = visible(s, x, y, 2 * unit + 1) &&
                             std::hypot(x - s.iris_x, y - s.iris_y) < 0.95 * s.iris_r;
      const bool ok = attempt >= 256 ? in_image : on_cornea;
      const double spacing = attempt >= 512 ? 1.0 : min_distance;
      if (!ok || !far_from(s.glints, x, y, spacing)) continue;
      s.glints.push_back({x, y, rng.uniform(0.8, 1.8) * unit, rng.uniform(0.92, 1.0)});
      break;
    }
  }
}

// Highlights on the wet sclera or lid margin: bigger and dimmer than glints,
// so a detector has something to tell apart.
void draw_distractors(Rng& rng, EyeScene& s) {
  const double unit = s.size / 256.0;
  const int count = static_cast<int>(rng.integer(0, 2));
  for (int i = 0; i < count; ++i) {
    for (int attempt = 0; attempt < 32; ++attempt) {
      double x, y;
      to_image(s, rng.uniform(-0.85, 0.85) * s.half_width,
               rng.uniform(-0.6, 0.9) * s.lower, &x, &y);
      if (!visible(s, x, y, 1) || std::hypot(x - s.iris_x, y - s.iris_y) < s.iris_r + 4 * unit) {
        continue;
      }
      s.distractors.push_back({x, y, rng.uniform(2.0, 4.5) * unit, rng.uniform(0.6, 0.85)});
      break;
    }
  }
}

}  // namespace

LidFrame::LidFrame(const EyeScene& scene)
    : scene_(scene), cos_(std::cos(scene.tilt)), sin_(std::sin(scene.tilt)) {}

LidDistances LidFrame::at(double x, double y) const {
  const EyeScene& s = scene_;
  const double dx = x - s.eye_x;
  const double dy = y - s.eye_y;
  const double lx = dx * cos_ + dy * sin_;
  const double ly = -dx * sin_ + dy * cos_;
  const double t = lx / s.half_width;
  const double open = std::max(0.0, 1.0 - t * t);
  LidDistances d{ly + s.upper * open, s.lower * open - ly, t, 0.0};
  if (std::abs(t) < 1.0) {
    d.outside = std::max(0.0, std::max(-d.upper, -d.lower));
  } else {
    // Beyond the corners the nearest point of the opening is the corner
    // itself, and the point is outside both lids.
    d.outside = std::hypot(std::abs(lx) - s.half_width, ly);
    d.upper = d.lower = -d.outside;
  }
  return d;
}

EyeScene make_scene(const GeneratorOptions& options, uint64_t index) {
  Rng rng(options.seed, index, kSceneStream);
  EyeScene scene;
  scene.size = options.size;
  draw_lighting(rng, scene);
  draw_eye(rng, scene);
  const auto count = static_cast<int>(rng.integer(options.min_glints, options.max_glints));
  draw_glints(rng, scene, count);
  draw_distractors(rng, scene);
  return scene;
}

}  // namespace glint::synth
