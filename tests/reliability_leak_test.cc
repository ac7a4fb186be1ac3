// Scenario 8: no descriptor or mapping outlives a SharedDataset, and a
// process with few descriptors can still attach to many datasets.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "glint/cache.h"
#include "probe/reliability_fixture.h"

namespace glint::testing {
namespace {

int open_descriptors() {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) (void)e, ++n;
  return n;
}

int mapping_lines() {
  std::ifstream maps("/proc/self/maps");
  int n = 0;
  for (std::string line; std::getline(maps, line);) ++n;
  return n;
}

class LeakTest : public ReliabilityTest {
 protected:
  void SetUp() override {
    ReliabilityTest::SetUp();
    options_.shm_dir = shm_.path();
    options_.fingerprint.store_dir = tmp_.file("fingerprints");
  }
  CacheOptions options_;
};

TEST_F(LeakTest, ThousandOpenDestroyCyclesLeaveDescriptorsAndMappingsUnchanged) {
  write_h5(h5_, {pattern_dataset("a", H5T_NATIVE_UINT8, {64, 1024}, 1),
                 pattern_dataset("b", H5T_NATIVE_FLOAT, {64, 256}, 2)});
  constexpr int kCycles = 1000, kWarmup = 20;
  int fds = 0, maps = 0, loads = 0;
  for (int i = 0; i < kCycles; ++i) {
    if (i == kWarmup) {
      fds = open_descriptors();
      maps = mapping_lines();
    }
    if (i % 10 == 0) {  // every tenth cycle loads again: writer, lock and HDF5 paths too
      for (const auto& e : std::filesystem::directory_iterator(shm_.path())) std::filesystem::remove(e.path());
    }
    auto sets = open_shared(h5_, {"a", "b"}, options_);
    ASSERT_TRUE(sets.ok()) << sets.status().message();
    loads += (*sets)[0].loaded_here();
  }
  EXPECT_EQ(loads, kCycles / 10);
  EXPECT_EQ(open_descriptors(), fds);
  EXPECT_EQ(mapping_lines(), maps);
  std::printf("[ FIGURES  ] leak_cycles=%d loads=%d fds=%d maps=%d\n", kCycles, loads, fds, maps);
}

// In a child limited to 64 descriptors: load, then attach, 100 datasets.
TEST_F(LeakTest, HundredDatasetsFitInSixtyFourDescriptors) {
  std::vector<FixtureDataset> sets;
  for (int i = 0; i < 100; ++i) sets.push_back(pattern_dataset("d" + std::to_string(i), H5T_NATIVE_INT32, {16, 16}, i));
  write_h5(h5_, sets);
  for (int round = 0; round < 2; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      rlimit lim{64, 64};
      if (setrlimit(RLIMIT_NOFILE, &lim) != 0) _exit(10);
      auto all = open_shared(h5_, {}, options_);
      if (!all.ok()) {
        std::fprintf(stderr, "open_shared under 64 descriptors: %s\n", all.status().message().c_str());
        _exit(11);
      }
      if (all->size() != 100) _exit(12);
      int loaded = 0;
      for (size_t i = 0; i < all->size(); ++i) {
        loaded += (*all)[i].loaded_here();
        if ((*all)[i].bytes() != 16 * 16 * 4) _exit(13);
      }
      _exit(loaded == (round == 0 ? 100 : 0) ? 0 : 14);
    }
    int st;
    ASSERT_EQ(pid, waitpid(pid, &st, 0));
    ASSERT_TRUE(WIFEXITED(st)) << "round " << round;
    EXPECT_EQ(WEXITSTATUS(st), 0) << "round " << round << " (10 setrlimit, 11 open failed, 12 count, 13 size, 14 loaded_here)";
  }
  EXPECT_EQ(shm_files().size(), 100u);
}

}  // namespace
}  // namespace glint::testing
