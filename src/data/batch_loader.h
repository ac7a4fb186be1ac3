// BatchLoader: float32 batches of a SampleSource, built ahead by worker
// threads and handed out in a deterministic order.
//
// Determinism: with the same source rows, index list and options, every epoch
// yields bit-identical batches whatever num_workers, prefetch, the source kind
// (shared, preload, stream) or thread timing. The order of epoch e is
// shuffled(indices, seed, e) (or the index list itself without shuffle); the
// augmentation of a sample depends on (seed, e, its row) only.
//
// Waiting: next() measures how long it blocked for the batch (with
// num_workers == 0, the time to build it, since the caller builds it). The
// trainer reads stats() to report whether steps are starved of data.
//
// Threading: one consumer thread calls start_epoch / next / stats. stop() may
// be called from any thread (not from a signal handler: set a flag there and
// call stop() or destroy the loader from normal code). The destructor stops
// and joins the workers; a worker finishes the batch it is building first, so
// destruction mid-epoch waits for at most one batch per worker, never more.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "data/augment.h"
#include "data/batch_loader_order.h"
#include "data/data_source.h"
#include "data/data_source_gather.h"

namespace glint::train {

struct LoaderOptions {
  // Samples per batch (>= 1).
  int64_t batch = 16;
  // Threads building batches ahead; 0 builds each batch inside next().
  int num_workers = 4;
  // Batches built ahead per worker (>= 1): at most num_workers * prefetch
  // batches are built or being built beyond the one the caller holds.
  int prefetch = 2;
  // Reorder the index list every epoch (from seed and epoch); false keeps the
  // given order (validation).
  bool shuffle = true;
  uint64_t seed = 0;
  // Data-parallel share of every epoch, as torch's DistributedSampler: after
  // the epoch's shuffle of the whole index list, keep the positions
  // shard_rank, shard_rank + shard_count, ... cut to the same length on every
  // shard. Batch k of shard r then holds samples of batch k of one loader with
  // shard_count * batch samples per batch. 0 of 1 keeps everything.
  int shard_rank = 0;
  int shard_count = 1;
  // Random flips and shifts, applied identically to image and heatmaps.
  bool augment = false;
  AugmentOptions augment_options{};
  // Skip the last batch when it would be smaller than `batch`.
  bool drop_last = false;
  // Allocate batches in page-locked memory when CUDA is available (faster,
  // asynchronous copies to the GPU); ignored on CPU-only machines.
  bool pin_memory_if_cuda = true;
  // Receives one-line warnings (called from the thread calling next()); empty
  // prints them to stderr. Today: the first batch whose NaN were set to 0.
  std::function<void(std::string_view)> on_warning{};
};

// Of the current epoch, reset by start_epoch.
struct LoaderStats {
  int64_t batches = 0;            // batches returned by next()
  double wait_seconds = 0;        // total time next() blocked
  double max_wait_seconds = 0;    // longest single wait
  int64_t nan_replaced = 0;       // NaN values set to 0 in returned batches
};

class BatchLoader {
 public:
  // `indices` are source rows (the caller's train or validation subset; may
  // repeat, may be empty). Throws std::invalid_argument with one line for a
  // bad option or an index outside the source. Starts the workers (idle
  // until start_epoch).
  BatchLoader(std::shared_ptr<const SampleSource> source, std::vector<int64_t> indices,
              LoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // Begins epoch `epoch` (any integer; usually 0, 1, ...): fixes its order
  // and lets workers start. Batches of an unfinished previous epoch are
  // dropped. Resets stats().
  void start_epoch(int64_t epoch);

  // The next batch of the epoch, in order; nullopt at the end of the epoch,
  // before the first start_epoch, and after stop(). If building a batch
  // failed (unreadable file, ...), rethrows that error; the following call
  // continues with the next batch.
  std::optional<Batch> next();

  // Makes next() return nullopt and workers exit after their current batch.
  void stop();

  int64_t batches_per_epoch() const { return batches_per_epoch_; }
  int64_t samples_per_epoch() const;
  LoaderStats stats() const;
  double wait_seconds() const { return stats().wait_seconds; }

 private:
  struct Slot {
    std::optional<Batch> batch;
    std::exception_ptr error;
  };

  void worker_loop();
  bool can_build() const;                  // mu_ held
  std::vector<int64_t> batch_rows(int64_t b) const;  // mu_ held
  GatherOptions gather_options() const;    // mu_ held
  Slot build(const std::vector<int64_t>& rows, const GatherOptions& g) const;
  bool record(const Slot& slot, double waited);  // mu_ held; true: first NaN
  void warn(std::string_view message) const;

  const std::shared_ptr<const SampleSource> source_;
  const std::vector<int64_t> indices_;
  const LoaderOptions options_;
  const bool pin_memory_;
  const int64_t batches_per_epoch_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // workers: a batch may be built, or stop
  std::condition_variable ready_cv_;  // consumer: a batch is ready, or stop
  bool stopping_ = false;
  bool started_ = false;
  uint64_t generation_ = 0;           // bumped by start_epoch; stale builds are dropped
  int64_t epoch_ = 0;
  std::vector<int64_t> order_;
  int64_t next_build_ = 0;
  int64_t next_serve_ = 0;
  std::map<int64_t, Slot> ready_;
  LoaderStats stats_;
  bool nan_warned_ = false;
  std::vector<std::thread> workers_;  // last: started once the rest is set
};

}  // namespace glint::train
