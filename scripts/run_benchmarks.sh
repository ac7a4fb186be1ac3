#!/usr/bin/env bash
# Builds the benchmarks (Release, in their own build directory), runs them and
# writes their reports: the cache suite docs/BENCHMARKS.md and docs/images/*.png,
# every other topic docs/benchmarks/TOPIC.md; the results the reports are made
# from go to bench/results/. The measurements are the package scripts/bench, one
# subpackage a topic; scripts/bench/topics.sh says what each topic builds and runs.
#
# Usage: scripts/run_benchmarks.sh [--quick] [--only TOPIC[,TOPIC...]] [-- ARGS]
#   topics    cache, predict, training, upkeep, distributed, python, soak; all but
#             soak by default, in this order (predict only where the trainer is built);
#             soak (hours) only when named, as scripts/bench_soak.sh does
#   --quick   fewer repetitions where a topic has them (cache: no 10x file, ~5 min;
#             training; python)
#   -- ARGS   passed to the topic's module, with one --only topic: for example
#             --only cache -- --figures md5,attach     (md5,attach,load,memory,train,growth)
#             --only training -- --figures steps,blas  (steps,blas,memory,sweep,profile)
#             --only upkeep -- --reps 3;  --only predict -- --images 64 --rounds 3
#             --only python -- --runs 5;  --only soak -- --steps 50000 --samples 400;
#             distributed takes REPS, SAMPLES, ... (scripts/bench/distributed/run.sh)
# Environment: BUILD_DIR (default build-bench), BENCH_WORK (default: a fresh
# temporary directory per topic, removed at the end), BENCH_KEEP=1 keeps it,
# GLINT_PYTHON (the interpreter; default .venv/bin/python, made by scripts/install_deps.sh).
# The cache suite needs about 9 GB free in /dev/shm and in the temporary directory
# for the 10x file and takes about 11 minutes on an idle 2-core machine; training
# about 35 (--quick: 8), python about 5.
set -euo pipefail

here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/bench/common.sh"
source "$here/bench/topics.sh"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

only="" quick="" args=()
while (($#)); do
  case $1 in
    --quick) quick=--quick; shift ;;
    --only) only=${2:?--only takes a topic}; shift 2 ;;
    --only=*) only=${1#*=}; shift ;;
    --) shift; args=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run_benchmarks: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

selected=()
for topic in ${only//,/ }; do
  if [[ " ${TOPICS[*]} " != *" $topic "* ]]; then
    echo "run_benchmarks: --only $topic: unknown topic; choose among ${TOPICS[*]}" \
      "(the cache suite's figures go after --: --only cache -- --figures md5,attach)" >&2
    exit 2
  fi
  selected+=("$topic")
done
if ((${#args[@]})) && ((${#selected[@]} != 1)); then
  echo "run_benchmarks: arguments after -- go to one topic; name it with --only TOPIC" >&2
  exit 2
fi
if ((${#selected[@]} == 0)); then
  bench_init run_benchmarks
  for topic in "${TOPICS[@]}"; do
    [[ $topic == predict ]] && ! bench_has_target glint_predict && continue  # no training build
    [[ $topic == soak ]] && continue  # hours: only when named (scripts/bench_soak.sh)
    selected+=("$topic")
  done
fi

for topic in "${selected[@]}"; do
  echo "run_benchmarks: $topic" >&2
  ("topic_$topic" "$quick" ${args[@]+"${args[@]}"})
done
