// What a checkpoint holds, independent of its layout on disk, and the
// type-checked reading of torch dicts that every layout reader uses.
// Private to checkpoint*.cc.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/checkpoint.h"

namespace glint::train::checkpoint {

using Dict = c10::impl::GenericDict;

inline constexpr const char* kFormat = "glint-unet-checkpoint";
inline constexpr int64_t kVersion = 2;        // written
inline constexpr int64_t kLegacyVersion = 1;  // still read

struct AdamSlot {
  int64_t step = 0;
  torch::Tensor exp_avg, exp_avg_sq, max_exp_avg_sq;  // the last may be undefined
};

struct AdamContents {
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0;
  bool amsgrad = false;
  // Name of parameter i, when the file says; else i is the model's i-th parameter.
  std::vector<std::string> names;
  std::map<int64_t, AdamSlot> slots;  // parameters Adam has stepped
};

struct Contents {
  CheckpointMeta meta;
  std::vector<std::pair<std::string, torch::Tensor>> model;  // parameters and buffers
  std::optional<AdamContents> adam;
};

[[noreturn]] void fail(const std::string& path, const std::string& what);

// torch::pickle_save's zip archive (torch.save's format), pickled without the
// type tags (torch.jit._pickle.restore_type_tag) that torch::pickle_save puts
// on every dict and list: torch.load's default weights_only=True (torch
// >= 2.6) refuses them. `value` must hold only dicts, generic lists, tuples,
// strings, numbers, bools and tensors; those all load with weights_only=True.
std::vector<char> weights_only_pickle(const c10::IValue& value);

// The key of a parameter's slot in torch::optim::Optimizer::state().
inline void* state_key(const torch::Tensor& param) { return param.unsafeGetTensorImpl(); }

// A dict of a checkpoint read with the file's path and the key's full name in
// every error: "checkpoint ck.pt: key 'meta.epoch' has type str, expected int".
class Fields {
 public:
  Fields(Dict dict, std::string path, std::string prefix = "")
      : dict_(std::move(dict)), path_(std::move(path)), prefix_(std::move(prefix)) {}

  bool has(const std::string& key) const;
  c10::IValue get(const std::string& key) const;  // fails when missing
  int64_t integer(const std::string& key) const;
  double number(const std::string& key) const;    // a float or an int
  bool boolean(const std::string& key) const;
  std::string text(const std::string& key) const;
  torch::Tensor tensor(const std::string& key) const;
  Fields dict(const std::string& key) const;
  std::optional<double> optional_number(const std::string& key) const;

  const Dict& raw() const { return dict_; }
  const std::string& path() const { return path_; }
  std::string full(const std::string& key) const { return prefix_ + key; }
  [[noreturn]] void fail_key(const std::string& key, const std::string& what) const;

 private:
  Dict dict_;
  std::string path_;
  std::string prefix_;
};

// Layout readers: `top` is the file's dict. Both fail with CheckpointError.
Contents read_v2(const Fields& top);
Contents read_v1(const Fields& top);

// The version 2 dict for a model, an optional optimizer and metadata.
Dict make_v2(torch::nn::Module& model, const torch::optim::Adam* optimizer, const CheckpointMeta& meta);

}  // namespace glint::train::checkpoint
