// The disk tier under real limits: a 64 MB /dev/shm (a container's default),
// a memory cgroup smaller than the data, a loader killed mid-load, a full
// disk, and a damaged segment. Real processes (the probe), real file systems
// (the cache directory on the test's disk; tmpfs where a size must be exact),
// real cgroups. Each needs root; skipped with the reason otherwise.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "glint/segment_format.h"
#include "probe/memory_cgroup.h"
#include "probe/reliability_fixture.h"
#include "probe/residency.h"

namespace glint::testing {
namespace {

constexpr uint64_t kMiB = 1 << 20;

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines) {
    if (l.find(part) != std::string::npos) return true;
  }
  return false;
}

// Waits (polling, bounded) until a process is blocked on the lock file.
bool wait_for_waiter(const std::string& lock_path) {
  for (int i = 0; i < 20000; ++i) {
    if (blocked_lock_waiters(lock_path) >= 1) return true;
    timespec ts{0, 1000000};
    nanosleep(&ts, nullptr);
  }
  return false;
}

class DiskTierLimitsTest : public ReliabilityTest {
 protected:
  void SetUp() override {
    ReliabilityTest::SetUp();
    cache_ = tmp_.file("cache");  // on the test's local disk
  }
  // Probe arguments that send loads of `h5` to the disk tier, forced by a
  // /dev/shm budget too small for anything (or by `shm`'s real size).
  std::vector<std::string> disk_args(const std::string& shm, const std::vector<std::string>& extra) const {
    std::vector<std::string> a = {"--cache-dir", cache_};
    a.insert(a.end(), extra.begin(), extra.end());
    return args_for(h5_, shm, a);
  }
  std::string cache_;
};

TEST_F(DiskTierLimitsTest, TwoProcessesBehindA64MBDevShmShareOneCopyFromTheDisk) {
  FixtureDataset images = pattern_dataset("images", H5T_NATIVE_UINT8, {200, 1024, 1024}, 7);  // 200 MiB
  write_h5(h5_, {images});
  const std::string expected = checksum_of(images.bytes);
  auto run = run_in_private_tmpfs(64 * kMiB, [&](const std::string& dir, Findings& f) {
    // A container's /dev/shm: 64 MB, at its usual place.
    if (!f.expect(::mount(dir.c_str(), "/dev/shm", nullptr, MS_BIND, nullptr) == 0,
                  std::string("bind the 64 MB tmpfs over /dev/shm: ") + std::strerror(errno))) {
      return;
    }
    auto args = disk_args("/dev/shm", {"--hold"});
    Probe a(args), b(args);
    ProbeReport ra = a.read_report(), rb = b.read_report();
    if (!f.expect(ra.ok && rb.ok, "probes failed: " + ra.raw + " / " + rb.raw)) return;
    const ProbeDataset &da = ra.datasets[0], &db = rb.datasets[0];
    f.expect(da.loaded_here != db.loaded_here, "exactly one should load");
    f.expect(da.tier == "disk" && db.tier == "disk", "tiers: " + da.tier + ", " + db.tier);
    f.expect(da.checksum == expected && db.checksum == expected, "wrong bytes: " + ra.raw + " / " + rb.raw);
    const std::string& note = da.loaded_here ? da.tier_note : db.tier_note;
    f.expect(note.find("does not fit in /dev/shm (64.0 MiB)") != std::string::npos, "tier note: " + note);
    f.expect(da.path == cache_ + "/" + da.segment, "segment path: " + da.path);
    // One copy: the page cache holds the file once, and the two mappings
    // split its cost (PSS) instead of each paying for it.
    const uint64_t size = images.bytes.size();
    MappingCost ca = mapping_cost(a.pid(), da.path), cb = mapping_cost(b.pid(), db.path);
    f.expect(ca.found && cb.found, "no mapping of " + da.path + " in smaps");
    f.expect(ca.rss >= size && cb.rss >= size, "each maps it whole: rss " + std::to_string(ca.rss) + ", " +
                                                   std::to_string(cb.rss));
    f.expect(ca.pss + cb.pss <= size + size / 50, "more than one copy: pss " + std::to_string(ca.pss) + " + " +
                                                      std::to_string(cb.pss) + " for " + std::to_string(size));
    const uint64_t resident = resident_bytes(da.path);
    f.expect(resident >= size, "page cache holds " + std::to_string(resident) + " of " + std::to_string(size));
    f.expect(fs_used_bytes("/dev/shm") < kMiB, "/dev/shm used: " + std::to_string(fs_used_bytes("/dev/shm")));
    f.note("pss " + std::to_string(ca.pss / kMiB) + " + " + std::to_string(cb.pss / kMiB) + " MiB for a " +
           std::to_string(size / kMiB) + " MiB segment; " + note);
    ProcessResult ea = a.wait(), eb = b.wait();
    f.expect(!ea.signaled && ea.exit_code == 0 && !eb.signaled && eb.exit_code == 0,
             "exits: " + describe(ea) + " / " + describe(eb));
  });
  report(run);
}

