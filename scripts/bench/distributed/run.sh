#!/usr/bin/env bash
# Data-parallel training on this machine: samples/s of one process with 2
# torch threads against 2 ranks with 1 thread each (the same global batch),
# the share of a training step spent in the gradient all-reduce and its
# bytes, and the same 2 ranks placed on two simulated nodes (network
# namespaces joined by a veth pair, root only). Runs are interleaved, REPS
# rounds. Writes docs/benchmarks/distributed.md.
#
# Run by scripts/run_benchmarks.sh --only distributed, which builds
# train_glint_unet into $BUILD_DIR first (NO_BUILD=1 skips that).
# Environment: BUILD_DIR (default build-bench), REPS (3), SAMPLES (192),
# SIZE (64), BASE (16), DEPTH (3), BATCH (16, global).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
bench_init bench_distributed
reps=${REPS:-3} samples=${SAMPLES:-192} size=${SIZE:-64} base=${BASE:-16} depth=${DEPTH:-3} batch=${BATCH:-16}
trainer="$build/bin/train_glint_unet"

work=$(mktemp -d "${TMPDIR:-/tmp}/glint_bench_dist.XXXXXX")
ns_a="glint_ba_$$" ns_b="glint_bb_$$" veth_a="gba$$" veth_b="gbb$$"
addr_a=10.232.$(($$ % 250)).1 addr_b=10.232.$(($$ % 250)).2
cleanup() {
  set +e
  ip netns del "$ns_a" 2>/dev/null; ip netns del "$ns_b" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Two network namespaces joined by a veth pair; sets nodes=1 when they could be made (root only).
make_nodes() {
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
}

common=(--overwrite --h5 "$work/data.h5" --base_channels "$base" --depth "$depth" --epochs 2 --num_workers 1 --val_split 0.05
        --progress off --fingerprint_dir "$work/fp" --loss mse)
free_port() { "$GLINT_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

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

"$GLINT_PY" -m bench.distributed.dataset "$work/data.h5" "$samples" "$size"
make_nodes
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq "$reps"); do
  echo "bench_distributed: round $rep of $reps" >&2
  run_single "$work/single_$rep"
  run_ranks "$work/ranks_$rep"
  [[ $nodes == 1 ]] && run_nodes "$work/nodes_$rep"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$GLINT_PY" -m bench.distributed.report --work "$work" --reps "$reps" --out "$root/docs/benchmarks/distributed.md" \
  --load "$load_before -> $load_after" \
  --command "scripts/run_benchmarks.sh --only distributed (REPS=$reps SAMPLES=$samples SIZE=$size BASE=$base DEPTH=$depth BATCH=$batch)" \
  --build "$build" --batch "$batch"
echo "bench_distributed: wrote docs/benchmarks/distributed.md" >&2
