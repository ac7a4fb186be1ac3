// The training loop of train_glint_unet: epochs of Adam steps over a
// SampleSource, validation with peak metrics, checkpoints, --resume.
#pragma once

#include <cmath>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>

#include "data/data_source.h"
#include "dist/distributed.h"
#include "model/unet.h"
#include "train/train_options.h"
#include "train_log.h"

namespace glint::train {

// What a checkpoint carries besides weights and optimiser state
// (CheckpointMeta fields epoch, global_step, best_epoch, best_val_loss; see
// checkpoint.h).
struct TrainState {
  int64_t epochs_done = 0;       // complete epochs
  int64_t global_step = 0;       // optimiser steps
  double best_val_loss = NAN;    // NaN until a validation ran
  int64_t best_epoch = 0;
};

struct TrainOutcome {
  TrainState state;
  std::optional<EpochResult> last;  // last epoch run (and validated) here
  bool interrupted = false;         // stopped by SIGINT/SIGTERM (checkpoint saved)
  bool reached_max_steps = false;
  double seconds = 0;
  double step_seconds = 0;   // of `seconds`, in training steps
  AllReduceStats allreduce;  // the gradient all-reduces (data parallel)
};

// The model options for data of `shape` (channels from the datasets).
UNetOptions unet_options_for(const TrainOptions& options, const SourceShape& shape);

// Checks, from the checkpoint's metadata only, that --resume can continue
// it with these options (same architecture, loss, seed and val_split).
// Throws std::runtime_error with one line naming the flag to change.
void check_resumable(const TrainOptions& options, const SourceShape& shape);

// What every data-parallel rank must share with rank 0 (DataParallel::agree):
// the data (MD5 when known, datasets, sample count and shapes), the model and
// every flag that changes the steps.
Identity run_identity(const TrainOptions& options, const SourceShape& shape, const std::string& data_md5);

// Trains as `options` say (resuming from options.model_path with --resume),
// writing one line per epoch to `out`, a progress bar to `err` when
// `show_progress`, JSON lines to options.log, and the checkpoint to
// options.model_path after every epoch and when stopped (progress bar, log,
// validation and checkpoint on rank 0 only). Returns when the
// epochs or max_steps are done or stop_requested() (runtime/stop_signal.h).
// Throws std::exception / c10::Error on failure.
// With world_size > 1, joins the data-parallel group first and refuses to
// train unless every rank has the same run_identity (`data_md5` is the
// file's MD5, "" = unknown).
TrainOutcome train_model(const TrainOptions& options, std::shared_ptr<const SampleSource> source,
                         std::ostream& out, std::ostream& err, bool show_progress,
                         const std::string& data_md5 = "");

}  // namespace glint::train
