"""The training benchmark's context: paths, allocators, and how one trainer or Python step is run and read."""
import json
import os
import re
import subprocess
import sys
import tempfile

from .process import Run

LIB = "/usr/lib/x86_64-linux-gnu"
HERE = os.path.dirname(os.path.abspath(__file__))
JEMALLOC, MIMALLOC = f"{LIB}/libjemalloc.so.2", f"{LIB}/libmimalloc.so.2"
NO_DECAY = {"MALLOC_CONF": "dirty_decay_ms:-1,muzzy_decay_ms:-1"}
DEFAULT_ALLOCATOR = "jemalloc without decay, linked (the default)"
GLIBC = "train_glint_unet_glibc"  # the same trainer, not linked with jemalloc
ALLOCATORS = {  # name -> (program, extra environment)
    DEFAULT_ALLOCATOR: ("train_glint_unet", {}),
    "glibc, trainer's tuning": (GLIBC, {}),
    "glibc defaults": (GLIBC, {"GLINT_MALLOC_TUNING": "off"}),
    "jemalloc defaults (preloaded)": (GLIBC, {"LD_PRELOAD": JEMALLOC}),
    "mimalloc (preloaded)": (GLIBC, {"LD_PRELOAD": MIMALLOC}),
}
# What a user who read the PyTorch performance guide sets for a Python trainer:
# glibc keeps freed activations instead of unmapping them every step.
TUNED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30),
                "MALLOC_TOP_PAD_": str(64 << 20)}
PYTHON_FP32 = "Python fp32 (tuned malloc, 2 threads)"
# The Python side of every comparison, run by this interpreter (scripts/bench/common.sh chose it).
STEP_SCRIPT = os.path.join(HERE, "train_step_torch.py")


def step_script(*args):
    """The command line of the Python training step."""
    return [sys.executable, STEP_SCRIPT, *args]


class Bench:
    """One run of the training benchmark: its settings, its /dev/shm directory and its results."""

    def __init__(self, a):
        self.build, self.work, self.quick = os.path.abspath(a.build), os.path.abspath(a.work), a.quick
        # --quick: one round, 3 steps (the median is the middle one), the
        # essential variants only: for a loaded machine.
        self.steps = 3 if a.quick else 6
        # A sweep's trainers start together and spend their first seconds on
        # start-up work that overlaps the others' steps: the median step of a
        # short run under-counts N = 4 (8 steps: 85-91% of N = 2; 16 steps:
        # 93-96%, measured side by side). The sweep runs long enough to settle.
        self.sweep_steps = 10 if a.quick else 16
        self.rounds = 1 if a.quick else 3
        self.shm = tempfile.mkdtemp(prefix="glint_bench_training.", dir="/dev/shm")
        self.r = {"commands": [], "load": [], "steps": {}, "memory": {}, "sweep": {}}
        self.h5 = os.path.join(self.work, "seed.h5")
        self.n = 0

    def bin(self, name):
        return os.path.join(self.build, "bin", name)

    def note_load(self, when):
        self.r["load"].append([when, open("/proc/loadavg").read().split()[:3]])

    def env(self, extra):
        e = dict(os.environ)
        e.update(extra)
        return e

    def trainer(self, extra_args, extra_env, record=True, shared=True, steps=None, program="train_glint_unet"):
        """Starts one train_glint_unet (or its glibc twin) of the seed-size model; returns a Run."""
        self.n += 1
        logf = os.path.join(self.work, f"log{self.n}.jsonl")
        data = ["--shared_memory", "--shm_dir", self.shm] if shared else []
        cmd = [self.bin(program), "--h5", self.h5, *data,
               "--fingerprint_dir", os.path.join(self.work, "fp"), "--base_channels", "16",
               "--depth", "4", "--batch", "16", "--epochs", "1", "--max_steps", str(steps or self.steps),
               "--val_split", "0.02", "--num_workers", "2", "--progress", "off",
               "--model_path", os.path.join(self.work, f"m{self.n}.pt"), "--log", logf, *extra_args]
        if record:
            self.r["commands"].append(" ".join(f"{k}={v}" for k, v in extra_env.items()) + " " +
                                      " ".join(cmd).replace(self.work, "WORK").replace(self.shm, "SHM"))
        run = Run(cmd, self.env(extra_env), self.work)
        run.log = logf
        return run

    def finish(self, run):
        out, _ = run.wait()
        with open(run.log) as f:
            epoch = json.loads(f.readline())
        rss = re.search(r"peak RSS ([0-9.]+) MiB", out)  # the trainer's memory line
        return {"step_s": epoch["step_s"], "peak_rss_mb": float(rss.group(1)) if rss else None,
                "peak_pss_mb": run.peak["Pss"] / 1024,
                "peak_private_mb": run.peak["Private"] / 1024, "stdout": out}

    def python(self, args, extra_env):
        # The same statistic as train_glint_unet's step_s: the median of all
        # the steps of a run, its cold first step included (unless args ask
        # for warm-up steps: torch.compile's).
        cmd = step_script("--steps", str(self.steps), "--warmup", "0", *args)
        self.r["commands"].append(" ".join(f"{k}={v}" for k, v in extra_env.items()) + " " + " ".join(cmd))
        run = Run(cmd, self.env(extra_env), self.work)
        out, _ = run.wait()
        j = json.loads(out.strip().splitlines()[-1])
        s = sorted(j["step_s"])
        return {"step_s": s[len(s) // 2], "peak_pss_mb": run.peak["Pss"] / 1024,
                "peak_private_mb": run.peak["Private"] / 1024, "peak_rss_mb": j["peak_rss_mb"],
                "warmup_s": j.get("warmup_s"), "torch": j.get("torch")}

    def add(self, table, key, value):
        table.setdefault(key, []).append(value)

    def dataset(self):
        if not os.path.exists(self.h5):
            subprocess.run([self.bin("make_glint_dataset"), self.h5, "--preset", "seed", "--quiet"],
                           check=True)
        # the first trainer loads the segments; the others attach
        self.finish(self.trainer(["--threads", "1"], {}, record=False, steps=1))
