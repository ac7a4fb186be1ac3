#include "runtime/threads.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

#include "runtime/core_share.h"

namespace glint::train {
namespace {

TEST(ThreadsTest, SetsTheRequestedCount) {
  EXPECT_EQ(configure_threads(1), 1);
  EXPECT_EQ(torch::get_num_threads(), 1);
  // A second call must not trip torch's once-only inter-op setting.
  EXPECT_EQ(configure_threads(2), 2);
  EXPECT_EQ(torch::get_num_threads(), 2);
}

TEST(ThreadsTest, ZeroMeansOnePerCoreThisProcessMayUse) {
  const int cores = available_cores();
  EXPECT_EQ(configure_threads(0), cores);
  EXPECT_EQ(torch::get_num_threads(), cores);
}

TEST(ThreadsTest, RanksOfOneNodeDivideItsCoresByDefault) {
  const int cores = available_cores();
  EXPECT_EQ(default_thread_count(1), cores);
  EXPECT_EQ(default_thread_count(2), std::max(1, cores / 2));
  EXPECT_EQ(default_thread_count(4 * cores), 1);
}

TEST(ThreadsTest, RejectsNegativeCounts) {
  try {
    configure_threads(-3);
    FAIL() << "negative count accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "thread count -3 is negative; use 0 for one thread per core");
  }
}

}  // namespace
}  // namespace glint::train
