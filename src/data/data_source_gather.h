// Turning rows of a SampleSource into float32 batch tensors.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <span>

#include "data/augment.h"
#include "data/data_source.h"

namespace glint::train {

struct Batch {
  torch::Tensor images;       // [B, C, H, W] float32, scaled as model/pixel_scale.h says
  torch::Tensor heatmaps;     // [B, K, H, W] float32, values as stored
  torch::Tensor indices;      // [B] int64: the source row of each sample
  int64_t nan_replaced = 0;   // NaN elements set to 0 in this batch (both fields)
};

struct GatherOptions {
  // Apply augment.h's per-sample transform, seeded by (seed, epoch, row).
  bool augment = false;
  AugmentOptions augment_options{};
  uint64_t seed = 0;
  int64_t epoch = 0;
  // Allocate page-locked host memory, so that a later .to(cuda, non_blocking)
  // overlaps the copy. Only valid when CUDA is available.
  bool pin_memory = false;
};

// Builds the batch of source rows `indices` (in that order; repeats allowed).
// Each row is converted straight into its slot of freshly allocated tensors:
// one copy from the source (none for the raw bytes of in-memory sources).
// Thread-safe for concurrent calls. Throws std::out_of_range for an index
// outside [0, source.size()), std::runtime_error if a row cannot be read.
Batch gather_batch(const SampleSource& source, std::span<const int64_t> indices,
                   const GatherOptions& options);

}  // namespace glint::train
