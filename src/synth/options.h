// What the synthetic glint dataset generator makes, and how.
#pragma once

#include <cstdint>
#include <string>

#include "glint/dtype.h"
#include "glint/status.h"

namespace glint::synth {

// Version of the rendering model, stored in the file. Bump it whenever the
// same options and seed would produce different pixels.
inline constexpr int kRenderVersion = 1;

struct GeneratorOptions {
  // Number of samples (dimension 0 of every dataset). At least 1.
  uint64_t count = 1000;
  // Images are size x size pixels, 16..4096.
  uint32_t size = 256;
  // Each sample has a uniformly drawn number of glints in [min, max];
  // max_glints (1..64) is also K, the second dimension of "glints".
  uint32_t min_glints = 1;
  uint32_t max_glints = 4;
  // kUInt8 (0..255) or kFloat32 (0..1).
  DType image_dtype = DType::kUInt8;
  // kFloat16 or kFloat32.
  DType heatmap_dtype = DType::kFloat16;
  // Standard deviation of the Gaussian around each glint, in pixels (0.3..50).
  double sigma = 2.0;
  // Same seed and options give a byte-identical file.
  uint64_t seed = 0;
  // Chunk every dataset per image and deflate it (with shuffle); otherwise
  // the datasets are contiguous, which the cache can read directly.
  bool compress = false;
  // Replace an existing output file; otherwise refuse.
  bool overwrite = false;
  // Rendering threads; 0 means one per core. Never changes the output.
  unsigned threads = 0;
  // Samples are rendered and written in blocks of at most this many bytes, so
  // memory stays bounded whatever the file size.
  uint64_t block_bytes = 16ull << 20;
};

// The example dataset of the original design document ("train_256.h5", its
// "368 MB" being 367.5 MiB of payload): 980 samples of 256 x 256, float32
// images, float16 heatmaps.
GeneratorOptions seed_preset();

// kInvalidArgument naming the first bad field and its allowed range.
Status validate(const GeneratorOptions& options);

// Payload bytes of one sample in each dataset, and of the whole dataset
// (what a shared-memory cache of the file holds, HDF5 overhead excluded).
uint64_t image_bytes(const GeneratorOptions& options);
uint64_t heatmap_bytes(const GeneratorOptions& options);
uint64_t glint_bytes(const GeneratorOptions& options);
uint64_t payload_bytes(const GeneratorOptions& options);

}  // namespace glint::synth
