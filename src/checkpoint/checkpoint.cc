#include "checkpoint/checkpoint.h"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "checkpoint_contents.h"
#include "util/atomic_file.h"
#include "util/posix_error.h"

namespace glint::train {
namespace {

using checkpoint::AdamContents;
using checkpoint::Contents;
using checkpoint::fail;
using checkpoint::Fields;

// Readers (and a crash) see either the old or the new file, never half.
void write_atomically(const std::string& path, const std::vector<char>& bytes) {
  auto file = AtomicFile::create(path);
  if (!file.ok()) fail(path, file.status().message() + "; check the directory");
  Status written = file->write(std::string_view(bytes.data(), bytes.size()));
  if (written.ok()) written = file->commit();
  if (!written.ok()) fail(path, "cannot write: " + written.message() + "; check free space and permissions");
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Reads the file and its contents, whatever the layout. Every failure, the
// library's own included, becomes one CheckpointError.
Contents read_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open: " + errno_text(errno));
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    c10::IValue value;
    try {
      value = torch::pickle_load(bytes);
    } catch (const c10::Error& e) {
      fail(path, "not a readable torch file (" + first_line(e.what_without_backtrace()) + ")");
    }
    if (!value.isGenericDict()) fail(path, "holds a " + value.tagKind() + ", not a dict");
    const Fields top(value.toGenericDict(), path);
    if (top.has("model") && top.get("model").isGenericDict()) return checkpoint::read_v2(top);
    if (top.has("meta.format") && top.get("meta.format").isString() &&
        top.get("meta.format").toStringRef() == checkpoint::kFormat) {
      return checkpoint::read_v1(top);
    }
    if (top.has("meta") || top.has("model")) return checkpoint::read_v2(top);  // names the bad key
    fail(path, "not a glint UNet checkpoint (no meta.format = '" + std::string(checkpoint::kFormat) + "')");
  } catch (const CheckpointError&) {
    throw;
  } catch (const c10::Error& e) {
    fail(path, "damaged (" + first_line(e.what_without_backtrace()) + ")");
  } catch (const std::exception& e) {
    fail(path, "damaged (" + first_line(e.what()) + ")");
  }
}

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

void restore_model(const Contents& c, const std::string& path, torch::nn::Module& model) {
  std::unordered_map<std::string, torch::Tensor> stored(c.model.begin(), c.model.end());
  std::vector<std::pair<std::string, torch::Tensor>> wanted;
  for (const auto& item : model.named_parameters()) wanted.emplace_back(item.key(), item.value());
  for (const auto& item : model.named_buffers()) wanted.emplace_back(item.key(), item.value());
  torch::NoGradGuard no_grad;
  for (auto& [name, tensor] : wanted) {
    const auto it = stored.find(name);
    if (it == stored.end()) fail(path, "has no model." + name + "; build the model from the checkpoint's options");
    if (it->second.sizes() != tensor.sizes()) {
      fail(path, "model." + name + " has shape " + shape_text(it->second) + " but the model expects " +
                     shape_text(tensor) + "; build the model from the checkpoint's options");
    }
    tensor.copy_(it->second);
  }
  if (stored.size() != wanted.size()) {
    fail(path, "holds " + std::to_string(stored.size()) + " model tensors but the model has " +
                   std::to_string(wanted.size()) + "; build the model from the checkpoint's options");
  }
}

void restore_optimizer(const AdamContents& a, const std::string& path, torch::nn::Module& model,
                       torch::optim::Adam& optimizer) {
  auto& group = optimizer.param_groups().at(0);
  static_cast<torch::optim::AdamOptions&>(group.options())
      .lr(a.lr).betas({a.beta1, a.beta2}).eps(a.eps).weight_decay(a.weight_decay).amsgrad(a.amsgrad);
  std::unordered_set<void*> in_group;
  for (const auto& p : group.params()) in_group.insert(checkpoint::state_key(p));
  int64_t index = -1;
  for (const auto& item : model.named_parameters()) {
    ++index;
    const auto& param = item.value();
    void* const key = checkpoint::state_key(param);
    if (!in_group.count(key)) {
      fail(path, "the optimizer does not hold model parameter " + item.key() +
                     "; build it from model->parameters()");
    }
    optimizer.state().erase(key);
    int64_t slot_index = index;
    if (!a.names.empty()) {
      const auto n = std::find(a.names.begin(), a.names.end(), item.key());
      if (n == a.names.end()) continue;
      slot_index = n - a.names.begin();
    }
    const auto slot = a.slots.find(slot_index);
    if (slot == a.slots.end()) continue;
    const auto like_param = [&](const torch::Tensor& t, const char* field) {
      if (t.sizes() != param.sizes()) {
        fail(path, "optimizer state '" + std::string(field) + "' of " + item.key() + " has the wrong shape");
      }
      return t.to(param.options()).clone();
    };
    auto state = std::make_unique<torch::optim::AdamParamState>();
    state->step(slot->second.step);
    state->exp_avg(like_param(slot->second.exp_avg, "exp_avg"));
    state->exp_avg_sq(like_param(slot->second.exp_avg_sq, "exp_avg_sq"));
    if (slot->second.max_exp_avg_sq.defined()) {
      state->max_exp_avg_sq(like_param(slot->second.max_exp_avg_sq, "max_exp_avg_sq"));
    }
    optimizer.state()[key] = std::move(state);
  }
}

}  // namespace

void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     const torch::optim::Adam* optimizer, const CheckpointMeta& meta) {
  const auto dict = checkpoint::make_v2(model, optimizer, meta);
  write_atomically(path, checkpoint::weights_only_pickle(c10::IValue(dict)));
}

CheckpointMeta read_checkpoint_meta(const std::string& path) { return read_contents(path).meta; }

CheckpointMeta load_checkpoint(const std::string& path, torch::nn::Module& model,
                               torch::optim::Adam* optimizer) {
  const Contents c = read_contents(path);
  try {
    restore_model(c, path, model);
    if (optimizer != nullptr) {
      if (!c.adam) fail(path, "holds no optimizer state (saved for inference); resume without it or start fresh");
      restore_optimizer(*c.adam, path, model, *optimizer);
    }
  } catch (const CheckpointError&) {
    throw;
  } catch (const c10::Error& e) {
    fail(path, "damaged (" + first_line(e.what_without_backtrace()) + ")");
  }
  return c.meta;
}

}  // namespace glint::train
