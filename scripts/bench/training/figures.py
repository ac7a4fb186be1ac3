"""The figures of docs/benchmarks/training.md: one function of the Bench each, named as --figures names it."""
import os

from ..util import log
from .context import ALLOCATORS, DEFAULT_ALLOCATOR, GLIBC, JEMALLOC, NO_DECAY, PYTHON_FP32, TUNED_MALLOC

_FLAGS = f' {open("/proc/cpuinfo").read().replace(chr(10), " ")} '
AVX512 = " avx512bw " in _FLAGS
# The trainer's default precision: bf16 autocast where the CPU has
# AVX512_BF16, fp32 elsewhere (bf16 without it is refused, being slower).
PREC = "bf16" if " avx512_bf16 " in _FLAGS else "fp32"
# The same computation in Python at its best (eager): the trainer's
# precision, channels-last, glint's ops, tuned malloc, and ATen's AVX-512
# kernels where the CPU has AVX-512 (as the trainer chooses them).
PY_BEST = ["--precision", PREC, "--channels_last", "--glint_ops"]
PY_BEST_ENV = {**TUNED_MALLOC, **({"ATEN_CPU_CAPABILITY": "avx512"} if AVX512 else {})}
PY_BEST_NAME = f"Python {PREC}{' autocast' if PREC == 'bf16' else ''}, channels-last, glint's ops"
# torch.compile's first steps compile (minutes on 2 cores): compiled rows
# drop 3 warm-up steps and report the compilation time apart.
COMPILE_WARMUP = ["--warmup", "3"]
# torch.compile takes the model users write (textbook form), channels-last,
# at the trainer's precision: inductor (torch 2.11) cannot lower glint's ops
# (LoweringException: NotImplementedError: View, in its convolution lowering).
PY_COMPILED = ["--precision", PREC, "--channels_last"]
PY_COMPILED_NAME = f"Python {PREC}{' autocast' if PREC == 'bf16' else ''}, channels-last"


def steps(b):
    """train_glint_unet against the same step in Python, eager and torch.compile, interleaved."""
    trainer = lambda args, env=None, **kw: lambda: b.finish(  # noqa: E731
        b.trainer(["--threads", "2", "--precision", PREC, *args], env or {}, **kw))
    configs = [
        (f"train_glint_unet {PREC} (default)", trainer([])),
        (f"train_glint_unet {PREC}, glibc malloc with the trainer's tuning", trainer([], program=GLIBC)),
        (f"train_glint_unet {PREC}, NCHW (GLINT_CHANNELS_LAST=0)", trainer([], {"GLINT_CHANNELS_LAST": "0"})),
        (PYTHON_FP32, lambda: b.python([], TUNED_MALLOC)),
        (PY_BEST_NAME, lambda: b.python(PY_BEST, PY_BEST_ENV)),
        (PY_BEST_NAME + ", jemalloc without decay", lambda: b.python(
            PY_BEST, {**PY_BEST_ENV, "LD_PRELOAD": JEMALLOC, **NO_DECAY})),
        ("Python fp32, torch.compile (default mode)", lambda: b.python(
            ["--compile", "default", *COMPILE_WARMUP], TUNED_MALLOC)),
        (PY_COMPILED_NAME + ", torch.compile (default mode)", lambda: b.python(
            [*PY_COMPILED, "--compile", "default", *COMPILE_WARMUP], PY_BEST_ENV)),
    ]
    if PREC == "bf16":
        configs.insert(2, ("train_glint_unet fp32", trainer(["--precision", "fp32"])))
    if not b.quick:
        configs.append((PY_COMPILED_NAME + ", torch.compile (max-autotune)", lambda: b.python(
            [*PY_COMPILED, "--compile", "max-autotune", *COMPILE_WARMUP], PY_BEST_ENV)))
    for rnd in range(b.rounds):
        for name, fn in configs:
            b.add(b.r["steps"], name, fn())
            log(f"round {rnd + 1}: {name}: {b.r['steps'][name][-1]['step_s']:.2f} s/step")


def memory(b):
    for prec in dict.fromkeys((PREC, "fp32")):  # the default precision with every allocator, then fp32
        for name, (program, env) in ALLOCATORS.items():
            if prec != PREC and name not in (DEFAULT_ALLOCATOR, "glibc, trainer's tuning"):
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
    """torch profiler table of one step of the same computation in Python (PY_BEST_NAME)."""
    out = os.path.join(b.work, "profile.txt")
    b.python([*PY_BEST, "--profile", out], PY_BEST_ENV)
    b.r["profile"] = open(out).read()


def compiled(b):
    """What torch.compile makes of that step: the kernels inductor generated
    (its fusions) and a profile of one compiled step."""
    out = os.path.join(b.work, "profile_compiled.txt")
    code_dir = os.path.join(b.work, "inductor_cache")
    b.python([*PY_COMPILED, "--compile", "default", *COMPILE_WARMUP, "--profile", out],
             {**PY_BEST_ENV, "TORCHINDUCTOR_CACHE_DIR": code_dir})
    b.r["profile_compiled"] = open(out).read()
    b.r["compiled_kernels"] = inductor_kernels(code_dir)


def inductor_kernels(code_dir):
    """The generated kernels (cpp_fused_<ops>_<n> functions, named after the ops they fuse)."""
    names = set()
    for root, _, files in os.walk(code_dir):
        for f in files:
            if f.endswith(".py"):
                with open(os.path.join(root, f), errors="replace") as text:
                    for line in text:
                        if line.startswith("cpp_fused_") and " = " in line:
                            names.add(line.split(" = ")[0].strip())
    return sorted(names)


# --figures names, in the order they run by default.
FIGURES = {"steps": steps, "memory": memory, "sweep": sweep, "profile": profile, "compiled": compiled}
