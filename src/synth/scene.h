// The random description of one synthetic eye: where the eye, iris, pupil
// and glints are, and how bright things are. Rendering (render.h) turns it
// into pixels; keeping the two apart lets tests check the geometry.
#pragma once

#include <cstdint>
#include <vector>

#include "synth/options.h"

namespace glint::synth {

// A small bright spot: a corneal reflection, or a distractor highlight.
struct Spot {
  double x = 0;        // column of the centre, pixels
  double y = 0;        // row of the centre, pixels
  double radius = 1;   // Gaussian radius of the spot in the image, pixels
  double peak = 1;     // brightness at the centre, 0..1
};

struct EyeScene {
  double size = 256;
  // Skin: level, a linear gradient and a few soft blobs of uneven lighting.
  double skin = 0.6;
  double skin_dx = 0, skin_dy = 0;
  struct Blob { double x, y, radius, amplitude; };
  std::vector<Blob> blobs;
  // The eye opening between the lids, in a frame rotated by `tilt`: the
  // upper lid is y = -upper * (1 - t^2), the lower y = lower * (1 - t^2),
  // t = x / half_width.
  double eye_x = 128, eye_y = 128, half_width = 100, upper = 50, lower = 35, tilt = 0;
  double crease = 20;         // distance of the lid crease above the upper lid
  double lashes = 0.5;        // darkness of the eyelashes, 0..1
  double lash_freq = 40, lash_phase = 0;
  double sclera = 0.7;
  double iris_x = 128, iris_y = 128, iris_r = 40, iris = 0.4;
  double iris_phase[4] = {0, 0, 0, 0};
  int iris_freq[2] = {20, 45};
  double pupil_x = 128, pupil_y = 128, pupil_rx = 15, pupil_ry = 15, pupil = 0.06;
  std::vector<Spot> glints;       // integer centres: the labels
  std::vector<Spot> distractors;  // highlights that are not glints
  double vignette = 0.2;          // darkening at the corners, 0..1
  double noise = 0.01;            // sensor read noise, std dev in 0..1 units
  double shot = 0.01;             // signal-dependent noise factor
};

// Upper and lower lid boundaries: signed vertical distances, in pixels, from
// (x, y) to each lid, positive on the open side (inside the eye).
struct LidDistances {
  double upper;
  double lower;
  double t;        // position along the eye, -1..1 between the corners
  double outside;  // distance to the eye opening, 0 inside it
};

// The eye's rotated frame, computed once per scene for per-pixel queries.
class LidFrame {
 public:
  explicit LidFrame(const EyeScene& scene);
  LidDistances at(double x, double y) const;

 private:
  const EyeScene& scene_;
  double cos_, sin_;
};

inline LidDistances lid_distances(const EyeScene& scene, double x, double y) {
  return LidFrame(scene).at(x, y);
}

// Draws the scene of sample `index` from (options.seed, index) alone.
EyeScene make_scene(const GeneratorOptions& options, uint64_t index);

}  // namespace glint::synth
