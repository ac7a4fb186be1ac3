// glint_predict: runs a trained checkpoint on images of an HDF5 file.
#pragma once

#include <cstdint>
#include <string>

namespace glint::predict {

struct PredictOptions {
  std::string model_path = "model.pt";  // checkpoint of train_glint_unet
  std::string h5;                       // required
  std::string images = "images";
  // Ground truth to mark and score against; skipped when the file lacks it.
  std::string heatmaps = "heatmaps";
  int64_t index = 0;                    // first image
  int64_t count = 1;                    // number of images
  double threshold = 0.3;               // peak threshold on sigmoid(logits)
  std::string png;                      // picture of the predictions ("" = none)
  int threads = 0;                      // torch threads, 0 = one per core
};

// Prints the detected glints of each image and writes the PNG. Returns the
// exit code; errors are one line "glint_predict: error: ..." on stderr.
int run_predict(const PredictOptions& options);

}  // namespace glint::predict
