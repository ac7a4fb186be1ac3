// The files a training writes (--model_path, --log), checked before any data
// is loaded: each can be written, and none holds an earlier run that this one
// would replace without being asked to (--overwrite) or continue (--resume).
#pragma once

#include "train/train_options.h"

namespace glint::train {

// Throws std::runtime_error with one line naming the flag, the path and the
// cause: "--model_path adir: is a directory; give a file path such as
// adir/model.pt", "--model_path keep.pt already holds a model trained 40
// epoch(s) with --loss focal (saved 2026-12-07 14:02); continue it with
// --resume, or replace it with --overwrite".
void check_run_outputs(const TrainOptions& o);

}  // namespace glint::train
