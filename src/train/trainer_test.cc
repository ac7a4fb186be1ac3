#include "trainer_loop.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "checkpoint/checkpoint.h"
#include "model/precision.h"
#include "runtime/stop_signal.h"
#include "runtime/threads.h"
#include "support/temp_dir.h"
#include "support/train/glint_set_testing.h"

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
  o.precision = "fp32";
  return o;
}

TrainOutcome train_quietly(const TrainOptions& o, std::string* printed = nullptr) {
  std::ostringstream out, err;
  TrainOutcome r = train_model(o, preload(o.h5), out, err, /*show_progress=*/false);
  if (printed != nullptr) *printed = out.str();
  return r;
}

// 32x32 images with one bright glint each. The input's brightest pixel IS the
// glint, so even an untrained net's argmax lands on it (measured: 0.45 px
// after one step): localisation alone proves nothing. What must be learned is
// a calibrated heatmap: a score above the 0.3 threshold on each glint and
// nowhere else. After one step no score crosses it correctly (F1 well below
// 0.5); a trained net matches every glint within 3 px (P, R > 0.9) at the
// spot's centre (error < 1.5 px: the matching radius is 3), and its
// validation loss falls below a third of the untrained one. lr 1e-2: with
// 3e-3 an 8-channel UNet still has no peak above 0.3 after 30 steps
// (docs/TRAINING.md). 8 epochs of 12 steps: ~6 s on 2 busy cores.
void expect_learns(const std::string& precision) {
  testing::TempDir dir;
  const std::string h5 = dir.file("glints.h5");
  testdata::write_glint_set(h5, {.count = 256, .size = 32});
  TrainOptions o = small_options(h5, dir.file("model.pt"));
  o.epochs = 8;
  o.lr = 1e-2;
  o.threads = 2;
  o.precision = precision;
  TrainOptions one_step = o;
  one_step.max_steps = 1;
  std::string printed_before, printed;
  const TrainOutcome before = train_quietly(one_step, &printed_before);
  const TrainOutcome r = train_quietly(o, &printed);
  ASSERT_TRUE(before.last.has_value()) << printed_before;
  ASSERT_TRUE(r.last.has_value()) << printed;
  EXPECT_LT(before.last->metrics.f1, 0.5) << printed_before;
  EXPECT_GT(r.last->metrics.recall, 0.9) << printed;
  EXPECT_GT(r.last->metrics.precision, 0.9) << printed;
  EXPECT_LT(r.last->metrics.mean_error_px, 1.5) << printed;
  EXPECT_LT(r.last->val_loss * 3, before.last->val_loss) << printed_before << printed;
  EXPECT_EQ(r.state.epochs_done, 8);
}

TEST(TrainerTest, SmallUNetLearnsToLocateGlints) { expect_learns("fp32"); }

// The same bounds with convolutions in bfloat16 (CPU autocast).
TEST(TrainerTest, SmallUNetLearnsToLocateGlintsInBf16) {
  if (!cpu_has_avx512_bf16()) GTEST_SKIP() << "no AVX512_BF16 on this CPU";
  expect_learns("bf16");
}

// Every tensor of the checkpoint's nested dicts, by dotted path
// ("model.head.bias", "optimizer.state.3.exp_avg").
void collect_tensors(const c10::IValue& value, const std::string& prefix,
                     std::map<std::string, torch::Tensor>& tensors) {
  if (value.isTensor()) tensors[prefix] = value.toTensor();
  if (!value.isGenericDict()) return;
  for (const auto& entry : value.toGenericDict()) {
    const auto& key = entry.key();
    const std::string name = key.isString() ? key.toStringRef() : std::to_string(key.toInt());
    collect_tensors(entry.value(), prefix.empty() ? name : prefix + "." + name, tensors);
  }
}

std::map<std::string, torch::Tensor> checkpoint_tensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::map<std::string, torch::Tensor> tensors;
  collect_tensors(torch::pickle_load(bytes), "", tensors);
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
    optimiser_entries += name.rfind("optimizer.", 0) == 0;
  }
  EXPECT_GT(optimiser_entries, 0);
  EXPECT_EQ(read_checkpoint_meta(second.model_path).global_step,
            read_checkpoint_meta(whole.model_path).global_step);
}

// Checkpoints hold float32 whatever the precision, so a bf16 run resumes in
// fp32 and the other way round.
TEST(TrainerTest, CheckpointsAreFloat32AndResumeAcrossPrecisions) {
  if (!cpu_has_avx512_bf16()) GTEST_SKIP() << "no AVX512_BF16 on this CPU";
  testing::TempDir dir;
  const std::string h5 = dir.file("glints.h5");
  testdata::write_glint_set(h5, {.count = 48, .size = 32});
  TrainOptions o = small_options(h5, dir.file("model.pt"));
  const auto all_float32 = [&o] {
    for (const auto& [name, tensor] : checkpoint_tensors(o.model_path)) {
      if (tensor.is_floating_point() && tensor.scalar_type() != torch::kFloat) return name;
    }
    return std::string();
  };
  o.precision = "bf16";
  o.epochs = 1;
  train_quietly(o);
  EXPECT_EQ(all_float32(), "");
  for (const char* precision : {"fp32", "bf16"}) {
    o.precision = precision;
    o.resume = true;
    ++o.epochs;
    std::string printed;
    const TrainOutcome r = train_quietly(o, &printed);
    EXPECT_NE(printed.find("resumed"), std::string::npos) << precision << printed;
    EXPECT_EQ(r.state.epochs_done, o.epochs) << precision;
    ASSERT_TRUE(r.last.has_value()) << precision;
    EXPECT_TRUE(std::isfinite(r.last->val_loss)) << precision;
    EXPECT_EQ(all_float32(), "") << precision;
  }
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
                          "samples_per_s", "step_s", "data_wait_s", "data_wait_pct", "epoch_s"}) {
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
