#!/usr/bin/env bash
# The whole product in one command, in a few minutes on 2 CPU cores:
#   1. installs the dependencies (Debian packages) and builds (Ninja, Release);
#   2. writes a small synthetic dataset (256 eye images, 64x64), unless a file is given;
#   3. runs two trainings AT THE SAME TIME on ONE shared-memory copy of it
#      (focal and hybrid loss, 5 epochs each, 1 thread each: ~1 min each on an
#      idle 2-core machine, after which both find the glints, P = R = 1);
#   4. prints what they learned, how much memory they shared, the segments,
#      the training curves (a PNG) and a picture and CSV of predictions read from the
#      shared copy; then removes the segments.
#
#   scripts/demo.sh [FILE.h5]
#
# Environment: BUILD_DIR (default <repo>/build-demo), WORK_DIR (default
# /tmp/glint-demo), EPOCHS (5), SKIP_DEPS=1 to skip the package check.
# The first build of the trainer takes ~10 min on 2 cores (LibTorch headers);
# BUILD_DIR=<an existing build> reuses one.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-demo}
work=${WORK_DIR:-/tmp/glint-demo}
epochs=${EPOCHS:-5}
mkdir -p "$work"

started=$SECONDS
step() { printf '\n\033[1m== %s\033[0m  (%d s)\n' "$*" "$((SECONDS - started))"; }

# Whatever happens (a failure, Ctrl-C), no trainer outlives the demo and the
# segments it created are removed.
pid_focal='' pid_hybrid='' h5=''
finish() {
  local code=$?
  for pid in $pid_focal $pid_hybrid; do kill "$pid" 2> /dev/null && { wait "$pid" 2> /dev/null || true; }; done
  if [ -n "$h5" ] && [ -x "${bin:-}/shm_manager" ]; then
    "$bin/shm_manager" --cleanup --h5 "$h5" > /dev/null 2>&1 || true
  fi
  exit "$code"
}
trap finish EXIT
trap 'exit 130' INT TERM

step "dependencies"
if [ "${SKIP_DEPS:-0}" != 1 ]; then "$root/scripts/install_deps.sh"; fi

step "build ($build)"
# An existing build directory keeps its configuration (tests, build type).
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DGLINT_BUILD_TESTS=OFF -DGLINT_BUILD_BENCHMARKS=OFF > "$work/cmake.log" 2>&1 ||
    { tail -n 20 "$work/cmake.log"; echo "demo: cmake failed (log: $work/cmake.log)" >&2; exit 1; }
fi
ninja -C "$build" train_glint_unet glint_predict glint_plot_log shm_manager make_glint_dataset
bin=$build/bin

