// The cache keeps the shared-memory directory in order by itself: unused
// segments evicted least recently used first to make room, never a mapped
// one, another user's or one being loaded; a budget (--max_shm); older
// versions of a file reclaimed when its new version loads. Each scenario runs
// in a private tmpfs of a chosen size (skipped with the reason when not root).
#include <unistd.h>

#include "glint/inventory.h"
#include "probe/upkeep_fixture.h"

namespace glint::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(UpkeepTest, LoadEvictsTheLeastRecentlyUsedUnusedSegmentOnlyAndSaysWhich) {
  auto run = run_in_private_tmpfs(16 * kMiB, [&](const std::string& dir, Findings& f) {
    ProbeReport a = open_file(0, dir), b = open_file(1, dir);
    if (!f.expect(a.ok && b.ok, "first loads: " + a.raw + " / " + b.raw)) return;
    ProbeReport again = open_file(0, dir);  // file 0 is now the more recently used
    f.expect(has_data_of(again, 0) && !again.datasets[0].loaded_here, "reattach of file 0: " + again.raw);
    ProbeReport c = open_file(2, dir);
    f.expect(has_data_of(c, 2) && c.datasets[0].loaded_here, "load of file 2 should make room: " + c.raw);
    const std::string victim = b.datasets[0].segment;
    f.expect(c.warnings.size() == 1 && contains(c.warnings[0], "made room for dataset '/x' of " + files_[2]) &&
                 contains(c.warnings[0], "removed 1 unused segment") && contains(c.warnings[0], victim),
             "one line naming the evicted segment: " + joined(c.warnings));
    f.expect(!present(dir, victim), "the least recently used segment is gone");
    f.expect(present(dir, a.datasets[0].segment), "the recently used segment stays");
    auto journal = read_upkeep_journal(dir, 10);
    f.expect(journal.size() == 1 && contains(journal[0], "evicted " + victim), "journal: " + joined(journal));
    f.note(c.warnings.empty() ? "" : c.warnings[0]);
  });
  report_run(run);
}

TEST_F(UpkeepTest, MappedAndOtherUsersSegmentsAreNeverEvictedAndTheLoadFailsAsToday) {
  auto run = run_in_private_tmpfs(16 * kMiB, [&](const std::string& dir, Findings& f) {
    Probe holder(args_for(files_[0], dir, {"--hold"}));
    ProbeReport held = holder.read_report();
    ProbeReport other = open_file(1, dir);
    if (!f.expect(held.ok && other.ok, "setup: " + held.raw + " / " + other.raw)) return;
    // The older segment now belongs to somebody else.
    const std::string foreign = dir + "/" + other.datasets[0].segment;
    f.expect(::chown(foreign.c_str(), 65534, 65534) == 0, "chown");
    ProbeReport c = open_file(2, dir);
    f.expect(!c.ok && contains(c.error, "not enough shared memory in " + dir) && contains(c.error, "needs 6.0 MiB"),
             "today's no-space message: " + c.raw);
    f.expect(c.warnings.empty(), "nothing removed: " + joined(c.warnings));
    f.expect(present(dir, held.datasets[0].segment) && present(dir, other.datasets[0].segment), "both stay");
    f.expect(segments_in(dir).size() == 2, "no third segment");
    ProbeReport still = holder.refresh();
    f.expect(has_data_of(still, 0), "the holder still reads its data: " + still.raw);
    holder.wait();
  });
  report_run(run);
}

TEST_F(UpkeepTest, ASegmentBeingLoadedIsNotTouchedWhileAnUnusedOneMakesRoom) {
  auto run = run_in_private_tmpfs(16 * kMiB, [&](const std::string& dir, Findings& f) {
    ProbeReport a = open_file(0, dir);
    if (!f.expect(a.ok, "setup: " + a.raw)) return;
    Probe loader(args_for(files_[1], dir, {"--pause-after-bytes", "1048576", "--fill-step", "65536"}));
    if (!f.expect(loader.wait_stopped(), "the loader should stop mid-load")) return;
    ProbeReport c = open_file(2, dir);  // needs file 0's room, not the loader's
    f.expect(has_data_of(c, 2), "load of file 2: " + c.raw);
    f.expect(!present(dir, a.datasets[0].segment), "the unused segment made room");
    loader.kill(SIGCONT);
    ProbeReport l = loader.read_report();
    f.expect(has_data_of(l, 1) && l.datasets[0].loaded_here, "the paused load completes intact: " + l.raw);
    loader.wait();
    f.expect(segments_in(dir).size() == 2, "files 1 and 2 present: " + joined(segments_in(dir)));
  });
  report_run(run);
}

