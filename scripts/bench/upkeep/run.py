"""Measures the cache's upkeep of /dev/shm and its compressed-file load, side by
side in one run, and writes docs/benchmarks/cache_upkeep.md:
  1. deflate load of the seed-size file (make_glint_dataset --preset seed
     --compress): libdeflate (now) vs zlib (GLINT_INFLATE=zlib, the previous
     decoder) vs `cp` of the compressed file into shared memory, interleaved;
  2. 20 regenerations of a file in a sweep: what stays in shared memory;
  3. a sweep over files that together exceed shared memory (a private tmpfs,
     needs root for `unshare -m`): loads shared vs failed for lack of room,
     with and without making room;
  4. the cache work of an attach (BM_OpenSharedAttach), which also takes the
     segment's shared lock and records its last use.

Run by scripts/run_benchmarks.sh --only upkeep (which builds first).
Usage: $GLINT_PY -m bench.upkeep.run --build DIR --work DIR --out docs/benchmarks/cache_upkeep.md [--reps N]
"""
import argparse
import json
import os
import shutil
import tempfile

from ..machine import machine
from ..util import load_avg, log
from . import measure, report
from .context import Bench

COMMAND = "scripts/run_benchmarks.sh --only upkeep"


def parse_args():
    p = argparse.ArgumentParser(prog="bench.upkeep.run", description=__doc__.splitlines()[0])
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--out")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--sweep-child", help=argparse.SUPPRESS)  # set by measure.sweep_in_tmpfs
    p.add_argument("--sweep-flags", default="-", help=argparse.SUPPRESS)
    return p.parse_args()


def measure_all(b, reps):
    """Every figure, in a /dev/shm directory of its own that is removed at the end."""
    r = {"machine": machine()}
    before = load_avg()
    shm = tempfile.mkdtemp(prefix="glint_upkeep_bench.", dir="/dev/shm")
    try:
        r["deflate"] = measure.deflate(b, shm, reps)
        r["regen"] = measure.regenerations(b, shm, reclaim=True)
        r["regen_off"] = measure.regenerations(b, shm, reclaim=False)
        log(f"regenerations: {r['regen']['versions']} versions with reclaim, {r['regen_off']['versions']} without")
        r["sweep"] = measure.sweep_in_tmpfs(b)
        log(f"sweep: {r['sweep']}")
    finally:
        shutil.rmtree(shm, ignore_errors=True)
    r["loads"] = (before, load_avg())
    return r


def main():
    args = parse_args()
    b = Bench(args.build, args.work)
    if args.sweep_child:
        flags = [] if args.sweep_flags == "-" else args.sweep_flags.split()
        return measure.sweep_child(b, args.sweep_child.split(","), flags, tempfile.mkdtemp(dir=args.work))
    r = measure_all(b, args.reps)
    with open(os.path.join(args.work, "upkeep.json"), "w") as f:
        json.dump(r, f, indent=1)
    cmd = COMMAND + (f" -- --reps {args.reps}" if args.reps != 5 else "")
    report.render(r, cmd).write(args.out)


if __name__ == "__main__":
    main()
