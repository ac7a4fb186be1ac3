# The preamble the benchmark scripts share (sourced, not run).
#
#   source "$(dirname "${BASH_SOURCE[0]}")/bench/common.sh"
#   (sets root, GLINT_PY and PYTHONPATH)
#   bench_init NAME [TOOL...]   # sets build; checks the tools
#   bench_configure             # configures $build if it is new
#   bench_build TARGET...       # configures, then builds the targets into $build
#   bench_workdir PREFIX        # sets work

# The interpreter of every benchmark: the project's environment, made by
# scripts/install_deps.sh (torch, numpy, h5py), unless GLINT_PYTHON names another.
# The Python modules run their own children with sys.executable, this one.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GLINT_PY="${GLINT_PYTHON:-$root/.venv/bin/python}"
# The package scripts/bench, for `"$GLINT_PY" -m bench.TOPIC.run`.
export PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}"

# Sets build ($BUILD_DIR, default build-bench); stops with one line naming the
# first of cmake, ninja, the interpreter and the TOOLs that is missing.
bench_init() {
  bench_name=$1
  shift
  build="${BUILD_DIR:-$root/build-bench}"
  local tool
  for tool in cmake ninja "$GLINT_PY" "$@"; do
    command -v "$tool" >/dev/null ||
      { echo "$bench_name: '$tool' is missing; run scripts/install_deps.sh" >&2; exit 1; }
  done
}

# A new build directory is configured in Release without tests; an existing
# one (BUILD_DIR=build, say) keeps its own settings.
bench_configure() {
  if [ ! -f "$build/CMakeCache.txt" ]; then
    echo "$bench_name: configuring $build (Release)" >&2
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGLINT_BUILD_TESTS=OFF >/dev/null
  fi
}

# Builds TARGETs into $build.
bench_build() {
  bench_configure
  ninja -C "$build" -j"$(nproc)" "$@" >&2
}

# Sets work to $BENCH_WORK, or to a fresh directory PREFIX.XXXXXX under
# $TMPDIR that is removed when the script exits (kept with BENCH_KEEP=1).
bench_workdir() {
  work="${BENCH_WORK:-}"
  if [ -z "$work" ]; then
    work="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
    [ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
  fi
}
