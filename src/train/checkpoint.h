// Training checkpoints: model parameters and buffers, Adam state, epoch and
// the options needed to rebuild the model, in one file that both
// load_checkpoint() and Python's torch.load(path) read.
//
// File format: the zip archive written by torch::pickle_save (the format of
// torch.save), holding ONE dict with string keys (full list in docs/MODEL.md):
//   "model.<name>"                  tensor, every parameter AND buffer
//                                   (BatchNorm running stats) of the UNet
//   "optim.<name>.step"             int, Adam steps taken for that parameter
//   "optim.<name>.exp_avg"          tensor, Adam first moment
//   "optim.<name>.exp_avg_sq"       tensor, Adam second moment
//   "optim.<name>.max_exp_avg_sq"   tensor, only with amsgrad
//   "optim.lr", "optim.beta1", "optim.beta2", "optim.eps",
//   "optim.weight_decay"            float; "optim.amsgrad" bool
//   "meta.format" = "glint-unet-checkpoint", "meta.version" = 1,
//   "meta.epoch", "meta.unet.{in_channels,out_channels,base_channels,depth}"
//                                   int; "meta.loss" str;
//   "meta.extra.<key>"              float, free-form values of the trainer
// <name> is a UNet parameter or buffer name such as "enc0.conv1.weight".
// "optim.*" keys are absent when no optimizer was given; per-parameter keys
// are absent for parameters Adam has not stepped yet.
//
// Errors: every function throws CheckpointError, whose what() is one line
// naming the file, the problem, and what to do.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "train/unet.h"

namespace glint::train {

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CheckpointMeta {
  // Epochs completed when the checkpoint was written; --resume starts at
  // this epoch (0-based).
  int64_t epoch = 0;
  // Options that built the model (needed to rebuild it before loading).
  UNetOptions unet{};
  // Loss name (see make_loss), so a resumed run keeps its loss.
  std::string loss = "focal";
  // Free-form numbers of the trainer (best metric, global step, seed, ...).
  std::map<std::string, double> extra{};
};

// Writes `path` atomically (a temporary file in the same directory, fsync,
// rename): a crash leaves either the old or the new checkpoint. `optimizer`
// may be null (weights only); when given it must hold the model's
// parameters (built from model.parameters()) in its first param group.
void save_checkpoint(const std::string& path, torch::nn::Module& model,
                     const torch::optim::Adam* optimizer, const CheckpointMeta& meta);

// Reads only the metadata, e.g. to build the UNet before load_checkpoint().
CheckpointMeta read_checkpoint_meta(const std::string& path);

// Restores every parameter and buffer of `model` (it must have exactly the
// checkpoint's parameter names and shapes, i.e. be built from
// read_checkpoint_meta(path).unet) and, when `optimizer` is not null, the
// Adam state and hyper-parameters of its first param group (the checkpoint's
// learning rate replaces the optimizer's; set it again afterwards to
// override). Returns the metadata. The model's device is kept.
CheckpointMeta load_checkpoint(const std::string& path, torch::nn::Module& model,
                               torch::optim::Adam* optimizer);

}  // namespace glint::train
