// Scenario 2: the loading process is SIGKILLed at many moments of its load.
// Waiters must take over without hanging or seeing partial data, a later
// process must recover by itself, and nothing may be left behind.
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <memory>

#include "probe/reliability_fixture.h"

namespace glint::testing {
namespace {

constexpr int kPausedTrials = 52;      // kill points spread over the whole load
constexpr int kImmediateTrials = 4;    // killed right after fork
constexpr uint64_t kStep = 4096;       // progress step of the loader

// Waits (polling, bounded) until `n` processes are blocked on the lock file.
bool wait_for_waiters(const std::string& lock_path, int n) {
  for (int i = 0; i < 20000; ++i) {
    if (blocked_lock_waiters(lock_path) >= n) return true;
    timespec ts{0, 1000000};
    nanosleep(&ts, nullptr);
  }
  return false;
}

class KilledLoaderTest : public ReliabilityTest {
 protected:
  void SetUp() override {
    ReliabilityTest::SetUp();
    flat_ = pattern_dataset("flat", H5T_NATIVE_UINT8, {64, 64, 64}, 3);      // copied by sendfile
    chunked_ = pattern_dataset("chunked", H5T_NATIVE_UINT8, {64, 4096}, 4);  // read by HDF5, a row per step
    chunked_.chunked_compressed = true;
    write_h5(h5_, {flat_, chunked_});
  }

  // The lock file of the one load in progress in `dir`, "" if none.
  static std::string lock_file_in(const std::string& dir) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".lock") return e.path();
    }
    return "";
  }

  // After a trial: only the complete segment may be there (a lock file only
  // if unlocked); removing it leaves the directory empty.
  static void expect_clean_after_removal(const std::string& dir, const std::string& segment, const std::string& trial) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      std::string name = e.path().filename();
      if (name == segment) continue;
      ASSERT_EQ(e.path().extension(), ".lock") << trial << ": leftover " << name;
      int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
      ASSERT_GE(fd, 0) << trial;
      EXPECT_EQ(0, flock(fd, LOCK_EX | LOCK_NB)) << trial << ": " << name << " is still locked";
      close(fd);
      EXPECT_EQ(0, ::unlink(e.path().c_str())) << trial;
    }
    EXPECT_EQ(0, ::unlink((dir + "/" + segment).c_str())) << trial << ": no complete segment";
    EXPECT_TRUE(std::filesystem::is_empty(dir)) << trial;
  }

  FixtureDataset flat_, chunked_;
};

TEST_F(KilledLoaderTest, LoaderKilledAnywhereLeavesNothingAndIsTakenOver) {
  int trials = 0;
  for (int t = 0; t < kPausedTrials; ++t) {
    const FixtureDataset& ds = t % 2 ? chunked_ : flat_;
    const uint64_t total = ds.bytes.size();
    // Offsets from the first step to the last byte (then only publishing is left).
    const uint64_t offset = t + 1 == kPausedTrials ? total : total * static_cast<uint64_t>(t) / kPausedTrials;
    const int waiters = t % 3 == 2 ? 0 : 2;
    const std::string trial = "trial " + std::to_string(t) + " (" + ds.name + ", killed after " +
                              std::to_string(offset) + " of " + std::to_string(total) + " bytes, " +
                              std::to_string(waiters) + " waiters)";
    ShmDir shm;
    auto args = args_for(h5_, shm.path(), {"--datasets", ds.name, "--fill-step", std::to_string(kStep)});
    auto paused_args = args;
    paused_args.insert(paused_args.end(), {"--pause-after-bytes", std::to_string(offset)});
    Probe loader(paused_args);
    ASSERT_TRUE(loader.wait_stopped()) << trial << ": the loader did not pause: " << loader.wait().err;
    std::string lock = lock_file_in(shm.path());
    ASSERT_FALSE(lock.empty()) << trial;
    // Nothing is visible under the segment's name while the load is unfinished.
    ASSERT_EQ(dir_entries(shm.path()).size(), 1u) << trial;
    std::vector<std::unique_ptr<Probe>> waiting;
    for (int w = 0; w < waiters; ++w) waiting.push_back(std::make_unique<Probe>(args));
    ASSERT_TRUE(wait_for_waiters(lock, waiters)) << trial << ": waiters never blocked on " << lock;
    loader.kill(SIGKILL);
    ProcessResult killed = loader.wait();
    ASSERT_TRUE(killed.signaled) << trial << killed.err;
    int took_over = 0;
    std::string segment;
    for (auto& w : waiting) {
      ProbeReport r = w->read_report();
      ASSERT_TRUE(r.ok) << trial << ": " << r.raw;
      EXPECT_EQ(r.datasets[0].checksum, checksum_of(ds.bytes)) << trial;
      took_over += r.datasets[0].loaded_here;
      segment = r.datasets[0].segment;
      EXPECT_EQ(w->wait().exit_code, 0) << trial;
    }
    if (waiters > 0) {
      EXPECT_EQ(took_over, 1) << trial;
    }
    Probe later(args);
    ProbeReport r = later.read_report();
    ASSERT_TRUE(r.ok) << trial << ": " << r.raw;
    EXPECT_EQ(r.datasets[0].loaded_here, waiters == 0) << trial;
    EXPECT_EQ(r.datasets[0].checksum, checksum_of(ds.bytes)) << trial;
    EXPECT_EQ(later.wait().exit_code, 0);
    expect_clean_after_removal(shm.path(), r.datasets[0].segment, trial);
    ++trials;
  }
  EXPECT_EQ(trials, kPausedTrials);
  std::printf("[ FIGURES  ] killed_loader_paused_trials=%d\n", trials);
}

TEST_F(KilledLoaderTest, LoaderKilledRightAfterStartLeavesNoSegment) {
  for (int t = 0; t < kImmediateTrials; ++t) {
    const std::string trial = "immediate trial " + std::to_string(t);
    ShmDir shm;
    auto args = args_for(h5_, shm.path(), {"--datasets", flat_.name, "--fill-step", std::to_string(kStep)});
    {
      Probe loader(args);
      loader.kill(SIGKILL);
      ProcessResult killed = loader.wait();
      // Too late to kill is possible in principle; then it must have finished cleanly.
      if (!killed.signaled) {
        EXPECT_EQ(killed.exit_code, 0) << trial;
      }
    }
    for (const auto& name : dir_entries(shm.path())) {
      EXPECT_TRUE(name.ends_with(".lock") || name.find("_flat") != std::string::npos) << trial << ": " << name;
    }
    Probe later(args);
    ProbeReport r = later.read_report();
    ASSERT_TRUE(r.ok) << trial << ": " << r.raw;
    EXPECT_EQ(r.datasets[0].checksum, checksum_of(flat_.bytes)) << trial;
    EXPECT_EQ(later.wait().exit_code, 0);
    expect_clean_after_removal(shm.path(), r.datasets[0].segment, trial);
  }
  std::printf("[ FIGURES  ] killed_loader_immediate_trials=%d\n", kImmediateTrials);
}

}  // namespace
}  // namespace glint::testing
