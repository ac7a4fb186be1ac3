"""The figures of docs/benchmarks/training.md: one function of the Bench each, named as --figures names it."""
import os

from ..util import log
from .context import ALLOCATORS, DEFAULT_ALLOCATOR, GLIBC, JEMALLOC, LIB, NO_DECAY, TUNED_MALLOC


def steps(b):
    """train_glint_unet fp32/bf16 against the Python trainer, interleaved."""
    blas = {"LD_LIBRARY_PATH": f"{LIB}/openblas-openmp"}
    configs = [
        ("train_glint_unet bf16 (default)", lambda: b.finish(b.trainer(["--threads", "2"], blas))),
        ("train_glint_unet bf16, glibc malloc with the trainer's tuning", lambda: b.finish(b.trainer(["--threads", "2"], blas, program=GLIBC))),
        ("train_glint_unet fp32", lambda: b.finish(b.trainer(["--threads", "2", "--precision", "fp32"], blas))),
        ("train_glint_unet bf16, NCHW (GLINT_CHANNELS_LAST=0)", lambda: b.finish(b.trainer(["--threads", "2"], {**blas, "GLINT_CHANNELS_LAST": "0"}))),
        ("train_glint_unet fp32, NCHW (GLINT_CHANNELS_LAST=0)", lambda: b.finish(b.trainer(["--threads", "2", "--precision", "fp32"], {**blas, "GLINT_CHANNELS_LAST": "0"}))),
        ("train_glint_unet bf16, ATen's AVX2 kernels (ATEN_CPU_CAPABILITY=avx2)", lambda: b.finish(b.trainer(["--threads", "2"], {**blas, "ATEN_CPU_CAPABILITY": "avx2"}))),
        ("Python fp32 (OpenBLAS, tuned malloc, 2 threads)", lambda: b.python([], {**blas, **TUNED_MALLOC})),
        ("Python bf16 autocast, channels-last", lambda: b.python(["--precision", "bf16", "--channels_last"], {**blas, **TUNED_MALLOC})),
        ("Python bf16 autocast, channels-last, AVX-512 kernels, glint's ops", lambda: b.python(
            ["--precision", "bf16", "--channels_last", "--glint_ops"], {**blas, **TUNED_MALLOC, "ATEN_CPU_CAPABILITY": "avx512"})),
        ("Python bf16 autocast, channels-last, AVX-512 kernels, glint's ops, jemalloc without decay", lambda: b.python(
            ["--precision", "bf16", "--channels_last", "--glint_ops"],
            {**blas, "LD_PRELOAD": JEMALLOC, **NO_DECAY, "ATEN_CPU_CAPABILITY": "avx512"})),
    ]
    for rnd in range(b.rounds):
        for name, fn in configs:
            b.add(b.r["steps"], name, fn())
            log(f"round {rnd + 1}: {name}: {b.r['steps'][name][-1]['step_s']:.2f} s/step")

def blas(b):
    """The BLAS under libblas.so.3, chosen per process with LD_LIBRARY_PATH."""
    for rnd in range(1 if b.quick else 2):
        for variant in ("openblas-openmp", "openblas-pthread", "blas"):
            for prec in (("fp32",) if b.quick else ("fp32", "bf16")):
                if variant == "blas" and rnd > 0:
                    continue
                res = b.finish(b.trainer(["--threads", "2", "--precision", prec],
                                               {"LD_LIBRARY_PATH": f"{LIB}/{variant}"}))
                b.add(b.r["blas"], f"{variant} {prec}", res)
                log(f"{variant} {prec}: {res['step_s']:.2f} s/step")

def memory(b):
    for prec in ("bf16", "fp32"):
        for name, (program, env) in ALLOCATORS.items():
            if prec == "fp32" and name not in (DEFAULT_ALLOCATOR, "glibc, trainer's tuning"):
                continue
            res = b.finish(b.trainer(["--threads", "2", "--precision", prec], env, program=program))
            b.add(b.r["memory"], f"{name} | {prec}", res)
            log(f"{name} {prec}: {res['step_s']:.2f} s/step, PSS {res['peak_pss_mb']:.0f} MB")
    private = b.finish(b.trainer(["--threads", "2"], {}, shared=False))
    b.r["memory_private_copy"] = private
    b.r["dataset_mb"] = os.path.getsize(b.h5) / 2**20  # MiB, as every figure here
    b.r["mem_total_mb"] = int(open("/proc/meminfo").readline().split()[1]) / 1024

def sweep(b):
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
    rounds = 1 if b.quick else 2
    plan = [(n, rnd, name) for n in (1, 2, 4) for rnd in range(rounds) for name in variants
            if not ((n == 1 and "pinned" in name)
                    or (b.quick and ("passive" in name or "pinned" in name))
                    or (rnd > 0 and ("old default" in name or "passive" in name)))]
    for n, rnd, name in plan:
        runs = []
        for i in range(n):
            args, env = variants[name](i, n)
            if "GLINT_PIN" in env:  # taskset in front of the trainer
                env = dict(env)
                core = env.pop("GLINT_PIN")
                run = b.trainer(args, env, steps=b.sweep_steps)
                os.sched_setaffinity(run.proc.pid, {int(core)})
            else:
                run = b.trainer(args, env, steps=b.sweep_steps)
            runs.append(run)
        res = [b.finish(r) for r in runs]
        agg = sum(16 / x["step_s"] for x in res)
        cell = b.r["sweep"].setdefault(name, {}).setdefault(str(n), {"rounds": [], "step_s": []})
        cell["rounds"].append(agg)
        cell["step_s"].append([x["step_s"] for x in res])
        cell["samples_per_s"] = sum(cell["rounds"]) / len(cell["rounds"])
        log(f"sweep N={n} {name} round {rnd + 1}: {agg:.2f} samples/s")


def profile(b):
    """torch profiler table of one step of the same computation in Python
    (bf16 autocast, channels-last, AVX-512 kernels, glint's ops)."""
    out = os.path.join(b.work, "profile.txt")
    b.python(["--precision", "bf16", "--channels_last", "--glint_ops", "--profile", out],
             {"LD_LIBRARY_PATH": f"{LIB}/openblas-openmp", "ATEN_CPU_CAPABILITY": "avx512", **TUNED_MALLOC})
    b.r["profile"] = open(out).read()


# --figures names, in the order they run by default.
FIGURES = {"steps": steps, "blas": blas, "memory": memory, "sweep": sweep, "profile": profile}
