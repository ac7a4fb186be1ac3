#include "predict/model.h"

#include <filesystem>
#include <stdexcept>

namespace glint::predict {

LoadedModel load_model(const std::string& model_path, const std::string& precision) {
  if (!std::filesystem::is_regular_file(model_path)) {
    throw train::CheckpointError("--model_path " + model_path +
                                 ": no such file; give a checkpoint written by train_glint_unet");
  }
  LoadedModel m;
  m.meta = train::read_checkpoint_meta(model_path);
  m.unet = train::UNet(m.meta.unet);
  train::load_checkpoint(model_path, *m.unet, nullptr);
  m.unet->eval();
  m.mode = train::run_mode(precision, torch::kCPU);
  train::apply_layout(*m.unet, m.mode);
  return m;
}

torch::Tensor predict_heatmaps(LoadedModel& m, const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = train::to_input(images, m.mode);
  torch::Tensor logits;
  {
    train::AutocastScope autocast(m.mode);
    logits = m.unet->forward(x);
  }
  return torch::sigmoid(train::float_logits(logits));
}

std::string describe_model(const std::string& model_path, const LoadedModel& m) {
  return model_path + ": UNet " + train::describe(m.meta.unet) + ", " + std::to_string(m.meta.epoch) +
         " epochs, loss " + m.meta.loss + "; runs in " + train::describe(m.mode);
}

void check_image(const LoadedModel& m, const InputImage& image) {
  const train::UNetOptions& u = m.meta.unet;
  if (image.channels != u.in_channels) {
    throw std::runtime_error("image " + image.label + " has " + std::to_string(image.channels) +
                             " channel(s) but the model expects " + std::to_string(u.in_channels));
  }
  const int64_t step = int64_t{1} << u.depth;
  if (image.height % step != 0 || image.width % step != 0) {
    throw std::runtime_error("image " + image.label + " is " + std::to_string(image.width) + "x" +
                             std::to_string(image.height) + " but a UNet of depth " +
                             std::to_string(u.depth) + " needs sizes divisible by " +
                             std::to_string(step) + "; crop or pad it");
  }
}

}  // namespace glint::predict
