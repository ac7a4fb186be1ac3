#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs the whole test suite:
#   1. the main build (everything, warnings as errors) and ctest;
#   2. the cache under AddressSanitizer + UndefinedBehaviorSanitizer and
#      ThreadSanitizer, in build trees of their own;
#   3. a short libFuzzer run of the segment header validation.
# Skip 2 and 3 with GLINT_QUICK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash scripts/install_deps.sh

echo "== main build =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLINT_WERROR=ON -DGLINT_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build -j "$jobs"
echo "== tests =="
ctest --test-dir build --output-on-failure -j "$jobs"

if [ "${GLINT_QUICK:-0}" != 1 ]; then
  if [ -x scripts/sanitizer_check.sh ]; then
    echo "== sanitizers =="
    bash scripts/sanitizer_check.sh
  fi
  if [ -x scripts/fuzz_check.sh ]; then
    echo "== fuzzing =="
    bash scripts/fuzz_check.sh
  fi
fi
echo "all tests passed"
