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

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
py=/usr/bin/python3
for tool in cmake ninja "$py"; do
  command -v "$tool" >/dev/null || { echo "bench_training: '$tool' is missing; run scripts/install_deps.sh" >&2; exit 1; }
done
if [ ! -x "$build/bin/train_glint_unet" ] || [ -z "${BUILD_DIR:-}" ]; then
  echo "bench_training: building into $build (Release)" >&2
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGLINT_BUILD_TESTS=OFF >/dev/null
  ninja -C "$build" -j"$(nproc)" train_glint_unet make_glint_dataset
fi

work="${BENCH_WORK:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/glint_bench_training.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$root/docs/benchmarks"
"$py" "$root/scripts/bench_training.py" --build "$build" --work "$work" --out "$work/training.json" "$@"
cp "$work/training.json" "$root/bench/training_results.json"
"$py" "$root/scripts/bench_training_report.py" "$work/training.json" \
  --doc "$root/docs/benchmarks/training.md" --notes "$root/bench/training_notes.md"
echo "bench_training: wrote docs/benchmarks/training.md" >&2
