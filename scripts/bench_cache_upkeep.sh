#!/usr/bin/env bash
# Measures the cache's upkeep of /dev/shm and its compressed-file load, side
# by side in one run, and writes docs/benchmarks/cache_upkeep.md:
#   1. deflate load of the seed-size file (make_glint_dataset --preset seed
#      --compress): libdeflate (now) vs zlib (GLINT_INFLATE=zlib, the previous
#      decoder) vs `cp` of the compressed file into shared memory, interleaved;
#   2. 20 regenerations of a file in a sweep: what stays in shared memory;
#   3. a sweep over files that together exceed shared memory (a private tmpfs,
#      needs root for `unshare -m`): loads shared vs failed for lack of room,
#      with and without making room;
#   4. the cache work of an attach (BM_OpenSharedAttach), which now also takes
#      the segment's shared lock and records its last use.
# Usage: scripts/bench_cache_upkeep.sh [--reps N]
# Environment: BUILD_DIR (default build-bench), BENCH_WORK (default: a fresh
# temporary directory, removed at the end). Needs about 1 GB in /dev/shm.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bench/common.sh"
bench_init bench_cache_upkeep cp unshare
bench_build shm_manager make_glint_dataset cache_bench
bench_workdir glint_upkeep
"$py" "$root/scripts/bench_cache_upkeep.py" --build "$build" --work "$work" \
  --out "$root/docs/benchmarks/cache_upkeep.md" "$@"
echo "bench_cache_upkeep: wrote docs/benchmarks/cache_upkeep.md" >&2
