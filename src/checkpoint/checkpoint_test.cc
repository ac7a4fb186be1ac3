#include "checkpoint/checkpoint.h"
#include "checkpoint_contents.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/losses.h"
#include "model/unet.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace glint::train {
namespace {

using glint::testing::run_process;
using glint::testing::TempDir;

UNetOptions tiny() { return UNetOptions{.in_channels = 1, .out_channels = 1, .base_channels = 4, .depth = 2}; }

// A model with seed-determined weights and an Adam optimizer over it.
struct Trainee {
  explicit Trainee(uint64_t seed) : net((torch::manual_seed(seed), UNet(tiny()))),
                                    adam(net->parameters(), torch::optim::AdamOptions(1e-2)) {}
  void step(int n) {
    torch::manual_seed(99);
    const auto x = torch::rand({2, 1, 16, 16});
    const auto y = torch::rand({2, 1, 16, 16}).pow(8);
    for (int i = 0; i < n; ++i) {
      adam.zero_grad();
      focal_loss(net->forward(x), y).backward();
      adam.step();
    }
  }
  UNet net;
  torch::optim::Adam adam;
};

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  }
  ::closedir(dir);
  return names;
}

void expect_same_state(UNet& a, UNet& b) {
  for (const auto& item : a->named_parameters()) {
    EXPECT_TRUE(torch::equal(item.value(), *b->named_parameters().find(item.key()))) << item.key();
  }
  for (const auto& item : a->named_buffers()) {
    EXPECT_TRUE(torch::equal(item.value(), *b->named_buffers().find(item.key()))) << item.key();
  }
}

const torch::optim::AdamParamState& adam_state(const Trainee& t, const std::string& name) {
  const auto& param = *t.net->named_parameters().find(name);
  const auto key = checkpoint::state_key(param);
  return static_cast<const torch::optim::AdamParamState&>(*t.adam.state().at(key));
}

std::string load_error(const std::string& path, torch::nn::Module& model,
                       torch::optim::Adam* adam = nullptr) {
  try {
    load_checkpoint(path, model, adam);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CheckpointTest, RoundTripRestoresWeightsBuffersAndAdamState) {
  TempDir dir;
  const auto path = dir.file("model.pt");
  Trainee saved_from(1);
  saved_from.step(2);
  CheckpointMeta meta{.epoch = 7, .global_step = 21, .best_epoch = 6, .unet = tiny(), .loss = "hybrid",
                      .seed = 42, .val_split = 0.25, .lr = 1e-2, .best_val_loss = 0.75};
  save_checkpoint(path, *saved_from.net, &saved_from.adam, meta);
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"model.pt"});  // no temporary left

  const auto read = read_checkpoint_meta(path);
  EXPECT_EQ(read.epoch, 7);
  EXPECT_EQ(read.loss, "hybrid");
  EXPECT_EQ(describe(read.unet), describe(tiny()));
  EXPECT_EQ(read.global_step, 21);
  EXPECT_EQ(read.best_epoch, 6);
  EXPECT_EQ(read.seed, 42u);
  EXPECT_EQ(read.val_split, 0.25);
  EXPECT_EQ(read.lr, 1e-2);
  EXPECT_EQ(read.best_val_loss, 0.75);

  Trainee loaded(2);
  loaded.adam.param_groups()[0].options().set_lr(0.5);
  load_checkpoint(path, *loaded.net, &loaded.adam);
  expect_same_state(saved_from.net, loaded.net);
  EXPECT_EQ(loaded.adam.param_groups()[0].options().get_lr(), 1e-2);
  for (const char* name : {"enc0.conv1.weight", "head.bias"}) {
    const auto& want = adam_state(saved_from, name);
    const auto& got = adam_state(loaded, name);
    EXPECT_EQ(got.step(), 2);
    EXPECT_TRUE(torch::equal(got.exp_avg(), want.exp_avg())) << name;
    EXPECT_TRUE(torch::equal(got.exp_avg_sq(), want.exp_avg_sq())) << name;
  }
}

TEST(CheckpointTest, ResumedTrainingMatchesUninterruptedTraining) {
  TempDir dir;
  Trainee straight(1);
  straight.step(3);

  Trainee first_half(1);
  first_half.step(2);
  save_checkpoint(dir.file("ck.pt"), *first_half.net, &first_half.adam, {.unet = tiny()});
  Trainee resumed(5);  // different initial weights, fresh optimizer
  load_checkpoint(dir.file("ck.pt"), *resumed.net, &resumed.adam);
  resumed.step(1);
  expect_same_state(straight.net, resumed.net);
}

TEST(CheckpointTest, SavingOverAnOldCheckpointReplacesIt) {
  TempDir dir;
  Trainee t(1);
  save_checkpoint(dir.file("ck.pt"), *t.net, nullptr, {.epoch = 1, .unet = tiny()});
  save_checkpoint(dir.file("ck.pt"), *t.net, nullptr, {.epoch = 2, .unet = tiny()});
  EXPECT_EQ(read_checkpoint_meta(dir.file("ck.pt")).epoch, 2);
  EXPECT_EQ(list_dir(dir.path()).size(), 1u);
}

