#!/usr/bin/env bash
# The whole product in one command, in a few minutes on 2 CPU cores:
#   1. installs the dependencies (Debian packages) and builds (Ninja, Release);
#   2. writes a small synthetic dataset (256 eye images, 64x64), unless a file is given;
#   3. runs two trainings AT THE SAME TIME on ONE shared-memory copy of it
#      (focal and hybrid loss, 3 epochs each, 1 thread each);
#   4. prints what they learned, how much memory they shared, the segments,
#      and a picture of predictions; then removes the segments.
#
#   scripts/demo.sh [FILE.h5]
#
# Environment: BUILD_DIR (default <repo>/build-demo), WORK_DIR (default
# /tmp/glint-demo), EPOCHS (3), SKIP_DEPS=1 to skip the package check.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-demo}
work=${WORK_DIR:-/tmp/glint-demo}
epochs=${EPOCHS:-3}
mkdir -p "$work"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "dependencies"
if [ "${SKIP_DEPS:-0}" != 1 ]; then "$root/scripts/install_deps.sh"; fi

step "build ($build)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DGLINT_BUILD_TESTS=OFF -DGLINT_BUILD_BENCHMARKS=OFF > "$work/cmake.log"
ninja -C "$build" train_glint_unet glint_predict shm_manager make_glint_dataset
bin=$build/bin

h5=${1:-$work/demo.h5}
if [ $# -eq 0 ]; then
  step "dataset: $h5 (256 samples, 64x64, 1-2 glints each)"
  "$bin/make_glint_dataset" "$h5" --count 256 --size 64 --min-glints 1 --max-glints 2 \
    --seed 1 --force --quiet
fi

step "two trainings at the same time on one shared copy"
common=(--h5 "$h5" --shared_memory --epochs "$epochs" --base_channels 8 --threads 1
        --num_workers 1 --batch 16 --lr 3e-3 --progress off)
for loss in focal hybrid; do
  "$bin/train_glint_unet" "${common[@]}" --loss "$loss" --model_path "$work/model_$loss.pt" \
    --log "$work/log_$loss.jsonl" > "$work/train_$loss.out" 2>&1 &
  eval "pid_$loss=$!"
done
# While both run, sample their memory: PSS charges each shared page 1/N to each of
# the N processes mapping it, so the two Pss_Shmem values add up to ONE copy.
peak_focal=0 peak_hybrid=0 rss_focal=0 rss_hybrid=0
while kill -0 "$pid_focal" 2> /dev/null && kill -0 "$pid_hybrid" 2> /dev/null; do
  for loss in focal hybrid; do
    pid_var=pid_$loss
    shm=$(awk '/^Pss_Shmem:/ {print $2}' "/proc/${!pid_var}/smaps_rollup" 2> /dev/null || echo 0)
    rss=$(awk '/^RssShmem:/ {print $2}' "/proc/${!pid_var}/status" 2> /dev/null || echo 0)
    peak_var=peak_$loss rss_var=rss_$loss
    if [ "${shm:-0}" -gt "${!peak_var}" ]; then eval "$peak_var=$shm"; fi
    if [ "${rss:-0}" -gt "${!rss_var}" ]; then eval "$rss_var=$rss"; fi
  done
  sleep 0.5
done
status=0
wait "$pid_focal" || status=$?
wait "$pid_hybrid" || status=$?
for loss in focal hybrid; do
  echo "--- $loss ($work/train_$loss.out)"
  cat "$work/train_$loss.out"
done
if [ "$status" -ne 0 ]; then echo "demo: a training failed (exit $status)" >&2; exit "$status"; fi

step "what they learned (last line of each --log, validation set, 3 px radius)"
for loss in focal hybrid; do
  python3 - "$loss" "$work/log_$loss.jsonl" << 'PY'
import json, sys
last = [json.loads(l) for l in open(sys.argv[2])][-1]
f = lambda v, d=2: "n/a" if v is None else f"{v:.{d}f}"
print(f"{sys.argv[1]:>6}: epoch {last['epoch']}: localisation error {f(last['loc_error_px'])} px, "
      f"precision {f(last['precision'], 3)}, recall {f(last['recall'], 3)}, "
      f"val loss {f(last['val_loss'], 4)}, {f(last['samples_per_s'], 1)} samples/s")
PY
done

step "memory they shared"
payload=$(grep -h '^data:' "$work"/train_*.out | head -1)
echo "$payload" | sed 's/^/  /'
grep -h '^data:' "$work"/train_*.out | sed -E 's/^data: shared memory, ([a-z ]+) in.*/  one trainer: \1/'
echo "  while both ran, each mapped all of it (RssShmem focal ${rss_focal} kB, hybrid ${rss_hybrid} kB)"
echo "  but was charged a share (Pss_Shmem focal ${peak_focal} kB + hybrid ${peak_hybrid} kB" \
     "= $((peak_focal + peak_hybrid)) kB: one copy)"
grep -h 'memory:' "$work"/train_*.out | sed 's/^ */  at exit: /'
"$bin/shm_manager" --list --h5 "$h5"

step "predictions of the focal model on 4 images -> $work/predict.png"
"$bin/glint_predict" --model "$work/model_focal.pt" --h5 "$h5" --index 250 --count 4 \
  --png "$work/predict.png" --threads 1 | tail -n 6

step "cleanup"
"$bin/shm_manager" --cleanup --h5 "$h5"
