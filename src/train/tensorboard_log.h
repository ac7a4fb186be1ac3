// What train_glint_unet --tensorboard DIR writes for TensorBoard: one run
// folder, DIR/<run name>, per training (tblog/event_writer.h writes the
// event files). Rank 0 alone writes in a data-parallel run.
//
// Tags, all on the global optimiser step as x axis:
//   train/step_loss                   every step (rank 0's batch loss)
//   loss/train, loss/val              every epoch (all ranks' samples)
//   val/loc_error_px, val/loc_error_all_px, val/precision, val/recall, val/f1
//   train/lr, train/samples_per_s, train/step_s, train/data_wait_pct,
//   train/peak_rss_mib                every epoch
//   val/predictions                   an image at every validation: the first
//                                     kValidationImages validation images
//                                     (always the same ones), red rings on
//                                     predicted glints, green crosses on true
//   final/best_val_loss, final/best_epoch, final/epochs_done   at the end
// and the run's hyper-parameters (run_hparams) for the HParams table.
//
// Cost per step: one scalar encoded into a memory buffer (about a
// microsecond); the file is written once per epoch. A failed write (full
// disk) prints one warning and turns the logging off; training goes on.
// Not thread-safe: the training loop's thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <torch/types.h>

#include "tblog/event_writer.h"
#include "train/train_options.h"
#include "train_log.h"

namespace glint::train {

// The run's hyper-parameters, named as their flags without "--": loss, lr,
// batch, epochs, seed, val_split, augment, base_channels, depth, precision,
// world_size, and data (the HDF5 file's name).
std::vector<tblog::HParam> run_hparams(const TrainOptions& options);

// The run's folder name: --run_name when given, else "flag=value" of every
// hyper-parameter but data that differs from its default, joined by ','
// ("loss=hybrid,lr=0.0003"); "defaults" when none differs.
std::string run_name(const TrainOptions& options);

class TensorBoardLog {
 public:
  static constexpr int64_t kValidationImages = 4;

  // Opens options.tensorboard/<run_name> and writes the session start;
  // disabled (every call does nothing) when options.tensorboard is empty or
  // options.rank is not 0.
  // Never throws for a folder that cannot be written: `warnings` gets one
  // line and the log is disabled.
  TensorBoardLog(const TrainOptions& options, std::ostream& warnings);
  // Ends the session as failed when finish() was not called (an exception).
  ~TensorBoardLog();
  TensorBoardLog(const TensorBoardLog&) = delete;
  TensorBoardLog& operator=(const TensorBoardLog&) = delete;

  bool enabled() const { return writer_ && writer_->enabled(); }
  // DIR/<run name>; "" when disabled from the start.
  const std::string& run_dir() const { return run_dir_; }

  void step(int64_t global_step, double loss);
  // The epoch's scalars (NaN ones skipped), then a flush.
  void epoch(const EpochResult& r);
  // The val/predictions image of the first validation batch: images
  // [B, C, H, W] (channel 0 drawn), probabilities and target heatmaps
  // [B, K, H, W]; the first kValidationImages are drawn.
  void validation_images(const torch::Tensor& images, const torch::Tensor& probabilities,
                         const torch::Tensor& target, int64_t global_step);
  // final/* scalars and the session end: success, or failure when interrupted.
  void finish(double best_val_loss, int64_t best_epoch, int64_t epochs_done, int64_t global_step,
              bool interrupted);

 private:
  std::string run_dir_;
  std::unique_ptr<tblog::EventWriter> writer_;
  int64_t last_step_ = 0;
  bool finished_ = false;
};

}  // namespace glint::train
