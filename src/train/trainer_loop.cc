#include "trainer_loop.h"

#include <algorithm>
#include <chrono>
#include <ostream>
#include <stdexcept>

#include "checkpoint/checkpoint.h"
#include "data/batch_loader.h"
#include "dist/dist_store.h"
#include "dist/distributed.h"
#include "model/losses.h"
#include "model/peaks.h"
#include "model/precision.h"
#include "progress.h"
#include "runtime/core_share.h"
#include "runtime/device.h"
#include "runtime/malloc_tuning.h"
#include "runtime/process_memory.h"
#include "runtime/stop_signal.h"
#include "runtime/threads.h"
#include "tensorboard_log.h"
#include "util/time.h"

namespace glint::train {
namespace {

using Clock = std::chrono::steady_clock;

// The group's options, said on `out` before a rank blocks in the rendezvous
// (a user sees what it waits for; a signal after this line is reported as
// one during the rendezvous).
const DistOptions& announced_dist_options(const TrainOptions& o, std::ostream& out) {
  const DistOptions& d = o.dist;
  if (d.world_size > 1) {
    out << "rendezvous: rank " << d.rank << " of " << d.world_size << " at "
        << store_address(d, d.master_port) << " (" << store_owner(d) << " keeps the store), up to "
        << std::chrono::duration_cast<std::chrono::seconds>(d.timeout).count() << " s (--dist_timeout)\n" << std::flush;
  }
  return d;
}

LoaderOptions loader_options(const TrainOptions& o, bool training) {
  LoaderOptions lo;
  lo.batch = o.batch;
  lo.num_workers = o.num_workers;
  lo.shuffle = training;
  if (training) {  // each rank its share of every epoch's order (DistributedSampler)
    lo.shard_rank = o.dist.rank;
    lo.shard_count = o.dist.world_size;
  }
  lo.seed = o.seed;
  lo.augment = training && o.augment;
  return lo;
}

class Trainer {
 public:
  Trainer(const TrainOptions& o, std::shared_ptr<const SampleSource> source, std::ostream& out,
          std::ostream& err, bool show_progress, const std::string& data_md5);
  TrainOutcome run();

 private:
  void resume();
  EpochResult train_epoch(int64_t epoch);
  void validate(EpochResult& r);
  void finish_epoch(EpochResult& r, Clock::time_point start);
  void save();
  bool should_stop();
  bool lead() const { return dp_->rank() == 0; }
  torch::Tensor forward(const torch::Tensor& images);
  void share_cores();
  bool max_steps_reached() const {
    return o_.max_steps > 0 && state_.global_step >= o_.max_steps;
  }

