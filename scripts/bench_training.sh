#!/usr/bin/env bash
# Training at the machine's limit, measured side by side in one run and written
# to docs/benchmarks/training.md: train_glint_unet (bf16, fp32) against the same
# UNet and step in Python (Debian's python3-torch), GFLOP/s against the
# machine's peak, the BLAS variants, memory per allocator, and the aggregate
# throughput of N = 1, 2, 4 concurrent trainers.
#
# Usage: scripts/bench_training.sh [--quick] [--only steps,blas,memory,sweep]
# Environment: BUILD_DIR (default build-bench, Release), BENCH_WORK (default: a
# fresh temporary directory, removed at the end). About 35 minutes on an idle
# 2-core machine (--quick: about 8). Needs ~1 GB in /dev/shm.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bench/common.sh"
bench_init bench_training
bench_configure
# The allocator rows compare the trainer (linked with jemalloc) with its twin on
# glibc malloc, built with the benchmarks.
if ! ninja -C "$build" -t targets all | grep -q '^train_glint_unet_glibc:'; then
  echo "bench_training: $build has no train_glint_unet_glibc (the trainer on glibc malloc); reconfigure it with" \
    "-DGLINT_BUILD_BENCHMARKS=ON and libjemalloc-dev installed (scripts/install_deps.sh)" >&2
  exit 1
fi
bench_build train_glint_unet train_glint_unet_glibc make_glint_dataset
bench_workdir glint_bench_training
mkdir -p "$root/docs/benchmarks"
"$py" "$root/scripts/bench_training.py" --build "$build" --work "$work" --out "$work/training.json" "$@"
cp "$work/training.json" "$root/bench/training_results.json"
"$py" "$root/scripts/bench_training_report.py" "$work/training.json" \
  --doc "$root/docs/benchmarks/training.md" --notes "$root/bench/training_notes.md"
echo "bench_training: wrote docs/benchmarks/training.md" >&2
