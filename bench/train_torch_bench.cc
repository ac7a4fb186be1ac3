// Training-side costs: how fast the BatchLoader assembles samples, what a
// plain memcpy of the same bytes costs (the ceiling), the time of one UNet
// step, and the share of a step spent waiting for data.
//
// Needs GLINT_BENCH_H5 (an HDF5 file with "images" and "heatmaps");
// GLINT_BENCH_SHM_DIR and GLINT_BENCH_STORE as in cache_bench.cc.
// Built only with GLINT_BUILD_TRAINING (links LibTorch).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "data/batch_loader.h"
#include "data/data_source.h"
#include "model/losses.h"
#include "model/unet.h"
#include "runtime/malloc_tuning.h"
#include "runtime/threads.h"

namespace {

using glint::train::BatchLoader;
using glint::train::Field;
using glint::train::LoaderOptions;
using glint::train::SampleSource;

constexpr int64_t kBatch = 16;

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : fallback;
}

// One shared-memory source for every benchmark of the process (null when
// GLINT_BENCH_H5 is not set).
std::shared_ptr<const SampleSource> bench_source() {
  static std::shared_ptr<const SampleSource> source = [] {
    std::shared_ptr<const SampleSource> s;
    const std::string h5 = env_or("GLINT_BENCH_H5", "");
    if (h5.empty()) return s;
    glint::train::SourceOptions o;
    o.h5_path = h5;
    o.kind = glint::train::SourceKind::kShared;
    o.cache.shm_dir = env_or("GLINT_BENCH_SHM_DIR", "/dev/shm");
    o.cache.fingerprint.store_dir = env_or("GLINT_BENCH_STORE", o.cache.shm_dir + "/glint_bench_store");
    s = glint::train::make_source(o);
    return s;
  }();
  return source;
}

std::vector<int64_t> all_rows(const SampleSource& s) {
  std::vector<int64_t> rows(static_cast<size_t>(s.size()));
  std::iota(rows.begin(), rows.end(), 0);
  return rows;
}

// Whole epochs of the loader: batch 16, shuffled, raw rows converted to
// float32. Args: workers, augment.
void BM_LoaderEpoch(benchmark::State& state) {
  auto source = bench_source();
  if (!source) return state.SkipWithError("set GLINT_BENCH_H5 to an HDF5 file");
  LoaderOptions o;
  o.batch = kBatch;
  o.num_workers = static_cast<int>(state.range(0));
  o.augment = state.range(1) != 0;
  o.shuffle = true;
  BatchLoader loader(source, all_rows(*source), o);
  int64_t epoch = 0;
  int64_t samples = 0;
  for (auto _ : state) {
    loader.start_epoch(epoch++);
    while (auto batch = loader.next()) {
      samples += batch->images.size(0);
      benchmark::DoNotOptimize(batch->images.data_ptr());
    }
  }
  state.SetItemsProcessed(samples);
}
BENCHMARK(BM_LoaderEpoch)
    ->ArgNames({"workers", "augment"})
    ->ArgsProduct({{0, 1, 2, 4}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);

// The ceiling: the same shuffled rows, their raw bytes copied with memcpy
// into one reused batch buffer (no conversion, no allocation), one thread.
void BM_MemcpyCeiling(benchmark::State& state) {
  auto source = bench_source();
  if (!source) return state.SkipWithError("set GLINT_BENCH_H5 to an HDF5 file");
  const size_t image_bytes = source->shape().images.row_bytes();
  const size_t heat_bytes = source->shape().heatmaps.row_bytes();
  std::vector<int64_t> order = all_rows(*source);
  std::mt19937_64 rng(0);
  std::vector<unsigned char> dst(static_cast<size_t>(kBatch) * (image_bytes + heat_bytes));
  int64_t samples = 0;
  for (auto _ : state) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i = 0; i < order.size(); ++i) {
      unsigned char* slot = dst.data() + (i % kBatch) * (image_bytes + heat_bytes);
      std::memcpy(slot, source->row_ptr(Field::kImages, order[i]), image_bytes);
      std::memcpy(slot + image_bytes, source->row_ptr(Field::kHeatmaps, order[i]), heat_bytes);
    }
    benchmark::DoNotOptimize(dst.data());
    samples += static_cast<int64_t>(order.size());
  }
  state.SetItemsProcessed(samples);
  state.SetBytesProcessed(samples * static_cast<int64_t>(image_bytes + heat_bytes));
}
BENCHMARK(BM_MemcpyCeiling)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

struct Trainee {
  glint::train::UNet model;
  torch::optim::Adam optimizer;
  glint::train::LossFn loss;
  explicit Trainee(const glint::train::UNetOptions& o)
      : model(o), optimizer(model->parameters(), torch::optim::AdamOptions(1e-3)),
        loss(glint::train::make_loss("focal")) {}

  double step(const torch::Tensor& x, const torch::Tensor& y) {
    optimizer.zero_grad();
    torch::Tensor l = loss(model->forward(x), y);
    l.backward();
    optimizer.step();
    return l.item<double>();
  }
};

// One optimisation step (forward, focal loss, backward, Adam) of the default
// UNet on a batch of 16 random images. Arg: image size.
void BM_TrainStep(benchmark::State& state) {
  const int64_t size = state.range(0);
  torch::manual_seed(0);
  Trainee t(glint::train::UNetOptions{});
  torch::Tensor x = torch::rand({kBatch, 1, size, size});
  torch::Tensor y = torch::rand({kBatch, 1, size, size}) * 0.5;
  t.step(x, y);  // allocator and kernels warm
  for (auto _ : state) benchmark::DoNotOptimize(t.step(x, y));
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["threads"] = torch::get_num_threads();
}
BENCHMARK(BM_TrainStep)->ArgName("size")->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);
BENCHMARK(BM_TrainStep)->ArgName("size")->Arg(256)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);

// Steps fed by the loader (shuffle, augmentation, as the trainer runs): the
// share of wall time next() blocked. Arg: workers. Counter wait_fraction.
void BM_TrainStepWithLoader(benchmark::State& state) {
  auto source = bench_source();
  if (!source) return state.SkipWithError("set GLINT_BENCH_H5 to an HDF5 file");
  torch::manual_seed(0);
  Trainee t(glint::train::UNetOptions{});
  LoaderOptions o;
  o.batch = kBatch;
  o.num_workers = static_cast<int>(state.range(0));
  o.augment = true;
  BatchLoader loader(source, all_rows(*source), o);
  loader.start_epoch(0);
  {
    auto warm = loader.next();
    t.step(warm->images, warm->heatmaps);
  }
  loader.start_epoch(1);  // resets the wait statistics
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto batch = loader.next();
    if (!batch) {
      loader.start_epoch(2);
      batch = loader.next();
    }
    benchmark::DoNotOptimize(t.step(batch->images, batch->heatmaps));
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto stats = loader.stats();
  state.counters["wait_fraction"] = wall > 0 ? stats.wait_seconds / wall : 0;
  state.counters["max_wait_ms"] = stats.max_wait_seconds * 1e3;
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_TrainStepWithLoader)
    ->ArgName("workers")
    ->Arg(0)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(6);

}  // namespace

// The trainer's process set-up: malloc tuning, one torch thread per core.
int main(int argc, char** argv) {
  glint::train::apply_malloc_tuning();
  glint::train::configure_threads(0);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
