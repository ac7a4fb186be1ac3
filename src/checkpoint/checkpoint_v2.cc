// The version 2 layout: {"model": state_dict, "optimizer": Adam state_dict,
// "meta": {...}} (checkpoint.h).
#include <unordered_map>

#include "checkpoint_contents.h"

namespace glint::train::checkpoint {
namespace {

using c10::IValue;

Dict string_dict() { return Dict(c10::StringType::get(), c10::AnyType::get()); }

// Snapshot on CPU that later training steps cannot change.
torch::Tensor saved(const torch::Tensor& t) { return t.detach().to(torch::kCPU).clone(); }

Dict meta_dict(const CheckpointMeta& meta) {
  Dict unet(c10::StringType::get(), c10::IntType::get());
  unet.insert("in_channels", meta.unet.in_channels);
  unet.insert("out_channels", meta.unet.out_channels);
  unet.insert("base_channels", meta.unet.base_channels);
  unet.insert("depth", meta.unet.depth);
  Dict d = string_dict();
  d.insert("format", std::string(kFormat));
  d.insert("version", kVersion);
  d.insert("epoch", meta.epoch);
  d.insert("global_step", meta.global_step);
  d.insert("best_epoch", meta.best_epoch);
  d.insert("loss", meta.loss);
  d.insert("unet", unet);
  // The seed's 64 bits in an int64 (pickled ints are signed).
  if (meta.seed) d.insert("seed", static_cast<int64_t>(*meta.seed));
  if (meta.val_split) d.insert("val_split", *meta.val_split);
  if (meta.lr) d.insert("lr", *meta.lr);
  if (meta.best_val_loss) d.insert("best_val_loss", *meta.best_val_loss);
  return d;
}

Dict optimizer_dict(torch::nn::Module& model, const torch::optim::Adam& optimizer) {
  const auto& o = static_cast<const torch::optim::AdamOptions&>(optimizer.param_groups().at(0).options());
  Dict state(c10::IntType::get(), c10::AnyType::get());
  // Generic lists: a List[int] would be pickled as torch.jit._pickle.build_intlist,
  // which torch.load(weights_only=True) refuses.
  c10::impl::GenericList params(c10::AnyType::get());
  c10::impl::GenericList names(c10::AnyType::get());
  int64_t index = 0;
  for (const auto& item : model.named_parameters()) {
    params.push_back(index);
    names.push_back(item.key());
    const auto it = optimizer.state().find(state_key(item.value()));
    if (it != optimizer.state().end()) {
      const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
      Dict slot = string_dict();
      // A float tensor, as torch.optim.Adam keeps it.
      slot.insert("step", torch::tensor(static_cast<float>(s.step())));
      slot.insert("exp_avg", saved(s.exp_avg()));
      slot.insert("exp_avg_sq", saved(s.exp_avg_sq()));
      if (s.max_exp_avg_sq().defined()) slot.insert("max_exp_avg_sq", saved(s.max_exp_avg_sq()));
      state.insert(index, slot);
    }
    ++index;
  }
  Dict group = string_dict();
  group.insert("lr", o.lr());
  group.insert("betas", c10::ivalue::Tuple::create(std::get<0>(o.betas()), std::get<1>(o.betas())));
  group.insert("eps", o.eps());
  group.insert("weight_decay", o.weight_decay());
  group.insert("amsgrad", o.amsgrad());
  group.insert("maximize", false);
  group.insert("params", params);
  group.insert("param_names", names);
  c10::impl::GenericList groups(c10::AnyType::get());
  groups.push_back(group);
  Dict d = string_dict();
  d.insert("state", state);
  d.insert("param_groups", groups);
  return d;
}

CheckpointMeta read_meta(const Fields& top) {
  const Fields m = top.dict("meta");
  if (!m.has("format") || !m.get("format").isString() || m.text("format") != kFormat) {
    fail(top.path(), "not a glint UNet checkpoint (no meta.format = '" + std::string(kFormat) + "')");
  }
  const int64_t version = m.integer("version");
  if (version != kVersion) {
    fail(top.path(), "format version " + std::to_string(version) + " is not supported (this build reads " +
                         std::to_string(kLegacyVersion) + " and " + std::to_string(kVersion) + ")");
  }
  CheckpointMeta meta;
  meta.epoch = m.integer("epoch");
  meta.global_step = m.integer("global_step");
  meta.best_epoch = m.integer("best_epoch");
  meta.loss = m.text("loss");
  const Fields unet = m.dict("unet");
  meta.unet.in_channels = unet.integer("in_channels");
  meta.unet.out_channels = unet.integer("out_channels");
  meta.unet.base_channels = unet.integer("base_channels");
  meta.unet.depth = unet.integer("depth");
  if (m.has("seed")) meta.seed = static_cast<uint64_t>(m.integer("seed"));
  meta.val_split = m.optional_number("val_split");
  meta.lr = m.optional_number("lr");
  meta.best_val_loss = m.optional_number("best_val_loss");
  return meta;
}

AdamSlot read_slot(const Fields& s) {
  AdamSlot slot;
  const auto step = s.get("step");
  if (step.isTensor() && step.toTensor().numel() == 1) {
    slot.step = static_cast<int64_t>(step.toTensor().item<double>());
  } else {
    slot.step = s.integer("step");
  }
  slot.exp_avg = s.tensor("exp_avg");
  slot.exp_avg_sq = s.tensor("exp_avg_sq");
  if (s.has("max_exp_avg_sq")) slot.max_exp_avg_sq = s.tensor("max_exp_avg_sq");
  return slot;
}

AdamContents read_optimizer(const Fields& o) {
  const auto groups = o.get("param_groups");
  if (!groups.isList() || groups.toListRef().empty() || !groups.toListRef()[0].isGenericDict()) {
    o.fail_key("param_groups", "is not a list of dicts");
  }
  const Fields g(groups.toListRef()[0].toGenericDict(), o.path(), o.full("param_groups.0."));
  AdamContents adam;
  adam.lr = g.number("lr");
  const auto betas = g.get("betas");
  if (!betas.isTuple() || betas.toTupleRef().elements().size() != 2 ||
      !betas.toTupleRef().elements()[0].isDouble() || !betas.toTupleRef().elements()[1].isDouble()) {
    g.fail_key("betas", "is not a pair of floats");
  }
  adam.beta1 = betas.toTupleRef().elements()[0].toDouble();
  adam.beta2 = betas.toTupleRef().elements()[1].toDouble();
  adam.eps = g.number("eps");
  adam.weight_decay = g.number("weight_decay");
  adam.amsgrad = g.boolean("amsgrad");
  if (g.has("param_names")) {
    const auto names = g.get("param_names");
    if (!names.isList()) g.fail_key("param_names", "is not a list");
    for (const auto& n : names.toListRef()) {
      if (!n.isString()) g.fail_key("param_names", "holds a " + n.tagKind() + ", not a str");
      adam.names.push_back(n.toStringRef());
    }
  }
  const Fields state = o.dict("state");
  for (const auto& entry : state.raw()) {
    if (!entry.key().isInt()) o.fail_key("state", "has a key that is not a parameter index");
    const std::string key = std::to_string(entry.key().toInt());
    if (!entry.value().isGenericDict()) state.fail_key(key, "is not a dict");
    adam.slots[entry.key().toInt()] =
        read_slot(Fields(entry.value().toGenericDict(), o.path(), state.full(key) + "."));
  }
  return adam;
}

}  // namespace

Dict make_v2(torch::nn::Module& model, const torch::optim::Adam* optimizer, const CheckpointMeta& meta) {
  Dict state(c10::StringType::get(), c10::TensorType::get());
  for (const auto& item : model.named_parameters()) state.insert(item.key(), saved(item.value()));
  for (const auto& item : model.named_buffers()) state.insert(item.key(), saved(item.value()));
  Dict d = string_dict();
  d.insert("model", state);
  if (optimizer != nullptr) d.insert("optimizer", optimizer_dict(model, *optimizer));
  d.insert("meta", meta_dict(meta));
  return d;
}

Contents read_v2(const Fields& top) {
  Contents c;
  c.meta = read_meta(top);
  const Fields model = top.dict("model");
  for (const auto& entry : model.raw()) {
    if (!entry.key().isString()) top.fail_key("model", "has a key that is not a str");
    const std::string name = entry.key().toStringRef();
    c.model.emplace_back(name, model.tensor(name));
  }
  if (top.has("optimizer")) c.adam = read_optimizer(top.dict("optimizer"));
  return c;
}

}  // namespace glint::train::checkpoint
