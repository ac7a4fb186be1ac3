#!/usr/bin/env bash
# Data-parallel training on two simulated nodes of this machine: each node is
# a network namespace (joined to the other by a veth pair) whose ranks share
# a mount namespace with its own tmpfs on /dev/shm. On each node the real
# torchrun (--nnodes 2, static rendezvous; node A's agent hosts the store)
# starts two ranks. Checks: every rank finishes, each node loads the data
# exactly once into its own /dev/shm (the other rank attaches), the gradients
# cross the veth, and nothing is left behind.
#
# Usage: tests/two_nodes_test.sh <build dir> <python>, the python of the
# project's environment (torch, h5py, torchrun beside it). Exit 77 (skipped)
# without root or network namespaces.
set -euo pipefail

build=$(cd "$1" && pwd)
trainer="$build/bin/train_glint_unet"
python=$2
torchrun="$(dirname "$python")/torchrun"
[[ $(id -u) == 0 ]] || { echo "skipped: needs root for network namespaces"; exit 77; }

tag=$$
ns_a="glint_a_$tag" ns_b="glint_b_$tag"
veth_a="gla$tag" veth_b="glb$tag"
addr_a=10.231.$((tag % 250)).1 addr_b=10.231.$((tag % 250)).2
port=29400  # on node A, a namespace of this test's own
work=$(mktemp -d /tmp/glint_two_nodes.XXXXXX)

cleanup() {
  set +e
  ip netns del "$ns_a" 2>/dev/null || true
  ip netns del "$ns_b" 2>/dev/null || true
  ip link del "$veth_a" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if ! ip netns add "$ns_a" 2>/dev/null; then echo "skipped: cannot create network namespaces here"; exit 77; fi
ip netns add "$ns_b"
ip link add "$veth_a" type veth peer name "$veth_b"
ip link set "$veth_a" netns "$ns_a"
ip link set "$veth_b" netns "$ns_b"
ip -n "$ns_a" addr add "$addr_a/24" dev "$veth_a"
ip -n "$ns_b" addr add "$addr_b/24" dev "$veth_b"
for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done
ip -n "$ns_a" link set "$veth_a" up
ip -n "$ns_b" link set "$veth_b" up

"$python" - "$work/data.h5" <<'PY'
import sys, h5py, numpy as np
rng = np.random.default_rng(7)
with h5py.File(sys.argv[1], "w") as f:
    f["images"] = rng.random((24, 32, 32), dtype=np.float32)
    f["heatmaps"] = rng.random((24, 32, 32), dtype=np.float32) * 0.2
PY

tx_before=$(ip netns exec "$ns_a" cat /sys/class/net/"$veth_a"/statistics/tx_bytes)

# One node: a private mount namespace with its own /dev/shm, where torchrun
# starts two ranks; their output ends in $work/out<rank>.txt and err<rank>.txt.
run_node() {
  local ns=$1 node=$2 veth=$3 status=0
  ip netns exec "$ns" unshare --mount --propagation private bash -c '
    set -u
    mount -t tmpfs -o size=64m tmpfs /dev/shm
    "$1" --nnodes 2 --node-rank "$2" --nproc-per-node 2 --master-addr "$3" --master-port "$4" --no-python \
        --log-dir "$5/logs$2" --redirects 3 -- \
      "$6" --h5 "$5/data.h5" --shared_memory --fingerprint_dir "$5/fp$2" --gloo_interface "$7" \
        --base_channels 4 --depth 2 --batch 2 --epochs 2 --num_workers 1 --dist_timeout 60 \
        --progress off --model_path "$5/m$2.pt" > "$5/torchrun$2.txt" 2>&1
    status=$?
    ls /dev/shm > "$5/shm$2.txt"
    exit $status
  ' node "$torchrun" "$node" "$addr_a" "$port" "$work" "$trainer" "$veth" || status=1
  # torchrun's files: <log dir>/<run id>/attempt_0/<local rank>/{stdout,stderr}.log
  for local in 0 1; do
    local rank=$((node * 2 + local))
    cat "$work"/logs$node/*/attempt_0/$local/stdout.log > "$work/out$rank.txt" 2>/dev/null || true
    cat "$work"/logs$node/*/attempt_0/$local/stderr.log > "$work/err$rank.txt" 2>/dev/null || true
  done
  return $status
}
run_node "$ns_a" 0 "$veth_a" & node_a=$!
run_node "$ns_b" 1 "$veth_b" & node_b=$!
status=0
wait $node_a || status=1
wait $node_b || status=1

fail() {
  echo "FAIL: $*"
  for n in 0 1; do echo "--- torchrun on node $n"; cat "$work/torchrun$n.txt"; done
  for r in 0 1 2 3; do echo "--- rank $r"; cat "$work/out$r.txt" "$work/err$r.txt"; done
  exit 1
}
[[ $status == 0 ]] || fail "a rank exited with an error"
grep -q "epoch 2/2" "$work/out0.txt" || fail "rank 0 did not finish two epochs"
for node in 0 1; do
  a=$((node * 2)) b=$((node * 2 + 1))
  loads=$(cat "$work/out$a.txt" "$work/out$b.txt" | grep -c "^data: shared memory, loaded here" || true)
  attaches=$(cat "$work/out$a.txt" "$work/out$b.txt" | grep -c "^data: shared memory, attached" || true)
  [[ $loads == 1 && $attaches == 1 ]] || fail "node $node: $loads load(s), $attaches attach(es); want 1 and 1"
  segments=$(grep -c "^glint_.*_\(images\|heatmaps\)$" "$work/shm$node.txt" || true)
  [[ $segments == 2 ]] || fail "node $node: $segments segments in its /dev/shm, want 2: $(cat "$work/shm$node.txt")"
  grep -q "local rank 0 of 2" "$work/out$a.txt" || fail "rank $a: no local rank in its setup line"
done
md5=$(md5sum "$work/data.h5" | cut -c1-32)
! ls /dev/shm | grep -q "glint_$md5" || fail "segments of the test file appeared in this machine's /dev/shm"
tx_after=$(ip netns exec "$ns_a" cat /sys/class/net/"$veth_a"/statistics/tx_bytes)
grads=$(grep -o "gradient all-reduce: [0-9]* x [0-9]* bytes" "$work/out0.txt" | awk '{print $3 * $5}')
(( tx_after - tx_before >= grads )) || fail "only $((tx_after - tx_before)) bytes left node A over the veth; gradients: $grads"
echo "two nodes: 4 ranks trained; one load per node; $((tx_after - tx_before)) bytes over the veth from node A"
