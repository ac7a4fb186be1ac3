"""Training at the machine's limit: step time, GFLOP/s, memory per allocator,
and the aggregate throughput of a sweep of concurrent trainers.

Run by scripts/run_benchmarks.sh --only training (which builds first). Every
comparison runs side by side in one run, interleaved in rounds; results go to a
JSON file (bench/results/training.json) that report.py turns into
docs/benchmarks/training.md.

Usage: $GLINT_PY -m bench.training.run --build DIR --work DIR --out results.json [--quick]
                                       [--figures steps,memory,sweep,profile,compiled]
"""
import argparse
import json
import os
import signal
import subprocess
import sys

from ..machine import machine
from .context import Bench, step_script
from .figures import FIGURES
from .process import Run


def parse_args():
    ap = argparse.ArgumentParser(prog="bench.training.run", description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--figures", default=",".join(FIGURES))
    a = ap.parse_args()
    unknown = set(a.figures.split(",")) - set(FIGURES)
    if unknown:
        ap.error(f"--figures {','.join(sorted(unknown))}: unknown figure; choose among {','.join(FIGURES)}")
    return a


def main():
    a = parse_args()
    # Killed (SIGTERM), the run still removes its segments and directory in
    # /dev/shm: the finally below runs on SystemExit as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    b = Bench(a)
    try:
        b.note_load("start")
        b.dataset()
        b.r["flops"] = json.loads(subprocess.run(step_script("--flops_only"), check=True,
                                                 capture_output=True, text=True).stdout)
        for name in a.figures.split(","):
            FIGURES[name](b)
            b.note_load(f"after {name}")
        b.r["facts"] = facts(b)
        b.r["torch"] = torch_version()
    finally:
        Run.stop_all()  # trainers still running when the benchmark failed or was stopped
        subprocess.run([b.bin("train_glint_unet"), "--h5", b.h5, "--cleanup_shm", "--shm_dir", b.shm],
                       capture_output=True)
        os.rmdir(b.shm) if not os.listdir(b.shm) else None
    with open(a.out, "w") as f:
        json.dump(b.r, f, indent=1)


def facts(b):
    """The machine, and what the first trainer said of its allocator and compute libraries."""
    first = next(iter(b.r["steps"].values()), [{}])[0].get("stdout", "") if b.r["steps"] else ""
    said = [line for line in first.splitlines() if line.startswith("compute:") or line.startswith("malloc:")]
    return {**machine(), "trainer_lines": said}


def torch_version():
    """The PyTorch of the Python rows (the trainer's LibTorch is the same wheel's, its compute: line says)."""
    import torch  # only here: the rest of the runner does not need it
    return torch.__version__


if __name__ == "__main__":
    main()