// Plain torch.load(path): weights_only=True, torch's default since 2.6.
TEST(CheckpointTest, PythonTorchLoadReadsNamedTensors) {
  TempDir dir;
  const auto path = dir.file("model.pt");
  Trainee t(3);
  t.step(1);
  save_checkpoint(path, *t.net, &t.adam, {.epoch = 4, .unet = tiny(), .loss = "focal"});
  const char* script = R"(
import sys, torch
d = torch.load(sys.argv[1])
m, meta, opt = d["model"], d["meta"], d["optimizer"]
w = m["enc0.conv1.weight"]
print(type(d).__name__, meta["format"], meta["epoch"], meta["loss"], meta["unet"]["depth"])
print(list(w.shape), "%.9g" % float(w.double().sum()))
print(int(m["enc0.bn1.num_batches_tracked"]), float(m["enc0.bn1.running_var"].sum()) != 2**2)
head = opt["param_groups"][0]["param_names"].index("head.bias")
print(int(opt["state"][head]["step"]), "%.9g" % float(opt["state"][head]["exp_avg"].double().sum()))
print(len(m))
)";
  const auto r = run_process({GLINT_PYTHON, "-c", script, path});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto params = t.net->named_parameters();
  const double w_sum = params.find("enc0.conv1.weight")->to(torch::kDouble).sum().item<double>();
  const double m_sum = adam_state(t, "head.bias").exp_avg().to(torch::kDouble).sum().item<double>();
  std::istringstream out(r.out);
  std::string type, format, loss, shape, bn_changed;
  int64_t epoch = 0, depth = 0, tracked = 0, step = 0, model_keys = 0;
  double w_py = 0, m_py = 0;
  out >> type >> format >> epoch >> loss >> depth;
  out >> std::ws;
  std::getline(out, shape, ']');
  out.ignore(1) >> w_py >> tracked >> bn_changed >> step >> m_py >> model_keys;
  EXPECT_EQ(type, "dict");
  EXPECT_EQ(format, "glint-unet-checkpoint");
  EXPECT_EQ(epoch, 4);
  EXPECT_EQ(loss, "focal");
  EXPECT_EQ(depth, 2);
  EXPECT_EQ(shape, "[4, 1, 3, 3");
  EXPECT_NEAR(w_py, w_sum, 1e-6 * (1 + std::abs(w_sum)));
  EXPECT_EQ(tracked, 1);
  EXPECT_EQ(bn_changed, "True");
  EXPECT_EQ(step, 1);
  EXPECT_NEAR(m_py, m_sum, 1e-6 * (1 + std::abs(m_sum)));
  EXPECT_EQ(model_keys, static_cast<int64_t>(params.size() + t.net->named_buffers().size()));
}

TEST(CheckpointTest, MissingFileIsOneClearLine) {
  TempDir dir;
  Trainee t(1);
  EXPECT_EQ(load_error(dir.file("none.pt"), *t.net),
            "checkpoint " + dir.file("none.pt") + ": cannot open: No such file or directory");
}

TEST(CheckpointTest, GarbageFileIsRejected) {
  TempDir dir;
  std::ofstream(dir.file("junk.pt")) << "not a checkpoint";
  Trainee t(1);
  EXPECT_EQ(load_error(dir.file("junk.pt"), *t.net).rfind(
                "checkpoint " + dir.file("junk.pt") + ": not a readable torch file (", 0),
            0u);
}

TEST(CheckpointTest, ModelOfOtherShapeIsRejectedWithAdvice) {
  TempDir dir;
  Trainee t(1);
  save_checkpoint(dir.file("ck.pt"), *t.net, nullptr, {.unet = tiny()});
  auto wider = tiny();
  wider.base_channels = 8;
  UNet other(wider);
  EXPECT_EQ(load_error(dir.file("ck.pt"), *other),
            "checkpoint " + dir.file("ck.pt") +
                ": model.enc0.conv1.weight has shape [4, 1, 3, 3] but the model expects "
                "[8, 1, 3, 3]; build the model from the checkpoint's options");
  auto deeper = tiny();
  deeper.depth = 3;
  UNet deep(deeper);
  EXPECT_NE(load_error(dir.file("ck.pt"), *deep).find("build the model from the checkpoint's options"),
            std::string::npos);
}

TEST(CheckpointTest, WeightsOnlyCheckpointCannotResumeAnOptimizer) {
  TempDir dir;
  Trainee t(1);
  save_checkpoint(dir.file("ck.pt"), *t.net, nullptr, {.unet = tiny()});
  EXPECT_EQ(load_error(dir.file("ck.pt"), *t.net, &t.adam),
            "checkpoint " + dir.file("ck.pt") +
                ": holds no optimizer state (saved for inference); resume without it or start fresh");
}

TEST(CheckpointTest, UnwritableDirectoryIsReported) {
  TempDir dir;
  Trainee t(1);
  const auto path = dir.file("missing/ck.pt");
  try {
    save_checkpoint(path, *t.net, nullptr, {.unet = tiny()});
    FAIL() << "saved into a missing directory";
  } catch (const CheckpointError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("checkpoint " + path + ": cannot create " + path + ".tmp.", 0), 0u);
    EXPECT_NE(std::string(e.what()).find("No such file or directory; check the directory"), std::string::npos);
  }
}

}  // namespace
}  // namespace glint::train
