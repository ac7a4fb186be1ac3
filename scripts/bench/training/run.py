#!/usr/bin/python3
"""Training at the machine's limit: step time, GFLOP/s, memory per allocator,
and the aggregate throughput of a sweep of concurrent trainers.

Called by scripts/bench_training.sh (which builds first). Every comparison runs
side by side in one run, interleaved in rounds; results go to a JSON file that
bench_training_report.py turns into docs/benchmarks/training.md.

Usage: bench_training.py --build DIR --work DIR --out results.json [--quick]
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

LIB = "/usr/lib/x86_64-linux-gnu"
PY = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench.measure_procs import pss_kb  # noqa: E402  (/proc/PID/smaps_rollup in KiB)
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


def log(msg):
    print(f"[bench_training] {msg}", file=sys.stderr, flush=True)


class Run:
    """One process, its peak PSS / private memory in KiB (smaps_rollup sampled
    every 0.2 s); the trainer reports its own peak RSS."""

    running = set()  # stopped by stop_all() when the benchmark ends early

    def __init__(self, cmd, env, cwd):
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        Run.running.add(self.proc)
        self.peak = {"Pss": 0, "Private": 0, "Pss_Shmem": 0}
        self.stop = False
        self.sampler = threading.Thread(target=self.sample, daemon=True)
        self.sampler.start()

    def sample(self):
        while not self.stop:
            r = pss_kb(self.proc.pid)
            if r:
                private = r.get("Private_Clean", 0) + r.get("Private_Dirty", 0)
                self.peak["Pss"] = max(self.peak["Pss"], r.get("Pss", 0))
                self.peak["Private"] = max(self.peak["Private"], private)
                self.peak["Pss_Shmem"] = max(self.peak["Pss_Shmem"], r.get("Pss_Shmem", 0))
            time.sleep(0.2)

    @staticmethod
    def stop_all():
        for proc in list(Run.running):
            proc.terminate()
            proc.wait()
        Run.running.clear()

    def wait(self):
        out, err = self.proc.communicate()
        Run.running.discard(self.proc)
        self.stop = True
        self.sampler.join()
        if self.proc.returncode != 0:
            raise RuntimeError(f"{' '.join(self.cmd)} failed ({self.proc.returncode}): {err[-2000:]}")
        return out, err


class Bench:
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
        self.r = {"commands": [], "load": [], "steps": {}, "memory": {}, "sweep": {}, "blas": {}}
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
        # the steps of a run, its cold first step included.
        cmd = [PY, os.path.join(HERE, "train_step_torch.py"), "--steps", str(self.steps),
               "--warmup", "0", *args]
        self.r["commands"].append(" ".join(f"{k}={v}" for k, v in extra_env.items()) + " " + " ".join(cmd))
        run = Run(cmd, self.env(extra_env), self.work)
        out, _ = run.wait()
        j = json.loads(out.strip().splitlines()[-1])
        s = sorted(j["step_s"])
        return {"step_s": s[len(s) // 2], "peak_pss_mb": run.peak["Pss"] / 1024,
                "peak_private_mb": run.peak["Private"] / 1024, "peak_rss_mb": j["peak_rss_mb"]}

    def add(self, table, key, value):
        table.setdefault(key, []).append(value)

    def dataset(self):
        if not os.path.exists(self.h5):
            subprocess.run([self.bin("make_glint_dataset"), self.h5, "--preset", "seed", "--quiet"],
                           check=True)
        # the first trainer loads the segments; the others attach
        self.finish(self.trainer(["--threads", "1"], {}, record=False, steps=1))

    def fig_steps(self):
        """train_glint_unet fp32/bf16 against the Python trainer, interleaved."""
        blas = {"LD_LIBRARY_PATH": f"{LIB}/openblas-openmp"}
        configs = [
            ("train_glint_unet bf16 (default)", lambda: self.finish(self.trainer(["--threads", "2"], blas))),
            ("train_glint_unet bf16, glibc malloc with the trainer's tuning", lambda: self.finish(self.trainer(["--threads", "2"], blas, program=GLIBC))),
            ("train_glint_unet fp32", lambda: self.finish(self.trainer(["--threads", "2", "--precision", "fp32"], blas))),
            ("train_glint_unet bf16, NCHW (GLINT_CHANNELS_LAST=0)", lambda: self.finish(self.trainer(["--threads", "2"], {**blas, "GLINT_CHANNELS_LAST": "0"}))),
            ("train_glint_unet fp32, NCHW (GLINT_CHANNELS_LAST=0)", lambda: self.finish(self.trainer(["--threads", "2", "--precision", "fp32"], {**blas, "GLINT_CHANNELS_LAST": "0"}))),
            ("train_glint_unet bf16, ATen's AVX2 kernels (ATEN_CPU_CAPABILITY=avx2)", lambda: self.finish(self.trainer(["--threads", "2"], {**blas, "ATEN_CPU_CAPABILITY": "avx2"}))),
            ("Python fp32 (OpenBLAS, tuned malloc, 2 threads)", lambda: self.python([], {**blas, **TUNED_MALLOC})),
            ("Python bf16 autocast, channels-last", lambda: self.python(["--precision", "bf16", "--channels_last"], {**blas, **TUNED_MALLOC})),
            ("Python bf16 autocast, channels-last, AVX-512 kernels, glint's ops", lambda: self.python(
                ["--precision", "bf16", "--channels_last", "--glint_ops"], {**blas, **TUNED_MALLOC, "ATEN_CPU_CAPABILITY": "avx512"})),
            ("Python bf16 autocast, channels-last, AVX-512 kernels, glint's ops, jemalloc without decay", lambda: self.python(
                ["--precision", "bf16", "--channels_last", "--glint_ops"],
                {**blas, "LD_PRELOAD": JEMALLOC, **NO_DECAY, "ATEN_CPU_CAPABILITY": "avx512"})),
        ]
        for rnd in range(self.rounds):
            for name, fn in configs:
                self.add(self.r["steps"], name, fn())
                log(f"round {rnd + 1}: {name}: {self.r['steps'][name][-1]['step_s']:.2f} s/step")

    def fig_blas(self):
        """The BLAS under libblas.so.3, chosen per process with LD_LIBRARY_PATH."""
        for rnd in range(1 if self.quick else 2):
            for variant in ("openblas-openmp", "openblas-pthread", "blas"):
                for prec in (("fp32",) if self.quick else ("fp32", "bf16")):
                    if variant == "blas" and rnd > 0:
                        continue
                    res = self.finish(self.trainer(["--threads", "2", "--precision", prec],
                                                   {"LD_LIBRARY_PATH": f"{LIB}/{variant}"}))
                    self.add(self.r["blas"], f"{variant} {prec}", res)
                    log(f"{variant} {prec}: {res['step_s']:.2f} s/step")

    def fig_memory(self):
        for prec in ("bf16", "fp32"):
            for name, (program, env) in ALLOCATORS.items():
                if prec == "fp32" and name not in (DEFAULT_ALLOCATOR, "glibc, trainer's tuning"):
                    continue
                res = self.finish(self.trainer(["--threads", "2", "--precision", prec], env, program=program))
                self.add(self.r["memory"], f"{name} | {prec}", res)
                log(f"{name} {prec}: {res['step_s']:.2f} s/step, PSS {res['peak_pss_mb']:.0f} MB")
        private = self.finish(self.trainer(["--threads", "2"], {}, shared=False))
        self.r["memory_private_copy"] = private
        self.r["dataset_mb"] = os.path.getsize(self.h5) / 2**20  # MiB, as every figure here
        self.r["mem_total_mb"] = int(open("/proc/meminfo").readline().split()[1]) / 1024

    def fig_sweep(self):
        cores = os.cpu_count()
        variants = {
            "--threads 2 (old default: one per core)": lambda i, n: (["--threads", str(cores)], {}),
            "--threads 2, OMP_WAIT_POLICY=passive": lambda i, n: (["--threads", str(cores)], {"OMP_WAIT_POLICY": "passive"}),
            "default (cores / trainers)": lambda i, n: ([], {}),
            "cores / trainers, pinned": lambda i, n: (["--threads", str(max(1, cores // n))],
                                                     {"GLINT_PIN": str(i % cores)}),
        }
        # The variants the target is judged on run in every round (the rounds
        # interleave them); the references to the old default run once.
        rounds = 1 if self.quick else 2
        plan = [(n, rnd, name) for n in (1, 2, 4) for rnd in range(rounds) for name in variants
                if not ((n == 1 and "pinned" in name)
                        or (self.quick and ("passive" in name or "pinned" in name))
                        or (rnd > 0 and ("old default" in name or "passive" in name)))]
        for n, rnd, name in plan:
            runs = []
            for i in range(n):
                args, env = variants[name](i, n)
                if "GLINT_PIN" in env:  # taskset in front of the trainer
                    env = dict(env)
                    core = env.pop("GLINT_PIN")
                    run = self.trainer(args, env, steps=self.sweep_steps)
                    os.sched_setaffinity(run.proc.pid, {int(core)})
                else:
                    run = self.trainer(args, env, steps=self.sweep_steps)
                runs.append(run)
            res = [self.finish(r) for r in runs]
            agg = sum(16 / x["step_s"] for x in res)
            cell = self.r["sweep"].setdefault(name, {}).setdefault(str(n), {"rounds": [], "step_s": []})
            cell["rounds"].append(agg)
            cell["step_s"].append([x["step_s"] for x in res])
            cell["samples_per_s"] = sum(cell["rounds"]) / len(cell["rounds"])
            log(f"sweep N={n} {name} round {rnd + 1}: {agg:.2f} samples/s")


def fig_profile_impl(b):
    """torch profiler table of one step of the same computation in Python
    (bf16 autocast, channels-last, AVX-512 kernels, glint's ops)."""
    out = os.path.join(b.work, "profile.txt")
    b.python(["--precision", "bf16", "--channels_last", "--glint_ops", "--profile", out],
             {"LD_LIBRARY_PATH": f"{LIB}/openblas-openmp", "ATEN_CPU_CAPABILITY": "avx512", **TUNED_MALLOC})
    b.r["profile"] = open(out).read()


Bench.fig_profile = fig_profile_impl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="steps,blas,memory,sweep,profile")
    a = ap.parse_args()
    # Killed (SIGTERM), the run still removes its segments and directory in
    # /dev/shm: the finally below runs on SystemExit as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    b = Bench(a)
    try:
        b.note_load("start")
        b.dataset()
        flops = json.loads(subprocess.run([PY, os.path.join(HERE, "train_step_torch.py"), "--flops_only"],
                                          check=True, capture_output=True, text=True).stdout)
        b.r["flops"] = flops
        for part in a.only.split(","):
            getattr(b, f"fig_{part}")()
            b.note_load(f"after {part}")
        b.r["facts"] = facts(b)
    finally:
        Run.stop_all()  # trainers still running when the benchmark failed or was stopped
        subprocess.run([b.bin("train_glint_unet"), "--h5", b.h5, "--cleanup_shm", "--shm_dir", b.shm],
                       capture_output=True)
        os.rmdir(b.shm) if not os.listdir(b.shm) else None
    with open(a.out, "w") as f:
        json.dump(b.r, f, indent=1)


def facts(b):
    cpu = open("/proc/cpuinfo").read()
    model = next(l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("model name"))
    mhz = float(next(l.split(":", 1)[1] for l in cpu.splitlines() if l.startswith("cpu MHz")))
    flags = next(l for l in cpu.splitlines() if l.startswith("flags")).split()
    first = next(iter(b.r["steps"].values()), [{}])[0].get("stdout", "") if b.r["steps"] else ""
    compute = [l for l in first.splitlines() if l.startswith("compute:") or l.startswith("malloc:")]
    alt = subprocess.run(["update-alternatives", "--query", "libblas.so.3-x86_64-linux-gnu"],
                         capture_output=True, text=True).stdout
    value = next((l.split(":", 1)[1].strip() for l in alt.splitlines() if l.startswith("Value:")), "?")
    return {"cpu": model, "cores": os.cpu_count(), "mhz": mhz,
            "avx512f": "avx512f" in flags, "avx512_bf16": "avx512_bf16" in flags,
            "amx_bf16": "amx_bf16" in flags, "trainer_lines": compute, "libblas_alternative": value}


if __name__ == "__main__":
    main()
