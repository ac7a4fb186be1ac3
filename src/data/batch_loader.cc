#include "data/batch_loader.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>

namespace glint::train {
namespace {

int64_t count_batches(int64_t samples, const LoaderOptions& o) {
  if (o.batch < 1) {
    throw std::invalid_argument("batch size must be at least 1, got " + std::to_string(o.batch));
  }
  return o.drop_last ? samples / o.batch : (samples + o.batch - 1) / o.batch;
}

void check_options(const SampleSource* source, const std::vector<int64_t>& indices,
                   const LoaderOptions& o) {
  if (source == nullptr) throw std::invalid_argument("BatchLoader needs a source, got null");
  if (o.num_workers < 0) {
    throw std::invalid_argument("number of loader workers must be >= 0, got " +
                                std::to_string(o.num_workers));
  }
  if (o.shard_count < 1 || o.shard_rank < 0 || o.shard_rank >= o.shard_count) {
    throw std::invalid_argument("shard " + std::to_string(o.shard_rank) + " of " + std::to_string(o.shard_count) +
                                " does not exist");
  }
  if (o.prefetch < 1) {
    throw std::invalid_argument("prefetch (batches per worker) must be >= 1, got " +
                                std::to_string(o.prefetch));
  }
  if (o.augment_options.max_shift < 0) {
    throw std::invalid_argument("augmentation shift must be >= 0 pixels, got " +
                                std::to_string(o.augment_options.max_shift));
  }
  for (int64_t i : indices) {
    if (i < 0 || i >= source->size()) {
      throw std::invalid_argument("sample index " + std::to_string(i) + " is outside the source's [0, " +
                                  std::to_string(source->size()) + ")");
    }
  }
}

int64_t shard_size(size_t samples, int shard_count) {
  return static_cast<int64_t>(samples / static_cast<size_t>(std::max(shard_count, 1)));
}

bool cuda_available() {
  try {
    return torch::cuda::is_available();
  } catch (const c10::Error&) {
    return false;
  }
}

}  // namespace

BatchLoader::BatchLoader(std::shared_ptr<const SampleSource> source, std::vector<int64_t> indices,
                         LoaderOptions options)
    : source_((check_options(source.get(), indices, options), std::move(source))),
      indices_(std::move(indices)),
      options_(std::move(options)),
      pin_memory_(options_.pin_memory_if_cuda && cuda_available()),
      batches_per_epoch_(count_batches(shard_size(indices_.size(), options_.shard_count), options_)) {
  workers_.reserve(static_cast<size_t>(options_.num_workers));
  for (int w = 0; w < options_.num_workers; ++w) {
    workers_.emplace_back([this] { worker_loop(); });
  }
}

BatchLoader::~BatchLoader() {
  stop();
  for (std::thread& t : workers_) t.join();
}

void BatchLoader::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  ready_cv_.notify_all();
}

int64_t BatchLoader::samples_per_epoch() const {
  return std::min<int64_t>(batches_per_epoch_ * options_.batch, shard_size(indices_.size(), options_.shard_count));
}

LoaderStats BatchLoader::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void BatchLoader::start_epoch(int64_t epoch) {
  // Shuffle outside the lock: workers may still be finishing the last epoch.
  std::vector<int64_t> order = options_.shuffle ? shuffled(indices_, options_.seed, epoch) : indices_;
  order = shard_rows(order, options_.shard_rank, options_.shard_count);
  std::map<int64_t, Slot> dropped;
  {
    std::lock_guard lock(mu_);
    ++generation_;
    epoch_ = epoch;
    order_ = std::move(order);
    next_build_ = 0;
    next_serve_ = 0;
    dropped.swap(ready_);  // freed after unlocking
    stats_ = LoaderStats{};
    started_ = true;
  }
  work_cv_.notify_all();
}

bool BatchLoader::can_build() const {
  const int64_t ahead = static_cast<int64_t>(options_.num_workers) * options_.prefetch;
  return started_ && next_build_ < batches_per_epoch_ && next_build_ < next_serve_ + ahead;
}

std::vector<int64_t> BatchLoader::batch_rows(int64_t b) const {
  const auto first = order_.begin() + b * options_.batch;
  const auto last = order_.begin() + std::min<int64_t>((b + 1) * options_.batch,
                                                       static_cast<int64_t>(order_.size()));
  return {first, last};
}

GatherOptions BatchLoader::gather_options() const {
  GatherOptions g;
  g.augment = options_.augment;
  g.augment_options = options_.augment_options;
  g.seed = options_.seed;
  g.epoch = epoch_;
  g.pin_memory = pin_memory_;
  return g;
}

BatchLoader::Slot BatchLoader::build(const std::vector<int64_t>& rows, const GatherOptions& g) const {
  Slot slot;
  try {
    slot.batch = gather_batch(*source_, rows, g);
  } catch (...) {
    // Handed to the consumer, who sees the error in next() instead of a
    // terminated process or a hang.
    slot.error = std::current_exception();
  }
  return slot;
}

void BatchLoader::worker_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || can_build(); });
    if (stopping_) return;
    const int64_t b = next_build_++;
    const uint64_t generation = generation_;
    const std::vector<int64_t> rows = batch_rows(b);
    const GatherOptions g = gather_options();
    lock.unlock();
    Slot slot = build(rows, g);
    lock.lock();
    if (generation != generation_) {
      // start_epoch ran meanwhile: this batch belongs to an abandoned epoch.
      lock.unlock();
      slot = Slot{};
      lock.lock();
      continue;
    }
    ready_.emplace(b, std::move(slot));
    ready_cv_.notify_all();
  }
}

std::optional<Batch> BatchLoader::next() {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  if (!started_ || stopping_ || next_serve_ >= batches_per_epoch_) return std::nullopt;
  const int64_t b = next_serve_;
  Slot slot;
  if (workers_.empty()) {
    const std::vector<int64_t> rows = batch_rows(b);
    const GatherOptions g = gather_options();
    lock.unlock();
    slot = build(rows, g);
    lock.lock();
  } else {
    ready_cv_.wait(lock, [&] { return stopping_ || ready_.count(b) > 0; });
    if (stopping_) return std::nullopt;
    auto node = ready_.extract(b);
    slot = std::move(node.mapped());
  }
  ++next_serve_;
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool first_nan = record(slot, waited);
  lock.unlock();
  work_cv_.notify_all();
  if (slot.error) std::rethrow_exception(slot.error);
  if (first_nan) {
    warn(std::to_string(slot.batch->nan_replaced) + " NaN values in '" + source_->shape().images.dataset +
         "' or '" + source_->shape().heatmaps.dataset +
         "' were replaced by 0 (reported once; check the dataset)");
  }
  return std::move(slot.batch);
}

bool BatchLoader::record(const Slot& slot, double waited) {
  ++stats_.batches;
  stats_.wait_seconds += waited;
  stats_.max_wait_seconds = std::max(stats_.max_wait_seconds, waited);
  if (!slot.batch || slot.batch->nan_replaced == 0) return false;
  stats_.nan_replaced += slot.batch->nan_replaced;
  const bool first = !nan_warned_;
  nan_warned_ = true;
  return first;
}

void BatchLoader::warn(std::string_view message) const {
  if (options_.on_warning) {
    options_.on_warning(message);
  } else {
    std::cerr << "warning: " << message << '\n';
  }
}

}  // namespace glint::train
