"""The sections of docs/benchmarks/training.md: each reads its part of the results and adds its lines to the Page."""
import math
import statistics
from collections import namedtuple

Peaks = namedtuple("Peaks", "ghz fp32 bf16 amx")
PYTHON_BASES = ("Python fp32 (tuned malloc, 2 threads)", "Python fp32 (OpenBLAS, tuned malloc, 2 threads)")


def med(xs):
    return statistics.median(xs)


def rng(xs):
    return f"{min(xs):.2f} – {max(xs):.2f}" if len(xs) > 1 else "one run"


def peaks(f):
    """GFLOP/s of the machine, each factor stated."""
    ghz = f["mhz"] / 1000
    return Peaks(ghz, f["cores"] * 16 * 2 * 2 * ghz, f["cores"] * 32 * 2 * 2 * ghz, f["cores"] * 1024 * 2 * ghz)


def head(page, r):
    page.p("# Training at the machine's limit", "",
           "Written by `scripts/run_benchmarks.sh --only training` (see the commands at the end). Seed-size model: "
           f"UNet `--base_channels 16 --depth 4` ({r['flops']['parameters']:,} parameters), batch 16, 256×256, "
           "focal loss, Adam. Step time = median of the 6 training steps of one run, for the C++ trainer and the "
           "Python one alike (the first step, which creates oneDNN's kernels and faults the heap in, "
           "is in the median's input on both sides: no warm-up is dropped), except torch.compile rows, whose "
           "3 warm-up steps (the compilation) are dropped and timed apart; every configuration "
           "runs once per round, the rounds interleave them.", "")


def machine(page, r, pk):
    f = r["facts"]
    yes = lambda key: "yes" if f[key] else "no"  # noqa: E731
    page.p("## Machine", "",
           f"- CPU: {f['cpu']}, {f['cores']} cores, {pk.ghz:.2f} GHz (cpu MHz of /proc/cpuinfo), "
           f"AVX-512 {yes('avx512f')}, AVX512_BF16 {yes('avx512_bf16')}, AMX-BF16 {yes('amx_bf16')}",
           f"- PyTorch {r.get('torch', 'unknown')} on both sides: the C++ trainer builds against the LibTorch "
           "of the project's environment's wheel, the Python rows run that wheel; BLAS: the MKL linked into "
           "that LibTorch, convolutions on its oneDNN",
           *[f"- the trainer said: `{line}`" for line in f["trainer_lines"]],
           "- load average (1, 5, 15 min) during the run: " +
           "; ".join(f"{when}: {' '.join(v)}" for when, v in r["load"]),
           "",
           "Peak of the machine, each factor stated:", "",
           f"- fp32: {f['cores']} cores × 16 fp32 lanes (AVX-512) × 2 flops per FMA × 2 FMA units × {pk.ghz:.2f} GHz "
           f"= **{pk.fp32:.0f} GFLOP/s**",
           f"- bf16 on AVX512_BF16 (vdpbf16ps): {f['cores']} × 32 bf16 lanes × 2 × 2 FMA units × {pk.ghz:.2f} GHz "
           f"= **{pk.bf16:.0f} GFLOP/s**",
           f"- bf16 on AMX (oneDNN's `avx512_core_amx`): {f['cores']} × 1024 multiply-adds per cycle × 2 × "
           f"{pk.ghz:.2f} GHz = {pk.amx:.0f} GFLOP/s",
           "",
           f"FLOPs per step: {r['flops']['conv_gflop_step']:.1f} GFLOP, counted from the convolutions' shapes "
           "(`scripts/bench/training/train_step_torch.py --flops_only`: 2 × multiply-adds of every convolution "
           "forward, × 3 for forward + input gradient + weight gradient, less the input gradient of the first layer).",
           "")


def python_rows(r):
    """The Python rows of a run and the median of each."""
    return {name: med([x["step_s"] for x in runs]) for name, runs in r["steps"].items()
            if name.startswith("Python")}


def steps(page, r, pk):
    if not r["steps"]:
        return
    gflop = r["flops"]["conv_gflop_step"]
    base = next((med([x["step_s"] for x in r["steps"][n]]) for n in PYTHON_BASES if n in r["steps"]), math.nan)
    best_name, best = min(python_rows(r).items(), key=lambda kv: kv[1], default=("", math.nan))
    page.p("## Time per step, side by side", "")
    rows = []
    for name, runs in r["steps"].items():
        s = [x["step_s"] for x in runs]
        rate = gflop / med(s)
        peak = pk.bf16 if "bf16" in name else pk.fp32
        warm = [x["warmup_s"] for x in runs if x.get("warmup_s") and "compile" in name]
        rows.append([name, f"{med(s):.2f}", rng(s), f"{16 / med(s):.1f}", f"{rate:.0f}",
                     f"{100 * rate / peak:.0f}%", f"{base / med(s):.2f}×", f"{best / med(s):.2f}×",
                     f"{med(warm):.0f}" if warm else ""])
    page.table(["configuration", "step (s), median", "range", "samples/s", "GFLOP/s", "% of peak",
                "vs Python fp32", "vs best Python", "compilation (s)"], rows)
    page.p("% of peak: of the fp32 peak for fp32 rows, of the AVX512_BF16 peak for bf16 rows. "
           f"Best Python (the fastest Python row, compiled or not): {best_name}, {best:.2f} s. "
           "Compilation: the 3 warm-up steps of a torch.compile row, which compile the forward, "
           "backward and Adam graphs.", "")


