#include "model/unet.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <stdexcept>
#include <string>

namespace glint::train {
namespace {

UNetOptions tiny() { return UNetOptions{.in_channels = 1, .out_channels = 2, .base_channels = 4, .depth = 2}; }

std::string error_of(UNet& net, const torch::Tensor& x) {
  try {
    net->forward(x);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(UNetTest, UpsamplingAsConvolutionAndShuffleEqualsTransposedConvolution) {
  torch::manual_seed(1);
  torch::nn::ConvTranspose2d up(torch::nn::ConvTranspose2dOptions(6, 3, 2).stride(2));
  const auto x = torch::randn({2, 6, 5, 7});
  const auto want = up->forward(x);
  const auto got = upsample2x(up, x);
  ASSERT_EQ(got.sizes(), want.sizes());
  EXPECT_LT((got - want).abs().max().item<double>(), 1e-5);
  // Gradients reach the same parameters with the same values.
  want.square().sum().backward();
  const auto weight_grad = up->weight.grad().clone();
  const auto bias_grad = up->bias.grad().clone();
  up->zero_grad();
  got.square().sum().backward();
  EXPECT_LT((up->weight.grad() - weight_grad).abs().max().item<double>(), 1e-4);
  EXPECT_LT((up->bias.grad() - bias_grad).abs().max().item<double>(), 1e-4);
}

TEST(UNetTest, DefaultsAreDocumented) {
  const UNetOptions o;
  EXPECT_EQ(o.in_channels, 1);
  EXPECT_EQ(o.out_channels, 1);
  EXPECT_EQ(o.base_channels, 16);
  EXPECT_EQ(o.depth, 3);
  EXPECT_EQ(describe(o), "in=1 out=1 base=16 depth=3");
}

TEST(UNetTest, OutputHasInputSizeAndOneMapPerChannel) {
  UNet net(tiny());
  const auto logits = net->forward(torch::rand({3, 1, 16, 24}));
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{3, 2, 16, 24}));
}

TEST(UNetTest, HeadBiasStartsAtProbabilityOneTenth) {
  UNet net(tiny());
  const auto bias = *net->named_parameters().find("head.bias");
  EXPECT_NEAR(torch::sigmoid(bias).min().item<double>(), 0.1, 1e-6);
  EXPECT_NEAR(torch::sigmoid(bias).max().item<double>(), 0.1, 1e-6);
}

TEST(UNetTest, ParameterNamesAreStableAndReadable) {
  UNet net(tiny());
  const auto params = net->named_parameters();
  for (const char* name : {"enc0.conv1.weight", "enc0.bn1.weight", "enc1.conv2.weight",
                           "bottleneck.conv1.weight", "up1.weight", "up0.bias",
                           "dec0.conv2.weight", "dec1.bn2.bias", "head.weight", "head.bias"}) {
    EXPECT_NE(params.find(name), nullptr) << name;
  }
  const auto buffers = net->named_buffers();
  EXPECT_NE(buffers.find("enc0.bn1.running_mean"), nullptr);
  EXPECT_NE(buffers.find("dec1.bn2.running_var"), nullptr);
  EXPECT_NE(buffers.find("bottleneck.bn2.num_batches_tracked"), nullptr);
  // Channel plan: level i has base * 2^i feature maps.
  EXPECT_EQ(params.find("enc1.conv1.weight")->sizes(), (std::vector<int64_t>{8, 4, 3, 3}));
  EXPECT_EQ(params.find("bottleneck.conv1.weight")->sizes(), (std::vector<int64_t>{16, 8, 3, 3}));
  EXPECT_EQ(params.find("up1.weight")->sizes(), (std::vector<int64_t>{16, 8, 2, 2}));
  EXPECT_EQ(params.find("dec0.conv1.weight")->sizes(), (std::vector<int64_t>{4, 8, 3, 3}));
  EXPECT_EQ(params.find("head.weight")->sizes(), (std::vector<int64_t>{2, 4, 1, 1}));
}

TEST(UNetTest, RejectsSizesNotDivisibleByTwoToTheDepth) {
  UNet net(tiny());
  EXPECT_EQ(error_of(net, torch::rand({1, 1, 18, 16})),
            "UNet input of shape 1x1x18x16 (NxCxHxW): height 18 is not a positive multiple of "
            "2^depth = 4; crop or pad images to a multiple of 4 or lower the depth");
  EXPECT_NE(error_of(net, torch::rand({1, 1, 16, 6})).find("width 6 is not a positive multiple"),
            std::string::npos);
}

TEST(UNetTest, RejectsWrongRankAndChannelCount) {
  UNet net(tiny());
  EXPECT_EQ(error_of(net, torch::rand({1, 16, 16})),
            "UNet input of shape 1x16x16 (NxCxHxW): expected 4 dimensions");
  EXPECT_EQ(error_of(net, torch::rand({1, 3, 16, 16})),
            "UNet input of shape 1x3x16x16 (NxCxHxW): expected 1 channel(s), got 3");
}

TEST(UNetTest, RejectsOptionsOutOfRange) {
  auto bad = tiny();
  bad.depth = 0;
  try {
    UNet net(bad);
    FAIL() << "depth 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "UNet option depth = 0 is out of range; use 1..8");
  }
}

TEST(UNetTest, LearnsToFitOneHeatmap) {
  torch::manual_seed(1);
  UNet net(tiny());
  const auto x = torch::rand({2, 1, 16, 16});
  auto y = torch::zeros({2, 2, 16, 16});
  y.index_put_({torch::indexing::Slice(), 0, 5, 7}, 1.0);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-2));
  double first = 0, last = 0;
  for (int step = 0; step < 30; ++step) {
    adam.zero_grad();
    const auto loss = torch::binary_cross_entropy_with_logits(net->forward(x), y);
    loss.backward();
    adam.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_LT(last, first * 0.5);
  EXPECT_GT(count_parameters(*net), 0);
}

}  // namespace
}  // namespace glint::train
