// glint_predict: glints a trained model finds in images; see docs/TRAINING.md.
#include <CLI/CLI.hpp>

#include "predict.h"
#include "util/cli.h"

namespace {

void setup_predict(CLI::App& app, glint::predict::PredictOptions& o) {
  app.option_defaults()->always_capture_default();
  app.add_option("--model", o.model_path, "checkpoint written by train_glint_unet");
  app.add_option("--h5", o.h5, "HDF5 file with the images (required)");
  app.add_option("--images", o.images, "dataset of images");
  app.add_option("--heatmaps", o.heatmaps, "dataset of ground-truth heatmaps (optional in the file)");
  app.add_option("--index", o.index, "first image")->check(CLI::NonNegativeNumber);
  app.add_option("--count", o.count, "number of images")->check(CLI::Range(int64_t{1}, int64_t{4096}));
  app.add_option("--threshold", o.threshold, "minimum glint score (sigmoid of the logit)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--png", o.png, "write the images with predicted (red) and true (green) glints");
  app.add_option("--threads", o.threads, "torch CPU threads (0 = one per core)")
      ->check(CLI::Range(0, 4096));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Finds glints in images of an HDF5 file with a trained glint UNet.", "glint_predict");
  glint::predict::PredictOptions options;
  setup_predict(app, options);
  if (const auto code = glint::parse_command_line(app, argc, argv)) return *code;
  if (options.h5.empty()) return glint::usage_error(app, "--h5 is required: give the HDF5 file with the images");
  return glint::predict::run_predict(options);
}
