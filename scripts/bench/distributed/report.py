"""Writes docs/benchmarks/distributed.md from the runs of scripts/bench/distributed/run.sh.

Usage: $GLINT_PY -m bench.distributed.report --work DIR --reps N --out FILE --load "BEFORE -> AFTER"
                                             --command TEXT --build DIR --batch B
"""
import argparse
import json
import os
import re
import statistics

from ..machine import machine
from ..page import Page
from ..util import fmt, spread

LABELS = {
    "single": "1 process x 2 threads, batch B",
    "ranks": "2 ranks x 1 thread, batch B/2 each (loopback)",
    "nodes": "2 simulated nodes x 1 rank x 1 thread, batch B/2 each (veth)",
}
TEXT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "text.md")


def parse(prefix):
    """One run: samples/s of its last epoch, and what rank 0 said of the all-reduce, parameters and malloc."""
    with open(prefix + ".jsonl") as f:
        lines = [json.loads(line) for line in f if line.strip()]
    with open(prefix + ".out0") as f:
        out = f.read()
    r = {"samples_per_s": lines[-1]["samples_per_s"]}
    m = re.search(r"gradient all-reduce: (\d+) x (\d+) bytes, ([\d.e+-]+) s \(([\d.e+-]+)% of ([\d.e+-]+) s", out)
    if m:
        r.update(calls=int(m[1]), bytes=int(m[2]), allreduce_s=float(m[3]), share=float(m[4]), step_s=float(m[5]))
    p = re.search(r"\((\d+) parameters\)", out)
    r["parameters"] = int(p[1]) if p else 0
    r["malloc"] = out.splitlines()[0] if out else ""
    return r


def read_runs(work, reps):
    """{configuration: [parse() of each round that ran]}."""
    runs = {k: [] for k in LABELS}
    for k in LABELS:
        for rep in range(1, reps + 1):
            prefix = os.path.join(work, f"{k}_{rep}")
            if os.path.exists(prefix + ".jsonl"):
                runs[k].append(parse(prefix))
    return runs


def stats(values):
    return fmt(spread(values), digits=1, dash="-") if values else "-"


def row(label, rs, single):
    sps = [r["samples_per_s"] for r in rs]
    ratio = f"{statistics.median(sps) / single:.2f}"
    nbytes = rs[0].get("bytes", 0)
    if not nbytes:
        return [label, stats(sps), ratio, "-", "-", "-", "-"]
    share = [r["share"] for r in rs if "share" in r]
    ar_ms = [1000 * r["allreduce_s"] / r["calls"] for r in rs if r.get("calls")]
    step_ms = [1000 * r["step_s"] / r["calls"] for r in rs if r.get("calls")]
    return [label, stats(sps), ratio, stats(share), stats(ar_ms), stats(step_ms), f"{nbytes / 1e6:.3f} MB"]


def render(o, runs, m):
    """The page: the arguments o, the runs, and machine()."""
    single = statistics.median(r["samples_per_s"] for r in runs["single"])
    first = runs["single"][0]
    busy = float(o.load.split()[0]) > m["cores"]
    page = Page("# Data-parallel training on one machine", "",
                f"Produced by `{o.command}`; {o.reps} interleaved rounds, figures are median (min-max).", "",
                f"Machine: {m['cpu']}, {m['cores']} cores, load average {o.load}"
                f"{' (other jobs shared the cores)' if busy else ''},",
                f"LibTorch 1.13 (Debian), BLAS `{m['libblas_alternative']}`, fp32, `{o.build}` build, {first['malloc']}.",
                f"Model: UNet, {first['parameters']} parameters; global batch B = {o.batch}; `--loss mse`, "
                "1 loader worker per process,",
                "2 epochs, samples/s of the second epoch's training steps (no validation).", "")
    page.table(["configuration", "samples/s", "vs 1 process", "all-reduce share of a step, %",
                "all-reduce per step, ms", "step, ms", "all-reduce payload per step and rank"],
               [row(label, runs[k], single) for k, label in LABELS.items() if runs[k]])
    with open(TEXT, encoding="utf-8") as f:
        page.p(f.read().format(wire_ms=first["parameters"] * 4 * 8 / 1e9 * 1000))
    return page


def main():
    a = argparse.ArgumentParser(prog="bench.distributed.report", description=__doc__.splitlines()[0])
    for flag in ("--work", "--out", "--load", "--command", "--build"):
        a.add_argument(flag, required=True)
    a.add_argument("--reps", type=int, required=True)
    a.add_argument("--batch", type=int, required=True)
    o = a.parse_args()
    render(o, read_runs(o.work, o.reps), machine()).write(o.out)


if __name__ == "__main__":
    main()
