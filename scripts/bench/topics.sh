# One function a topic of scripts/run_benchmarks.sh (sourced after common.sh):
# each builds what its measurement needs into $build, runs the topic's module
# of the package scripts/bench with $GLINT_PY and writes its report.
#   topic_NAME QUICK [ARGS...]   QUICK is --quick or empty; ARGS go to the module
# Each runs in a subshell of its own, so that its work directory and traps end with it.

TOPICS=(cache predict training upkeep distributed python soak)

# Whether the build directory defines TARGET (configured first if new).
bench_has_target() {
  bench_configure
  # grep reads all the list: with -q it could stop ninja early (SIGPIPE, and pipefail says "missing").
  ninja -C "$build" -t targets all | grep "^$1:" >/dev/null
}

# Cache suite: docs/BENCHMARKS.md, docs/images/*.png, bench/results/cache.json.
topic_cache() {
  local quick=$1; shift
  bench_init run_benchmarks md5sum cp
  local targets=(shm_manager make_glint_dataset attach_probe cache_bench) t
  for t in train_torch_bench train_glint_unet; do bench_has_target "$t" && targets+=("$t"); done
  bench_build "${targets[@]}"
  bench_workdir glint_bench
  echo "run_benchmarks: cache suite working in $work" >&2
  "$GLINT_PY" -m bench.cache.run --build "$build" --work "$work" --out "$work/results.json" $quick "$@"
  cp "$work/results.json" "$root/bench/results/cache.json"
  # The report links every page of docs/benchmarks/ under "More figures".
  "$GLINT_PY" -m bench.cache.report "$root/bench/results/cache.json" \
    --doc "$root/docs/BENCHMARKS.md" --images "$root/docs/images" --notes "$root/bench/analysis_notes.md"
  echo "run_benchmarks: wrote docs/BENCHMARKS.md, docs/images/memory_vs_n.png, docs/images/loader_throughput.png" >&2
}

# glint_predict against --batch: docs/benchmarks/predict.md.
topic_predict() {
  shift
  bench_init run_benchmarks
  bench_build glint_predict train_glint_unet make_glint_dataset
  "$GLINT_PY" -m bench.predict.run --build "$build" --out "$root/docs/benchmarks/predict.md" "$@"
}

# Training at the machine's limit: docs/benchmarks/training.md, bench/results/training.json.
topic_training() {
  local quick=$1; shift
  bench_init run_benchmarks
  # The allocator rows compare the trainer (linked with jemalloc) with its twin on
  # glibc malloc, built with the benchmarks.
  if ! bench_has_target train_glint_unet_glibc; then
    echo "run_benchmarks: $build has no train_glint_unet_glibc (the trainer on glibc malloc); reconfigure it with" \
      "-DGLINT_BUILD_BENCHMARKS=ON and libjemalloc-dev installed (scripts/install_deps.sh)" >&2
    exit 1
  fi
  bench_build train_glint_unet train_glint_unet_glibc make_glint_dataset
  bench_workdir glint_bench_training
  "$GLINT_PY" -m bench.training.run --build "$build" --work "$work" --out "$work/training.json" $quick "$@"
  cp "$work/training.json" "$root/bench/results/training.json"
  "$GLINT_PY" -m bench.training.report "$root/bench/results/training.json" \
    --doc "$root/docs/benchmarks/training.md" --notes "$root/bench/training_notes.md" \
    --before "$root/bench/results/training_torch1.13.json"
  echo "run_benchmarks: wrote docs/benchmarks/training.md" >&2
}

# The cache's upkeep of /dev/shm and its compressed loads: docs/benchmarks/cache_upkeep.md.
topic_upkeep() {
  shift
  bench_init run_benchmarks cp unshare
  bench_build shm_manager make_glint_dataset cache_bench
  bench_workdir glint_upkeep
  "$GLINT_PY" -m bench.upkeep.run --build "$build" --work "$work" \
    --out "$root/docs/benchmarks/cache_upkeep.md" "$@"
  echo "run_benchmarks: wrote docs/benchmarks/cache_upkeep.md" >&2
}

# Data-parallel training: docs/benchmarks/distributed.md (its settings in the environment, see run.sh).
topic_distributed() {
  bench_init run_benchmarks
  [[ "${NO_BUILD:-0}" == 1 ]] || bench_build train_glint_unet  # NO_BUILD=1: use the trainer as it is
  BUILD_DIR="$build" bash "$root/scripts/bench/distributed/run.sh"
}

# The Python package next to the C++ figures: docs/benchmarks/python.md.
topic_python() {
  local quick=$1; shift
  bench_init run_benchmarks
  bench_configure
  if [ ! -d "$build/python" ]; then
    echo "run_benchmarks: the Python package is not configured in $build (install pybind11-dev and python3-dev)" >&2
    exit 1
  fi
  bench_build _glint attach_probe make_glint_dataset
  local command="scripts/run_benchmarks.sh --only python${quick:+ $quick}${*:+ -- $*}"
  "$GLINT_PY" -m bench.python.run --build "$build" --root "$root" --out "$root/docs/benchmarks/python.md" \
    --command "$command" $quick "$@"
  echo "run_benchmarks: wrote docs/benchmarks/python.md" >&2
}

# Long trainings sampled over time: docs/benchmarks/soak.md, docs/images/soak_memory.png,
# bench/results/soak.json. 50,000 steps single and with 2 ranks (--quick: 5,000);
# hours on a 2-core machine, so only with --only soak (scripts/bench_soak.sh).
topic_soak() {
  local quick=$1; shift
  bench_init run_benchmarks
  bench_build train_glint_unet make_glint_dataset
  bench_workdir glint_bench_soak
  local steps=()
  [ -n "$quick" ] && steps=(--steps 5000)
  "$GLINT_PY" -m bench.soak.run --build "$build" --work "$work" --out "$work/soak.json" ${steps[@]+"${steps[@]}"} "$@"
  cp "$work/soak.json" "$root/bench/results/soak.json"
  "$GLINT_PY" -m bench.soak.report "$root/bench/results/soak.json" \
    --doc "$root/docs/benchmarks/soak.md" --image "$root/docs/images/soak_memory.png"
  echo "run_benchmarks: wrote docs/benchmarks/soak.md, docs/images/soak_memory.png" >&2
}
