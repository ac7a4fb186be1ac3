// The model of glint_predict in each precision: bf16 autocast computes the
// heatmaps of fp32, and the fp32 path (channels-last) those of the plain model.
#include "predict/model.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace glint::predict {
namespace {

class PredictModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(7);
    train::CheckpointMeta meta;
    meta.unet.base_channels = 8;
    meta.unet.depth = 3;
    unet_ = train::UNet(meta.unet);
    unet_->eval();
    train::save_checkpoint(path(), *unet_, nullptr, meta);
    images_ = torch::rand({4, 1, 64, 64});
  }
  std::string path() const { return dir_.file("m.pt"); }

  testing::TempDir dir_;
  train::UNet unet_{nullptr};
  torch::Tensor images_;
};

TEST_F(PredictModelTest, Fp32ChannelsLastGivesThePlainModelsHeatmaps) {
  LoadedModel m = load_model(path(), "fp32");
  EXPECT_EQ(m.mode.precision, train::Precision::kFp32);
  torch::NoGradGuard no_grad;
  const torch::Tensor plain = torch::sigmoid(unet_->forward(images_));
  const torch::Tensor got = predict_heatmaps(m, images_);
  EXPECT_EQ(got.scalar_type(), torch::kFloat);
  EXPECT_TRUE(torch::allclose(got, plain, 1e-5, 1e-6)) << (got - plain).abs().max().item<double>();
}

TEST_F(PredictModelTest, Bf16AutocastGivesTheHeatmapsOfFp32) {
  if (!train::cpu_has_avx512_bf16()) GTEST_SKIP() << "this CPU has no AVX512_BF16";
  // A fresh head maps every pixel near the prior (0.1): large weights, as a
  // trained head has, make the heatmaps vary so that the comparison means something.
  {
    torch::NoGradGuard no_grad;
    unet_->named_parameters()["head.weight"].normal_(0.0, 100.0);
  }
  train::save_checkpoint(path(), *unet_, nullptr, train::read_checkpoint_meta(path()));
  LoadedModel fp32 = load_model(path(), "fp32");
  LoadedModel bf16 = load_model(path(), "bf16");
  EXPECT_EQ(bf16.mode.precision, train::Precision::kBf16);
  const torch::Tensor a = predict_heatmaps(fp32, images_);
  const torch::Tensor b = predict_heatmaps(bf16, images_);
  ASSERT_EQ(a.sizes(), b.sizes());
  EXPECT_EQ(b.scalar_type(), torch::kFloat);
  // The comparison means something only where the heatmaps vary.
  const double spread = (a.max() - a.min()).item<double>();
  const double error = (a - b).abs().max().item<double>();
  ASSERT_GT(spread, 0.3);
  EXPECT_LT(error, 0.05 * spread) << "spread " << spread;
}

// Logits are float32 under autocast (the head's bias added in float32): near
// the prior (-2.2), bfloat16 logits would come in steps of 2^-6 and the
// scores in steps of ~0.0014.
TEST_F(PredictModelTest, Bf16LogitsAreFloat32NearThePrior) {
  if (!train::cpu_has_avx512_bf16()) GTEST_SKIP() << "this CPU has no AVX512_BF16";
  LoadedModel fp32 = load_model(path(), "fp32");
  LoadedModel bf16 = load_model(path(), "bf16");
  {
    torch::NoGradGuard no_grad;
    train::AutocastScope autocast(bf16.mode);
    EXPECT_EQ(bf16.unet->forward(train::to_input(images_, bf16.mode)).scalar_type(), torch::kFloat);
  }
  const torch::Tensor a = predict_heatmaps(fp32, images_);
  const torch::Tensor b = predict_heatmaps(bf16, images_);
  EXPECT_LT((a - b).abs().max().item<double>(), 2e-4);
}

}  // namespace
}  // namespace glint::predict
