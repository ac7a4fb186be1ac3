// Data-parallel train_glint_unet as PyTorch users run it: under torchrun's
// agent store, refused when a rank differs, and --sync_batchnorm giving what
// one process with the whole batch gives.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "checkpoint/checkpoint.h"
#include "model/unet.h"
#include "support/train/dist_launcher_testing.h"
#include "support/train/glint_set_testing.h"

namespace glint::train {
namespace {

// AgentStore, Child, Placement, ProcessResult, TempDir, tiny_trainer, torchrun_env...
using namespace glint::train::testing;

TEST(DistCliTest, RanksJoinTorchrunsAgentStoreUnderTheAttemptPrefix) {
  TempDir dir;
  const std::string h5 = dir.file("data.h5");
  testdata::write_glint_set(h5, {.count = 32, .size = 32});
  AgentStore agent(2);
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<std::unique_ptr<Child>> ranks;
    for (int r = 0; r < 2; ++r) {
      std::vector<std::string> args = {"--h5", h5, "--batch", "4", "--epochs", "5", "--max_steps",
                                       std::to_string(2 * (attempt + 1)), "--model_path", dir.file("m.pt")};
      if (attempt == 1) args.push_back("--resume");
      // No --rank, --world_size, --threads: everything comes from torchrun's variables.
      const Placement p{.rank = r, .world_size = 2, .local_rank = r, .local_world_size = 2, .restart_count = attempt};
      ranks.push_back(std::make_unique<Child>(tiny_trainer(dir.file("fp"), args),
                                              torchrun_env(p, "127.0.0.1", agent.port())));
    }
    const ProcessResult a = ranks[0]->wait();
    const ProcessResult b = ranks[1]->wait();
    ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
    EXPECT_NE(a.out.find("data parallel: rank 0 of 2 (node 0, local rank 0 of 2), store at 127.0.0.1:" +
                         std::to_string(agent.port()) + " (the launcher's, attempt " + std::to_string(attempt) + ")"),
              std::string::npos)
        << a.out;
    // Two ranks on this node divide its cores.
    const int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
    EXPECT_NE(b.out.find(", " + std::to_string(threads) + " torch threads"), std::string::npos) << b.out;
    for (int r = 0; r < 2; ++r) {
      EXPECT_TRUE(agent.has("/worker/attempt_" + std::to_string(attempt) + "/glint/joined/" + std::to_string(r)));
    }
  }
  EXPECT_EQ(read_checkpoint_meta(dir.file("m.pt")).global_step, 4);
}

TEST(DistCliTest, ARankWithOtherFlagsOrDataIsRefusedByEveryRankNamingTheDifference) {
  TempDir dir;
  testdata::write_glint_set(dir.file("a.h5"), {.count = 32, .size = 32, .seed = 1});
  testdata::write_glint_set(dir.file("b.h5"), {.count = 32, .size = 32, .seed = 2});
  struct Case {
    std::vector<std::string> rank1_flags;
    std::string difference;
  };
  const std::vector<Case> cases = {
      {{"--h5", dir.file("a.h5"), "--batch", "8"}, "--batch is 8 on rank 1, 4 on rank 0"},
      {{"--h5", dir.file("b.h5"), "--batch", "4"}, "the MD5 of --h5 is "},
      {{"--h5", dir.file("a.h5"), "--batch", "4", "--base_channels", "8"}, "the model is UNet in=1 out=1 base=8"},
  };
  for (const Case& c : cases) {
    AgentStore agent(2);
    std::vector<std::string> rank0 = {"--h5", dir.file("a.h5"), "--batch", "4", "--model_path", dir.file("m0.pt")};
    std::vector<std::string> rank1 = c.rank1_flags;
    rank1.insert(rank1.end(), {"--model_path", dir.file("m1.pt")});
    Child r0(tiny_trainer(dir.file("fp"), rank0), torchrun_env({.rank = 0, .world_size = 2}, "127.0.0.1", agent.port()));
    Child r1(tiny_trainer(dir.file("fp"), rank1), torchrun_env({.rank = 1, .world_size = 2}, "127.0.0.1", agent.port()));
    for (Child* child : {&r0, &r1}) {
      const ProcessResult r = child->wait();
      EXPECT_EQ(r.exit_code, 1) << r.err;
      EXPECT_NE(r.err.find("train_glint_unet: error: rank 1 differs from rank 0: " + c.difference), std::string::npos)
          << r.err;
      EXPECT_EQ(r.out.find("epoch 1/"), std::string::npos) << r.out;
    }
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("m0.pt")));
}

// Parameters of the checkpoint at `path`.
std::vector<torch::Tensor> parameters_of(const std::string& path) {
  UNet model(read_checkpoint_meta(path).unet);
  load_checkpoint(path, *model, nullptr);
  std::vector<torch::Tensor> out;
  for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
  return out;
}

// The largest |a - b| - (atol + rtol |b|) over all parameters (<= 0: equal
// within torch's DDP test tolerance for fp32).
double excess(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = -1;
  for (size_t i = 0; i < a.size(); ++i) {
    const torch::Tensor over = (a[i] - b[i]).abs() - (5e-5 + 1.3e-6 * b[i].abs());
    worst = std::max(worst, over.max().item<double>());
  }
  return worst;
}

TEST(DistCliTest, SyncBatchnormRanksOfBatchBMatchOneProcessOfBatchNB) {
  TempDir dir;
  const std::string h5 = dir.file("data.h5");
  testdata::write_glint_set(h5, {.count = 32, .size = 32});
  // 24 training samples: 3 steps of 8 per epoch; 5 steps cross an epoch.
  const std::vector<std::string> common = {"--h5", h5, "--loss", "mse", "--val_split", "0.25", "--max_steps", "5",
                                           "--threads", "1", "--lr", "0.01", "--epochs", "2", "--precision", "fp32"};
  const auto run_ranks = [&](const std::string& name, bool sync) {
    AgentStore agent(2);
    std::vector<std::unique_ptr<Child>> ranks;
    for (int r = 0; r < 2; ++r) {
      std::vector<std::string> args = common;
      args.insert(args.end(), {"--batch", "4", "--model_path", dir.file(name)});
      if (sync) args.push_back("--sync_batchnorm");
      ranks.push_back(std::make_unique<Child>(tiny_trainer(dir.file("fp"), args),
                                              torchrun_env({.rank = r, .world_size = 2}, "127.0.0.1", agent.port())));
    }
    for (auto& child : ranks) {
      const ProcessResult r = child->wait();
      ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }
  };
  std::vector<std::string> one = common;
  one.insert(one.end(), {"--batch", "8", "--model_path", dir.file("one.pt")});
  const ProcessResult single = glint::testing::run_process(tiny_trainer(dir.file("fp"), one));
  ASSERT_EQ(single.exit_code, 0) << single.err;
  run_ranks("sync.pt", true);
  run_ranks("plain.pt", false);
  const auto want = parameters_of(dir.file("one.pt"));
  EXPECT_LE(excess(parameters_of(dir.file("sync.pt")), want), 0.0);
  // Per-rank statistics are another model: the comparison can fail.
  EXPECT_GT(excess(parameters_of(dir.file("plain.pt")), want), 0.0);
}

}  // namespace
}  // namespace glint::train
