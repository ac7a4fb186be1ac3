// The checkpoint's layouts: typed metadata, the version 1 flat layout still
// read, and damaged or foreign files reported as CheckpointError naming the
// file and the key.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "checkpoint_contents.h"
#include "model/unet.h"
#include "support/temp_dir.h"

namespace glint::train {
namespace {

using glint::testing::TempDir;
using Dict = c10::impl::GenericDict;

UNetOptions tiny() { return UNetOptions{.in_channels = 1, .out_channels = 1, .base_channels = 4, .depth = 2}; }

std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Dict load_dict(const std::string& path) { return torch::pickle_load(read_bytes(path)).toGenericDict(); }

void save_dict(const std::string& path, const Dict& dict) { write_bytes(path, torch::pickle_save(c10::IValue(dict))); }

// The error load_checkpoint gives (into a fresh tiny UNet and, with
// `with_adam`, its Adam), failing the test for anything but a CheckpointError.
std::string load_error(const std::string& path, bool with_adam = false) {
  UNet net(tiny());
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
  try {
    load_checkpoint(path, *net, with_adam ? &adam : nullptr);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "no error";
}

// A checkpoint as version 1 wrote it: one flat dict, metadata floats in meta.extra.
void write_v1(const std::string& path, UNet& net, torch::optim::Adam& adam) {
  Dict d(c10::StringType::get(), c10::AnyType::get());
  d.insert("meta.format", std::string("glint-unet-checkpoint"));
  d.insert("meta.version", int64_t{1});
  d.insert("meta.epoch", int64_t{3});
  d.insert("meta.loss", std::string("hybrid"));
  d.insert("meta.unet.in_channels", tiny().in_channels);
  d.insert("meta.unet.out_channels", tiny().out_channels);
  d.insert("meta.unet.base_channels", tiny().base_channels);
  d.insert("meta.unet.depth", tiny().depth);
  d.insert("meta.extra.global_step", 12.0);
  d.insert("meta.extra.seed", 7.0);
  d.insert("meta.extra.val_split", 0.1);
  d.insert("meta.extra.best_val_loss", 0.5);
  for (const auto& p : net->named_parameters()) d.insert("model." + p.key(), p.value().detach().clone());
  for (const auto& b : net->named_buffers()) d.insert("model." + b.key(), b.value().detach().clone());
  const auto& o = static_cast<const torch::optim::AdamOptions&>(adam.param_groups()[0].options());
  d.insert("optim.lr", o.lr());
  d.insert("optim.beta1", 0.9);
  d.insert("optim.beta2", 0.999);
  d.insert("optim.eps", 1e-8);
  d.insert("optim.weight_decay", 0.0);
  d.insert("optim.amsgrad", false);
  d.insert("optim.head.bias.step", int64_t{5});
  d.insert("optim.head.bias.exp_avg", torch::full({1}, 0.25));
  d.insert("optim.head.bias.exp_avg_sq", torch::full({1}, 0.5));
  save_dict(path, d);
}

TEST(CheckpointFormatTest, SeedSurvivesEveryUint64) {
  TempDir dir;
  UNet net(tiny());
  for (uint64_t seed : {uint64_t{0}, uint64_t{1} << 53 | 1, uint64_t{1} << 63, std::numeric_limits<uint64_t>::max()}) {
    save_checkpoint(dir.file("ck.pt"), *net, nullptr, {.unet = tiny(), .seed = seed});
    EXPECT_EQ(read_checkpoint_meta(dir.file("ck.pt")).seed, seed);
  }
}

TEST(CheckpointFormatTest, OneDictWithModelStateOptimizerAndMeta) {
  TempDir dir;
  UNet net(tiny());
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
  save_checkpoint(dir.file("ck.pt"), *net, &adam, {.epoch = 2, .global_step = 9, .unet = tiny()});
  const Dict d = load_dict(dir.file("ck.pt"));
  EXPECT_EQ(d.size(), 3u);
  const Dict model = d.at("model").toGenericDict();
  EXPECT_EQ(model.size(), net->named_parameters().size() + net->named_buffers().size());
  EXPECT_TRUE(torch::equal(model.at("head.bias").toTensor(), net->named_parameters()["head.bias"]));
  const Dict meta = d.at("meta").toGenericDict();
  EXPECT_EQ(meta.at("version").toInt(), 2);
  EXPECT_EQ(meta.at("global_step").toInt(), 9);
  EXPECT_EQ(meta.at("unet").toGenericDict().at("depth").toInt(), 2);
  const auto group = d.at("optimizer").toGenericDict().at("param_groups").toListRef()[0].toGenericDict();
  EXPECT_EQ(group.at("lr").toDouble(), 1e-3);
  EXPECT_EQ(group.at("params").toListRef().size(), net->parameters().size());
}

TEST(CheckpointFormatTest, VersionOneFlatLayoutStillLoads) {
  TempDir dir;
  torch::manual_seed(3);
  UNet saved(tiny());
  torch::optim::Adam adam(saved->parameters(), torch::optim::AdamOptions(1e-2));
  write_v1(dir.file("v1.pt"), saved, adam);

  const CheckpointMeta meta = read_checkpoint_meta(dir.file("v1.pt"));
  EXPECT_EQ(meta.epoch, 3);
  EXPECT_EQ(meta.loss, "hybrid");
  EXPECT_EQ(meta.global_step, 12);
  EXPECT_EQ(meta.seed, 7u);
  EXPECT_EQ(meta.val_split, 0.1);
  EXPECT_EQ(meta.best_val_loss, 0.5);
  EXPECT_FALSE(meta.lr.has_value());

  torch::manual_seed(4);
  UNet loaded(tiny());
  torch::optim::Adam loaded_adam(loaded->parameters(), torch::optim::AdamOptions(0.5));
  load_checkpoint(dir.file("v1.pt"), *loaded, &loaded_adam);
  for (const auto& p : saved->named_parameters()) {
    EXPECT_TRUE(torch::equal(p.value(), loaded->named_parameters()[p.key()])) << p.key();
  }
  EXPECT_EQ(loaded_adam.param_groups()[0].options().get_lr(), 1e-2);
  const auto key = checkpoint::state_key(loaded->named_parameters()["head.bias"]);
  const auto& state = static_cast<const torch::optim::AdamParamState&>(*loaded_adam.state().at(key));
  EXPECT_EQ(state.step(), 5);
  EXPECT_EQ(state.exp_avg().item<float>(), 0.25f);
}

class DamagedCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UNet net(tiny());
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
    adam.zero_grad();
    net->forward(torch::rand({1, 1, 8, 8})).sum().backward();
    adam.step();
    save_checkpoint(original, *net, &adam, {.unet = tiny(), .seed = 1});
    std::filesystem::copy_file(original, path);
  }
  // Saves the original checkpoint's dict after `edit` and returns load_checkpoint's error.
  std::string error_after(const std::function<void(Dict&)>& edit) {
    Dict dict = load_dict(original);
    edit(dict);
    save_dict(path, dict);
    return load_error(path, /*with_adam=*/true);
  }
  std::string prefix() const { return "checkpoint " + path + ": "; }
  TempDir dir;
  std::string original = dir.file("original.pt");
  std::string path = dir.file("ck.pt");
};

TEST_F(DamagedCheckpointTest, MetaFieldOfWrongTypeNamesTheKey) {
  EXPECT_EQ(error_after([](Dict& d) { d.at("meta").toGenericDict().insert_or_assign("epoch", std::string("3")); }),
            prefix() + "key 'meta.epoch' has type str, expected int");
  EXPECT_EQ(error_after([](Dict& d) { (void)d.at("meta").toGenericDict().at("unet").toGenericDict().erase("depth"); }),
            prefix() + "key 'meta.unet.depth' is missing; the file was not written by save_checkpoint");
}

TEST_F(DamagedCheckpointTest, ModelEntryThatIsNotATensorNamesTheKey) {
  EXPECT_EQ(error_after([](Dict& d) { d.at("model").toGenericDict().insert_or_assign("head.bias", int64_t{1}); }),
            prefix() + "key 'model.head.bias' has type int, expected tensor");
}

TEST_F(DamagedCheckpointTest, OptimizerStateOfWrongShapeNamesTheParameter) {
  EXPECT_EQ(error_after([](Dict& d) {
              auto state = d.at("optimizer").toGenericDict().at("state").toGenericDict();
              for (auto& entry : state) entry.value().toGenericDict().insert_or_assign("exp_avg", torch::zeros({2, 2}));
            }),
            prefix() + "optimizer state 'exp_avg' of enc0.conv1.weight has the wrong shape");
  EXPECT_EQ(error_after([](Dict& d) { d.at("optimizer").toGenericDict().insert_or_assign("state", 3.5); }),
            prefix() + "key 'optimizer.state' has type float, expected dict");
}

TEST_F(DamagedCheckpointTest, ForeignDictIsNotAGlintCheckpoint) {
  EXPECT_EQ(error_after([](Dict& d) {
              d.clear();
              d.insert("weights", torch::zeros({1}));
            }),
            prefix() + "not a glint UNet checkpoint (no meta.format = 'glint-unet-checkpoint')");
  EXPECT_EQ(error_after([](Dict& d) { d.at("meta").toGenericDict().insert_or_assign("version", int64_t{9}); }),
            prefix() + "format version 9 is not supported (this build reads 1 and 2)");
}

TEST_F(DamagedCheckpointTest, TruncatedFileIsOneLine) {
  auto bytes = read_bytes(path);
  bytes.resize(bytes.size() / 2);
  write_bytes(path, bytes);
  const std::string error = load_error(path);
  EXPECT_EQ(error.rfind(prefix() + "not a readable torch file (", 0), 0u) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

}  // namespace
}  // namespace glint::train
