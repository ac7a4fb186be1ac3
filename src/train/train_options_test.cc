#include "train/train_options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "model/losses.h"
#include "util/unet_sizes.h"

namespace glint::train {
namespace {

struct Parsed {
  int code = 0;
  TrainOptions options;
  std::string out;
  std::string err;
};

Parsed parse(const std::vector<std::string>& args) {
  // Program name first, then the arguments (appending avoids a g++ 12
  // -Warray-bounds false positive on inserting a string at the front).
  std::vector<const char*> argv = {"train_glint_unet"};
  for (const auto& a : args) argv.push_back(a.c_str());
  Parsed p;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  p.code = parse_train_options(static_cast<int>(argv.size()), argv.data(), p.options);
  p.out = ::testing::internal::GetCapturedStdout();
  p.err = ::testing::internal::GetCapturedStderr();
  return p;
}

TEST(TrainOptionsTest, DefaultsAreTheSeedsDefaults) {
  const Parsed p = parse({"--h5", "data.h5"});
  ASSERT_EQ(p.code, -1) << p.err;
  EXPECT_EQ(p.options.h5, "data.h5");
  EXPECT_FALSE(p.options.shared_memory);
  EXPECT_TRUE(p.options.preload);
  EXPECT_FALSE(p.options.cleanup_shm);
  EXPECT_EQ(p.options.num_workers, 4);
  EXPECT_EQ(p.options.batch, 16);
  EXPECT_EQ(p.options.epochs, 50);
  EXPECT_EQ(p.options.loss, "focal");
  EXPECT_EQ(p.options.model_path, "model.pt");
  EXPECT_DOUBLE_EQ(p.options.lr, 1e-3);
  EXPECT_DOUBLE_EQ(p.options.val_split, 0.1);
  EXPECT_EQ(p.options.threads, 0);
  EXPECT_EQ(p.options.device, "cpu");
  EXPECT_EQ(p.options.base_channels, 16);
  EXPECT_EQ(p.options.depth, 3);
  EXPECT_EQ(p.options.depth, kDefaultUnetDepth);  // what make_glint_dataset warns about
  EXPECT_EQ(p.options.cache.shm_dir, "/dev/shm");
  EXPECT_EQ(p.options.cache.shm_dir, "/dev/shm");
}

TEST(TrainOptionsTest, MultiWordFlagsTakeBothSpellings) {
  const Parsed p = parse({"--h5", "f", "--shm-dir", "/x", "--share-group", "g", "--fingerprint-dir", "/fp",
                          "--max-shm", "2G", "--world-size", "2", "--rank", "1", "--dist-timeout", "9",
                          "--model-path", "m.pt", "--no-preload"});
  ASSERT_EQ(p.code, -1) << p.err;
  EXPECT_EQ(p.options.cache.shm_dir, "/x");
  EXPECT_EQ(p.options.cache.share_group, "g");
  EXPECT_EQ(p.options.cache.fingerprint.store_dir, "/fp");
  EXPECT_EQ(p.options.cache.max_shm.bytes, 2ull << 30);
  EXPECT_EQ(p.options.dist.world_size, 2);
  EXPECT_EQ(p.options.dist.timeout, std::chrono::seconds(9));
  EXPECT_EQ(p.options.model_path, "m.pt");
  EXPECT_FALSE(p.options.preload);
}

// The --loss flag takes exactly the names of the one loss table.
TEST(TrainOptionsTest, LossFlagTakesEveryLossOfTheTable) {
  for (const std::string& name : loss_names()) {
    const Parsed p = parse({"--h5", "f", "--loss", name});
    EXPECT_EQ(p.code, -1) << name << ": " << p.err;
    EXPECT_EQ(p.options.loss, name);
  }
  EXPECT_EQ(parse({"--h5", "f", "--loss", "l1"}).code, 2);
}

TEST(TrainOptionsTest, PreloadCanBeTurnedOffTwoWays) {
  EXPECT_FALSE(parse({"--h5", "f", "--preload", "false"}).options.preload);
  EXPECT_FALSE(parse({"--h5", "f", "--preload=false"}).options.preload);
  EXPECT_FALSE(parse({"--h5", "f", "--no_preload"}).options.preload);
  EXPECT_TRUE(parse({"--h5", "f", "--preload"}).options.preload);
  EXPECT_TRUE(parse({"--h5", "f", "--shared_memory", "--preload", "true"}).options.shared_memory);
}

TEST(TrainOptionsTest, EveryTorchrunVariableIsReadAndFlagsOverrideThem) {
  const std::vector<std::pair<const char*, const char*>> env = {
      {"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "2"},
      {"GROUP_RANK", "1"}, {"MASTER_ADDR", "10.0.0.1"}, {"MASTER_PORT", "29400"},
      {"TORCHELASTIC_USE_AGENT_STORE", "True"}, {"TORCHELASTIC_RESTART_COUNT", "2"}};
  for (const auto& [name, value] : env) ::setenv(name, value, 1);
  const Parsed p = parse({"--h5", "f"});
  const Parsed overridden = parse({"--h5", "f", "--rank", "0", "--agent_store", "false"});
  ::setenv("TORCHELASTIC_USE_AGENT_STORE", "False", 1);
  const Parsed hosted = parse({"--h5", "f"});
  for (const auto& [name, value] : env) ::unsetenv(name);
  ASSERT_EQ(p.code, -1) << p.err;
  EXPECT_EQ(p.options.dist.rank, 3);
  EXPECT_EQ(p.options.dist.world_size, 4);
  EXPECT_EQ(p.options.local_rank, 1);
  EXPECT_EQ(p.options.local_world_size, 2);
  EXPECT_EQ(p.options.node_rank, 1);
  EXPECT_EQ(p.options.dist.master_addr, "10.0.0.1");
  EXPECT_EQ(p.options.dist.master_port, 29400);
  EXPECT_TRUE(p.options.dist.agent_store);
  EXPECT_EQ(p.options.dist.restart_count, 2);
  EXPECT_EQ(overridden.options.dist.rank, 0);
  EXPECT_FALSE(overridden.options.dist.agent_store);
  EXPECT_FALSE(hosted.options.dist.agent_store);
  EXPECT_EQ(parse({"--h5", "f"}).options.dist.timeout, std::chrono::seconds(300));
}

TEST(TrainOptionsTest, HelpListsEveryFlagWithItsDefault) {
  const Parsed p = parse({"--help"});
  EXPECT_EQ(p.code, 0);
  for (const char* flag :
       {"--h5", "--images", "--heatmaps", "--shared_memory", "--preload", "--no_preload",
        "--cleanup_shm", "--shm_dir", "--share_group", "--cache_dir", "--max_cache", "--fingerprint_dir",
        "--num_workers",
        "--augment", "--batch", "--epochs", "--loss", "--model_path", "--lr", "--val_split",
        "--seed", "--threads", "--device", "--base_channels", "--depth", "--resume",
        "--max_steps", "--log", "--tensorboard", "--run_name", "--progress"}) {
    EXPECT_NE(p.out.find(flag), std::string::npos) << flag;
  }
  for (const char* shown : {"=16", "=50", "=4", "=focal", "=model.pt", "=0.001", "=0.1",
                            "=/dev/shm", "=cpu", "=images", "=heatmaps", "--preload BOOLEAN=1"}) {
    EXPECT_NE(p.out.find(shown), std::string::npos) << shown;
  }
}

TEST(TrainOptionsTest, EachBadValueIsOneLineAndExitCodeTwo) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--h5", "f", "--batch", "0"}, "--batch"},
      {{"--h5", "f", "--loss", "l2"}, "--loss"},
      {{"--h5", "f", "--epochs", "0"}, "--epochs"},
      {{"--h5", "f", "--val_split", "1"}, "--val_split"},
      {{"--h5", "f", "--lr", "-1"}, "--lr"},
      {{"--h5", "f", "--depth", "9"}, "--depth"},
      {{"--h5", "f", "--device", "tpu"}, "--device"},
      {{"--h5", "f", "--num_workers", "-2"}, "--num_workers"},
      {{"--h5", "f", "--no_such_flag"}, "--no_such_flag"},
      {{"--batch", "4"}, "--h5 is required"},
      {{"--h5", "f", "--max_shm", "lots"}, "'lots' is not a shared-memory budget"},
      {{"--h5", "f", "--run_name", "a/b"}, "a run name is one folder name: no '/', not . or .."},
  };
  for (const auto& [args, expected] : cases) {
    const Parsed p = parse(args);
    EXPECT_EQ(p.code, 2) << expected;
    EXPECT_NE(p.err.find(expected), std::string::npos) << p.err;
    EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
    EXPECT_EQ(p.err.rfind("train_glint_unet: ", 0), 0u) << p.err;
  }
}

TEST(TrainOptionsTest, MaxShmComesFromTheFlagElseFromGlintMaxShm) {
  EXPECT_FALSE(parse({"--h5", "f"}).options.cache.max_shm.limited());
  EXPECT_EQ(parse({"--h5", "f", "--max_shm", "2G"}).options.cache.max_shm.bytes, 2ull << 30);
  ::setenv("GLINT_MAX_SHM", "40%", 1);
  const Parsed from_env = parse({"--h5", "f"});
  const Parsed flag_wins = parse({"--h5", "f", "--max_shm", "1G"});
  ::unsetenv("GLINT_MAX_SHM");
  EXPECT_EQ(from_env.options.cache.max_shm.percent, 40);
  EXPECT_EQ(flag_wins.options.cache.max_shm.bytes, 1ull << 30);
}

}  // namespace
}  // namespace glint::train