def before(page, r, old):
    """The same rows measured on PyTorch 1.13 (Debian's LibTorch and python3-torch, OpenBLAS) before the move."""
    if not old or not old.get("steps"):
        return
    page.p("## Before: the same benchmark on PyTorch 1.13", "",
           "From `bench/results/training_torch1.13.json`, the last run on Debian's PyTorch 1.13 "
           "(LibTorch and python3-torch, OpenBLAS with OpenMP, same machine kind, 3 interleaved rounds), "
           "beside this run's medians of the same rows:", "")
    now = {name: med([x["step_s"] for x in runs]) for name, runs in r["steps"].items()}
    renamed = {PYTHON_BASES[1]: PYTHON_BASES[0]}
    rows = []
    for name, runs in old["steps"].items():
        was = med([x["step_s"] for x in runs])
        is_now = now.get(renamed.get(name, name))
        rows.append([name, f"{was:.2f}", f"{is_now:.2f}" if is_now else "–",
                     f"{was / is_now:.2f}×" if is_now else ""])
    page.table(["configuration", "1.13 step (s)", f"{r.get('torch', '2.x')} step (s)", "speed-up"], rows)


def memory(page, r, pk):
    if not r["memory"]:
        return
    page.p("## Memory per trainer, by allocator", "",
           "One trainer, `--shared_memory` (the dataset counted once, in shared memory), 2 threads. Peak RSS "
           "from the kernel's high-water mark (VmHWM); peak PSS and private memory sampled from "
           "/proc/PID/smaps_rollup every 0.2 s.", "")
    rows = []
    for name, runs in r["memory"].items():
        alloc, prec = name.split(" | ")
        x = runs[0]
        rss = f"{x['peak_rss_mb']:.0f}" if x.get("peak_rss_mb") else "–"
        rows.append([alloc, prec, f"{x['step_s']:.2f}", rss, f"{x['peak_pss_mb']:.0f}", f"{x['peak_private_mb']:.0f}"])
    page.table(["allocator", "precision", "step (s)", "peak RSS (MiB)", "peak PSS (MiB)", "peak private (MiB)"],
               rows, blank=False)
    n_max(page, r)


def n_max(page, r):
    """How many trainers fit in the machine's memory, shared against private copies."""
    default = next((runs[0] for name, runs in r["memory"].items() if "(the default)" in name), None)
    if not default:
        page.p("")
        return
    total, data = r["mem_total_mb"], r["dataset_mb"]
    shared_each = default["peak_private_mb"]
    # a private copy adds the dataset to each trainer's private memory
    private_each = r.get("memory_private_copy", {}).get("peak_private_mb", shared_each + data)
    page.p("", f"**N_max** (machine memory {total / 1024:.1f} GiB, dataset {data:.0f} MiB): with "
           f"`--shared_memory` each trainer (the default precision) adds its private peak ({shared_each:.0f} MiB) and "
           f"the data is counted once: N_max = ⌊({total:.0f} − {data:.0f}) / {shared_each:.0f}⌋ = "
           f"**{int((total - data) // shared_each)}**; with a private copy each (peak private "
           f"{private_each:.0f} MiB): N_max = ⌊{total:.0f} / {private_each:.0f}⌋ = "
           f"**{int(total // private_each)}**. (Peaks of concurrent trainers do not all coincide, so "
           "this is the safe count.)", "")


def sweep_cell(c):
    rounds = c.get("rounds", [])
    each = f" ({', '.join(f'{x:.1f}' for x in rounds)})" if len(rounds) > 1 else ""
    return f"{c['samples_per_s']:.2f}{each}"


def sweep(page, r, pk):
    if not r["sweep"]:
        return
    page.p("## A sweep of N concurrent trainers", "",
           "N trainers (bf16, the default precision) started together on the same shared data; aggregate "
           "= Σ 16 / median step time of each; the mean of the rounds, each round in brackets.", "")
    rows = [[name] + [sweep_cell(by_n[n]) if n in by_n else "–" for n in ("1", "2", "4")]
            for name, by_n in r["sweep"].items()]
    page.table(["threads per trainer", "N=1 samples/s", "N=2", "N=4"], rows)


def compiled(page, r):
    """What torch.compile made of the step: its generated kernels and a profile of one compiled step."""
    if not r.get("profile_compiled"):
        return
    kernels = r.get("compiled_kernels", [])
    page.p("## What torch.compile fuses", "",
           f"inductor generated {len(kernels)} C++ kernels for the step of the compiled Python row "
           "(default mode; each is named after the operators it fuses). The compiled rows use the "
           "model as users write it, channels-last: inductor in this PyTorch cannot lower glint's ops "
           "(`LoweringException: NotImplementedError: View` in its convolution lowering).", "", "```", *kernels, "```", "",
           "torch profiler, one compiled step, operators by self CPU time:", "", "```",
           r["profile_compiled"].strip(), "```", "")


def profile(page, r):
    if not r.get("profile"):
        return
    page.p("## Profile of one step", "",
           "torch profiler, one step of the same computation in Python (`scripts/bench/training/train_step_torch.py "
           "--precision bf16 --channels_last --glint_ops --profile FILE`, ATEN_CPU_CAPABILITY=avx512), "
           "operators by self CPU time:", "", "```", r["profile"].strip(), "```", "")
