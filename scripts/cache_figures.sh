#!/usr/bin/env bash
# The cache's headline figures on one HDF5 file (default: a --preset seed
# file, written if missing): MD5 time vs md5sum, first load, cold start,
# second-process attach, and the PSS of two processes holding the data.
#   scripts/cache_figures.sh [FILE.h5] [BUILD_DIR]
# BUILD_DIR (default build-bench, a Release build with benchmarks) must hold
# bin/shm_manager, bin/make_glint_dataset and bin/attach_probe.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${2:-$root/build-bench}"
work="$(mktemp -d /tmp/glint-figures.XXXXXX)"
shm="$(mktemp -d /dev/shm/glint-figures.XXXXXX)"
trap 'rm -rf "$work" "$shm"' EXIT
export XDG_CACHE_HOME="$work/xdg"
file="${1:-$work/seed.h5}"
[ -f "$file" ] || "$build/bin/make_glint_dataset" "$file" --preset seed --quiet
mgr=("$build/bin/shm_manager" --shm-dir "$shm")
# Timestamps from bash itself: no helper process inside the measured span.
now() { echo "$EPOCHREALTIME"; }
ms() { local end="$EPOCHREALTIME"; awk -v a="$1" -v b="$end" 'BEGIN { printf "%.1f ms\n", (b - a) * 1000 }'; }

echo "file: $file ($(stat -c %s "$file") bytes); cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$file" >/dev/null  # warm page cache, as every figure below assumes
t=$(now); md5sum "$file" >/dev/null; echo "md5sum:                         $(ms "$t")"
t=$(now); "$build/bin/attach_probe" --h5 "$file" --md5 >/dev/null; echo "glint md5 (attach_probe --md5): $(ms "$t")"
t=$(now); cp "$file" "$shm/copy"; echo "cp to /dev/shm (limit):         $(ms "$t")"; rm -f "$shm/copy"
t=$(now); "${mgr[@]}" --load --h5 "$file" --rehash >/dev/null; echo "cold start (hash + load):       $(ms "$t")"
"${mgr[@]}" --cleanup --h5 "$file" >/dev/null
t=$(now); "${mgr[@]}" --load --h5 "$file" >/dev/null; echo "first load (MD5 remembered):    $(ms "$t")"
t=$(now); "$build/bin/attach_probe" --h5 "$file" --shm-dir "$shm" --noop >/dev/null; echo "bare process start:             $(ms "$t")"
t=$(now); "$build/bin/attach_probe" --h5 "$file" --shm-dir "$shm" --datasets images heatmaps >"$work/attach.json"
echo "second process, start -> usable: $(ms "$t")  (report: $(cat "$work/attach.json"))"
# Two holders that touched every page: how much memory do they cost together?
exec 3> >("$build/bin/attach_probe" --h5 "$file" --shm-dir "$shm" --datasets images heatmaps --touch --hold >"$work/a.json")
exec 4> >("$build/bin/attach_probe" --h5 "$file" --shm-dir "$shm" --datasets images heatmaps --touch --hold >"$work/b.json")
for f in a b; do until [ -s "$work/$f.json" ]; do sleep 0.2; done; done
total=0
for pid in $(pgrep -f "attach_probe --h5 $file --shm-dir $shm --datasets images heatmaps --touch --hold"); do
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")
  shm_pss=$(awk '/^Pss_Shmem:/ {print $2}' "/proc/$pid/smaps_rollup")
  echo "holder $pid: Pss $pss kB (of which shared memory $shm_pss kB)"
  total=$((total + pss))
done
echo "two holders together: Pss $total kB; dataset $(( $(du -sk "$shm" | cut -f1) )) kB in $shm"
exec 3>&- 4>&-
wait
