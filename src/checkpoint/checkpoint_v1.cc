// The version 1 layout, read only: one flat dict of "model.<name>",
// "optim.<name>.<field>", "optim.<hyper-parameter>", "meta.<field>" and
// "meta.extra.<key>" (float) entries.
#include <cmath>

#include "checkpoint_contents.h"

namespace glint::train::checkpoint {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

CheckpointMeta read_meta(const Fields& f) {
  CheckpointMeta meta;
  meta.epoch = f.integer("meta.epoch");
  meta.loss = f.text("meta.loss");
  meta.unet.in_channels = f.integer("meta.unet.in_channels");
  meta.unet.out_channels = f.integer("meta.unet.out_channels");
  meta.unet.base_channels = f.integer("meta.unet.base_channels");
  meta.unet.depth = f.integer("meta.unet.depth");
  // Version 1 kept these as floats among free-form "meta.extra." values.
  const auto extra = [&f](const char* key) { return f.optional_number(std::string("meta.extra.") + key); };
  meta.global_step = static_cast<int64_t>(extra("global_step").value_or(0));
  meta.best_epoch = static_cast<int64_t>(extra("best_epoch").value_or(0));
  if (const auto seed = extra("seed")) meta.seed = static_cast<uint64_t>(*seed);
  meta.val_split = extra("val_split");
  meta.lr = extra("lr");
  meta.best_val_loss = extra("best_val_loss");
  if (meta.best_val_loss && !std::isfinite(*meta.best_val_loss)) meta.best_val_loss.reset();
  return meta;
}

AdamContents read_optimizer(const Fields& f) {
  AdamContents adam;
  adam.lr = f.number("optim.lr");
  adam.beta1 = f.number("optim.beta1");
  adam.beta2 = f.number("optim.beta2");
  adam.eps = f.number("optim.eps");
  adam.weight_decay = f.number("optim.weight_decay");
  adam.amsgrad = f.boolean("optim.amsgrad");
  for (const auto& entry : f.raw()) {
    const std::string& key = entry.key().toStringRef();
    if (!starts_with(key, "optim.") || !ends_with(key, ".step")) continue;
    const std::string prefix = key.substr(0, key.size() - std::string("step").size());
    const auto index = static_cast<int64_t>(adam.names.size());
    adam.names.push_back(prefix.substr(std::string("optim.").size(), prefix.size() - 7));
    AdamSlot& slot = adam.slots[index];
    slot.step = f.integer(prefix + "step");
    slot.exp_avg = f.tensor(prefix + "exp_avg");
    slot.exp_avg_sq = f.tensor(prefix + "exp_avg_sq");
    if (f.has(prefix + "max_exp_avg_sq")) slot.max_exp_avg_sq = f.tensor(prefix + "max_exp_avg_sq");
  }
  return adam;
}

}  // namespace

Contents read_v1(const Fields& f) {
  const int64_t version = f.integer("meta.version");
  if (version != kLegacyVersion) {
    fail(f.path(), "format version " + std::to_string(version) + " is not supported (this build reads " +
                       std::to_string(kLegacyVersion) + " and " + std::to_string(kVersion) + ")");
  }
  Contents c;
  c.meta = read_meta(f);
  for (const auto& entry : f.raw()) {
    if (!entry.key().isString()) fail(f.path(), "has a key that is not a str");
    const std::string& key = entry.key().toStringRef();
    if (starts_with(key, "model.")) c.model.emplace_back(key.substr(6), f.tensor(key));
  }
  if (f.has("optim.lr")) c.adam = read_optimizer(f);
  return c;
}

}  // namespace glint::train::checkpoint
