// Scenarios 3, 6 and 9: a shared-memory file system that is too small, names
// removed while in use, and a file system filled up after a segment exists.
// Each runs in a private tmpfs (a mount namespace of its own), so its sizes
// are exact; skipped with the reason when that cannot be set up (not root).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "probe/reliability_fixture.h"

namespace glint::testing {
namespace {

constexpr uint64_t kMiB = 1 << 20;

class ShmSpaceTest : public ReliabilityTest {
 protected:
  void SetUp() override {
    ReliabilityTest::SetUp();
    big_ = pattern_dataset("big", H5T_NATIVE_UINT8, {128, 256, 256}, 5);  // 8 MiB
    chunked_ = pattern_dataset("chunked", H5T_NATIVE_UINT8, {128, 256, 256}, 6);
    chunked_.chunked_compressed = true;
    write_h5(h5_, {big_, chunked_});
  }
  FixtureDataset big_, chunked_;
};

TEST_F(ShmSpaceTest, TooSmallFileSystemGivesNoSpaceWithSizesAndLeavesNothing) {
  auto run = run_in_private_tmpfs(4 * kMiB, [&](const std::string& dir, Findings& f) {
    for (const auto* ds : {&big_, &chunked_}) {
      Probe probe(args_for(h5_, dir, {"--datasets", ds->name}));
      ProbeReport r = probe.read_report();
      ProcessResult done = probe.wait();
      f.expect(!done.signaled && done.exit_code == 1, ds->name + ": probe should fail cleanly: " + describe(done));
      f.expect(r.code == "kNoSpace" || r.code == "NoSpace" || r.error.find("not enough shared memory") != std::string::npos,
               ds->name + ": wrong error: " + r.raw);
      f.expect(r.error.find("needs 8.0 MiB") != std::string::npos, ds->name + ": needed size missing: " + r.error);
      f.expect(r.error.find("MiB free") != std::string::npos, ds->name + ": free size missing: " + r.error);
      f.expect(r.error.find(dir) != std::string::npos, ds->name + ": directory missing: " + r.error);
      f.expect(r.error.find("'/" + ds->name + "'") != std::string::npos, ds->name + ": dataset missing: " + r.error);
      f.expect(dir_entries(dir).empty(), ds->name + ": something was left in the tmpfs");
      f.expect(fs_used_bytes(dir) == 0, ds->name + ": tmpfs still uses " + std::to_string(fs_used_bytes(dir)));
      f.note(ds->name + ": " + r.error);
    }
  });
  report(run);
}

TEST_F(ShmSpaceTest, RemovedNamesKeepServingUntilTheLastUserExits) {
  auto run = run_in_private_tmpfs(32 * kMiB, [&](const std::string& dir, Findings& f) {
    const uint64_t empty = fs_used_bytes(dir);
    auto args = args_for(h5_, dir, {"--datasets", big_.name, "--hold"});
    Probe a(args), b(args);
    ProbeReport ra = a.read_report(), rb = b.read_report();
    if (!f.expect(ra.ok && rb.ok, "probes failed: " + ra.raw + " / " + rb.raw)) return;
    f.expect(ra.datasets[0].loaded_here != rb.datasets[0].loaded_here, "exactly one should load");
    const uint64_t in_use = fs_used_bytes(dir);
    f.expect(in_use - empty >= big_.bytes.size(), "segment not accounted: " + std::to_string(in_use - empty));
    for (const auto& name : dir_entries(dir)) f.expect(::unlink((dir + "/" + name).c_str()) == 0, "unlink " + name);
    f.expect(dir_entries(dir).empty(), "names are gone");
    ProbeReport again_a = a.refresh(), again_b = b.refresh();
    f.expect(again_a.ok && again_a.datasets[0].checksum == checksum_of(big_.bytes), "a reads other bytes: " + again_a.raw);
    f.expect(again_b.ok && again_b.datasets[0].checksum == checksum_of(big_.bytes), "b reads other bytes: " + again_b.raw);
    f.expect(fs_used_bytes(dir) == in_use, "memory released while mapped");
    ProcessResult da = a.wait();
    f.expect(!da.signaled && da.exit_code == 0, "a: " + describe(da));
    f.expect(fs_used_bytes(dir) == in_use, "memory released while b still maps it");
    ProcessResult db = b.wait();
    f.expect(!db.signaled && db.exit_code == 0, "b: " + describe(db));
    f.expect(fs_used_bytes(dir) == empty, "memory not released after the last user: " + std::to_string(fs_used_bytes(dir)));
    f.note("in use " + std::to_string(in_use - empty) + " bytes, after last exit " + std::to_string(fs_used_bytes(dir) - empty));
  });
  report(run);
}

// Fills the file system with an ordinary file until ENOSPC.
uint64_t fill_to_the_brim(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  static char block[65536] = {1};
  uint64_t written = 0;
  for (;;) {
    ssize_t n = ::write(fd, block, sizeof block);
    if (n > 0) {
      written += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(fd);
  return written;
}

TEST_F(ShmSpaceTest, SegmentStaysReadableAfterTheFileSystemIsFilled) {
  auto run = run_in_private_tmpfs(16 * kMiB, [&](const std::string& dir, Findings& f) {
    Probe holder(args_for(h5_, dir, {"--datasets", big_.name, "--hold"}));
    ProbeReport first = holder.read_report();
    if (!f.expect(first.ok && first.datasets[0].loaded_here, "load failed: " + first.raw)) return;
    uint64_t filler = fill_to_the_brim(dir + "/filler");
    f.expect(fs_free_bytes(dir) < 64 * 1024, "tmpfs not full: " + std::to_string(fs_free_bytes(dir)));
    ProbeReport again = holder.refresh();
    f.expect(again.ok && again.datasets[0].checksum == checksum_of(big_.bytes), "holder: " + again.raw);
    Probe reader(args_for(h5_, dir, {"--datasets", big_.name}));
    ProbeReport r = reader.read_report();
    ProcessResult rd = reader.wait();
    f.expect(!rd.signaled && rd.exit_code == 0, "reader: " + describe(rd));
    f.expect(r.ok && !r.datasets[0].loaded_here && r.datasets[0].checksum == checksum_of(big_.bytes), "reader: " + r.raw);
    Probe loader(args_for(h5_, dir, {"--datasets", chunked_.name}));
    ProbeReport l = loader.read_report();
    ProcessResult ld = loader.wait();
    f.expect(!ld.signaled && ld.exit_code == 1 && l.error.find("not enough shared memory") != std::string::npos,
             "a new load in the full tmpfs: " + describe(ld));
    ProcessResult hd = holder.wait();
    f.expect(!hd.signaled && hd.exit_code == 0, "holder: " + describe(hd));
    f.note("filler wrote " + std::to_string(filler) + " bytes");
  });
  report(run);
}

}  // namespace
}  // namespace glint::testing
