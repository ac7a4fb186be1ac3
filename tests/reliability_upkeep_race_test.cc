// Eviction, reclaim and cleanup against concurrent loads and attaches: eight
// processes at a time open files that together exceed a private tmpfs, half
// of them keeping their mappings, while segments are evicted under them.
// Every process must get the right bytes (or, when everything in the tmpfs is
// mapped, the no-space error on which trainers fall back to a private copy),
// and nothing may be left behind: no lock file, no memory without a name.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <memory>

#include "probe/upkeep_fixture.h"

namespace glint::testing {
namespace {

constexpr int kProcesses = 8;

// Waits (polling, bounded) until a process is blocked on a lock of `path`.
bool wait_for_waiter(const std::string& path) {
  for (int i = 0; i < 20000; ++i) {
    if (blocked_lock_waiters(path) >= 1) return true;
    timespec ts{0, 1000000};
    nanosleep(&ts, nullptr);
  }
  return false;
}

// The interleaving the stress test below can only hope to hit, forced: an
// attach that has opened a segment while an eviction holds it.
TEST_F(UpkeepTest, AnAttachThatWaitedForAnEvictionFindsTheSegmentGoneAndLoadsAgain) {
  ProbeReport first = open_file(0, shm_.path());
  ASSERT_TRUE(has_data_of(first, 0)) << first.raw;
  const std::string segment = shm_.path() + "/" + first.datasets[0].segment;
  int evicting = ::open(segment.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(evicting, 0);
  ASSERT_EQ(0, ::flock(evicting, LOCK_EX | LOCK_NB));  // nobody maps it
  Probe attach(args_for(files_[0], shm_.path(), {}));
  ASSERT_TRUE(wait_for_waiter(segment)) << "the attach should wait for the eviction's lock";
  ASSERT_EQ(0, ::unlink(segment.c_str()));
  ::close(evicting);
  ProbeReport r = attach.read_report();
  EXPECT_TRUE(has_data_of(r, 0)) << r.raw;
  EXPECT_TRUE(r.datasets.size() == 1 && r.datasets[0].loaded_here) << "it should load anew: " << r.raw;
  EXPECT_TRUE(present(shm_.path(), first.datasets[0].segment)) << "the new segment has the name";
  EXPECT_EQ(attach.wait().exit_code, 0);
}
constexpr int kRounds = 6;

TEST_F(UpkeepTest, EightProcessesOverFilesThatDoNotAllFitGetCorrectDataAndLeaveNothingBehind) {
  // Room for two of the four 6 MiB segments.
  auto run = run_in_private_tmpfs(14 * kMiB, [&](const std::string& dir, Findings& f) {
    int shared = 0, no_space = 0;
    for (int round = 0; round < kRounds; ++round) {
      int gate[2];
      if (!f.expect(::pipe2(gate, O_CLOEXEC) == 0, "pipe")) return;
      std::vector<std::unique_ptr<Probe>> probes;
      std::vector<int> file_of;
      std::vector<bool> opened;
      std::vector<std::string> file_segment;
      for (int p = 0; p < kProcesses; ++p) {
        const int file = (p + round) % kFiles;
        const bool hold = p % 2 == 1 && p != 7;  // three holders: some room always stays unmapped
        std::vector<std::string> extra = {"--fill-step", "262144"};
        if (hold) extra.push_back("--hold");
        if (!hold) extra.push_back("--gate");
        probes.push_back(std::make_unique<Probe>(args_for(files_[static_cast<size_t>(file)], dir, extra),
                                                 hold ? -1 : gate[0]));
        file_of.push_back(file);
      }
      ::close(gate[0]);
      ::close(gate[1]);
      for (size_t p = 0; p < probes.size(); ++p) {
        ProbeReport r = probes[p]->read_report();
        const std::string who = "round " + std::to_string(round) + " probe " + std::to_string(p) + ": ";
        opened.push_back(r.ok);
        file_segment.push_back(r.ok && !r.datasets.empty() ? r.datasets[0].segment : "");
        if (r.ok) {
          f.expect(has_data_of(r, file_of[p]), who + "wrong bytes: " + r.raw);
          ++shared;
        } else {
          f.expect(r.code == "no space" && r.error.find("not enough shared memory") != std::string::npos,
                   who + "only a lack of room may fail a load: " + r.raw);
          ++no_space;
        }
      }
      for (size_t p = 0; p < probes.size(); ++p) {
        if (p % 2 == 1 && p != 7 && opened[p]) {
          // What a process maps is never evicted: its name must still be there.
          f.expect(present(dir, file_segment[p]), "a mapped segment was removed: " + file_segment[p]);
          ProbeReport again = probes[p]->refresh();
          f.expect(has_data_of(again, file_of[p]), "holder reread: " + again.raw);
        }
        ProcessResult done = probes[p]->wait();
        f.expect(!done.signaled, "probe died: " + done.err);
      }
      uint64_t named = 0;
      for (const auto& name : dir_entries(dir)) {
        f.expect(name.find(".lock") == std::string::npos, "lock file left behind: " + name);
        struct stat st;
        if (::stat((dir + "/" + name).c_str(), &st) == 0) named += static_cast<uint64_t>(st.st_blocks) * 512;
      }
      f.expect(fs_used_bytes(dir) == named, "memory without a name after round " + std::to_string(round) + ": " +
                                                 std::to_string(fs_used_bytes(dir)) + " used, " +
                                                 std::to_string(named) + " named");
      f.expect(segments_in(dir).size() <= 2, "more segments than fit: " + joined(segments_in(dir)));
    }
    // How many gated loads find room depends on how the scheduler interleaves
    // them with the holders (a fresh clone's CI run under ctest -j2 got 23 of
    // 48 once): the bound asks that sharing is common, not a fixed share.
    f.expect(shared >= kRounds * kProcesses / 3, "sharing should be common: " + std::to_string(shared) + " shared, " +
                                                    std::to_string(no_space) + " no space");
    f.note(std::to_string(shared) + " opens shared, " + std::to_string(no_space) + " failed for lack of room");
  });
  report_run(run);
}

}  // namespace
}  // namespace glint::testing
