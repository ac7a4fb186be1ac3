#!/usr/bin/env bash
# Data-parallel training on this machine: samples/s of one process with 2
# torch threads against 2 ranks with 1 thread each (the same global batch),
# the share of a training step spent in the gradient all-reduce and its
# bytes, and the same 2 ranks placed on two simulated nodes (network
# namespaces joined by a veth pair, root only). Runs are interleaved, REPS
# rounds. Writes docs/benchmarks/distributed.md.
#
# Usage: scripts/bench_distributed.sh
# Environment: BUILD_DIR (default build-bench, built in Release; NO_BUILD=1 skips
# building), REPS (3),
# SAMPLES (192), SIZE (64), BASE (16), DEPTH (3), BATCH (16, global).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bench/common.sh"
bench_init bench_distributed
reps=${REPS:-3} samples=${SAMPLES:-192} size=${SIZE:-64} base=${BASE:-16} depth=${DEPTH:-3} batch=${BATCH:-16}

# NO_BUILD=1: use $build/bin/train_glint_unet as it is
[[ "${NO_BUILD:-0}" == 1 ]] || bench_build train_glint_unet
trainer="$build/bin/train_glint_unet"

work=$(mktemp -d "${TMPDIR:-/tmp}/glint_bench_dist.XXXXXX")
tag=$$ ns_a="glint_ba_$$" ns_b="glint_bb_$$" veth_a="gba$$" veth_b="gbb$$"
addr_a=10.232.$(($$ % 250)).1 addr_b=10.232.$(($$ % 250)).2
cleanup() {
  set +e
  ip netns del "$ns_a" 2>/dev/null; ip netns del "$ns_b" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$py" - "$work/data.h5" "$samples" "$size" <<'PY'
import sys, h5py, numpy as np
n, s = int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
yy, xx = np.mgrid[0:s, 0:s]
heat = np.zeros((n, s, s), np.float32)
for i in range(n):
    for _ in range(3):
        cy, cx = rng.uniform(4, s - 5, 2)
        heat[i] = np.maximum(heat[i], np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 8))
images = (rng.random((n, s, s)) * 0.1 + heat * 0.8).astype(np.float32)
with h5py.File(sys.argv[1], "w") as f:
    f["images"] = images
    f["heatmaps"] = heat
PY

common=(--h5 "$work/data.h5" --base_channels "$base" --depth "$depth" --epochs 2 --num_workers 1 --val_split 0.05
        --progress off --fingerprint_dir "$work/fp" --loss mse)
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

nodes=0
if [[ $(id -u) == 0 ]] && ip netns add "$ns_a" 2>/dev/null; then
  ip netns add "$ns_b"
  ip link add "$veth_a" type veth peer name "$veth_b"
  ip link set "$veth_a" netns "$ns_a"; ip link set "$veth_b" netns "$ns_b"
  ip -n "$ns_a" addr add "$addr_a/24" dev "$veth_a"; ip -n "$ns_b" addr add "$addr_b/24" dev "$veth_b"
  for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
  ip -n "$ns_a" link set "$veth_a" up; ip -n "$ns_b" link set "$veth_b" up
  nodes=1
fi

run_single() {  # $1 = output prefix
  "$trainer" "${common[@]}" --threads 2 --batch "$batch" --model_path "$work/m.pt" --log "$1.jsonl" >"$1.out0" 2>&1
}
run_ranks() {
  local port; port=$(free_port)
  for r in 0 1; do
    "$trainer" "${common[@]}" --threads 1 --batch $((batch / 2)) --world_size 2 --rank $r --master_port "$port" \
      --local_world_size 2 --model_path "$work/m$r.pt" --log "$1.jsonl" >"$1.out$r" 2>&1 &
  done
  wait
}
run_nodes() {
  for r in 0 1; do
    local ns=$ns_a veth=$veth_a
    [[ $r == 1 ]] && ns=$ns_b veth=$veth_b
    ip netns exec "$ns" "$trainer" "${common[@]}" --threads 1 --batch $((batch / 2)) --world_size 2 --rank $r \
      --master_addr "$addr_a" --master_port 29511 --gloo_interface "$veth" --model_path "$work/n$r.pt" \
      --log "$1.jsonl" >"$1.out$r" 2>&1 &
  done
  wait
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq "$reps"); do
  echo "bench_distributed: round $rep of $reps" >&2
  run_single "$work/single_$rep"
  run_ranks "$work/ranks_$rep"
  [[ $nodes == 1 ]] && run_nodes "$work/nodes_$rep"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$py" "$root/scripts/bench_distributed_report.py" --work "$work" --reps "$reps" --out "$root/docs/benchmarks/distributed.md" \
  --load "$load_before -> $load_after" --command "scripts/bench_distributed.sh (REPS=$reps SAMPLES=$samples SIZE=$size BASE=$base DEPTH=$depth BATCH=$batch)" \
  --build "$build" --batch "$batch"
echo "bench_distributed: wrote docs/benchmarks/distributed.md" >&2
