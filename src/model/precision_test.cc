#include "model/precision.h"

#include <ATen/autocast_mode.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <stdexcept>
#include <string>

#include "model/unet.h"

namespace glint::train {
namespace {

std::string error_of(const std::string& flag) {
  try {
    resolve_precision(flag, torch::kCPU);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(PrecisionTest, AutoIsBf16ExactlyWhereTheCpuHasAvx512Bf16) {
  EXPECT_EQ(resolve_precision("auto", torch::kCPU),
            cpu_has_avx512_bf16() ? Precision::kBf16 : Precision::kFp32);
  EXPECT_EQ(resolve_precision("fp32", torch::kCPU), Precision::kFp32);
  EXPECT_EQ(precision_name(Precision::kBf16), "bf16");
}

TEST(PrecisionTest, UnknownOrUnsupportedPrecisionSaysWhatToUse) {
  EXPECT_NE(error_of("fp16").find("--precision fp16: unknown; use auto, fp32 or bf16"),
            std::string::npos);
  if (cpu_has_avx512_bf16()) {
    EXPECT_EQ(error_of("bf16"), "no error");
  } else {
    EXPECT_NE(error_of("bf16").find("use --precision fp32"), std::string::npos);
  }
}

TEST(PrecisionTest, AutocastScopeRunsConvolutionsInBf16AndRestoresTheState) {
  if (!cpu_has_avx512_bf16()) GTEST_SKIP() << "no AVX512_BF16 on this CPU";
  RunMode bf16;
  bf16.precision = Precision::kBf16;
  const auto x = torch::rand({2, 3, 8, 8});
  const auto w = torch::rand({4, 3, 3, 3});
  ASSERT_FALSE(at::autocast::is_autocast_enabled(at::kCPU));
  {
    AutocastScope scope(bf16);
    EXPECT_TRUE(at::autocast::is_autocast_enabled(at::kCPU));
    const auto y = torch::conv2d(x, w);
    EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
    EXPECT_EQ(float_logits(y).scalar_type(), torch::kFloat);
  }
  EXPECT_FALSE(at::autocast::is_autocast_enabled(at::kCPU));
  RunMode fp32;
  AutocastScope none(fp32);
  EXPECT_EQ(torch::conv2d(x, w).scalar_type(), torch::kFloat);
}

TEST(PrecisionTest, ChannelsLastKeepsTheSameParametersAndTheSameOutput) {
  torch::manual_seed(0);
  UNet net(UNetOptions{.in_channels = 1, .out_channels = 1, .base_channels = 4, .depth = 2});
  net->eval();
  const auto x = torch::rand({2, 1, 16, 16});
  const auto before = net->forward(x);
  const auto weight = *net->named_parameters().find("enc0.conv1.weight");
  const void* impl = weight.unsafeGetTensorImpl();
  RunMode mode;
  apply_layout(*net, mode);
  const auto after_weight = *net->named_parameters().find("enc0.conv1.weight");
  EXPECT_EQ(after_weight.unsafeGetTensorImpl(), impl);  // optimisers keep seeing it
  EXPECT_TRUE(after_weight.is_contiguous(at::MemoryFormat::ChannelsLast));
  const auto after = float_logits(net->forward(to_input(x, mode)));
  EXPECT_TRUE(after.is_contiguous());
  EXPECT_LT((after - before).abs().max().item<double>(), 1e-4);
}

// A weight with one input or output channel is contiguous in both layouts;
// the convolution goes by the strides it suggests. Converted with
// contiguous(), the first block ran NCHW and its backward mixed layouts.
TEST(PrecisionTest, OneChannelWeightsTakeChannelsLastStridesSoTheFirstBlockStaysChannelsLast) {
  torch::manual_seed(0);
  UNet net(UNetOptions{.in_channels = 1, .out_channels = 1, .base_channels = 4, .depth = 2});
  RunMode mode;
  apply_layout(*net, mode);
  for (const auto& p : net->named_parameters()) {
    if (p.value().dim() != 4) continue;
    EXPECT_EQ(p.value().suggest_memory_format(), at::MemoryFormat::ChannelsLast) << p.key();
  }
  const auto x = to_input(torch::rand({2, 1, 16, 16}), mode);
  auto enc0 = net->named_children()["enc0"]->as<ConvBlockImpl>();
  ASSERT_NE(enc0, nullptr);
  EXPECT_EQ(enc0->forward(x).suggest_memory_format(), at::MemoryFormat::ChannelsLast);
  net->forward(x).sum().backward();
  for (const auto& p : net->named_parameters()) {
    if (p.value().dim() != 4) continue;
    EXPECT_EQ(p.value().grad().suggest_memory_format(), at::MemoryFormat::ChannelsLast) << p.key();
  }
}

}  // namespace
}  // namespace glint::train
