#!/usr/bin/env bash
# The long soak: a small UNet trained for 50,000 steps alone and as 2
# data-parallel ranks, with the RSS, PSS, threads, open files and mappings of
# every trainer process sampled as it runs. Writes docs/benchmarks/soak.md,
# docs/images/soak_memory.png and bench/results/soak.json.
#
# Usage: scripts/bench_soak.sh [--quick] [-- --steps N --samples N]
#   --quick   5,000 steps instead of 50,000
# Takes about 0.05 s a step here for each configuration, the 2 ranks sharing
# the cores (50,000 steps: some 2 hours on an idle 2-core machine).
# Environment as scripts/run_benchmarks.sh (BUILD_DIR, BENCH_WORK, GLINT_PYTHON).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/run_benchmarks.sh" --only soak "$@"
