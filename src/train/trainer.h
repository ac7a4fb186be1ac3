// train_glint_unet as a library call: everything main() does after parsing.
// Free of LibTorch so that the program's main.cc compiles in a second.
#pragma once

#include "train/train_options.h"

namespace glint::train {

// Exit codes of run_train, the same in every program (docs/TRAINING.md,
// "Exit codes"): 0 done, 1 a failure while working, 2 a bad command line
// (kUsageError of util/cli.h: also a --h5 file that does not exist), 130
// (kInterruptedExitCode, runtime/stop_signal.h) stopped by SIGINT or SIGTERM.
// During training the current step is finished and the checkpoint saved
// first; a signal that arrives before training starts, or that ends a wait
// for data-parallel peers (Interrupted), stops the run without saving.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;

// Runs one training (or, with --cleanup_shm, the cleanup) and returns the
// process exit code. Order: cheap checks of every option, the file and its
// datasets, and the --resume checkpoint; then malloc and thread set-up, data
// loading, training, the summary. Every error, c10::Error included, ends as
// ONE line "train_glint_unet: error: ..." on stderr and kExitError; nothing
// throws out of it.
int run_train(const TrainOptions& options);

// True when run_train left threads blocked in c10d or Gloo (a lost rank, a
// stop signal while waiting for peers): the program must then end with
// _exit(code) after flushing, since destroying what they use would hang or
// crash.
bool run_left_threads_behind();

}  // namespace glint::train
