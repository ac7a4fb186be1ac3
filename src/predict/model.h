// The trained UNet of a checkpoint, ready for inference.
#pragma once

#include <string>

#include "checkpoint/checkpoint.h"
#include "model/precision.h"
#include "model/unet.h"
#include "predict/input.h"

namespace glint::predict {

struct LoadedModel {
  train::UNet unet{nullptr};
  train::CheckpointMeta meta;
  train::RunMode mode;  // precision and layout of the forward pass
};

// Builds the UNet the checkpoint describes, loads its weights, sets eval
// mode and the layout of `precision` ("auto", "fp32", "bf16"; the checkpoint
// is float32 whatever precision trained it). Throws train::CheckpointError
// (one line naming the file; "--model_path <path>: no such file ..." when it
// is missing) when the file is missing, damaged or not a glint checkpoint,
// std::invalid_argument for bf16 on a CPU without it.
LoadedModel load_model(const std::string& model_path, const std::string& precision = "fp32");

// Sigmoid heatmaps [B, C, H, W], float32, of a batch of images [B, C, H, W]
// (float32, NCHW), in the model's precision.
torch::Tensor predict_heatmaps(LoadedModel& model, const torch::Tensor& images);

// "m.pt: UNet in=1 out=1 base=8 depth=3, 6 epochs, loss focal; runs in fp32, channels-last"
std::string describe_model(const std::string& model_path, const LoadedModel& model);

// Throws std::runtime_error (one line) when `image` cannot go through the
// model: other channel count, or a size not divisible by 2^depth.
void check_image(const LoadedModel& model, const InputImage& image);

}  // namespace glint::predict
