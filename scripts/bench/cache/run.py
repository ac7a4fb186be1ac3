"""Runs every glint benchmark next to its physical limit and writes results.json.

Called by scripts/run_benchmarks.sh --only cache (which builds first). Each figure times the
glint operation and its reference (md5sum, cp, memcpy, ...) in the same run,
interleaved, several times; report.py turns the JSON into docs/BENCHMARKS.md
and plots. The figures are listed in targets.py.

Usage: $GLINT_PY -m bench.cache.run --build DIR --work DIR --out results.json [--quick] [--figures md5,...]
"""
import argparse
import datetime
import json
import os
import shutil
import time

from ..machine import machine
from ..util import log
from .context import Bench
from .targets import DATASETS, figures


def parse_args():
    names = ",".join(f.name for f in figures())
    ap = argparse.ArgumentParser(prog="bench.cache.run", description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, no 10x file")
    ap.add_argument("--figures", default="", help=f"comma list of figures: {names}")
    ap.add_argument("--merge", action="store_true", help="keep the other figures of an existing --out file")
    args = ap.parse_args()
    only = set(filter(None, args.figures.split(",")))
    unknown = only - {f.name for f in figures()}
    if unknown:
        ap.error(f"--figures {','.join(sorted(unknown))}: unknown figure; choose among {names}")
    return args, only


def main():
    args, only = parse_args()
    os.makedirs(args.work, exist_ok=True)
    b = Bench(args.build, args.work, args.quick)
    if args.merge and os.path.exists(args.out):
        with open(args.out) as f:
            old = json.load(f)
        old["commands"] = old.get("commands", []) + b.results["commands"]
        b.results = old
        b.results["notes"] = []
    if not b.trainer_ok:
        b.note("bin/train_glint_unet was not built: figure 3 used attach_probe stand-ins")
    datasets = {d.key: d for d in DATASETS}

    def file(key):
        d = datasets[key]
        return b.make_dataset(d.name, *d.flags)

    t_start = time.time()
    try:
        b.results["machine"] = machine()
        b.results["date"] = datetime.date.today().isoformat()
        for fig in figures():
            if not only or fig.name in only:
                fig.run(b, file, args.quick)
    finally:
        shutil.rmtree(b.shm, ignore_errors=True)
        elapsed = time.time() - t_start
        b.results["wall_s"] = b.results.get("wall_s", 0) + elapsed if args.merge else elapsed
        b.results["machine"]["load_after"] = os.getloadavg()
        with open(args.out, "w") as f:
            json.dump(b.results, f, indent=1)
    log(f"done in {b.results['wall_s']:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
