#include "model/pixel_scale.h"

#include <c10/util/Half.h>

#include <array>

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

// One pass that converts and replaces NaN by 0, written without branches so
// that the compiler vectorises it (a batch is megabytes of floats).
template <typename T, typename ToFloat>
int64_t convert_float_nan_to_zero(const void* src, int64_t count, float* dst, ToFloat to_float) {
  const T* in = static_cast<const T*>(src);
  int64_t nans = 0;
  for (int64_t i = 0; i < count; ++i) {
    const float v = to_float(in[i]);
    const bool nan = v != v;  // std::isnan, in a form every vectoriser knows
    nans += nan;
    dst[i] = nan ? 0.0f : v;
  }
  return nans;
}

}  // namespace

// c10's branch-free conversion: exact for every value, and several times
// faster than decoding the fields one by one (heatmaps are mostly zeros and
// subnormals, which a field decoder sends down its slow path).
float half_to_float(uint16_t bits) { return c10::detail::fp16_ieee_to_fp32_value(bits); }

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
    case DType::kFloat16:
      return convert_float_nan_to_zero<uint16_t>(src, count, dst, c10::detail::fp16_ieee_to_fp32_value);
    case DType::kFloat32:
      return convert_float_nan_to_zero<float>(src, count, dst, [](float v) { return v; });
    case DType::kFloat64:
      return convert_float_nan_to_zero<double>(src, count, dst, [](double v) { return static_cast<float>(v); });
  }
  return 0;
}

}  // namespace glint::train
