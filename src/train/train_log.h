// What one epoch of training produced, as a line for people and as a JSON
// line for programs (--log FILE).
//
// JSON line keys (numbers, partial a boolean; null where there is no value,
// e.g. no validation set): epoch, epochs, partial, steps, global_step, train_loss, val_loss,
// loc_error_px, loc_error_all_px, precision, recall, f1, val_images,
// gt_glints, pred_glints, matched, samples_per_s, step_s, data_wait_s,
// data_wait_pct, epoch_s, lr, peak_rss_mib. Full description: docs/TRAINING.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <fstream>
#include <string>

#include "model/peaks.h"

namespace glint::train {

struct EpochResult {
  int64_t epoch = 0;         // 1-based number of this epoch
  int64_t epochs = 0;        // planned total
  bool partial = false;      // stopped before its last batch (max_steps, Ctrl-C)
  int64_t steps = 0;         // optimiser steps in this epoch
  int64_t global_step = 0;   // optimiser steps since the first epoch
  double train_loss = NAN;   // mean over training samples
  double val_loss = NAN;     // mean over validation samples (NaN: none)
  MetricsSummary metrics;    // peaks on the validation set, radius 3 px
  double samples_per_s = 0;  // training samples / training time
  double step_s = NAN;       // median time of one training step (NaN: no step)
  double data_wait_s = 0;    // time steps waited for batches (LoaderStats)
  double epoch_s = 0;        // training and validation
  double lr = 0;
  double peak_rss_mib = NAN;  // the process's peak RSS so far (VmHWM)
};

// The wait as a share of the epoch's time, in percent.
double data_wait_percent(const EpochResult& r);

// "epoch 3/50  train 0.1234  val 0.1300  err 0.84 px  P 0.970  R 0.950  412.0
//  samples/s  data wait 0.12 s (1.3%)  12.3 s" (one line; "n/a" for NaN).
std::string format_epoch_line(const EpochResult& r);

// One JSON object, no newline.
std::string epoch_json(const EpochResult& r);

// Writes JSON lines to a file; disabled when the path is empty.
class TrainLog {
 public:
  // Truncates the file, or appends to it when `append` (a resumed run).
  // Throws std::runtime_error (one line) when the file cannot be opened.
  TrainLog(const std::string& path, bool append);
  // Writes and flushes one line, so a crash keeps every finished epoch.
  void write(const EpochResult& r);

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace glint::train