TEST_F(UpkeepTest, BudgetKeepsTheUsersSegmentsWithinMaxShm) {
  auto run = run_in_private_tmpfs(64 * kMiB, [&](const std::string& dir, Findings& f) {
    const std::vector<std::string> budget = {"--max-shm", "13M"};
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < kFiles; ++i) {
        ProbeReport r = open_file(i, dir, budget);
        f.expect(has_data_of(r, i), "file " + std::to_string(i) + ": " + r.raw);
        f.expect(fs_used_bytes(dir) <= 13 * kMiB + 64 * 1024, "over budget: " + std::to_string(fs_used_bytes(dir)));
        f.expect(segments_in(dir).size() <= 2, "more than fits the budget: " + joined(segments_in(dir)));
      }
    }
    // With every segment in the budget mapped, a load cannot be made to fit.
    Probe h0(args_for(files_[0], dir, {"--hold", "--max-shm", "13M"}));
    Probe h1(args_for(files_[1], dir, {"--hold", "--max-shm", "13M"}));
    ProbeReport r0 = h0.read_report(), r1 = h1.read_report();
    f.expect(has_data_of(r0, 0) && has_data_of(r1, 1), "holders: " + r0.raw + " / " + r1.raw);
    ProbeReport over = open_file(2, dir, budget);
    f.expect(!over.ok && over.code == "no space" && contains(over.error, "not enough shared memory in the budget") &&
                 contains(over.error, "--max_shm / GLINT_MAX_SHM 13.0 MiB") && contains(over.error, "mapped by running"),
             "budget message: " + over.raw);
    ProbeReport bad = open_file(2, dir, {"--max-shm", "lots"});
    f.expect(!bad.parsed, "a bad budget is refused before anything is opened");
    h0.wait();
    h1.wait();
    f.note(over.error);
  });
  report_run(run);
}

TEST_F(UpkeepTest, TwentyRegenerationsLeaveOneVersionPlusWhatIsStillMapped) {
  auto run = run_in_private_tmpfs(64 * kMiB, [&](const std::string& dir, Findings& f) {
    const std::string h5 = files_[0];
    std::vector<std::unique_ptr<Probe>> holders;  // versions 5 and 12 stay in use
    std::vector<std::string> held_segments;
    std::string last;
    for (int v = 1; v <= 20; ++v) {
      auto ds = pattern_dataset("x", H5T_NATIVE_UINT8, {16, 256, 256}, 1000 + static_cast<uint32_t>(v));
      write_h5(h5, {ds});
      const bool hold = v == 5 || v == 12;
      auto p = std::make_unique<Probe>(args_for(h5, dir, hold ? std::vector<std::string>{"--hold"}
                                                              : std::vector<std::string>{}));
      ProbeReport r = p->read_report();
      if (!f.expect(r.ok && r.datasets[0].checksum == checksum_of(ds.bytes), "version " + std::to_string(v) + ": " + r.raw)) return;
      last = r.datasets[0].segment;
      if (hold) {
        held_segments.push_back(last);
        holders.push_back(std::move(p));
      } else {
        p->wait();
      }
      if (v == 13) {
        f.expect(r.warnings.size() == 1 && contains(r.warnings[0], "older versions of " + h5 + ": reclaimed") &&
                     contains(r.warnings[0], "still mapped"),
                 "version 13 says what it reclaimed and what waits: " + joined(r.warnings));
      }
    }
    auto names = segments_in(dir);
    f.expect(names.size() == 3 && present(dir, last) && present(dir, held_segments[0]) &&
                 present(dir, held_segments[1]),
             "one version plus the two mapped ones: " + joined(names));
    for (auto& h : holders) h->wait();
    auto ds = pattern_dataset("x", H5T_NATIVE_UINT8, {16, 256, 256}, 2000);
    write_h5(h5, {ds});
    ProbeReport r = open_file(0, dir);
    f.expect(r.ok && segments_in(dir).size() == 1 && present(dir, r.datasets[0].segment),
             "after their users exit, the next load reclaims them: " + joined(segments_in(dir)));
    auto journal = read_upkeep_journal(dir, 100);
    bool all_reclaimed = journal.size() == 20;  // versions 1 to 20, each once
    for (const auto& line : journal) all_reclaimed = all_reclaimed && contains(line, " reclaimed glint_");
    f.expect(all_reclaimed, "journal: one line per reclaimed version: " + joined(journal));
    write_h5(h5, {pattern_dataset("x", H5T_NATIVE_UINT8, {16, 256, 256}, 3000)});
    ProbeReport kept = open_file(0, dir, {"--no-reclaim"});
    f.expect(kept.ok && segments_in(dir).size() == 2, "--no-reclaim keeps the old version: " + joined(segments_in(dir)));
  });
  report_run(run);
}

}  // namespace
}  // namespace glint::testing
