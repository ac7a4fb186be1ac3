#include "model/unet.h"

#include <ATen/autocast_mode.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace glint::train {
namespace {

namespace nn = torch::nn;

std::string shape_text(const torch::Tensor& x) {
  std::ostringstream out;
  for (int64_t i = 0; i < x.dim(); ++i) out << (i ? "x" : "") << x.size(i);
  return out.str();
}

void check_range(const char* name, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi) {
    throw std::invalid_argument("UNet option " + std::string(name) + " = " +
                                std::to_string(value) + " is out of range; use " +
                                std::to_string(lo) + ".." + std::to_string(hi));
  }
}

}  // namespace

torch::Tensor upsample2x(const torch::nn::ConvTranspose2d& up, const torch::Tensor& x) {
  const torch::Tensor& w = up->weight;  // [in, out, 2, 2]
  const torch::Tensor w1x1 = w.permute({1, 2, 3, 0}).reshape({w.size(1) * 4, w.size(0), 1, 1});
  return torch::pixel_shuffle(torch::conv2d(x, w1x1, up->bias.repeat_interleave(4)), 2);
}

void validate_unet_options(const UNetOptions& options) {
  check_range("in_channels", options.in_channels, 1, 64);
  check_range("out_channels", options.out_channels, 1, 64);
  check_range("base_channels", options.base_channels, 1, 1024);
  check_range("depth", options.depth, 1, 8);
}

std::string describe(const UNetOptions& options) {
  return "in=" + std::to_string(options.in_channels) +
         " out=" + std::to_string(options.out_channels) +
         " base=" + std::to_string(options.base_channels) +
         " depth=" + std::to_string(options.depth);
}

ConvBlockImpl::ConvBlockImpl(int64_t in_channels, int64_t out_channels) {
  // No conv bias: BatchNorm's shift makes it redundant.
  auto conv = [](int64_t in, int64_t out) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(false));
  };
  conv1_ = register_module("conv1", conv(in_channels, out_channels));
  bn1_ = register_module("bn1", nn::BatchNorm2d(out_channels));
  conv2_ = register_module("conv2", conv(out_channels, out_channels));
  bn2_ = register_module("bn2", nn::BatchNorm2d(out_channels));
}

torch::Tensor ConvBlockImpl::norm(torch::nn::BatchNorm2d& bn, const torch::Tensor& x) {
  return rank_sum_ != nullptr ? sync_batch_norm(x, bn, *rank_sum_) : bn->forward(x);
}

torch::Tensor ConvBlockImpl::forward(const torch::Tensor& x) {
  // ReLU in place: BatchNorm's backward needs its input, not its output, so
  // the output's memory can hold the activation (one tensor less per layer).
  // The synchronised BatchNorm's autograd keeps its own tensors: out of place
  // there, the rarer path.
  const bool in_place = rank_sum_ == nullptr;
  const auto relu = [in_place](const torch::Tensor& t) { return in_place ? t.relu_() : torch::relu(t); };
  const torch::Tensor y = relu(norm(bn1_, conv1_->forward(x)));
  return relu(norm(bn2_, conv2_->forward(y)));
}

void UNetImpl::set_rank_sum(const RankSum* sum) {
  for (auto& block : encoders_) block->set_rank_sum(sum);
  bottleneck_->set_rank_sum(sum);
  for (auto& block : decoders_) block->set_rank_sum(sum);
}

UNetImpl::UNetImpl(const UNetOptions& options) : options_(options) {
  validate_unet_options(options);
  const int64_t c = options.base_channels;
  const int64_t levels = options.depth;
  int64_t in = options.in_channels;
  for (int64_t i = 0; i < levels; ++i) {
    encoders_.push_back(register_module("enc" + std::to_string(i), ConvBlock(in, c << i)));
    in = c << i;
  }
  bottleneck_ = register_module("bottleneck", ConvBlock(in, c << levels));
  // Registered in level order so that named_parameters() lists up0 before up1.
  for (int64_t i = 0; i < levels; ++i) {
    const auto up = nn::ConvTranspose2dOptions(c << (i + 1), c << i, 2).stride(2);
    ups_.push_back(register_module("up" + std::to_string(i), nn::ConvTranspose2d(up)));
    decoders_.push_back(
        register_module("dec" + std::to_string(i), ConvBlock(c << (i + 1), c << i)));
  }
  head_ = register_module("head", nn::Conv2d(nn::Conv2dOptions(c, options.out_channels, 1)));
  torch::NoGradGuard no_grad;
  head_->bias.fill_(-std::log((1.0 - 0.1) / 0.1));
}

void UNetImpl::check_input(const torch::Tensor& x) const {
  const int64_t multiple = int64_t{1} << options_.depth;
  const std::string what = "UNet input of shape " + shape_text(x) + " (NxCxHxW): ";
  if (x.dim() != 4) {
    throw std::invalid_argument(what + "expected 4 dimensions");
  }
  if (x.size(1) != options_.in_channels) {
    throw std::invalid_argument(what + "expected " + std::to_string(options_.in_channels) +
                                " channel(s), got " + std::to_string(x.size(1)));
  }
  for (int dim : {2, 3}) {
    const int64_t size = x.size(dim);
    if (size <= 0 || size % multiple != 0) {
      throw std::invalid_argument(
          what + (dim == 2 ? "height " : "width ") + std::to_string(size) +
          " is not a positive multiple of 2^depth = " + std::to_string(multiple) +
          "; crop or pad images to a multiple of " + std::to_string(multiple) +
          " or lower the depth");
    }
  }
}

torch::Tensor UNetImpl::forward(const torch::Tensor& x) {
  check_input(x);
  std::vector<torch::Tensor> skips;
  auto y = x;
  for (auto& encoder : encoders_) {
    skips.push_back(encoder->forward(y));
    y = torch::max_pool2d(skips.back(), /*kernel_size=*/2);
  }
  y = bottleneck_->forward(y);
  for (size_t i = decoders_.size(); i-- > 0;) {
    y = torch::cat({upsample2x(ups_[i], y), skips[i]}, /*dim=*/1);
    y = decoders_[i]->forward(y);
  }
  if (!at::autocast::is_autocast_enabled(y.device().type())) return head_->forward(y);
  // Under autocast the head's bias is added in float32: bfloat16 logits near
  // the prior's -2.2 would come in steps of 2^-6 (scores in steps of
  // ~0.0014), flattening the heatmap's peaks into plateaus, while the
  // convolution's part, near 0, keeps bfloat16's relative precision. (A
  // float32 head would keep a float32 copy of its input for the backward
  // pass: +130 MiB at the seed size.)
  const torch::Tensor z = torch::conv2d(y, head_->weight);
  return z.to(torch::kFloat) + head_->bias.view({1, -1, 1, 1});
}

int64_t count_parameters(UNetImpl& model) {
  int64_t total = 0;
  for (const auto& p : model.parameters()) total += p.numel();
  return total;
}

}  // namespace glint::train
