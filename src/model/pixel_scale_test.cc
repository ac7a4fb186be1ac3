#include "model/pixel_scale.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace glint::train {
namespace {

TEST(ConvertTest, Uint8ImagesAreDividedBy255) {
  const std::vector<uint8_t> in = {0, 1, 128, 255};
  std::vector<float> out(in.size());
  EXPECT_EQ(convert_to_float(DType::kUInt8, in.data(), 4, out.data(), ValueScale::kImage), 0);
  for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ(out[i], static_cast<float>(in[i]) / 255.0f);
  EXPECT_EQ(out[3], 1.0f);
}

TEST(ConvertTest, Uint16ImagesAreDividedBy65535) {
  const std::vector<uint16_t> in = {0, 1, 32768, 65535};
  std::vector<float> out(in.size());
  convert_to_float(DType::kUInt16, in.data(), 4, out.data(), ValueScale::kImage);
  for (size_t i = 0; i < in.size(); ++i) EXPECT_EQ(out[i], static_cast<float>(in[i]) / 65535.0f);
  EXPECT_EQ(out[3], 1.0f);
}

TEST(ConvertTest, OtherIntegerImagesKeepTheirValue) {
  const std::vector<int16_t> i16 = {-3, 0, 1000};
  const std::vector<int32_t> i32 = {-70000, 5, 1 << 20};
  const std::vector<uint32_t> u32 = {7, 4000000};
  std::vector<float> out(3);
  convert_to_float(DType::kInt16, i16.data(), 3, out.data(), ValueScale::kImage);
  EXPECT_EQ(out, (std::vector<float>{-3, 0, 1000}));
  convert_to_float(DType::kInt32, i32.data(), 3, out.data(), ValueScale::kImage);
  EXPECT_EQ(out, (std::vector<float>{-70000, 5, 1 << 20}));
  convert_to_float(DType::kUInt32, u32.data(), 2, out.data(), ValueScale::kImage);
  EXPECT_EQ(out[0], 7.0f);
  EXPECT_EQ(out[1], 4000000.0f);
}

TEST(ConvertTest, AsIsScaleKeepsUint8HeatmapValues) {
  const std::vector<uint8_t> in = {0, 17, 255};
  std::vector<float> out(in.size());
  convert_to_float(DType::kUInt8, in.data(), 3, out.data(), ValueScale::kAsIs);
  EXPECT_EQ(out, (std::vector<float>{0, 17, 255}));
}

TEST(ConvertTest, FloatsAreKeptAsIs) {
  const std::vector<double> f64 = {0.25, -1e10, 3.0};
  const std::vector<float> f32 = {0.5f, -2.0f, 1e-30f};
  std::vector<float> out(3);
  convert_to_float(DType::kFloat64, f64.data(), 3, out.data(), ValueScale::kImage);
  EXPECT_EQ(out, (std::vector<float>{0.25f, -1e10f, 3.0f}));
  convert_to_float(DType::kFloat32, f32.data(), 3, out.data(), ValueScale::kImage);
  EXPECT_EQ(out, f32);
}

TEST(ConvertTest, HalfToFloatMatchesC10HalfForEveryBitPattern) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    c10::Half h(static_cast<uint16_t>(bits), c10::Half::from_bits());
    const float expected = static_cast<float>(h);
    const float got = half_to_float(static_cast<uint16_t>(bits));
    if (std::isnan(expected)) {
      ASSERT_TRUE(std::isnan(got)) << "bits 0x" << std::hex << bits;
    } else {
      uint32_t a, b;
      std::memcpy(&a, &expected, 4);
      std::memcpy(&b, &got, 4);
      ASSERT_EQ(a, b) << "bits 0x" << std::hex << bits;
    }
  }
}

TEST(ConvertTest, NanBecomesZeroAndIsCounted) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> f32 = {1.0f, nan, 2.0f, nan};
  std::vector<float> out(4);
  EXPECT_EQ(convert_to_float(DType::kFloat32, f32.data(), 4, out.data(), ValueScale::kImage), 2);
  EXPECT_EQ(out, (std::vector<float>{1.0f, 0.0f, 2.0f, 0.0f}));

  const std::vector<uint16_t> f16 = {0x7e00, 0x3c00};  // NaN, 1.0
  EXPECT_EQ(convert_to_float(DType::kFloat16, f16.data(), 2, out.data(), ValueScale::kAsIs), 1);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 1.0f);

  const std::vector<double> f64 = {std::nan("")};
  EXPECT_EQ(convert_to_float(DType::kFloat64, f64.data(), 1, out.data(), ValueScale::kAsIs), 1);
  EXPECT_EQ(out[0], 0.0f);
}

TEST(ConvertTest, InfinityIsKept) {
  const std::vector<uint16_t> f16 = {0x7c00, 0xfc00};
  std::vector<float> out(2);
  EXPECT_EQ(convert_to_float(DType::kFloat16, f16.data(), 2, out.data(), ValueScale::kImage), 0);
  EXPECT_EQ(out[0], std::numeric_limits<float>::infinity());
  EXPECT_EQ(out[1], -std::numeric_limits<float>::infinity());
}

}  // namespace
}  // namespace glint::train
