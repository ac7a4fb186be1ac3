// Run names and hyper-parameters of train_glint_unet --tensorboard. What the
// files hold is read back by tensorboard itself in tests/tensorboard/.
#include "tensorboard_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

namespace glint::train {
namespace {

TEST(TensorBoardLogTest, ARunIsNamedAfterTheFlagsThatDifferFromTheirDefaults) {
  TrainOptions o;
  o.h5 = "/data/glints.h5";
  EXPECT_EQ(run_name(o), "defaults");
  o.loss = "hybrid";
  o.lr = 3e-4;
  o.augment = true;
  EXPECT_EQ(run_name(o), "loss=hybrid,lr=0.0003,augment=true");
  o.run_name = "mine";
  EXPECT_EQ(run_name(o), "mine");
}

TEST(TensorBoardLogTest, HParamsNameEveryFlagAndTheDataFile) {
  TrainOptions o;
  o.h5 = "/data/glints.h5";
  o.batch = 8;
  std::vector<std::string> names;
  for (const tblog::HParam& h : run_hparams(o)) {
    names.push_back(h.name);
    if (h.name == "batch") {
      EXPECT_EQ(h.value.number(), 8);
    } else if (h.name == "data") {
      EXPECT_EQ(h.value.text(), "glints.h5");
    } else if (h.name == "augment") {
      EXPECT_EQ(h.value.type(), tblog::HParamValue::Type::kBool);
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"loss", "lr", "batch", "epochs", "seed", "val_split", "augment",
                                             "base_channels", "depth", "precision", "world_size", "data"}));
}

TEST(TensorBoardLogTest, WithoutAFolderOrOffRankZeroNothingIsWritten) {
  TrainOptions o;
  EXPECT_FALSE(TensorBoardLog(o, std::cerr).enabled());
  o.tensorboard = ::testing::TempDir() + "/tb_rank1";
  o.dist.rank = 1;
  EXPECT_FALSE(TensorBoardLog(o, std::cerr).enabled());
  EXPECT_FALSE(std::filesystem::exists(o.tensorboard));
}

}  // namespace
}  // namespace glint::train
