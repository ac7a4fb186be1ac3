"""glint_predict's speed against --batch: images per second of inference, side by side, one run.

Run by scripts/run_benchmarks.sh --only predict, which builds glint_predict,
train_glint_unet and make_glint_dataset first. Writes a 64x64 dataset and a
default-size UNet checkpoint (one training step: speed does not depend on the
weights), then runs glint_predict on the same rows with each --batch and
--threads, interleaved, several rounds. Writes docs/benchmarks/predict.md.

Usage: $GLINT_PY -m bench.predict.run --build DIR --out docs/benchmarks/predict.md [--images 64] [--rounds 3]
"""
import argparse
import os
import re
import subprocess
import tempfile

from ..machine import machine
from ..util import log
from . import report
from .report import BATCHES, THREADS


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def build_type(build):
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        return re.search(r"^CMAKE_BUILD_TYPE:\w+=(.*)$", f.read(), re.M).group(1)


def images_per_s(stdout):
    m = re.search(r"predicted (\d+) image\(s\) in ([\d.]+) s", stdout)
    return int(m.group(1)) / float(m.group(2))


def prepare(bin_dir, work, images):
    """The dataset and a one-step checkpoint in work; the glint_predict command line without --threads/--batch."""
    h5, model = os.path.join(work, "d64.h5"), os.path.join(work, "model.pt")
    sh([os.path.join(bin_dir, "make_glint_dataset"), h5, "--count", str(images), "--size", "64", "--quiet"])
    sh([os.path.join(bin_dir, "train_glint_unet"), "--h5", h5, "--epochs", "1", "--max_steps", "1", "--val_split",
        "0", "--progress", "off", "--model_path", model, "--fingerprint_dir", os.path.join(work, "fp")])
    return [os.path.join(bin_dir, "glint_predict"), "--model_path", model, "--h5", h5, "--quiet",
            "--fingerprint_dir", os.path.join(work, "fp")]


def measure(cmd, rounds):
    """{(threads, batch): [images/s of each round]}, every configuration once per round."""
    runs = {(t, b): [] for t in THREADS for b in BATCHES}
    for r in range(rounds):
        for t in THREADS:
            for b in BATCHES:
                runs[(t, b)].append(images_per_s(sh(cmd + ["--threads", str(t), "--batch", str(b)]).stdout))
        log(f"predict: round {r + 1}/{rounds} done")
    return runs


def main():
    ap = argparse.ArgumentParser(prog="bench.predict.run", description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--images", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    m = machine()
    with tempfile.TemporaryDirectory(prefix="glint_bench_predict.") as work:
        cmd = prepare(os.path.join(args.build, "bin"), work, args.images)
        runs = measure(cmd, args.rounds)
        shown = " ".join([os.path.basename(cmd[0])] + [c.replace(work, "WORK") for c in cmd[1:]])
    m["load_after"] = os.getloadavg()
    report.render(args, build_type(args.build), runs, m, shown).write(args.out)
    log(f"predict: wrote {args.out}")


if __name__ == "__main__":
    main()
