// Training checkpoints: model parameters and buffers, Adam state and typed
// metadata, in one file that both load_checkpoint() and Python's
// torch.load(path) read.
//
// File format (version 2): the zip archive written by torch::pickle_save (the
// format of torch.save), holding ONE dict (full description in docs/MODEL.md):
//   "model"      {name: tensor}: every parameter AND buffer of the UNet, so
//                torch.load(p)["model"] is a state_dict that
//                glint.models.UNet (Python) loads as it is
//   "optimizer"  a torch.optim.Adam state_dict: {"state": {index: {"step",
//                "exp_avg", "exp_avg_sq"[, "max_exp_avg_sq"]}},
//                "param_groups": [{"lr", "betas", "eps", "weight_decay",
//                "amsgrad", "maximize", "params", "param_names"}]}; index i is
//                the i-th model parameter. Absent when saved without optimizer.
//   "meta"       {"format": "glint-unet-checkpoint", "version": 2, "epoch",
//                "global_step", "best_epoch", "loss", "unet": {in_channels,
//                out_channels, base_channels, depth}, and when known "seed",
//                "val_split", "lr", "best_val_loss"}
// The seed is stored as an int holding its 64 bits (two's complement: Python
// reads seeds >= 2^63 as negative; `meta["seed"] % 2**64` gives the value).
// Version 1 files (one flat dict: "model.<name>", "optim.<name>.<field>",
// "meta.<field>", "meta.extra.<key>") are still read, so older models keep
// working with --resume and glint_predict.
//
// Errors: every function throws CheckpointError (never c10::Error), whose
// what() is one line naming the file, the key when one is at fault, the
// problem, and what to do.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "model/unet.h"

namespace glint::train {

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CheckpointMeta {
  // Epochs completed when the checkpoint was written; --resume starts at
  // this epoch (0-based).
  int64_t epoch = 0;
  // Optimizer steps taken so far.
  int64_t global_step = 0;
  // Epoch (1-based) with the best validation loss; 0 before any validation.
  int64_t best_epoch = 0;
  // Options that built the model (needed to rebuild it before loading).
  UNetOptions unet{};
  // Loss name (see make_loss), so a resumed run keeps its loss.
  std::string loss = "focal";
  // Seed of the run (every uint64 value survives a save and load).
  std::optional<uint64_t> seed{};
  // Fraction of samples held out for validation.
  std::optional<double> val_split{};
  // Learning rate the run was started with.
  std::optional<double> lr{};
  // Best validation loss so far; absent before any validation.
  std::optional<double> best_val_loss{};
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
