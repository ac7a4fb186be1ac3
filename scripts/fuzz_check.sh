#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz) and runs each for a
# short while (ctest label "fuzz"). Long runs: scripts/reliability_report.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/build-fuzz"
CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGLINT_BUILD_TRAINING=OFF -DGLINT_BUILD_BENCHMARKS=OFF -DGLINT_BUILD_TESTS=ON \
  -DGLINT_BUILD_FUZZERS=ON -DGLINT_SANITIZE="address;undefined" >/dev/null
targets=()
for f in "$root"/src/cache/*_fuzz.cc; do targets+=("$(basename "$f" .cc)"); done
ninja -C "$dir" -j"${JOBS:-2}" "${targets[@]}"
ctest --test-dir "$dir" -L fuzz --output-on-failure