TEST_F(DiskTierLimitsTest, LoaderInAMemoryCgroupOfAThirdOfTheDataLoadsToDiskAndReadsEverySample) {
#if defined(__SANITIZE_THREAD__)
  // TSan's shadow memory alone exceeds a 64 MiB limit: the probe is OOM-killed.
  GTEST_SKIP() << "under ThreadSanitizer the probe's shadow memory exceeds the cgroup's limit";
#endif
  FixtureDataset images = pattern_dataset("images", H5T_NATIVE_UINT8, {192, 1024, 1024}, 8);  // 192 MiB
  write_h5(h5_, {images});
  MemoryCgroup cgroup(images.bytes.size() / 3);
  if (!cgroup.valid()) GTEST_SKIP() << cgroup.skip_reason();
  // /dev/shm itself has room: only the cgroup's limit keeps the data out.
  Probe probe(disk_args(shm_.path(), {"--gate"}));
  ASSERT_TRUE(cgroup.add(probe.pid())) << "cannot move the probe into " << cgroup.dir();
  probe.close_stdin();
  ProbeReport r = probe.read_report();
  ProcessResult done = probe.wait();
  ASSERT_TRUE(!done.signaled && done.exit_code == 0) << describe(done) << " " << r.raw;
  ASSERT_TRUE(r.ok) << r.raw;
  EXPECT_EQ(r.datasets[0].tier, "disk");
  // The probe's checksum reads every byte of every sample through the mapping.
  EXPECT_EQ(r.datasets[0].checksum, checksum_of(images.bytes));
  EXPECT_NE(r.datasets[0].tier_note.find("under the memory limit of cgroup " + cgroup.dir()), std::string::npos)
      << r.datasets[0].tier_note;
  EXPECT_TRUE(shm_files().empty());
  std::printf("[ NOTE     ] limit %llu MiB, peak usage %llu MiB, limit hit %llu times; %s\n",
              static_cast<unsigned long long>(images.bytes.size() / 3 / kMiB),
              static_cast<unsigned long long>(cgroup.max_usage() / kMiB),
              static_cast<unsigned long long>(cgroup.failcnt()), r.datasets[0].tier_note.c_str());
}

TEST_F(DiskTierLimitsTest, LoaderKilledMidLoadLeavesNoFileAndTheWaiterTakesOver) {
  FixtureDataset flat = pattern_dataset("flat", H5T_NATIVE_UINT8, {64, 256, 256}, 9);  // 4 MiB
  write_h5(h5_, {flat});
  const uint64_t total = flat.bytes.size();
  Probe loader(disk_args(shm_.path(), {"--max-shm", "4K", "--fill-step", "4096", "--pause-after-bytes",
                                      std::to_string(total / 2)}));
  ASSERT_TRUE(loader.wait_stopped()) << "the loader finished instead of pausing";
  // Half loaded: the cache directory holds no name for it yet.
  for (const auto& name : dir_entries(cache_)) ADD_FAILURE() << "visible while loading: " << name;
  Probe waiter(disk_args(shm_.path(), {"--max-shm", "4K"}));
  std::string lock;
  for (const auto& name : shm_files()) {
    if (name.ends_with(".lock")) lock = shm_.path() + "/" + name;
  }
  ASSERT_FALSE(lock.empty()) << "no lock file in " << shm_.path();
  ASSERT_TRUE(wait_for_waiter(lock)) << "the second process never waited for the lock";
  loader.kill(SIGKILL);
  ProcessResult killed = loader.wait();
  EXPECT_TRUE(killed.signaled);
  ProbeReport r = waiter.read_report();
  ProcessResult done = waiter.wait();
  ASSERT_TRUE(r.ok && !done.signaled && done.exit_code == 0) << describe(done) << " " << r.raw;
  EXPECT_TRUE(r.datasets[0].loaded_here);
  EXPECT_EQ(r.datasets[0].tier, "disk");
  EXPECT_EQ(r.datasets[0].checksum, checksum_of(flat.bytes));
  const std::string segment = r.datasets[0].segment;
  EXPECT_EQ(dir_entries(cache_), (std::vector<std::string>{segment, segment + ".verified"}));
  struct stat st;
  ASSERT_EQ(0, ::stat((cache_ + "/" + segment).c_str(), &st));
  EXPECT_GT(static_cast<uint64_t>(st.st_size), kSegmentHeaderBytes + total);  // header, payload, trailer
  EXPECT_EQ(st.st_mode & 07777, 0400u);
}

