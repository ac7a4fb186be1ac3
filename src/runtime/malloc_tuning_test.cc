#include "runtime/malloc_tuning.h"

#include <gtest/gtest.h>
#include <malloc.h>
#include <stdlib.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "model/losses.h"
#include "model/unet.h"

namespace glint::train {
namespace {

// Sets (or, with nullptr, removes) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~ScopedEnv() { had_ ? ::setenv(name_, old_.c_str(), 1) : ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

// Keeps the compiler from eliding a malloc/free pair.
void escape(void* p) { asm volatile("" : : "g"(p) : "memory"); }

TEST(MallocTuningTest, KeepsLargeBlocksInTheHeap) {
  ScopedEnv a("MALLOC_MMAP_THRESHOLD_", nullptr), b("MALLOC_TRIM_THRESHOLD_", nullptr),
      c("MALLOC_TOP_PAD_", nullptr), d("GLIBC_TUNABLES", nullptr);
  EXPECT_EQ(apply_malloc_tuning(),
            "malloc: mmap_threshold=1073741824 trim_threshold=1073741824 top_pad=67108864");
  // glibc would mmap a 64 MiB block under its default thresholds (at most 32 MiB).
  const size_t mapped_before = mallinfo2().hblks;
  void* block = std::malloc(64u << 20);
  escape(block);
  const size_t mapped_during = mallinfo2().hblks;
  std::free(block);
  EXPECT_EQ(mapped_during, mapped_before);
}

TEST(MallocTuningTest, LeavesSettingsTheUserChoseThroughTheEnvironment) {
  ScopedEnv a("MALLOC_MMAP_THRESHOLD_", "131072"), b("MALLOC_TRIM_THRESHOLD_", nullptr),
      c("MALLOC_TOP_PAD_", nullptr), d("GLIBC_TUNABLES", "glibc.malloc.top_pad=0");
  EXPECT_EQ(apply_malloc_tuning(),
            "malloc: mmap_threshold=left to MALLOC_MMAP_THRESHOLD_ trim_threshold=1073741824 "
            "top_pad=left to GLIBC_TUNABLES");
}

// Measurement for docs/MODEL.md, run by hand (not in CI):
//   GLINT_MALLOC_TUNING=1 ./bin/glint_runtime_tests --gtest_also_run_disabled_tests
//       --gtest_filter='*DISABLED_TimeTrainingSteps'
// and again with GLINT_MALLOC_TUNING=0.
TEST(MallocTuningTest, DISABLED_TimeTrainingSteps) {
  const char* flag = std::getenv("GLINT_MALLOC_TUNING");
  if (flag != nullptr && std::string(flag) == "1") std::printf("%s\n", apply_malloc_tuning().c_str());
  torch::manual_seed(0);
  UNet net;  // default options
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
  const auto x = torch::rand({4, 1, 64, 64});
  const auto y = torch::rand({4, 1, 64, 64});
  const auto loss_fn = make_loss("focal");
  auto step = [&] {
    adam.zero_grad();
    loss_fn(net->forward(x), y).backward();
    adam.step();
  };
  for (int i = 0; i < 3; ++i) step();  // warm-up
  const auto start = std::chrono::steady_clock::now();
  const int steps = 20;
  for (int i = 0; i < steps; ++i) step();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("%d steps: %.3f s (%.1f ms/step), threads %d\n", steps, took.count(),
              1e3 * took.count() / steps, torch::get_num_threads());
}

}  // namespace
}  // namespace glint::train
