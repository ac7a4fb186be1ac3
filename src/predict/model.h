// The trained UNet of a checkpoint, ready for inference.
#pragma once

#include <string>

#include "predict/input.h"
#include "train/checkpoint.h"
#include "train/unet.h"

namespace glint::predict {

struct LoadedModel {
  train::UNet unet{nullptr};
  train::CheckpointMeta meta;
};

// Builds the UNet the checkpoint describes, loads its weights, sets eval
// mode. Throws train::CheckpointError (one line, naming --model_path) when
// the file is missing, damaged or not a glint checkpoint.
LoadedModel load_model(const std::string& model_path);

// "m.pt: UNet in=1 out=1 base=8 depth=3, 6 epochs, loss focal"
std::string describe_model(const std::string& model_path, const LoadedModel& model);

// Throws std::runtime_error (one line) when `image` cannot go through the
// model: other channel count, or a size not divisible by 2^depth.
void check_image(const LoadedModel& model, const InputImage& image);

}  // namespace glint::predict
