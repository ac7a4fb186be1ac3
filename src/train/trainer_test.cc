#include "train/trainer_loop.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>
#include <sstream>

#include "support/temp_dir.h"
#include "train/batch_loader_order.h"
#include "train/checkpoint.h"
#include "train/threads.h"
#include "train/trainer_signal.h"
#include "train/trainer_test_data.h"

namespace glint::train {
namespace {

std::shared_ptr<const SampleSource> preload(const std::string& path) {
  SourceOptions so;
  so.h5_path = path;
  return make_source(so);
}

TrainOptions small_options(const std::string& h5, const std::string& model) {
  TrainOptions o;
  o.h5 = h5;
  o.model_path = model;
  o.base_channels = 8;
  o.depth = 2;
  o.batch = 16;
  o.num_workers = 1;
  o.threads = 1;
  o.val_split = 0.25;
  o.progress = "off";
  return o;
}

TrainOutcome train_quietly(const TrainOptions& o, std::string* printed = nullptr) {
  std::ostringstream out, err;
  TrainOutcome r = train_model(o, preload(o.h5), out, err, /*show_progress=*/false);
  if (printed != nullptr) *printed = out.str();
  return r;
}

// Distance from the strongest pixel of the predicted heatmap to the true
// glint, unbounded (unlike the metrics' 3 px matching radius).
double argmax_error_px(const std::string& model_path, const std::string& h5,
                       const std::vector<float>& glints, const std::vector<int64_t>& rows) {
  const CheckpointMeta meta = read_checkpoint_meta(model_path);
  UNet model(meta.unet);
  load_checkpoint(model_path, *model, nullptr);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto source = preload(h5);
  const Batch batch = gather_batch(*source, rows, {});
  const torch::Tensor logits = model->forward(batch.images);
  const int64_t w = logits.size(3);
  const torch::Tensor flat = logits.flatten(1).argmax(1);
  double sum = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const int64_t at = flat[static_cast<int64_t>(i)].item<int64_t>();
    const double dx = static_cast<double>(at % w) - glints[rows[i] * 2];
    const double dy = static_cast<double>(at / w) - glints[rows[i] * 2 + 1];
    sum += std::hypot(dx, dy);
  }
  return sum / static_cast<double>(rows.size());
}

// 32x32 images with one glint each. A guess uniform over the image is
// ~13 px from the glint on average (glints lie in [4, 27]), an untrained net
// likewise; a net that learned the task puts its maximum on the glint's
// pixel, within ~0.5 px (rounding to the pixel grid) plus noise. 2 px sits
// far from both. lr 1e-2: with 3e-3 an 8-channel UNet still has no peak above
// the 0.3 detection threshold after 30 steps; with 1e-2 it finds every glint
// of harder 64x64 eye images within ~75 steps (docs/TRAINING.md, the demo).
// 8 epochs of 12 steps take a few seconds on 2 cores.
TEST(TrainerTest, SmallUNetLearnsToLocateGlints) {
  testing::TempDir dir;
  const std::string h5 = dir.file("glints.h5");
  const std::vector<float> glints = testdata::write_glint_set(h5, {.count = 256, .size = 32});
  TrainOptions o = small_options(h5, dir.file("model.pt"));
  o.epochs = 8;
  o.lr = 1e-2;
  o.threads = 2;
  const std::vector<int64_t> val = split_indices(256, o.val_split, o.seed).val;
  const double before = [&] {
    TrainOptions zero = o;
    zero.max_steps = 1;
    train_quietly(zero);
    return argmax_error_px(o.model_path, h5, glints, val);
  }();
  std::string printed;
  const TrainOutcome r = train_quietly(o, &printed);
  const double after = argmax_error_px(o.model_path, h5, glints, val);
  ASSERT_TRUE(r.last.has_value()) << printed;
  EXPECT_GT(before, 5.0);
  EXPECT_LT(after, 2.0) << printed;
  EXPECT_GT(r.last->metrics.recall, 0.9) << printed;
  EXPECT_GT(r.last->metrics.precision, 0.9) << printed;
  EXPECT_LT(r.last->metrics.mean_error_px, 1.5) << printed;
  EXPECT_EQ(r.state.epochs_done, 8);
}

std::map<std::string, torch::Tensor> checkpoint_tensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const c10::IValue dict = torch::pickle_load(bytes);
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& entry : dict.toGenericDict()) {
    if (entry.value().isTensor()) tensors[entry.key().toStringRef()] = entry.value().toTensor();
  }
  return tensors;
}

