#!/usr/bin/env bash
# Runs the reliability tests (ctest label "reliability", build-rel) and a
# libFuzzer run of the segment header/trailer/name parsers (build-fuzz, clang),
# then writes docs/RELIABILITY.md with the figures of this run.
#
#   scripts/reliability_report.sh                  # 2,000,000 fuzz executions
#   FUZZ_RUNS=200000 scripts/reliability_report.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${JOBS:-2}"
fuzz_runs="${FUZZ_RUNS:-2000000}"
rel="$root/build-rel"
fuzz="$root/build-fuzz"
out="$root/docs/RELIABILITY.md"
log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT

echo "== reliability tests in $rel"
cmake -S "$root" -B "$rel" -G Ninja -DGLINT_BUILD_TRAINING=OFF -DGLINT_BUILD_BENCHMARKS=OFF >/dev/null
targets=(glint_cache_probe)
for t in "$rel"/tests/CMakeFiles/reliability_*.dir; do targets+=("$(basename "$t" .dir)"); done
ninja -C "$rel" -j"$jobs" "${targets[@]}"
start=$(date +%s)
set +e
ctest --test-dir "$rel" -L reliability -V > "$log_dir/ctest.log" 2>&1
ctest_rc=$?
set -e
secs=$(( $(date +%s) - start ))
summary=$(grep -E "tests passed, [0-9]+ tests? failed out of" "$log_dir/ctest.log" | tail -1 || true)
[[ $ctest_rc -ne 0 ]] && grep -E "^\s*[0-9]+ - .*\(Failed|Timeout|Exception\)" "$log_dir/ctest.log" || true
echo "$summary"

# The soak tests need the trainer: they run in the training build (SOAK_BUILD,
# default build/) when it has one.
soak_build="${SOAK_BUILD:-$root/build}"
soak_status="not run (no training build in $soak_build)"
if [[ -x "$soak_build/bin/train_glint_unet" ]]; then
  echo "== soak tests in $soak_build"
  ninja -C "$soak_build" -j"$jobs" train_glint_unet glint_predict make_glint_dataset
  if ctest --test-dir "$soak_build" -L soak -V > "$log_dir/soak.log" 2>&1; then soak_status=passed; else
    soak_status="NOT passed"; fi
  grep -E "Test +#[0-9]+: Soak\." "$log_dir/soak.log" || true
fi

echo "== fuzzing in $fuzz ($fuzz_runs executions)"
CC=clang CXX=clang++ cmake -S "$root" -B "$fuzz" -G Ninja -DGLINT_BUILD_TRAINING=OFF -DGLINT_BUILD_BENCHMARKS=OFF \
  -DGLINT_BUILD_FUZZERS=ON -DGLINT_SANITIZE="address;undefined" >/dev/null
ninja -C "$fuzz" -j"$jobs" segment_format_fuzz
mkdir -p "$log_dir/corpus"
set +e
(cd "$log_dir" && "$fuzz/bin/segment_format_fuzz" -runs="$fuzz_runs" -max_len=512 corpus > fuzz.log 2>&1)
fuzz_rc=$?
set -e
fuzz_done=$(grep -E "^Done [0-9]+ runs" "$log_dir/fuzz.log" | tail -1 || echo "no result (exit $fuzz_rc)")
echo "$fuzz_done"

cat > "$log_dir/template.md" <<'TEMPLATE'
# Reliability of the shared-memory cache

What the cache (`glint_cache`, `glint::open_shared`) promises when processes
race, die, run out of memory, meet hostile files or other users, and how each
promise is tested. Every scenario is an automated test with real processes
(the probe `glint_cache_probe`, tests/probe/), real files and a real tmpfs:
`ctest -L reliability`. The sanitizer job (`scripts/sanitizer_check.sh`)
runs the same tests, with the cache's unit tests, under ASan+UBSan and TSan.

This file is written by `scripts/reliability_report.sh`; do not edit by hand.

## Last run

- Date: @DATE@ (@HOST@)
- Reliability tests: @SUMMARY@, in @SECS@ s (skipped: @SKIPPED@)
- Fuzzing (`segment_format_fuzz`, libFuzzer + ASan + UBSan): @FUZZ@ (exit @FUZZ_RC@)

