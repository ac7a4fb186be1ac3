#!/usr/bin/env bash
# The design document's example: two trainings (focal and hybrid loss)
# started at the same moment on ONE shared-memory copy of a dataset, then the
# segments are listed and removed.
#
#   scripts/train_with_shm.sh train_256.h5 [extra train_glint_unet flags...]
#
# Environment: GLINT_BIN (default: <repo>/build/bin) holds train_glint_unet
# and shm_manager (and glint_plot_log, for the comparison at the end). Writes
# model_focal.pt, model_hybrid.pt, their logs log_focal.jsonl and
# log_hybrid.jsonl, and runs.png (both runs' curves) here, and prints a
# table of the two runs.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 FILE.h5 [train_glint_unet flags...]" >&2
  exit 2
fi
h5=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${GLINT_BIN:-$root/build/bin}
for program in train_glint_unet shm_manager; do
  if [ ! -x "$bin/$program" ]; then
    echo "$0: $bin/$program not found; build it (ninja -C build $program) or set GLINT_BIN" >&2
    exit 1
  fi
done

# Process 1: focal loss. Process 2: hybrid loss, reusing the data process 1
# loads (whichever starts first loads; the other waits, then attaches).
"$bin/train_glint_unet" --h5 "$h5" --shared_memory --loss focal \
  --model_path model_focal.pt --log log_focal.jsonl "$@" > train_focal.log 2>&1 &
focal=$!
"$bin/train_glint_unet" --h5 "$h5" --shared_memory --loss hybrid \
  --model_path model_hybrid.pt --log log_hybrid.jsonl "$@" > train_hybrid.log 2>&1 &
hybrid=$!
# Background jobs of a script ignore Ctrl-C: pass it on, so that each trainer
# saves its checkpoint and stops (exit 130) instead of running on unseen.
trap 'kill -TERM "$focal" "$hybrid" 2> /dev/null || true' INT TERM
status=0
wait "$focal" || status=$?
wait "$hybrid" || status=$?
wait  # after Ctrl-C the first wait returned early: let both finish saving
for loss in focal hybrid; do
  echo "== $loss (train_$loss.log)"
  grep -E '^(data:|summary:|  )' "train_$loss.log" || true
done

if [ -x "$bin/glint_plot_log" ] && [ -s log_focal.jsonl ] && [ -s log_hybrid.jsonl ]; then
  "$bin/glint_plot_log" log_focal.jsonl log_hybrid.jsonl -o runs.png || true  # a picture never skips the cleanup
  "$bin/glint_plot_log" --table log_focal.jsonl log_hybrid.jsonl || true
fi

"$bin/shm_manager" --list --h5 "$h5"
"$bin/shm_manager" --cleanup --h5 "$h5"
exit "$status"