TEST(TrainerTest, ResumedRunEndsWithTheSameParametersAsOneRun) {
  testing::TempDir dir;
  const std::string h5 = dir.file("glints.h5");
  testdata::write_glint_set(h5, {.count = 48, .size = 32});
  TrainOptions whole = small_options(h5, dir.file("whole.pt"));
  whole.epochs = 2;
  whole.augment = true;
  train_quietly(whole);

  TrainOptions first = whole;
  first.model_path = dir.file("halves.pt");
  first.epochs = 1;
  train_quietly(first);
  TrainOptions second = first;
  second.epochs = 2;
  second.resume = true;
  std::string printed;
  const TrainOutcome r = train_quietly(second, &printed);
  EXPECT_NE(printed.find("resumed"), std::string::npos) << printed;
  EXPECT_EQ(r.state.epochs_done, 2);

  const auto a = checkpoint_tensors(whole.model_path);
  const auto b = checkpoint_tensors(second.model_path);
  ASSERT_EQ(a.size(), b.size());
  int64_t optimiser_entries = 0;
  for (const auto& [name, tensor] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(torch::equal(tensor, b.at(name))) << name;
    optimiser_entries += name.rfind("optim.", 0) == 0;
  }
  EXPECT_GT(optimiser_entries, 0);
  EXPECT_EQ(read_checkpoint_meta(second.model_path).extra.at("global_step"),
            read_checkpoint_meta(whole.model_path).extra.at("global_step"));
}

TEST(TrainerTest, MaxStepsStopsMidEpochAndLogsOneJsonLinePerEpoch) {
  testing::TempDir dir;
  const std::string h5 = dir.file("glints.h5");
  testdata::write_glint_set(h5, {.count = 64, .size = 32});
  TrainOptions o = small_options(h5, dir.file("model.pt"));
  o.epochs = 5;
  o.batch = 8;  // 6 steps per epoch (48 training samples)
  o.max_steps = 9;
  o.log = dir.file("log.jsonl");
  const TrainOutcome r = train_quietly(o);
  EXPECT_TRUE(r.reached_max_steps);
  EXPECT_EQ(r.state.global_step, 9);
  EXPECT_EQ(r.state.epochs_done, 1);  // the second epoch stopped after 3 steps

  std::ifstream log(o.log);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(log, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["epoch"], 1);
  EXPECT_EQ(lines[0]["partial"], false);
  EXPECT_EQ(lines[0]["steps"], 6);
  EXPECT_EQ(lines[1]["partial"], true);
  EXPECT_EQ(lines[1]["global_step"], 9);
  for (const char* key : {"train_loss", "val_loss", "loc_error_px", "precision", "recall",
                          "samples_per_s", "data_wait_s", "data_wait_pct", "epoch_s"}) {
    EXPECT_TRUE(lines[0].contains(key)) << key;
  }
  EXPECT_TRUE(lines[0]["val_loss"].is_number());
  EXPECT_EQ(lines[0]["val_images"], 16);
}

TEST(TrainerTest, ResumeRefusesADifferentArchitecture) {
  testing::TempDir dir;
  const std::string h5 = dir.file("glints.h5");
  testdata::write_glint_set(h5, {.count = 16, .size = 32});
  TrainOptions o = small_options(h5, dir.file("model.pt"));
  o.epochs = 1;
  o.max_steps = 1;
  train_quietly(o);
  o.resume = true;
  o.base_channels = 4;
  try {
    check_resumable(o, preload(h5)->shape());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--base_channels 8"), std::string::npos) << e.what();
  }
}

TEST(TrainerTest, StopRequestSavesACheckpointAndReportsInterrupted) {
  testing::TempDir dir;
  const std::string h5 = dir.file("glints.h5");
  testdata::write_glint_set(h5, {.count = 16, .size = 32});
  TrainOptions o = small_options(h5, dir.file("model.pt"));
  request_stop();
  const TrainOutcome r = train_quietly(o);
  reset_stop();
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.state.global_step, 0);
  EXPECT_EQ(read_checkpoint_meta(o.model_path).epoch, 0);
}

}  // namespace
}  // namespace glint::train
