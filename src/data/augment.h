// Geometric augmentation that keeps an image and its heatmaps aligned.
//
// Each sample gets its own transform, drawn from a random stream seeded by
// (seed, epoch, sample index) only. The same sample in the same epoch is
// therefore transformed identically whatever the number of loader workers,
// the batch it lands in or the order in which batches are built.
//
// The transform is: optional horizontal flip, optional vertical flip, then an
// integer shift by (dy, dx) pixels with zero fill. The same transform is
// applied to every channel of the image and of the heatmaps, so a glint and
// its heatmap peak move together (peaks shifted out of the frame are lost).
#pragma once

#include <cstdint>

namespace glint::train {

struct AugmentOptions {
  // Flip left-right with probability 1/2.
  bool horizontal_flip = true;
  // Flip top-bottom with probability 1/2.
  bool vertical_flip = true;
  // Shift by a uniform integer in [-max_shift, max_shift] pixels along each
  // axis (0: no shift). Must be >= 0.
  int max_shift = 4;
};

struct AugmentParams {
  bool horizontal_flip = false;
  bool vertical_flip = false;
  int dy = 0;  // rows down (positive) or up
  int dx = 0;  // columns right (positive) or left
  bool identity() const { return !horizontal_flip && !vertical_flip && dy == 0 && dx == 0; }
};

// SplitMix64 finaliser: the mixing step behind every seed derived here and in
// the loader (portable, unlike std::seed_seq or std distributions).
uint64_t mix64(uint64_t x);

// The transform of `sample` (its index in the source) in `epoch`.
AugmentParams draw_augment(const AugmentOptions& options, uint64_t seed, int64_t epoch,
                           int64_t sample);

// Applies `params` in place to `planes` planes of height x width floats laid
// out one after the other (C order: [planes, height, width]). Thread-safe.
void apply_augment(const AugmentParams& params, float* planes, int64_t count_planes,
                   int64_t height, int64_t width);

}  // namespace glint::train
