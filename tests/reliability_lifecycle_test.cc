// Scenarios 5 and 10: the source file changes while segments exist or while
// one is being loaded, and a process with mappings forks workers.
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glint/cache.h"
#include "probe/reliability_fixture.h"

namespace glint::testing {
namespace {

class LifecycleTest : public ReliabilityTest {
 protected:
  void SetUp() override {
    ReliabilityTest::SetUp();
    v1_ = pattern_dataset("images", H5T_NATIVE_FLOAT, {32, 64, 64}, 11);
    v2_ = pattern_dataset("images", H5T_NATIVE_FLOAT, {32, 64, 64}, 12);
    write_h5(h5_, {v1_});
  }
  FixtureDataset v1_, v2_;
};

TEST_F(LifecycleTest, ChangedSourceGivesNewSegmentsWhileHoldersKeepTheirView) {
  Probe holder(probe_args({"--hold"}));
  ProbeReport before = holder.read_report();
  ASSERT_TRUE(before.ok) << before.raw;
  ASSERT_EQ(before.datasets[0].checksum, checksum_of(v1_.bytes));
  write_h5(h5_, {v2_});
  Probe next(probe_args());
  ProbeReport after = next.read_report();
  ASSERT_TRUE(after.ok) << after.raw;
  EXPECT_TRUE(after.datasets[0].loaded_here);
  EXPECT_EQ(after.datasets[0].checksum, checksum_of(v2_.bytes));
  EXPECT_NE(after.datasets[0].segment, before.datasets[0].segment);
  ProbeReport still = holder.refresh();
  ASSERT_TRUE(still.ok) << still.raw;
  EXPECT_EQ(still.datasets[0].checksum, before.datasets[0].checksum);
  EXPECT_EQ(shm_files(), (std::set<std::string>{before.datasets[0].segment, after.datasets[0].segment}));
  EXPECT_EQ(holder.wait().exit_code, 0);
}

TEST_F(LifecycleTest, SourceChangedDuringTheLoadFailsAndLeavesNoSegment) {
  Probe loader(probe_args({"--fill-step", "65536", "--pause-after-bytes", "65536"}));
  ASSERT_TRUE(loader.wait_stopped());
  // Replaced as most tools do (write, then rename): HDF5 holds a lock on the old file.
  write_h5(tmp_.file("new.h5"), {v2_});
  ASSERT_EQ(0, ::rename(tmp_.file("new.h5").c_str(), h5_.c_str()));
  loader.kill(SIGCONT);
  ProbeReport r = loader.read_report();
  ProcessResult done = loader.wait();
  EXPECT_FALSE(done.signaled);
  EXPECT_EQ(done.exit_code, 1);
  EXPECT_NE(r.error.find(h5_ + " changed while it was being loaded; try again"), std::string::npos) << r.raw;
  EXPECT_TRUE(shm_files().empty());
  Probe retry(probe_args());
  ProbeReport again = retry.read_report();
  ASSERT_TRUE(again.ok) << again.raw;
  EXPECT_EQ(again.datasets[0].checksum, checksum_of(v2_.bytes));
}

// Workers forked after open_shared read the parent's mappings.
TEST_F(LifecycleTest, ForkedWorkersReadTheSameBytes) {
  CacheOptions options;
  options.shm_dir = shm_.path();
  options.fingerprint.store_dir = tmp_.file("fingerprints");
  auto sets = open_shared(h5_, {"images"}, options);
  ASSERT_TRUE(sets.ok()) << sets.status().message();
  const SharedDataset& ds = (*sets)[0];
  const uint64_t expected = fnv1a(ds.data(), ds.bytes());
  constexpr int kWorkers = 4;
  int report[2];
  ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
  std::vector<pid_t> pids;
  for (int i = 0; i < kWorkers; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      uint64_t sum = fnv1a(ds.data(), ds.bytes());
      _exit(::write(report[1], &sum, sizeof sum) == sizeof sum ? 0 : 1);
    }
    pids.push_back(pid);
  }
  close(report[1]);
  uint64_t sum;
  int got = 0;
  while (::read(report[0], &sum, sizeof sum) == sizeof sum) {
    EXPECT_EQ(sum, expected);
    ++got;
  }
  close(report[0]);
  for (pid_t p : pids) {
    int st;
    ASSERT_EQ(p, waitpid(p, &st, 0));
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  EXPECT_EQ(got, kWorkers);
  EXPECT_EQ(expected, fnv1a(v1_.bytes.data(), v1_.bytes.size()));
}

}  // namespace
}  // namespace glint::testing