h5=${1:-$work/demo.h5}
if [ $# -eq 0 ]; then
  step "dataset: $h5 (256 samples, 64x64, 1-2 glints each)"
  "$bin/make_glint_dataset" "$h5" --count 256 --size 64 --min-glints 1 --max-glints 2 \
    --seed 1 --force --quiet
fi

step "two trainings at the same time on one shared copy"
# --overwrite: a demo run starts afresh in $work, replacing the models and logs of the last one.
common=(--h5 "$h5" --shared_memory --epochs "$epochs" --base_channels 8 --threads 1
        --num_workers 1 --batch 16 --lr 1e-2 --progress off --overwrite)
# lr 1e-2: at 3e-3 the 8-channel UNet needs ~8 epochs before its first peak
# crosses the 0.3 detection threshold; at 1e-2 it finds every glint by epoch 5.
for loss in focal hybrid; do
  "$bin/train_glint_unet" "${common[@]}" --loss "$loss" --model_path "$work/model_$loss.pt" \
    --log "$work/log_$loss.jsonl" --tensorboard "$work/runs" --run_name "$loss" > "$work/train_$loss.out" 2>&1 &
  eval "pid_$loss=$!"
done
# While both run, sample their memory: PSS charges each shared page 1/N to each of
# the N processes mapping it, so the two Pss_Shmem values of ONE sample add up to
# ONE copy. Reported: the last sample where both mapped the most (a trainer
# that is exiting has already unmapped while it still shows in /proc).
pss_focal=0 pss_hybrid=0 rss_focal=0 rss_hybrid=0
read_kb() { awk -v key="$1" '$1 == key {print $2}' "$2" 2> /dev/null || true; }
while kill -0 "$pid_focal" 2> /dev/null && kill -0 "$pid_hybrid" 2> /dev/null; do
  a=$(read_kb Pss_Shmem: "/proc/$pid_focal/smaps_rollup")
  b=$(read_kb Pss_Shmem: "/proc/$pid_hybrid/smaps_rollup")
  c=$(read_kb RssShmem: "/proc/$pid_focal/status")
  d=$(read_kb RssShmem: "/proc/$pid_hybrid/status")
  if [ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ -n "$d" ] &&
     [ $((c + d)) -ge $((rss_focal + rss_hybrid)) ]; then
    pss_focal=$a pss_hybrid=$b rss_focal=$c rss_hybrid=$d
  fi
  sleep 0.5
done
status=0
wait "$pid_focal" || status=$?
wait "$pid_hybrid" || status=$?
pid_focal='' pid_hybrid=''
for loss in focal hybrid; do
  echo "--- $loss ($work/train_$loss.out)"
  cat "$work/train_$loss.out"
done
if [ "$status" -ne 0 ]; then echo "demo: a training failed (exit $status)" >&2; exit "$status"; fi

step "what they learned (last line of each --log, validation set, 3 px radius)"
for loss in focal hybrid; do
  "$root/.venv/bin/python" - "$loss" "$work/log_$loss.jsonl" << 'PY'
import json, sys
last = [json.loads(l) for l in open(sys.argv[2])][-1]
f = lambda v, d=2: "n/a" if v is None else f"{v:.{d}f}"
print(f"{sys.argv[1]:>6}: epoch {last['epoch']}: localisation error {f(last['loc_error_px'])} px, "
      f"precision {f(last['precision'], 3)}, recall {f(last['recall'], 3)}, "
      f"val loss {f(last['val_loss'], 4)}, {f(last['samples_per_s'], 1)} samples/s")
PY
done

step "training curves of the focal model -> $work/log_focal.png"
"$bin/glint_plot_log" "$work/log_focal.jsonl" -o "$work/log_focal.png"

step "the two runs compared -> $work/runs.png"
"$bin/glint_plot_log" "$work/log_focal.jsonl" "$work/log_hybrid.jsonl" -o "$work/runs.png"
"$bin/glint_plot_log" --table "$work/log_focal.jsonl" "$work/log_hybrid.jsonl"
echo "  the same runs in TensorBoard: $root/.venv/bin/tensorboard --logdir $work/runs"

step "memory they shared"
for loss in focal hybrid; do
  sed -nE "s/^data: (.*) \((.*): .*/  $loss: \1 (\2)/p" "$work/train_$loss.out"
done
echo "  while both ran, each mapped all of it (RssShmem focal ${rss_focal} kB, hybrid ${rss_hybrid} kB)"
echo "  but was charged a share (Pss_Shmem focal ${pss_focal} kB + hybrid ${pss_hybrid} kB" \
     "= $((pss_focal + pss_hybrid)) kB: ONE copy; two private copies would be" \
     "$((rss_focal + rss_hybrid)) kB)"
for loss in focal hybrid; do
  sed -nE "s/^ *memory: /  $loss at exit: /p" "$work/train_$loss.out"
done
"$bin/shm_manager" --list --h5 "$h5"

step "predictions of the focal model on 4 images -> $work/predict.png"
"$bin/glint_predict" --model_path "$work/model_focal.pt" --h5 "$h5" --indices 250:254 \
  --png "$work/predict.png" --out "$work/predict.csv" --threads 1 | tail -n 6

step "cleanup"
"$bin/shm_manager" --cleanup --h5 "$h5"
h5=''
step "done"
