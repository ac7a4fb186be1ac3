#include "train/checkpoint.h"

#include <cerrno>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "util/atomic_file.h"
#include "util/posix_error.h"

namespace glint::train {
namespace {

constexpr const char* kFormat = "glint-unet-checkpoint";
constexpr int64_t kVersion = 1;

using Dict = c10::impl::GenericDict;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw CheckpointError("checkpoint " + path + ": " + what);
}

// Readers (and a crash) see either the old or the new file, never half.
void write_atomically(const std::string& path, const std::vector<char>& bytes) {
  auto file = AtomicFile::create(path);
  if (!file.ok()) fail(path, file.status().message() + "; check the directory");
  Status written = file->write(std::string_view(bytes.data(), bytes.size()));
  if (written.ok()) written = file->commit();
  if (!written.ok()) fail(path, "cannot write: " + written.message() + "; check free space and permissions");
}

Dict read_dict(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open: " + errno_text(errno));
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  c10::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    fail(path, "not a readable torch file (" + what.substr(0, what.find('\n')) + ")");
  }
  if (!value.isGenericDict()) fail(path, "holds a " + value.tagKind() + ", not a dict");
  return value.toGenericDict();
}

c10::IValue get(const Dict& dict, const std::string& path, const std::string& key) {
  const auto it = dict.find(key);
  if (it == dict.end()) {
    fail(path, "missing key '" + key + "'; it was not written by save_checkpoint");
  }
  return it->value();
}

int64_t get_int(const Dict& dict, const std::string& path, const std::string& key) {
  const auto value = get(dict, path, key);
  if (!value.isInt()) fail(path, "key '" + key + "' is not an int");
  return value.toInt();
}

torch::Tensor get_tensor(const Dict& dict, const std::string& path, const std::string& key) {
  const auto value = get(dict, path, key);
  if (!value.isTensor()) fail(path, "key '" + key + "' is not a tensor");
  return value.toTensor();
}

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

// Parameters then buffers, by their dotted names; the names never collide.
std::vector<std::pair<std::string, torch::Tensor>> model_state(torch::nn::Module& model) {
  std::vector<std::pair<std::string, torch::Tensor>> state;
  for (const auto& item : model.named_parameters()) state.emplace_back(item.key(), item.value());
  for (const auto& item : model.named_buffers()) state.emplace_back(item.key(), item.value());
  return state;
}

std::string state_key(const torch::Tensor& param) {
  return c10::guts::to_string(param.unsafeGetTensorImpl());
}

// Snapshot on CPU that later training steps cannot change.
torch::Tensor saved(const torch::Tensor& t) { return t.detach().to(torch::kCPU).clone(); }

void put_meta(Dict& dict, const CheckpointMeta& meta) {
  dict.insert("meta.format", std::string(kFormat));
  dict.insert("meta.version", kVersion);
  dict.insert("meta.epoch", meta.epoch);
  dict.insert("meta.loss", meta.loss);
  dict.insert("meta.unet.in_channels", meta.unet.in_channels);
  dict.insert("meta.unet.out_channels", meta.unet.out_channels);
  dict.insert("meta.unet.base_channels", meta.unet.base_channels);
  dict.insert("meta.unet.depth", meta.unet.depth);
  for (const auto& [key, value] : meta.extra) dict.insert("meta.extra." + key, value);
}

CheckpointMeta get_meta(const Dict& dict, const std::string& path) {
  const auto format = dict.find("meta.format");
  if (format == dict.end() || !format->value().isString() ||
      format->value().toStringRef() != kFormat) {
    fail(path, "not a glint UNet checkpoint (no meta.format = '" + std::string(kFormat) + "')");
  }
  const int64_t version = get_int(dict, path, "meta.version");
  if (version != kVersion) {
    fail(path, "format version " + std::to_string(version) + " is not supported (this build reads " +
                   std::to_string(kVersion) + ")");
  }
  CheckpointMeta meta;
  meta.epoch = get_int(dict, path, "meta.epoch");
  meta.loss = get(dict, path, "meta.loss").toStringRef();
  meta.unet.in_channels = get_int(dict, path, "meta.unet.in_channels");
  meta.unet.out_channels = get_int(dict, path, "meta.unet.out_channels");
  meta.unet.base_channels = get_int(dict, path, "meta.unet.base_channels");
  meta.unet.depth = get_int(dict, path, "meta.unet.depth");
  const std::string prefix = "meta.extra.";
  for (const auto& entry : dict) {
    const auto& key = entry.key().toStringRef();
    if (key.rfind(prefix, 0) == 0 && entry.value().isDouble()) {
      meta.extra[key.substr(prefix.size())] = entry.value().toDouble();
    }
  }
  return meta;
}

