#!/usr/bin/env bash
# Builds the benchmarks (Release, in their own build directory), generates the
# datasets they need in a temporary directory, runs every figure next to its
# physical limit and writes docs/BENCHMARKS.md and docs/images/*.png.
#
# Usage: scripts/run_benchmarks.sh [--quick] [--only md5,attach,load,memory,train,growth]
#   --quick   fewer repetitions and no 10x file (a smoke run, ~5 min)
# Environment: BUILD_DIR (default build-bench), BENCH_WORK (default: a fresh
# temporary directory, removed at the end), BENCH_KEEP=1 keeps it.
# Needs about 9 GB free in /dev/shm and in the temporary directory for the
# 10x file. A full run takes about 11 minutes on an idle 2-core machine.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bench/common.sh"
bench_init run_benchmarks md5sum cp
bench_configure  # the targets depend on what the build directory has
targets=(shm_manager make_glint_dataset attach_probe cache_bench)
training=$(grep -E '^GLINT_BUILD_TRAINING:BOOL=' "$build/CMakeCache.txt" | cut -d= -f2)
if [ "$training" = "ON" ]; then
  targets+=(train_torch_bench)
  [ -f "$root/src/tools/train_glint_unet/CMakeLists.txt" ] && targets+=(train_glint_unet)
fi
bench_build "${targets[@]}"
bench_workdir glint_bench
echo "run_benchmarks: working in $work" >&2

# The suite is the Python package scripts/bench (figures listed in bench/targets.py).
export PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}"
"$py" -m bench.run --build "$build" --work "$work" --out "$work/results.json" "$@"
cp "$work/results.json" "$root/bench/last_results.json"
# Topic benchmarks write docs/benchmarks/<topic>.md; the report links every such page.
if [ "$training" = "ON" ]; then BUILD_DIR="$build" "$py" "$root/scripts/bench_predict.py"; fi
"$py" -m bench.report "$work/results.json" \
  --doc "$root/docs/BENCHMARKS.md" --images "$root/docs/images" --notes "$root/bench/analysis_notes.md"
# Training at the machine's limit: docs/benchmarks/training.md (its own build check and work directory).
BUILD_DIR="$build" "$root/scripts/bench_training.sh"
echo "run_benchmarks: wrote docs/BENCHMARKS.md, docs/images/memory_vs_n.png, docs/images/loader_throughput.png" >&2
bash "$root/scripts/bench_cache_upkeep.sh"  # docs/benchmarks/cache_upkeep.md
# Data-parallel figures: docs/benchmarks/distributed.md.
BUILD_DIR="$build" "$root/scripts/bench_distributed.sh"
BUILD_DIR="$build" bash "$root/scripts/bench_python.sh"
