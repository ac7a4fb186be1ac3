#!/usr/bin/python3
"""Turns bench_training.py's JSON into docs/benchmarks/training.md.

Usage: bench_training_report.py results.json --doc docs/benchmarks/training.md --notes bench/training_notes.md
"""
import argparse
import json
import math
import statistics


def med(xs):
    return statistics.median(xs)


def rng(xs):
    return f"{min(xs):.2f} – {max(xs):.2f}" if len(xs) > 1 else "one run"


def peaks(f):
    """GFLOP/s of the machine, each factor stated."""
    ghz = f["mhz"] / 1000
    fp32 = f["cores"] * 16 * 2 * 2 * ghz
    avx_bf16 = f["cores"] * 32 * 2 * 2 * ghz
    amx = f["cores"] * 1024 * 2 * ghz
    return ghz, fp32, avx_bf16, amx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--doc", required=True)
    ap.add_argument("--notes")
    a = ap.parse_args()
    r = json.load(open(a.results))
    f = r["facts"]
    gflop = r["flops"]["conv_gflop_step"]
    ghz, fp32_peak, bf16_peak, amx_peak = peaks(f)
    out = ["# Training at the machine's limit", "",
           "Written by `scripts/bench_training.sh` (see the commands at the end). Seed-size model: UNet "
           f"`--base_channels 16 --depth 4` ({r['flops']['parameters']:,} parameters), batch 16, 256×256, focal loss, "
           "Adam. Step time = median of the 6 training steps of one run, for the C++ trainer and the "
           "Python one alike (the first step, which creates oneDNN's kernels and faults the heap in, "
           "is in the median's input on both sides: no warm-up is dropped); every configuration "
           "runs once per round, the rounds interleave them.", "",
           "## Machine", "",
           f"- CPU: {f['cpu']}, {f['cores']} cores, {ghz:.2f} GHz (cpu MHz of /proc/cpuinfo), "
           f"AVX-512 {'yes' if f['avx512f'] else 'no'}, AVX512_BF16 {'yes' if f['avx512_bf16'] else 'no'}, "
           f"AMX-BF16 {'yes' if f['amx_bf16'] else 'no'}",
           f"- libblas.so.3 alternative of the system: `{f['libblas_alternative']}`; the runs choose theirs with "
           "`LD_LIBRARY_PATH` (one directory per Debian variant)",
           *[f"- the trainer said: `{line}`" for line in f["trainer_lines"]],
           "- load average (1, 5, 15 min) during the run: " +
           "; ".join(f"{when}: {' '.join(v)}" for when, v in r["load"]),
           "",
           "Peak of the machine, each factor stated:", "",
           f"- fp32: {f['cores']} cores × 16 fp32 lanes (AVX-512) × 2 flops per FMA × 2 FMA units × {ghz:.2f} GHz "
           f"= **{fp32_peak:.0f} GFLOP/s**",
           f"- bf16 on AVX512_BF16 (vdpbf16ps): {f['cores']} × 32 bf16 lanes × 2 × 2 FMA units × {ghz:.2f} GHz "
           f"= **{bf16_peak:.0f} GFLOP/s**",
           f"- bf16 on AMX (oneDNN's `avx512_core_amx`): {f['cores']} × 1024 multiply-adds per cycle × 2 × "
           f"{ghz:.2f} GHz = {amx_peak:.0f} GFLOP/s",
           "",
           f"FLOPs per step: {gflop:.1f} GFLOP, counted from the convolutions' shapes "
           "(`scripts/train_step_torch.py --flops_only`: 2 × multiply-adds of every convolution forward, "
           "× 3 for forward + input gradient + weight gradient, less the input gradient of the first layer).",
           ""]
    if r["steps"]:
        base = med([x["step_s"] for x in r["steps"].get("Python fp32 (OpenBLAS, tuned malloc, 2 threads)", [{"step_s": math.nan}])])
        out += ["## Time per step, side by side", "",
                "| configuration | step (s), median | range | samples/s | GFLOP/s | % of peak | vs Python fp32 |",
                "|---|---|---|---|---|---|---|"]
        for name, runs in r["steps"].items():
            s = [x["step_s"] for x in runs]
            rate = gflop / med(s)
            peak = bf16_peak if "bf16" in name else fp32_peak
            out.append(f"| {name} | {med(s):.2f} | {rng(s)} | {16 / med(s):.1f} | {rate:.0f} | "
                       f"{100 * rate / peak:.0f}% | {base / med(s):.2f}× |")
        out += ["", "% of peak: of the fp32 peak for fp32 rows, of the AVX512_BF16 peak for bf16 rows.", ""]
    if r["blas"]:
        out += ["## Which BLAS", "", "| libblas.so.3 | precision | step (s), median | range |", "|---|---|---|---|"]
        for name, runs in r["blas"].items():
            s = [x["step_s"] for x in runs]
            variant, prec = name.rsplit(" ", 1)
            out.append(f"| {variant} | {prec} | {med(s):.2f} | {rng(s)} |")
        out.append("")
    if r["memory"]:
        out += ["## Memory per trainer, by allocator", "",
                "One trainer, `--shared_memory` (the dataset counted once, in shared memory), 2 threads. Peak RSS "
                "from the kernel's high-water mark (VmHWM); peak PSS and private memory sampled from "
                "/proc/PID/smaps_rollup every 0.2 s.", "",
                "| allocator | precision | step (s) | peak RSS (MiB) | peak PSS (MiB) | peak private (MiB) |",
                "|---|---|---|---|---|---|"]
        for name, runs in r["memory"].items():
            alloc, prec = name.split(" | ")
            x = runs[0]
            rss = f"{x['peak_rss_mb']:.0f}" if x.get("peak_rss_mb") else "–"
            out.append(f"| {alloc} | {prec} | {x['step_s']:.2f} | {rss} | "
                       f"{x['peak_pss_mb']:.0f} | {x['peak_private_mb']:.0f} |")
        default = next((runs[0] for name, runs in r["memory"].items()
                        if "(the default)" in name and name.endswith("| bf16")), None)
        if default:
            total, data = r["mem_total_mb"], r["dataset_mb"]
            shared_each = default["peak_private_mb"]
            # a private copy adds the dataset to each trainer's private memory
            private_each = r.get("memory_private_copy", {}).get("peak_private_mb", shared_each + data)
            out += ["", f"**N_max** (machine memory {total / 1024:.1f} GiB, dataset {data:.0f} MiB): with "
                    f"`--shared_memory` each trainer (bf16, the default) adds its private peak ({shared_each:.0f} MiB) and the data is "
                    f"counted once: N_max = ⌊({total:.0f} − {data:.0f}) / {shared_each:.0f}⌋ = "
                    f"**{int((total - data) // shared_each)}**; with a private copy each (peak private "
                    f"{private_each:.0f} MiB): N_max = ⌊{total:.0f} / {private_each:.0f}⌋ = "
                    f"**{int(total // private_each)}**. (Peaks of concurrent trainers do not all coincide, so "
                    "this is the safe count.)", ""]
    if r["sweep"]:
        out += ["## A sweep of N concurrent trainers", "",
                "N trainers (bf16, the default precision) started together on the same shared data; aggregate "
                "= Σ 16 / median step time of each; the mean of the rounds, each round in brackets.", "",
                "| threads per trainer | N=1 samples/s | N=2 | N=4 |", "|---|---|---|---|"]

        def cell(c):
            rounds = c.get("rounds", [])
            each = f" ({', '.join(f'{x:.1f}' for x in rounds)})" if len(rounds) > 1 else ""
            return f"{c['samples_per_s']:.2f}{each}"

        for name, by_n in r["sweep"].items():
            cells = [cell(by_n[n]) if n in by_n else "–" for n in ("1", "2", "4")]
            out.append(f"| {name} | " + " | ".join(cells) + " |")
        out.append("")
    if r.get("profile"):
        out += ["## Profile of one step", "",
                "torch profiler, one step of the same computation in Python (`scripts/train_step_torch.py "
                "--precision bf16 --channels_last --glint_ops --profile FILE`, ATEN_CPU_CAPABILITY=avx512), "
                "operators by self CPU time:", "", "```", r["profile"].strip(), "```", ""]
    if a.notes:
        try:
            out += ["## Analysis", "", open(a.notes).read().strip(), ""]
        except OSError:
            pass
    out += ["## Commands run", "", "```", *r["commands"], "```", ""]
    with open(a.doc, "w") as fh:
        fh.write("\n".join(out))


if __name__ == "__main__":
    main()
