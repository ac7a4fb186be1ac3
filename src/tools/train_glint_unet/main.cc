// train_glint_unet: trains the glint UNet; see docs/TRAINING.md.
#include <cstdio>
#include <cstdlib>

#include "train/train_options.h"
#include "train/trainer.h"

int main(int argc, char** argv) {
  glint::train::TrainOptions options;
  if (const int code = glint::train::parse_train_options(argc, argv, options); code >= 0) {
    return code;
  }
  const int code = glint::train::run_train(options);
  if (glint::train::run_left_threads_behind()) {
    std::fflush(nullptr);
    std::_Exit(code);
  }
  return code;
}