TEST_F(DiskTierLimitsTest, FullDiskIsANoSpaceErrorNamingBothTiersNotASigbus) {
  FixtureDataset big = pattern_dataset("big", H5T_NATIVE_UINT8, {128, 256, 256}, 5);  // 8 MiB
  write_h5(h5_, {big});
  auto run = run_in_private_tmpfs(4 * kMiB, [&](const std::string& dir, Findings& f) {
    Probe probe(args_for(h5_, shm_.path(), {"--cache-dir", dir, "--max-shm", "4K"}));
    ProbeReport r = probe.read_report();
    ProcessResult done = probe.wait();
    f.expect(!done.signaled && done.exit_code == 1, "probe should fail cleanly: " + describe(done));
    f.expect(r.code == "kNoSpace" || r.error.find("not enough disk space in " + dir) != std::string::npos,
             "wrong error: " + r.raw);
    f.expect(r.error.find("needs 8.0 MiB") != std::string::npos, "needed size missing: " + r.error);
    f.expect(r.error.find("'/big'") != std::string::npos, "dataset missing: " + r.error);
    f.expect(r.error.find("shared memory was not an option either") != std::string::npos, "no shm reason: " + r.error);
    f.expect(dir_entries(dir).empty(), "something was left in the cache directory");
    f.expect(fs_used_bytes(dir) == 0, "the cache file system still uses " + std::to_string(fs_used_bytes(dir)));
    f.note(r.error);
  });
  report(run);
}

TEST_F(DiskTierLimitsTest, PageDamagedAsByAPowerLossIsDetectedAndRebuiltNotServed) {
  FixtureDataset flat = pattern_dataset("flat", H5T_NATIVE_UINT8, {128, 256, 256}, 10);  // 8 MiB
  write_h5(h5_, {flat});
  auto args = disk_args(shm_.path(), {"--max-shm", "4K"});
  Probe loader(args);
  ProbeReport first = loader.read_report();
  ASSERT_TRUE(first.ok && first.datasets[0].loaded_here && first.datasets[0].tier == "disk") << first.raw;
  ASSERT_EQ(loader.wait().exit_code, 0);
  const std::string path = first.datasets[0].path;
  // One page of zeros in the middle, then the mtime put back and the boot's
  // marker gone: what a power loss before writeback leaves after reboot.
  struct stat before;
  ASSERT_EQ(0, ::stat(path.c_str(), &before));
  ASSERT_EQ(0, ::chmod(path.c_str(), 0600));
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::vector<char> zeros(4096, 0);
  ASSERT_EQ(4096, ::pwrite(fd, zeros.data(), zeros.size(), static_cast<off_t>(kSegmentHeaderBytes + 1000 * 4096)));
  ASSERT_EQ(0, ::fsync(fd));
  ::close(fd);
  ASSERT_EQ(0, ::chmod(path.c_str(), 0400));
  const timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(0, ::utimensat(AT_FDCWD, path.c_str(), times, 0));
  ASSERT_EQ(0, ::unlink((path + ".verified").c_str()));

  Probe next(args);
  ProbeReport r = next.read_report();
  ASSERT_EQ(next.wait().exit_code, 0) << r.raw;
  ASSERT_TRUE(r.ok) << r.raw;
  EXPECT_TRUE(r.datasets[0].loaded_here) << "the damaged segment was served";
  EXPECT_EQ(r.datasets[0].checksum, checksum_of(flat.bytes));
  EXPECT_TRUE(any_contains(r.warnings, "segment " + path + " is damaged (CRC-32 ")) << r.raw;
  // The rebuilt one is served to the next process without reading it again.
  Probe after(args);
  ProbeReport ra = after.read_report();
  ASSERT_EQ(after.wait().exit_code, 0) << ra.raw;
  EXPECT_FALSE(ra.datasets[0].loaded_here);
  EXPECT_EQ(ra.datasets[0].checksum, checksum_of(flat.bytes));
  EXPECT_EQ(ra.datasets[0].tier_note.find("verified"), std::string::npos) << ra.datasets[0].tier_note;
}

}  // namespace
}  // namespace glint::testing