  const TrainOptions& o_;
  std::ostream& out_;
  std::unique_ptr<DataParallel> dp_;  // world_size 1: a group of one, every call a no-op
  torch::Device device_;
  RunMode mode_;
  std::optional<CoreShare> cores_;  // set when --threads is 0
  UNet model_;
  torch::optim::Adam optimizer_;
  LossFn loss_;
  std::unique_ptr<BatchLoader> train_loader_;
  std::unique_ptr<BatchLoader> val_loader_;
  ProgressBar bar_;
  TrainLog log_;
  TensorBoardLog tb_;  // rank 0 with --tensorboard; else every call does nothing
  TrainState state_;
  bool interrupted_ = false;
  double step_seconds_ = 0;  // in training steps (loading, forward, backward, all-reduce, update)
  RankSum rank_sum_;         // SyncBatchNorm's reductions through dp_
};

UNet seeded_unet(const TrainOptions& o, const SourceShape& shape) {
  // Initial weights depend on --seed only, which --resume relies on.
  torch::manual_seed(o.seed);
  return UNet(unet_options_for(o, shape));
}

Trainer::Trainer(const TrainOptions& o, std::shared_ptr<const SampleSource> source,
                 std::ostream& out, std::ostream& err, bool show_progress, const std::string& data_md5)
    : o_(o),
      out_(out),
      dp_(std::make_unique<DataParallel>(announced_dist_options(o, out))),
      device_(device_of(o.device, o.local_rank)),
      mode_(run_mode(o.precision, device_)),
      model_(seeded_unet(o, source->shape())),
      optimizer_(model_->parameters(), torch::optim::AdamOptions(o.lr)),
      loss_(make_loss(o.loss)),
      bar_(err, show_progress && o.dist.rank == 0),
      log_(o.dist.rank == 0 ? o.log : std::string(), o.resume),
      tb_(o, err) {
  if (tb_.enabled()) {
    out_ << "tensorboard: " << tb_.run_dir() << " (tensorboard --logdir " << o.tensorboard << ")\n";
  }
  model_->to(device_);
  apply_layout(*model_, mode_);
  if (o.threads == 0 && device_.is_cpu()) cores_.emplace(o.cache.shm_dir, available_cores(), o.local_world_size);
  const Split split = split_indices(source->size(), o.val_split, o.seed);
  // Each rank trains on its share; rank 0 alone validates, logs and saves.
  if (split.train.size() < static_cast<size_t>(o.dist.world_size)) {
    throw std::runtime_error("--world_size " + std::to_string(o.dist.world_size) + ": only " +
                             std::to_string(split.train.size()) + " training samples, fewer than one per rank");
  }
  dp_->agree(run_identity(o, source->shape(), data_md5));
  train_loader_ = std::make_unique<BatchLoader>(source, split.train, loader_options(o, true));
  val_loader_ = std::make_unique<BatchLoader>(source, split.val, loader_options(o, false));
  if (o.resume) resume();
  dp_->broadcast_parameters(*model_);
  if (o.sync_batchnorm && dp_->world_size() > 1) {
    rank_sum_ = [this](torch::Tensor& t) { dp_->sum_(t, "a SyncBatchNorm reduction"); };
    model_->set_rank_sum(&rank_sum_);
  }
}

// Every rank calls this at the same points, so that a signal to any rank
// stops all of them at the same step instead of leaving the others waiting.
bool Trainer::should_stop() {
  const bool local = stop_requested();
  if (dp_->world_size() == 1) return local;
  return dp_->sum({local ? 1.0 : 0.0})[0] > 0;
}

// Float32 logits of a batch, the model run in the mode's precision and layout.
torch::Tensor Trainer::forward(const torch::Tensor& images) {
  const torch::Tensor x = to_input(images, mode_);
  torch::Tensor logits;
  {
    AutocastScope autocast(mode_);
    logits = model_->forward(x);
  }
  return float_logits(logits);
}

// Follows the number of trainers on the machine when the user left --threads
// at 0: a sweep started one trainer at a time settles on cores / trainers.
void Trainer::share_cores() {
  // Against the threads in use, not the last count: the start may have set
  // them from an earlier one.
  if (!cores_) return;
  cores_->check();
  if (cores_->threads() == torch::get_num_threads()) return;
  configure_threads(cores_->threads());
  out_ << "threads: " << cores_->threads() << " (" << cores_->trainers()
       << " trainers share the cores now)\n" << std::flush;
}

void Trainer::resume() {
  const CheckpointMeta meta = load_checkpoint(o_.model_path, *model_, &optimizer_);
  // The checkpoint's learning rate is replaced: --lr may change on resume.
  for (auto& group : optimizer_.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(o_.lr);
  }
  state_.epochs_done = meta.epoch;
  state_.global_step = meta.global_step;
  state_.best_val_loss = meta.best_val_loss.value_or(NAN);
  state_.best_epoch = meta.best_epoch;
  out_ << "resumed " << o_.model_path << " after epoch " << state_.epochs_done << " (step "
       << state_.global_step << ")\n";
}

EpochResult Trainer::train_epoch(int64_t epoch) {
  EpochResult r;
  r.epoch = epoch + 1;
  r.epochs = o_.epochs;
  r.lr = o_.lr;
  model_->train();
  train_loader_->start_epoch(epoch);
  bar_.start("epoch " + std::to_string(r.epoch) + "/" + std::to_string(o_.epochs),
             train_loader_->batches_per_epoch());
  const auto start = Clock::now();
  double loss_sum = 0;
  int64_t samples = 0;
  std::vector<double> step_seconds;
  bool stop = false;
  while (!max_steps_reached() && !(stop = should_stop())) {
    std::optional<Batch> batch = train_loader_->next();
    if (!batch) break;
    share_cores();
    const auto step_start = Clock::now();
    const torch::Tensor& images = batch->images;
    const torch::Tensor target = batch->heatmaps.to(device_, /*non_blocking=*/true);
    optimizer_.zero_grad();
    torch::Tensor loss = loss_(forward(images), target);
    loss.backward();
    dp_->average_gradients(*model_);
    optimizer_.step();
    ++state_.global_step;
    ++r.steps;
    const int64_t n = images.size(0);
    const double batch_loss = loss.item<double>();
    loss_sum += batch_loss * static_cast<double>(n);
    tb_.step(state_.global_step, batch_loss);
    step_seconds.push_back(seconds_since(step_start));
    samples += n;
    bar_.update(r.steps, samples, loss_sum / static_cast<double>(samples));
  }
  bar_.clear();
  step_seconds_ += seconds_since(start);
  r.partial = r.steps < train_loader_->batches_per_epoch();
  interrupted_ = stop;
  r.global_step = state_.global_step;
  if (dp_->world_size() > 1) {  // the loss and throughput of all ranks together
    const std::vector<double> all = dp_->sum({loss_sum, static_cast<double>(samples)});
    loss_sum = all[0];
    samples = static_cast<int64_t>(all[1]);
  }
  r.train_loss = samples > 0 ? loss_sum / static_cast<double>(samples) : NAN;
  const double seconds = seconds_since(start);
  r.samples_per_s = seconds > 0 ? static_cast<double>(samples) / seconds : 0;
  r.data_wait_s = train_loader_->stats().wait_seconds;
  if (!step_seconds.empty()) {
    auto middle = step_seconds.begin() + static_cast<std::ptrdiff_t>(step_seconds.size() / 2);
    std::nth_element(step_seconds.begin(), middle, step_seconds.end());
    r.step_s = *middle;
  }
  return r;
}

void Trainer::validate(EpochResult& r) {
  torch::NoGradGuard no_grad;
  model_->eval();
  val_loader_->start_epoch(0);
  bar_.start("validate " + std::to_string(r.epoch) + "/" + std::to_string(o_.epochs),
             val_loader_->batches_per_epoch());
  PeakMetrics metrics;
  double loss_sum = 0;
  int64_t samples = 0;
  int64_t batches = 0;
  while (!stop_requested()) {
    std::optional<Batch> batch = val_loader_->next();
    if (!batch) break;
    const torch::Tensor target = batch->heatmaps.to(device_, /*non_blocking=*/true);
    const torch::Tensor logits = forward(batch->images);
    const int64_t n = target.size(0);
    loss_sum += loss_(logits, target).item<double>() * static_cast<double>(n);
    samples += n;
    const torch::Tensor probabilities = torch::sigmoid(logits);
    metrics.add_batch(probabilities, target);
    if (batches == 0) tb_.validation_images(batch->images, probabilities, target, state_.global_step);
    bar_.update(++batches, samples, loss_sum / static_cast<double>(samples));
  }
  bar_.clear();
  if (stop_requested() || samples == 0) return;
  r.val_loss = loss_sum / static_cast<double>(samples);
  r.metrics = metrics.summary();
}

void Trainer::save() {
  CheckpointMeta meta;
  meta.epoch = state_.epochs_done;
  meta.unet = model_->options();
  meta.loss = o_.loss;
  meta.global_step = state_.global_step;
  meta.best_epoch = state_.best_epoch;
  meta.seed = o_.seed;
  meta.val_split = o_.val_split;
  meta.lr = o_.lr;
  if (std::isfinite(state_.best_val_loss)) meta.best_val_loss = state_.best_val_loss;
  save_checkpoint(o_.model_path, *model_, &optimizer_, meta);
}

void Trainer::finish_epoch(EpochResult& r, Clock::time_point start) {
  r.epoch_s = seconds_since(start);
  if (const int64_t peak = read_memory_usage().peak_rss_kb; peak >= 0) r.peak_rss_mib = static_cast<double>(peak) / 1024;
  if (std::isfinite(r.val_loss) &&
      (!std::isfinite(state_.best_val_loss) || r.val_loss < state_.best_val_loss)) {
    state_.best_val_loss = r.val_loss;
    state_.best_epoch = r.epoch;
  }
  out_ << format_epoch_line(r) << "\n" << std::flush;
  log_.write(r);
  tb_.epoch(r);
}

TrainOutcome Trainer::run() {
  TrainOutcome outcome;
  const auto run_start = Clock::now();
  for (int64_t e = state_.epochs_done; e < o_.epochs && !max_steps_reached(); ++e) {
    const auto start = Clock::now();
    EpochResult r = train_epoch(e);
    if (!interrupted_ && !r.partial) state_.epochs_done = e + 1;
    if (!interrupted_ && lead()) validate(r);
    // Validation's allocations differ from a step's, and an epoch's last batch
    // may be smaller: without this, jemalloc (decay off) fragments and grows
    // every epoch (malloc_tuning.h). Every rank, once an epoch.
    release_freed_memory();
    interrupted_ = should_stop();
    if (interrupted_) {
      if (lead()) {
        out_ << "interrupted at step " << state_.global_step << "; saving " << o_.model_path << "\n";
        save();
      }
      break;
    }
    if (lead()) {
      finish_epoch(r, start);
      save();
    }
    outcome.last = r;
  }
  tb_.finish(state_.best_val_loss, state_.best_epoch, state_.epochs_done, state_.global_step, interrupted_);
  outcome.state = state_;
  outcome.interrupted = interrupted_;
  outcome.reached_max_steps = max_steps_reached();
  outcome.seconds = seconds_since(run_start);
  outcome.step_seconds = step_seconds_;
  outcome.allreduce = dp_->gradient_stats();
  return outcome;
}

}  // namespace

TrainOutcome train_model(const TrainOptions& options, std::shared_ptr<const SampleSource> source,
                         std::ostream& out, std::ostream& err, bool show_progress, const std::string& data_md5) {
  Trainer trainer(options, std::move(source), out, err, show_progress, data_md5);
  return trainer.run();
}

}  // namespace glint::train
