#include "train/convert.h"

#include <array>
#include <cmath>
#include <cstring>

namespace glint::train {
namespace {

// Division rather than a reciprocal multiply, so that the documented "/ 255"
// holds to the last bit; the table makes it free.
const std::array<float, 256>& uint8_image_table() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> t{};
    for (int i = 0; i < 256; ++i) t[i] = static_cast<float>(i) / 255.0f;
    return t;
  }();
  return table;
}

template <typename T>
void convert_plain(const void* src, int64_t count, float* dst, float divisor) {
  const T* in = static_cast<const T*>(src);
  if (divisor == 1.0f) {
    for (int64_t i = 0; i < count; ++i) dst[i] = static_cast<float>(in[i]);
  } else {
    for (int64_t i = 0; i < count; ++i) dst[i] = static_cast<float>(in[i]) / divisor;
  }
}

int64_t replace_nan(float* dst, int64_t count) {
  int64_t nans = 0;
  for (int64_t i = 0; i < count; ++i) {
    if (std::isnan(dst[i])) {
      dst[i] = 0.0f;
      ++nans;
    }
  }
  return nans;
}

}  // namespace

float half_to_float(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1fu;
  const uint32_t mantissa = bits & 0x3ffu;
  float magnitude;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 0x1f) {
    uint32_t out = 0x7f800000u | (mantissa << 13);
    std::memcpy(&magnitude, &out, sizeof out);
  } else {
    uint32_t out = ((exponent + 127 - 15) << 23) | (mantissa << 13);
    std::memcpy(&magnitude, &out, sizeof out);
  }
  uint32_t out_bits;
  std::memcpy(&out_bits, &magnitude, sizeof out_bits);
  out_bits |= sign;
  float result;
  std::memcpy(&result, &out_bits, sizeof result);
  return result;
}

int64_t convert_to_float(DType dtype, const void* src, int64_t count, float* dst,
                         ValueScale scale) {
  const bool image = scale == ValueScale::kImage;
  switch (dtype) {
    case DType::kUInt8: {
      const auto* in = static_cast<const uint8_t*>(src);
      if (image) {
        const auto& table = uint8_image_table();
        for (int64_t i = 0; i < count; ++i) dst[i] = table[in[i]];
      } else {
        convert_plain<uint8_t>(src, count, dst, 1.0f);
      }
      return 0;
    }
    case DType::kUInt16: convert_plain<uint16_t>(src, count, dst, image ? 65535.0f : 1.0f); return 0;
    case DType::kInt8: convert_plain<int8_t>(src, count, dst, 1.0f); return 0;
    case DType::kInt16: convert_plain<int16_t>(src, count, dst, 1.0f); return 0;
    case DType::kInt32: convert_plain<int32_t>(src, count, dst, 1.0f); return 0;
    case DType::kUInt32: convert_plain<uint32_t>(src, count, dst, 1.0f); return 0;
    case DType::kInt64: convert_plain<int64_t>(src, count, dst, 1.0f); return 0;
    case DType::kUInt64: convert_plain<uint64_t>(src, count, dst, 1.0f); return 0;
    case DType::kFloat16: {
      const auto* in = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < count; ++i) dst[i] = half_to_float(in[i]);
      break;
    }
    case DType::kFloat32: std::memcpy(dst, src, static_cast<size_t>(count) * sizeof(float)); break;
    case DType::kFloat64: convert_plain<double>(src, count, dst, 1.0f); break;
  }
  return replace_nan(dst, count);
}

}  // namespace glint::train
