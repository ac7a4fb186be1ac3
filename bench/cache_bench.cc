// In-process costs of the cache: hashing, attaching, first touch, loading.
//
// Needs an HDF5 file: GLINT_BENCH_H5=/path/file.h5. Segments go to
// GLINT_BENCH_SHM_DIR (default /dev/shm; use a private directory on tmpfs),
// remembered fingerprints to GLINT_BENCH_STORE (default: a directory beside
// the segments). scripts/run_benchmarks.sh sets all three.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "glint/cache.h"
#include "glint/fingerprint.h"

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : fallback;
}

std::string bench_h5() { return env_or("GLINT_BENCH_H5", ""); }
std::string bench_shm_dir() { return env_or("GLINT_BENCH_SHM_DIR", "/dev/shm"); }
std::string bench_store() { return env_or("GLINT_BENCH_STORE", bench_shm_dir() + "/glint_bench_store"); }

glint::CacheOptions cache_options(bool populate) {
  glint::CacheOptions o;
  o.shm_dir = bench_shm_dir();
  o.fingerprint.store_dir = bench_store();
  o.populate = populate;
  return o;
}

void remove_segments() {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(bench_shm_dir(), ec)) {
    if (e.path().filename().string().rfind("glint_", 0) == 0 && e.is_regular_file()) {
      std::filesystem::remove(e.path(), ec);
    }
  }
}

bool need_file(benchmark::State& state) {
  if (bench_h5().empty()) {
    state.SkipWithError("set GLINT_BENCH_H5 to an HDF5 file");
    return false;
  }
  return true;
}

uint64_t touch_pages(const glint::SharedDataset& d) {
  const volatile unsigned char* p = static_cast<const unsigned char*>(d.data());
  uint64_t sum = 0;
  for (uint64_t i = 0; i < d.bytes(); i += 4096) sum += p[i];
  return sum;
}

// Unmaps outside the timed region: a trainer unmaps only when it exits.
void drop(std::vector<glint::SharedDataset> datasets) { datasets.clear(); }

// glint::md5_file on a file already in the page cache (warmed by the first
// iteration); compare with `md5sum` on the same file.
void BM_Md5File(benchmark::State& state) {
  if (!need_file(state)) return;
  const std::string path = bench_h5();
  auto warm = glint::md5_file(path);
  if (!warm.ok()) return state.SkipWithError(warm.status().message().c_str());
  for (auto _ : state) {
    auto md5 = glint::md5_file(path);
    benchmark::DoNotOptimize(md5);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(std::filesystem::file_size(path)));
}
BENCHMARK(BM_Md5File)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The fingerprint of a file whose MD5 is remembered: a stat and a lookup.
void BM_FingerprintRemembered(benchmark::State& state) {
  if (!need_file(state)) return;
  glint::FingerprintOptions o;
  o.store_dir = bench_store();
  auto first = glint::fingerprint_file(bench_h5(), o);
  if (!first.ok()) return state.SkipWithError(first.status().message().c_str());
  for (auto _ : state) {
    auto fp = glint::fingerprint_file(bench_h5(), o);
    benchmark::DoNotOptimize(fp);
  }
}
BENCHMARK(BM_FingerprintRemembered)->Unit(benchmark::kMicrosecond);

// The datasets a call asks for: all (what shm_manager --load does; open_shared
// then lists them with HDF5) or the trainer's two, by name.
std::vector<std::string> requested(int64_t named) {
  if (named == 0) return {};
  return {"images", "heatmaps"};
}

// open_shared of segments another call already loaded: the cache work of a
// second process (remembered fingerprint, segment checks, mmap).
// Args: populate, named (0: all datasets, 1: images and heatmaps by name).
void BM_OpenSharedAttach(benchmark::State& state) {
  if (!need_file(state)) return;
  const auto options = cache_options(state.range(0) != 0);
  const auto datasets = requested(state.range(1));
  auto load = glint::open_shared(bench_h5(), {}, options);
  if (!load.ok()) return state.SkipWithError(load.status().message().c_str());
  uint64_t bytes = 0;
  for (const auto& d : *load) bytes += d.bytes();
  for (auto _ : state) {
    auto r = glint::open_shared(bench_h5(), datasets, options);
    state.PauseTiming();
    if (!r.ok()) return state.SkipWithError(r.status().message().c_str());
    drop(std::move(*r));
    state.ResumeTiming();
  }
  state.counters["payload_MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_OpenSharedAttach)
    ->ArgNames({"populate", "named"})
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

// Attach, then read one byte of every page of every dataset: what a process
// pays before it has seen all its data once. Arg: populate.
void BM_OpenSharedAttachAndTouch(benchmark::State& state) {
  if (!need_file(state)) return;
  const auto options = cache_options(state.range(0) != 0);
  auto load = glint::open_shared(bench_h5(), {}, options);
  if (!load.ok()) return state.SkipWithError(load.status().message().c_str());
  for (auto _ : state) {
    auto r = glint::open_shared(bench_h5(), {}, options);
    if (!r.ok()) return state.SkipWithError(r.status().message().c_str());
    uint64_t sum = 0;
    for (const auto& d : *r) sum += touch_pages(d);
    benchmark::DoNotOptimize(sum);
    state.PauseTiming();
    drop(std::move(*r));
    state.ResumeTiming();
  }
}
BENCHMARK(BM_OpenSharedAttachAndTouch)->ArgName("populate")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The load phase: segments removed before each iteration, fingerprint
// remembered, file in the page cache.
void BM_OpenSharedLoad(benchmark::State& state) {
  if (!need_file(state)) return;
  const auto options = cache_options(false);
  uint64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    remove_segments();
    state.ResumeTiming();
    auto r = glint::open_shared(bench_h5(), {}, options);
    if (!r.ok()) return state.SkipWithError(r.status().message().c_str());
    bytes = 0;
    for (const auto& d : *r) bytes += d.bytes();
    state.PauseTiming();
    drop(std::move(*r));
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_OpenSharedLoad)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
