#include "runtime/core_share.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/temp_dir.h"

namespace glint::train {
namespace {

TEST(CoreShareTest, CoresAreDividedAmongTrainersWithAtLeastOneThreadEach) {
  EXPECT_EQ(shared_thread_count(2, 1), 2);
  EXPECT_EQ(shared_thread_count(2, 2), 1);
  EXPECT_EQ(shared_thread_count(2, 4), 1);
  EXPECT_EQ(shared_thread_count(8, 3), 2);
  EXPECT_EQ(shared_thread_count(4, 0), 4);
  EXPECT_GE(available_cores(), 1);
}

// A real second process named like the trainer is counted while it runs.
TEST(CoreShareTest, AnotherTrainerProcessIsCountedWhileItRuns) {
  testing::TempDir dir;
  const pid_t self = ::getpid();
  // Other trainers may run on this machine: only this process and the child
  // are known.
  EXPECT_EQ(running_trainers(dir.path(), self).count(self), 1u);

  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::prctl(PR_SET_NAME, "train_glint_unet");
    const char byte = 1;
    (void)!::write(ready[1], &byte, 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  const auto two = running_trainers(dir.path(), self);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_EQ(two.count(child), 1u);
  EXPECT_EQ(two.count(self), 1u);
  EXPECT_EQ(running_trainers(dir.path(), self).count(child), 0u);
}

// The ranks of a node count before they all run: 3 ranks on 4 cores get one
// thread each from the start and at every recount.
TEST(CoreShareTest, TheNodesRanksAreCountedBeforeTheyAllRun) {
  testing::TempDir dir;
  CoreShare share(dir.path(), 4, /*min_trainers=*/3, std::chrono::seconds(0));
  EXPECT_GE(share.trainers(), 3);
  EXPECT_EQ(share.threads(), 1);
  share.check();
  EXPECT_GE(share.trainers(), 3);
  EXPECT_EQ(share.threads(), 1);
}

}  // namespace
}  // namespace glint::train
