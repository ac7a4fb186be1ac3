"""Long trainings whose memory is sampled as they run: one trainer, and 2
data-parallel ranks under torchrun, each for --steps steps of a small UNet.

Run by scripts/bench_soak.sh (scripts/run_benchmarks.sh --only soak), which
builds train_glint_unet and make_glint_dataset first. Samples RSS, own memory
(RssAnon), PSS, threads, open files and mappings of every trainer process
(scripts/bench/watch.py) and writes bench/results/soak.json; bench.soak.report
makes docs/benchmarks/soak.md and its picture from it.

Usage: $GLINT_PY -m bench.soak.run --build DIR --work DIR --out soak.json [--steps 50000] [--samples 400]
"""
import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time

from .. import watch
from ..machine import machine
from ..util import free_port, log

# A small UNet on 32x32 images, one thread a process: the memory a long run
# keeps, not its speed, is the measurement.
SIZE, COUNT = 32, 256
MODEL = ["--batch", "8", "--base_channels", "4", "--depth", "2", "--threads", "1", "--num_workers", "1",
         "--precision", "fp32", "--progress", "off"]


def step_s(bin_dir, h5, work):
    """Seconds a step of the single trainer takes here (a 100-step run), to pace the sampling."""
    start = time.monotonic()
    subprocess.run([os.path.join(bin_dir, "train_glint_unet"), "--h5", h5, "--epochs", "1000", "--max_steps",
                    "100", *MODEL, "--val_split", "0", "--model_path", os.path.join(work, "pace.pt")],
                   check=True, capture_output=True, cwd=work)
    return (time.monotonic() - start) / 100


def configurations(bin_dir, h5, steps, work):
    trainer = os.path.join(bin_dir, "train_glint_unet")
    # --epochs far above what --max_steps reaches: validation every epoch (26 images) as usual.
    common = ["--h5", h5, "--epochs", "100000", "--max_steps", str(steps), *MODEL]
    single = [trainer, *common, "--log", "single.jsonl", "--model_path", "single.pt"]
    ranks = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--master-port",
             str(free_port()), "--no-python", "--", trainer, *common, "--log", "dp.jsonl", "--model_path", "dp.pt"]
    return {"single": single, "2 ranks": ranks}


def shown(cmd, work):
    return " ".join(os.path.basename(c) if i == 0 else c.replace(work + "/", "") for i, c in enumerate(cmd))


def main():
    ap = argparse.ArgumentParser(prog="bench.soak.run", description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=50000, help="steps of each run (default 50000)")
    ap.add_argument("--samples", type=int, default=400, help="about how many samples of each process")
    args = ap.parse_args()
    bin_dir = os.path.join(os.path.abspath(args.build), "bin")
    h5 = os.path.join(args.work, "soak.h5")
    subprocess.run([os.path.join(bin_dir, "make_glint_dataset"), h5, "--count", str(COUNT), "--size", str(SIZE),
                    "--glints", "1-2", "--seed", "3", "--quiet"], check=True)
    m = machine()
    import torch  # the trainer links LibTorch from this wheel
    m["torch"] = torch.__version__
    m["blas"] = "MKL (in LibTorch)" if torch.backends.mkl.is_available() else "LibTorch's own"
    pace = step_s(bin_dir, h5, args.work)
    result = {"steps": args.steps, "size": SIZE, "count": COUNT, "machine": m, "runs": {}}
    for name, cmd in configurations(bin_dir, h5, args.steps, args.work).items():
        expect = pace * args.steps * (2 if name == "2 ranks" else 1)
        period = max(0.5, expect / args.samples)
        log(f"soak: {name}, {args.steps} steps, about {expect / 60:.0f} min, a sample every {period:.1f} s")
        run = watch.run(cmd, program="train_glint_unet", period_s=period, detail=True,
                        timeout_s=max(3600, 10 * expect), cwd=args.work)
        if run.returncode != 0:
            raise SystemExit(f"soak: {name} exited {run.returncode}: {run.stderr[-2000:]}")
        trainers = run.lasting()
        result["runs"][name] = {
            "command": shown(cmd, args.work), "wall_s": run.wall_s,
            "processes": [[dataclasses.asdict(s) for s in samples] for samples in trainers.values()],
            "growth_anon": [watch.growth(samples) for samples in trainers.values()],
            "growth_rss": [watch.growth(samples, "rss_kb") for samples in trainers.values()],
            "brief": run.brief(),
        }
        log(f"soak: {name} done in {run.wall_s / 60:.1f} min; own memory growth, second to last quarter: " +
            ", ".join(f"{100 * g:+.2f}%" for g in result["runs"][name]["growth_anon"]) +
            (f"; brief processes: {run.brief()}" if run.brief() else ""))
        m["load_after"] = os.getloadavg()
        with open(args.out, "w") as f:  # after each configuration: a later failure keeps what was measured
            json.dump(result, f)
    log(f"soak: wrote {args.out}")


if __name__ == "__main__":
    main()
