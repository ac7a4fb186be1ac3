// The glint heatmap network: a small UNet that maps an infrared eye image to
// one logit map per glint channel. Heatmap prediction = sigmoid(logits).
#pragma once

#include <torch/torch.h>

#include "model/sync_batchnorm.h"

#include <cstdint>
#include <string>
#include <vector>

namespace glint::train {

struct UNetOptions {
  // Image channels (infrared: 1).
  int64_t in_channels = 1;
  // Heatmap channels K, one per glint kind (1: all glints in one map).
  int64_t out_channels = 1;
  // Feature maps of the first encoder level; level i has base_channels * 2^i.
  int64_t base_channels = 16;
  // Number of encoder levels (each halves H and W). Input H and W must be
  // divisible by 2^depth. Valid: 1..8.
  int64_t depth = 3;
};

// Throws std::invalid_argument (one line) when a field is out of range.
void validate_unet_options(const UNetOptions& options);

// "in=1 out=1 base=16 depth=3", for logs.
std::string describe(const UNetOptions& options);

// Two 3x3 convolutions (padding 1, no bias), each followed by BatchNorm and
// ReLU. Submodules: conv1, bn1, conv2, bn2.
class ConvBlockImpl : public torch::nn::Module {
 public:
  ConvBlockImpl(int64_t in_channels, int64_t out_channels);
  torch::Tensor forward(const torch::Tensor& x);
  // Non-null: BatchNorm statistics over all ranks (sync_batchnorm.h).
  void set_rank_sum(const RankSum* sum) { rank_sum_ = sum; }

 private:
  torch::Tensor norm(torch::nn::BatchNorm2d& bn, const torch::Tensor& x);
  const RankSum* rank_sum_ = nullptr;
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::BatchNorm2d bn2_{nullptr};
};
TORCH_MODULE(ConvBlock);

// Architecture (L = depth, C = base_channels):
//   enc{i}, i < L : ConvBlock(i ? C*2^(i-1) : in_channels -> C*2^i), then 2x2 max pool
//   bottleneck    : ConvBlock(C*2^(L-1) -> C*2^L)
//   up{i}         : ConvTranspose2d(C*2^(i+1) -> C*2^i, kernel 2, stride 2), run
//                   as a 1x1 convolution and a pixel shuffle (unet.cc)
//   dec{i}        : ConvBlock(concat(up{i}, enc{i} skip) = C*2^(i+1) -> C*2^i)
//   head          : Conv2d 1x1 (C -> out_channels), logits
// The decoder runs from i = L-1 up to 0. Parameter and buffer names are
// stable: "enc0.conv1.weight", "enc0.bn1.running_mean", "up2.weight",
// "dec0.conv2.weight", "head.bias", ... (the same names a Python port with
// the same attribute names would have in its state_dict).
//
// The head bias starts at -log((1 - 0.1) / 0.1) = -2.197 (CenterNet's prior:
// every pixel starts at probability 0.1), which keeps the focal loss from
// exploding on the first steps when almost every pixel is background.
//
// Not thread safe (like every torch::nn::Module): one trainer thread calls it.
class UNetImpl : public torch::nn::Module {
 public:
  // Throws std::invalid_argument when options are out of range.
  explicit UNetImpl(const UNetOptions& options = {});

  // x: float [B, in_channels, H, W] with H, W > 0 and divisible by 2^depth.
  // Returns logits [B, out_channels, H, W]. Throws std::invalid_argument with
  // a one-line message for a wrong shape.
  torch::Tensor forward(const torch::Tensor& x);

  // Throws std::invalid_argument when forward() would reject `x`'s shape.
  void check_input(const torch::Tensor& x) const;

  const UNetOptions& options() const { return options_; }

  // Makes every BatchNorm use statistics over all ranks, summed by `sum`
  // (which must outlive the model's use); nullptr returns to plain BatchNorm.
  void set_rank_sum(const RankSum* sum);

 private:
  UNetOptions options_;
  std::vector<ConvBlock> encoders_;               // enc{i}
  ConvBlock bottleneck_{nullptr};
  std::vector<torch::nn::ConvTranspose2d> ups_;   // up{i}
  std::vector<ConvBlock> decoders_;               // dec{i}
  torch::nn::Conv2d head_{nullptr};
};
TORCH_MODULE(UNet);

// up(x) for a ConvTranspose2d with kernel 2 and stride 2 (checked by the
// caller), computed as a 1x1 convolution to 4x the channels followed by a
// pixel shuffle:  out[o, 2i+a, 2j+b] = bias[o] + sum_c x[c, i, j] * W[c, o, a, b].
// Same parameters and result (up to rounding), but it runs on oneDNN's
// convolution kernels, in bfloat16 under autocast, instead of LibTorch 1.13's
// BLAS-based slow_conv_transpose2d, which has no bfloat16 path; measured 2.5x
// faster in fp32 and 4x in bf16 channels-last (docs/MODEL.md).
torch::Tensor upsample2x(const torch::nn::ConvTranspose2d& up, const torch::Tensor& x);

// Number of trainable scalars, for logs.
int64_t count_parameters(UNetImpl& model);

}  // namespace glint::train
