// train_glint_unet as a real program: what it says about its LibTorch and the
// precision it runs on, and its --precision and --threads choices.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/cuda.h>
#include <torch/version.h>

#include "glint/trainer_allocator.h"
#include "model/precision.h"
#include "support/child_process.h"
#include "support/temp_dir.h"
#include "support/train/glint_set_testing.h"

namespace glint::train {
namespace {

using glint::testing::built_program;
using glint::testing::ProcessResult;
using glint::testing::run_process;
using glint::testing::TempDir;

const std::string kMimalloc = "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2.0";

std::vector<std::string> one_step(const TempDir& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {built_program("bin/train_glint_unet"), "--h5", dir.file("g.h5"),
                                   "--model_path", dir.file("m.pt"), "--overwrite", "--fingerprint_dir",
                                   dir.file("fp"), "--num_workers", "1", "--max_steps", "1",
                                   "--base_channels", "4", "--depth", "2", "--batch", "4",
                                   "--progress", "off"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// PyPI's LibTorch: its version, CUDA compiled in, the MKL linked into it,
// ATen's AVX-512 kernels where the CPU has them.
TEST(TrainRuntimeCliTest, TheLibTorchItsBlasAndKernelsAreNamedWithoutWarning) {
  TempDir dir;
  testdata::write_glint_set(dir.file("g.h5"), {.count = 16, .size = 32});
  const ProcessResult r = run_process(one_step(dir, {"--threads", "1"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("compute: LibTorch " TORCH_VERSION " ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(torch::cuda::is_available() ? " compiled in, 1 GPU" : " compiled in, no GPU usable)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(", BLAS Intel MKL 20"), std::string::npos) << r.out;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512bw")) {
    EXPECT_NE(r.out.find(", ATen kernels AVX512"), std::string::npos) << r.out;
  }
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(TrainRuntimeCliTest, PrecisionAndThreadChoicesAreReported) {
  TempDir dir;
  testdata::write_glint_set(dir.file("g.h5"), {.count = 16, .size = 32});
  const ProcessResult fp32 = run_process(one_step(dir, {"--precision", "fp32", "--threads", "1"}));
  ASSERT_EQ(fp32.exit_code, 0) << fp32.err;
  EXPECT_NE(fp32.out.find("fp32, channels-last, 1 torch threads (--threads)"), std::string::npos)
      << fp32.out;
  // --threads 0: the cores divided among the trainers running (this one at least).
  const ProcessResult automatic = run_process(one_step(dir, {"--precision", "auto"}));
  ASSERT_EQ(automatic.exit_code, 0) << automatic.err;
  EXPECT_NE(automatic.out.find(cpu_has_avx512_bf16() ? "bf16 autocast, channels-last"
                                                     : "fp32, channels-last"),
            std::string::npos)
      << automatic.out;
  EXPECT_NE(automatic.out.find("trainer(s) running)"), std::string::npos) << automatic.out;
}

TEST(TrainRuntimeCliTest, MallocLineSaysWhichAllocatorRuns) {
  TempDir dir;
  testdata::write_glint_set(dir.file("g.h5"), {.count = 16, .size = 32});
  const ProcessResult plain = run_process(one_step(dir, {"--threads", "1"}));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  if (GLINT_TRAINER_LINKS_JEMALLOC) {
    // What jemalloc itself reports (mallctl): linked, decay off by default...
    EXPECT_NE(plain.out.find("malloc: jemalloc 5"), std::string::npos) << plain.out;
    EXPECT_NE(plain.out.find(" (linked), dirty_decay_ms -1, muzzy_decay_ms -1: freed memory kept for reuse"),
              std::string::npos)
        << plain.out;
    // ... and MALLOC_CONF still overrides it.
    const ProcessResult conf = run_process(one_step(dir, {"--threads", "1"}), {"MALLOC_CONF=dirty_decay_ms:5000"});
    ASSERT_EQ(conf.exit_code, 0) << conf.err;
    EXPECT_NE(conf.out.find(" (linked), dirty_decay_ms 5000, muzzy_decay_ms -1\n"), std::string::npos) << conf.out;
  } else {
    EXPECT_NE(plain.out.find("malloc: mmap_threshold=1073741824"), std::string::npos) << plain.out;
    const ProcessResult off = run_process(one_step(dir, {"--threads", "1"}), {"GLINT_MALLOC_TUNING=off"});
    ASSERT_EQ(off.exit_code, 0) << off.err;
    EXPECT_NE(off.out.find("malloc: glibc defaults (tuning turned off by GLINT_MALLOC_TUNING)"), std::string::npos)
        << off.out;
  }
  if (!std::filesystem::exists(kMimalloc)) GTEST_SKIP() << "libmimalloc2.0 is not installed";
  // Another allocator preloaded wins over the linked one, and is named.
  const ProcessResult preloaded = run_process(one_step(dir, {"--threads", "1"}), {"LD_PRELOAD=" + kMimalloc});
  ASSERT_EQ(preloaded.exit_code, 0) << preloaded.err;
  EXPECT_NE(preloaded.out.find("malloc: libmimalloc.so.2.0 (preloaded)\n"), std::string::npos) << preloaded.out;
}

TEST(TrainRuntimeCliTest, UnknownPrecisionIsOneLine) {
  TempDir dir;
  testdata::write_glint_set(dir.file("g.h5"), {.count = 16, .size = 32});
  const ProcessResult r = run_process(one_step(dir, {"--precision", "fp16"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("--precision"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.pt")));
}

}  // namespace
}  // namespace glint::train
