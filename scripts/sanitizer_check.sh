#!/usr/bin/env bash
# Builds the cache library, its tools and tests with ASan+UBSan (build-asan)
# and with TSan (build-tsan), then runs the cache, integration and reliability
# tests in each. Exits non-zero on the first build or test failure.
#
#   scripts/sanitizer_check.sh            # both
#   scripts/sanitizer_check.sh asan       # one of them
#   JOBS=4 scripts/sanitizer_check.sh     # build parallelism (default 2)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${JOBS:-2}"
labels="cache|integration|reliability"
kinds=("$@")
[[ ${#kinds[@]} -eq 0 ]] && kinds=(asan tsan)

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

check() {
  local kind="$1" sanitize
  case "$kind" in
    asan) sanitize="address;undefined" ;;
    tsan) sanitize="thread" ;;
    *) echo "unknown sanitizer '$kind' (use asan or tsan)" >&2; return 2 ;;
  esac
  local dir="$root/build-$kind"
  echo "== $kind: configure and build in $dir"
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DGLINT_BUILD_TRAINING=OFF -DGLINT_BUILD_BENCHMARKS=OFF -DGLINT_SANITIZE="$sanitize" >/dev/null
  # Only what the labels run: the cache's tests and everything in tests/.
  local targets=()
  for t in "$dir"/src/cache/CMakeFiles/*_test.dir "$dir"/tests/CMakeFiles/*.dir "$dir"/tests/*/CMakeFiles/*.dir; do
    [[ -d "$t" ]] && targets+=("$(basename "$t" .dir)")
  done
  ninja -C "$dir" -j"$jobs" "${targets[@]}"
  echo "== $kind: ctest -L '$labels'"
  # TSan needs a narrower address-space layout than some kernels randomise to.
  local prefix=()
  [[ "$kind" == tsan ]] && command -v setarch >/dev/null && prefix=(setarch "$(uname -m)" -R)
  "${prefix[@]}" ctest --test-dir "$dir" -L "$labels" --output-on-failure -j1
}

for kind in "${kinds[@]}"; do
  check "$kind"
done
echo "sanitizer check passed: ${kinds[*]}"
