// Raw dataset elements -> float32, the one place where pixel scaling lives.
//
// Scaling (ValueScale::kImage, used for images):
//   uint8  -> value / 255      (0..1)
//   uint16 -> value / 65535    (0..1)
//   int8, int16, int32, int64, uint32, uint64 -> the value itself (int64 and
//          uint64 beyond 2^24 lose precision in float32)
//   float16, float32, float64 -> the value itself (float64 rounded to float32)
// ValueScale::kAsIs (used for heatmaps): every dtype -> the value itself.
//
// NaN (float dtypes only) becomes 0 under both scales, and is counted so that
// the caller can warn: a single NaN in a batch would make the loss NaN.
// Infinities are kept. All functions are pure and thread-safe.
#pragma once

#include <cstdint>

#include "glint/dtype.h"

namespace glint::train {

enum class ValueScale {
  kImage,  // uint8 / 255, uint16 / 65535, everything else as is
  kAsIs,   // every value as is
};

// IEEE 754 binary16 (bits) -> float, exact for every value (subnormals,
// infinities and NaN included).
float half_to_float(uint16_t bits);

// Converts `count` elements of `dtype` at `src` (aligned for the dtype) into
// `dst`. Returns how many NaN were replaced by 0.
int64_t convert_to_float(DType dtype, const void* src, int64_t count, float* dst,
                         ValueScale scale);

}  // namespace glint::train