void put_optimizer(Dict& dict, torch::nn::Module& model, const torch::optim::Adam& optimizer) {
  const auto& options =
      static_cast<const torch::optim::AdamOptions&>(optimizer.param_groups().at(0).options());
  dict.insert("optim.lr", options.lr());
  dict.insert("optim.beta1", std::get<0>(options.betas()));
  dict.insert("optim.beta2", std::get<1>(options.betas()));
  dict.insert("optim.eps", options.eps());
  dict.insert("optim.weight_decay", options.weight_decay());
  dict.insert("optim.amsgrad", options.amsgrad());
  for (const auto& item : model.named_parameters()) {
    const auto it = optimizer.state().find(state_key(item.value()));
    if (it == optimizer.state().end()) continue;
    const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
    const std::string prefix = "optim." + item.key() + ".";
    dict.insert(prefix + "step", s.step());
    dict.insert(prefix + "exp_avg", saved(s.exp_avg()));
    dict.insert(prefix + "exp_avg_sq", saved(s.exp_avg_sq()));
    if (s.max_exp_avg_sq().defined()) dict.insert(prefix + "max_exp_avg_sq", saved(s.max_exp_avg_sq()));
  }
}

double get_double(const Dict& dict, const std::string& path, const std::string& key) {
  const auto value = get(dict, path, key);
  if (!value.isDouble()) fail(path, "key '" + key + "' is not a float");
  return value.toDouble();
}

void restore_optimizer(const Dict& dict, const std::string& path, torch::nn::Module& model,
                       torch::optim::Adam& optimizer) {
  if (dict.find("optim.lr") == dict.end()) {
    fail(path, "holds no optimizer state (saved for inference); resume without it or start fresh");
  }
  auto& group = optimizer.param_groups().at(0);
  auto& options = static_cast<torch::optim::AdamOptions&>(group.options());
  options.lr(get_double(dict, path, "optim.lr"))
      .betas({get_double(dict, path, "optim.beta1"), get_double(dict, path, "optim.beta2")})
      .eps(get_double(dict, path, "optim.eps"))
      .weight_decay(get_double(dict, path, "optim.weight_decay"))
      .amsgrad(get(dict, path, "optim.amsgrad").toBool());
  std::unordered_map<std::string, bool> in_group;
  for (const auto& p : group.params()) in_group[state_key(p)] = true;
  for (const auto& item : model.named_parameters()) {
    const auto& param = item.value();
    const std::string key = state_key(param);
    if (!in_group.count(key)) {
      fail(path, "the optimizer does not hold model parameter " + item.key() +
                     "; build it from model->parameters()");
    }
    const std::string prefix = "optim." + item.key() + ".";
    optimizer.state().erase(key);
    if (dict.find(prefix + "step") == dict.end()) continue;
    auto state = std::make_unique<torch::optim::AdamParamState>();
    auto like_param = [&](const std::string& name) {
      const auto t = get_tensor(dict, path, prefix + name);
      if (t.sizes() != param.sizes()) fail(path, "key '" + prefix + name + "' has the wrong shape");
      return t.to(param.options()).clone();
    };
    state->step(get_int(dict, path, prefix + "step"));
    state->exp_avg(like_param("exp_avg"));
    state->exp_avg_sq(like_param("exp_avg_sq"));
    if (dict.find(prefix + "max_exp_avg_sq") != dict.end()) {
      state->max_exp_avg_sq(like_param("max_exp_avg_sq"));
    }
    optimizer.state()[key] = std::move(state);
  }
}

void restore_model(const Dict& dict, const std::string& path, torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  size_t expected = 0;
  for (auto& [name, tensor] : model_state(model)) {
    if (dict.find("model." + name) == dict.end()) {
      fail(path, "has no model." + name + "; build the model from the checkpoint's options");
    }
    const auto value = get_tensor(dict, path, "model." + name);
    if (value.sizes() != tensor.sizes()) {
      fail(path, "model." + name + " has shape " + shape_text(value) + " but the model expects " +
                     shape_text(tensor) + "; build the model from the checkpoint's options");
    }
    tensor.copy_(value);
    ++expected;
  }
  size_t stored = 0;
  for (const auto& entry : dict) stored += entry.key().toStringRef().rfind("model.", 0) == 0;
  if (stored != expected) {
    fail(path, "holds " + std::to_string(stored) + " model tensors but the model has " +
                   std::to_string(expected) + "; build the model from the checkpoint's options");
  }
}

}  // namespace

void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     const torch::optim::Adam* optimizer, const CheckpointMeta& meta) {
  Dict dict(c10::StringType::get(), c10::AnyType::get());
  put_meta(dict, meta);
  for (const auto& [name, tensor] : model_state(model)) dict.insert("model." + name, saved(tensor));
  if (optimizer != nullptr) put_optimizer(dict, model, *optimizer);
  write_atomically(path, torch::pickle_save(c10::IValue(dict)));
}

CheckpointMeta read_checkpoint_meta(const std::string& path) {
  return get_meta(read_dict(path), path);
}

CheckpointMeta load_checkpoint(const std::string& path, torch::nn::Module& model,
                               torch::optim::Adam* optimizer) {
  const Dict dict = read_dict(path);
  CheckpointMeta meta = get_meta(dict, path);
  restore_model(dict, path, model);
  if (optimizer != nullptr) restore_optimizer(dict, path, model, *optimizer);
  return meta;
}

}  // namespace glint::train