## Scenarios

| # | Promise | How it is tested | Last run |
|---|---------|------------------|----------|
| 1 | Cold start: of many processes asking at once, exactly one loads each dataset; all see identical bytes; one set of segments, no lock file left. | `StampedeTest.EightProcessesAtOneInstantLoadEachDatasetExactlyOnce`: 8 probes blocked on one stdin pipe, released together by closing it; one contiguous (sendfile) and one chunked (HDF5) dataset. | @S1@ |
| 2 | A loader killed at any moment leaves no segment and no tmp file; waiters neither hang nor see partial data, one of them takes over; a later process recovers by itself; the lock file is gone or unlocked. | `KilledLoaderTest.*`: @PAUSED@ kill points spread from the first 4 KiB step to the last byte (before publishing), alternating the sendfile and HDF5 fill paths; the loader stops itself (`--pause-after-bytes`, SIGSTOP) so the kill is exact; 2 waiters proven blocked on the flock (/proc/locks) in 2 of 3 trials, none in the third (the later process must load); plus @IMMEDIATE@ kills right after fork. | @S2@ |
| 3 | A shared-memory file system too small gives kNoSpace naming the needed and free sizes, a non-zero exit, no SIGBUS, nothing left. | `ShmSpaceTest.TooSmallFileSystemGivesNoSpaceWithSizesAndLeavesNothing`: a 4 MiB tmpfs in a private mount namespace, an 8 MiB dataset by each fill path; the tmpfs is empty (used 0) afterwards. Skipped with the reason when not root. | @S3@ |
| 4 | A file under a segment's name is used only if it is a regular file of the caller (or the share group), not group/world-writable, and its header agrees with its real size; the caller's own broken ones are rebuilt with a warning saying why, other users' are refused and kept; links are never followed. | `HostileSegmentTest.*`: @OWN@ own broken files (wrong magic, version, empty, short, truncated, header larger than the file, shape*dtype mismatch, unknown dtype, rank 0 and 9, overflowing shape, huge trailer, reserved bits, trailer not JSON, another dataset's segment, modes 0420/0402/0666), @SPECIAL@ links/FIFO/directory, @FOREIGN@ cases owned by a user made for the test. Under ASan in the sanitizer job. The parsers are fuzzed (above); `segment_format_fuzz_short` runs in ctest (label fuzz) when `GLINT_BUILD_FUZZERS=ON`. | @S4@ |
| 5 | A changed source file gets new segments; a running process keeps its consistent view; a file replaced during a load makes that load fail (nothing published). | `LifecycleTest.ChangedSourceGivesNewSegmentsWhileHoldersKeepTheirView`, `LifecycleTest.SourceChangedDuringTheLoadFailsAndLeavesNoSegment` (loader paused mid-load, file replaced, loader continued). | @S5@ |
| 6 | Removing segment names while in use does not disturb users; memory is freed when the last one exits. | `ShmSpaceTest.RemovedNamesKeepServingUntilTheLastUserExits`: private tmpfs, two holders, names unlinked; checksums unchanged; tmpfs used bytes unchanged until the last holder exits, then exactly back to empty. | @S6@ |
| 7 | Every bad input ends in one line naming the input and the cause, exit 1, no segment. | `BadInputTest.*`: @BAD@ inputs (missing file, directory, non-HDF5, truncated HDF5, missing, empty, string and compound datasets); NaN data loads; without a dataset list, unsupported and empty datasets are skipped. | @S7@ |
| 8 | No descriptor or mapping outlives a SharedDataset; descriptors are not held after mapping. | `LeakTest.*`: @CYCLES@ open/destroy cycles (every tenth loads) leave /proc/self/fd and /proc/self/maps counts unchanged; a child with RLIMIT_NOFILE 64 loads and then attaches 100 datasets. | @S8@ |
| 9 | Pages are reserved when a segment is created: filling the file system afterwards cannot make readers fault. | `ShmSpaceTest.SegmentStaysReadableAfterTheFileSystemIsFilled`: 16 MiB private tmpfs, 8 MiB segment, then a file written until ENOSPC; holder and a new reader read everything; a new load gets kNoSpace. | @S9@ |
| 10 | Mappings are valid in children after fork(). | `LifecycleTest.ForkedWorkersReadTheSameBytes`: 4 forked workers checksum the parent's mapping. | @S10@ |
| 11 | After a crash of all users, the next start reuses the complete segments; there are never incomplete ones. | `StampedeTest.RestartAfterEveryUserWasKilledReusesCompleteSegments` (and scenario 2 for killed loaders). | @S11@ |
| 12 | Another user cannot read a default (0400) segment and is told why and about `--share-group`; with a group both belong to, a member attaches read-only (0440). | `UsersTest.PrivateByDefaultAndSharedWithTheGroupOnRequest`: group and two users made with groupadd/useradd, removed at the end; probes run as them (setgid/setuid, exec). Skipped with the reason when not root. | @S12@ |
| 13 | The cache's tests pass under ASan+UBSan and TSan. | `scripts/sanitizer_check.sh` (build-asan, build-tsan; `ctest -L "cache|integration|reliability"`). | run separately |
| 14 | A load that lacks room makes it from the caller's unused segments, least recently used first, only as many as needed, and says which in one line; never a mapped segment, another user's, or one being loaded; if that is not enough, today's kNoSpace message. | `UpkeepTest.LoadEvictsTheLeastRecentlyUsedUnusedSegmentOnlyAndSaysWhich`, `UpkeepTest.MappedAndOtherUsersSegmentsAreNeverEvictedAndTheLoadFailsAsToday`, `UpkeepTest.ASegmentBeingLoadedIsNotTouchedWhileAnUnusedOneMakesRoom`: 16 MiB private tmpfs, files of one 6 MiB dataset; a holder probe, a segment chowned to another uid, a loader stopped mid-load; the journal records the eviction. Unit level: `UpkeepRemovalTest.*` (mapped through the cache, mapped by a plain mmap, being attached, replaced, last-use record). | @S14@ |
| 15 | `--max_shm` caps what the user's segments occupy: loads evict to stay within it; when everything in the way is mapped, kNoSpace names the budget, the usage and the mapped share. | `UpkeepTest.BudgetKeepsTheUsersSegmentsWithinMaxShm`: 64 MiB tmpfs, budget 13M, 4 files loaded twice round; tmpfs usage checked after every load; two holders, then a third file. | @S15@ |
| 16 | Old versions are reclaimed: after 20 regenerations of a file, the directory holds the current version plus only the versions still mapped; those go at the next load after their users exit; off on request. | `UpkeepTest.TwentyRegenerationsLeaveOneVersionPlusWhatIsStillMapped`: versions 5 and 12 held by probes; the warning of version 13 says what was reclaimed and what waits; 20 journal lines; `--no-reclaim` keeps the old one. | @S16@ |
| 17 | Eviction is safe against concurrent loads and attaches: an attach never maps a segment being removed (it waits, sees it gone, starts over); with 8 processes over files that do not all fit, every process gets the right bytes or the no-space error on which trainers fall back, mapped segments keep their names, and nothing is left behind. | `UpkeepTest.AnAttachThatWaitedForAnEvictionFindsTheSegmentGoneAndLoadsAgain` (the attach proven blocked on the segment's flock in /proc/locks, then the name removed); `UpkeepTest.EightProcessesOverFilesThatDoNotAllFitGetCorrectDataAndLeaveNothingBehind`: 6 rounds of 8 probes (5 released together by a pipe, 3 holding their mappings) over 4 files of 6 MiB in a 14 MiB tmpfs; after each round no lock file and tmpfs usage equal to the named files. | @S17@ |
| 18 | The disk tier: behind a container's 64 MB `/dev/shm`, a dataset that does not fit goes to the cache directory, once, and processes share one copy of it through the page cache; the tier and the reason are one line. | `DiskTierLimitsTest.TwoProcessesBehindA64MBDevShmShareOneCopyFromTheDisk`: a private mount namespace with a 64 MiB tmpfs bound over `/dev/shm`, a 200 MiB dataset, two holding probes: exactly one loads, both into the disk tier with the same bytes; `/proc/PID/smaps` PSS of the two mappings sums to one copy, `mincore` finds the whole segment in the page cache, `/dev/shm` stays empty. | @S18@ |
| 19 | Under a memory cgroup smaller than the data, a load does not go to `/dev/shm` (whose pages would count against the limit) but to the disk tier, and the process reads every sample right instead of being OOM-killed. | `DiskTierLimitsTest.LoaderInAMemoryCgroupOfAThirdOfTheDataLoadsToDiskAndReadsEverySample`: a v1 memory cgroup limited to a third of a 192 MiB dataset, the probe moved into it before it starts; it exits 0, its checksum over every byte matches, the tier note names the cgroup. Skipped with the reason without root or the v1 controller. | @S19@ |
| 20 | A disk-tier loader killed mid-load leaves no file under the segment's name; a waiting process takes over and publishes a complete one. | `DiskTierLimitsTest.LoaderKilledMidLoadLeavesNoFileAndTheWaiterTakesOver`: the loader stops itself half way (`--pause-after-bytes`), the cache directory is checked empty, a second probe proven blocked on the lock (/proc/locks), then SIGKILL; the second loads the right bytes; the directory holds the segment and its marker only. | @S20@ |
| 21 | A full disk is a `kNoSpace` error naming the needed and free sizes and why `/dev/shm` was no option either, exit 1, no SIGBUS, nothing left. | `DiskTierLimitsTest.FullDiskIsANoSpaceErrorNamingBothTiersNotASigbus`: a 4 MiB tmpfs as the cache directory in a private mount namespace, an 8 MiB dataset, `/dev/shm` ruled out by `--max-shm`; the cache file system is empty (used 0) afterwards. | @S21@ |
| 22 | A disk-tier segment damaged after publication (a page lost to a power loss) is detected by its CRC-32 at the first attach of the boot, removed with a warning and rebuilt; it is never served. | `DiskTierLimitsTest.PageDamagedAsByAPowerLossIsDetectedAndRebuiltNotServed`: a page of a published segment overwritten with zeros, its mtime put back and the boot's marker removed; the next probe warns "is damaged (CRC-32 ...)", loads again and reads the right bytes; the one after attaches without reading it whole. Unit level: `DiskTierTest.*` in src/cache (a write after publication, a version-1 segment, the verification marker). | @S22@ |
| 23 | Memory of a long run stops growing: in a trainer (alone, with 4 loader workers and augmentation, as 2 data-parallel ranks, resumed three times), in `glint_predict` and in the Python package's open/DataLoader cycles, the highest own memory (RssAnon) of the last quarter of each process's run is within 5% of its second quarter's; Python cycles leave files and mappings as they were. | `ctest -L soak` (tests/soak/test_soak.py, in the training build): 2,000 steps of 2 ranks with validation, 1,740 steps with 4 workers, 10,000 images, 4 runs of 8 epochs, 80 cycles; every process sampled as it runs. The long version is `scripts/bench_soak.sh` (docs/benchmarks/soak.md). | @S23@ |

## Failures found and fixed

- A directory (anything `unlink()` cannot remove) under a segment's name made
  `open_shared` load and publish forever: the publish lost to the directory,
  the attach asked for a rebuild, and the loop started again. Now the caller
  gets one line saying the file is not a regular file and cannot be removed
  (src/cache/cache.cc, `open_one`). Found by scenario 4.
- `open_shared` with no dataset list failed as a whole when the file held an
  empty numeric dataset. Empty datasets are now skipped there, like
  unsupported ones (asked for by name they are still an error). Found by
  scenario 7.
TEMPLATE

figure() { grep -ho "$1=[0-9]*" "$log_dir/ctest.log" | head -1 | cut -d= -f2; }
passed() { grep -qE "Test +#[0-9]+: [A-Za-z]+\.$1 .*Passed" "$log_dir/ctest.log" && echo passed || echo "NOT passed"; }
skipped=$(grep -cE "\*\*\*Skipped" "$log_dir/ctest.log" || true)

sed -e "s|@DATE@|$(date -u '+%Y-%m-%d %H:%M UTC')|" \
    -e "s|@HOST@|$(nproc) cores, $(uname -sr)|" \
    -e "s|@SUMMARY@|${summary:-no ctest summary (exit $ctest_rc)}|" \
    -e "s|@SECS@|$secs|" \
    -e "s|@SKIPPED@|$skipped|" \
    -e "s|@FUZZ@|$fuzz_done|" \
    -e "s|@FUZZ_RC@|$fuzz_rc|" \
    -e "s|@PAUSED@|$(figure killed_loader_paused_trials)|" \
    -e "s|@IMMEDIATE@|$(figure killed_loader_immediate_trials)|" \
    -e "s|@OWN@|$(figure hostile_own_cases)|" \
    -e "s|@SPECIAL@|$(figure hostile_special_cases)|" \
    -e "s|@FOREIGN@|$(figure hostile_foreign_cases)|" \
    -e "s|@BAD@|$(figure bad_input_cases)|" \
    -e "s|@CYCLES@|$(figure leak_cycles)|" \
    -e "s|@S1@|$(passed EightProcessesAtOneInstantLoadEachDatasetExactlyOnce)|" \
    -e "s|@S2@|$(passed LoaderKilledAnywhereLeavesNothingAndIsTakenOver)|" \
    -e "s|@S3@|$(passed TooSmallFileSystemGivesNoSpaceWithSizesAndLeavesNothing)|" \
    -e "s|@S4@|$(passed OwnBrokenSegmentsAreRebuiltWithTheReason)|" \
    -e "s|@S5@|$(passed ChangedSourceGivesNewSegmentsWhileHoldersKeepTheirView)|" \
    -e "s|@S6@|$(passed RemovedNamesKeepServingUntilTheLastUserExits)|" \
    -e "s|@S7@|$(passed EveryBadInputIsNamedAndLeavesNoSegment)|" \
    -e "s|@S8@|$(passed ThousandOpenDestroyCyclesLeaveDescriptorsAndMappingsUnchanged)|" \
    -e "s|@S9@|$(passed SegmentStaysReadableAfterTheFileSystemIsFilled)|" \
    -e "s|@S10@|$(passed ForkedWorkersReadTheSameBytes)|" \
    -e "s|@S11@|$(passed RestartAfterEveryUserWasKilledReusesCompleteSegments)|" \
    -e "s|@S12@|$(passed PrivateByDefaultAndSharedWithTheGroupOnRequest)|" \
    -e "s|@S14@|$(passed LoadEvictsTheLeastRecentlyUsedUnusedSegmentOnlyAndSaysWhich)|" \
    -e "s|@S15@|$(passed BudgetKeepsTheUsersSegmentsWithinMaxShm)|" \
    -e "s|@S16@|$(passed TwentyRegenerationsLeaveOneVersionPlusWhatIsStillMapped)|" \
    -e "s|@S17@|$(passed EightProcessesOverFilesThatDoNotAllFitGetCorrectDataAndLeaveNothingBehind)|" \
    -e "s|@S18@|$(passed TwoProcessesBehindA64MBDevShmShareOneCopyFromTheDisk)|" \
    -e "s|@S19@|$(passed LoaderInAMemoryCgroupOfAThirdOfTheDataLoadsToDiskAndReadsEverySample)|" \
    -e "s|@S20@|$(passed LoaderKilledMidLoadLeavesNoFileAndTheWaiterTakesOver)|" \
    -e "s|@S21@|$(passed FullDiskIsANoSpaceErrorNamingBothTiersNotASigbus)|" \
    -e "s|@S22@|$(passed PageDamagedAsByAPowerLossIsDetectedAndRebuiltNotServed)|" \
    -e "s|@S23@|$soak_status|" \
    "$log_dir/template.md" > "$out"
echo "wrote $out"
[[ $ctest_rc -eq 0 && $fuzz_rc -eq 0 ]]
