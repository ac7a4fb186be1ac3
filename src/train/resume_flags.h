// --resume: what a resumed run takes from its checkpoint and what it may change.
#pragma once

#include <string>

#include "train/train_options.h"

namespace glint::train {

struct ResumePlan {
  // The options to run with: every flag the checkpoint records (--loss,
  // --base_channels, --depth, --seed, --val_split, --lr) that was not given
  // is the checkpoint's.
  TrainOptions options;
  // One line for the start of the run: what was taken, what was changed.
  std::string line;
  // --epochs asks for no more than the checkpoint has done: nothing to train;
  // `line` says so and the checkpoint is left as it is.
  bool nothing_to_do = false;
};

// Reads the metadata of the checkpoint at o.model_path (o.resume is set).
// Throws std::runtime_error with one line when a given flag that fixes the
// model or the data split (--loss, --base_channels, --depth, --seed,
// --val_split) differs from the checkpoint's, naming both values.
ResumePlan plan_resume(const TrainOptions& o);

}  // namespace glint::train
