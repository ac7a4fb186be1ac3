// train_glint_unet as a real program: what it says about the BLAS and the
// precision it runs on, and its --precision and --threads choices.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

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

// Debian's alternatives of libblas.so.3, each in its own directory.
const std::string kReferenceBlas = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";
const std::string kUseReferenceBlas = "LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas";
const std::string kOpenBlas = "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3";
const std::string kUseOpenBlas = "LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp";
const std::string kMimalloc = "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2.0";

std::vector<std::string> one_step(const TempDir& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {built_program("bin/train_glint_unet"), "--h5", dir.file("g.h5"),
                                   "--model_path", dir.file("m.pt"), "--fingerprint_dir",
                                   dir.file("fp"), "--num_workers", "1", "--max_steps", "1",
                                   "--base_channels", "4", "--depth", "2", "--batch", "4",
                                   "--progress", "off"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

int64_t lines_with(const std::string& text, const std::string& part) {
  int64_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(TrainRuntimeCliTest, ReferenceBlasGetsOneWarningNamingThePackage) {
  if (!std::filesystem::exists(kReferenceBlas)) {
    GTEST_SKIP() << "Debian's reference BLAS (libblas3) is not installed";
  }
  TempDir dir;
  testdata::write_glint_set(dir.file("g.h5"), {.count = 16, .size = 32});
  const ProcessResult r =
      run_process(one_step(dir, {"--threads", "1"}), {kUseReferenceBlas});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("compute: BLAS reference BLAS (netlib)"), std::string::npos) << r.out;
  EXPECT_EQ(lines_with(r.err, "warning: libblas.so.3 is the reference BLAS"), 1) << r.err;
  EXPECT_NE(r.err.find("apt-get install libopenblas0-openmp"), std::string::npos) << r.err;
}

TEST(TrainRuntimeCliTest, OpenBlasAndTheOneDnnIsaAreNamedWithoutWarning) {
  if (!std::filesystem::exists(kOpenBlas)) {
    GTEST_SKIP() << "libopenblas0-openmp is not installed";
  }
  TempDir dir;
  testdata::write_glint_set(dir.file("g.h5"), {.count = 16, .size = 32});
  const ProcessResult r =
      run_process(one_step(dir, {"--threads", "1"}), {kUseOpenBlas});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("compute: BLAS OpenBLAS"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(OpenMP)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("oneDNN ISA avx"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(", ATen kernels "), std::string::npos) << r.out;
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
