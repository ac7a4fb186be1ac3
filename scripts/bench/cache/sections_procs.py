"""The sections of docs/BENCHMARKS.md about processes: memory of N trainers, loader, training step."""
from . import plots
from .formatting import MiB, arg_of, gb_runs, gb_stat, med, verdict


def memory(doc):
    m = doc.r.get("memory")
    if not m:
        return
    kind = "trainer" if m["use_trainer"] else "stand_in"
    ds = m["dataset_bytes"] / 1024
    base = m["no_data_kb"]
    doc.p(*doc.tpl.lines("memory_head", who=doc.tpl.text(f"memory_who_{kind}"),
                         when=doc.tpl.text(f"memory_when_{kind}"), dataset_mib=m["dataset_bytes"] / MiB,
                         file_mib=m["file_bytes"] / MiB, base_mib=base / 1024))
    rows = []
    worst = 0
    for i, n in enumerate(m["N"]):
        sh, pr = m["shared"][i], m["private"][i]
        target = ds + n * base
        worst = max(worst, sh["Pss"] / target)
        rows.append([n, f"{sh['Pss'] / 1024:.0f} MiB", f"{sh.get('Pss_Shmem', 0) / 1024:.0f} MiB",
                     f"{pr['Pss'] / 1024:.0f} MiB", f"{target / 1024:.0f} MiB", f"{sh['Pss'] / target:.3f}",
                     f"{(ds * n + n * base) / 1024:.0f} MiB",
                     "" if (sh["steady"] and pr["steady"]) else "not steady"])
    doc.table(["N", "shared: total PSS", "of which shmem", "private preload: total PSS",
               "dataset once + N × no-data", "shared / that", "N × (dataset + no-data)", "note"], rows)
    doc.p(*doc.tpl.lines("memory_verdict", worst=worst, verdict=verdict(worst <= 1.05)))
    doc.summary.append(("Memory, 8 processes shared vs private",
                        f"{m['shared'][-1]['Pss'] / MiB * 1024:.0f} MiB",
                        f"private {m['private'][-1]['Pss'] / MiB * 1024:.0f} MiB", f"{worst:.3f} (worst N)",
                        "≤ 1.05 × (dataset + N × base)", verdict(worst <= 1.05)))
    plots.memory_vs_n(doc.images, m, ds, base)


def loader(doc):
    L = doc.r.get("loader")
    if not L:
        return
    runs = gb_runs(L, "BM_LoaderEpoch")
    ceil = gb_runs(L, "BM_MemcpyCeiling")
    c = gb_stat(list(ceil.values())[0], "items_per_second") if ceil else None
    doc.p(*doc.tpl.lines("loader_head"))
    rows = []
    series = {0: [], 1: []}
    for name, rs in sorted(runs.items(), key=lambda kv: (arg_of(kv[0], "augment"), arg_of(kv[0], "workers"))):
        w, aug = arg_of(name, "workers"), arg_of(name, "augment")
        s = gb_stat(rs, "items_per_second")
        series[aug].append((w, s))
        rows.append([w, "on" if aug else "off", f"{med(s):.0f} ({s['min']:.0f} – {s['max']:.0f})",
                     f"{med(s) / med(c):.2f}" if c else "–"])
    if c:
        rows.append(["memcpy (limit)", "–", f"{med(c):.0f} ({c['min']:.0f} – {c['max']:.0f})", "1.00"])
    doc.table(["workers", "augment", "samples/s, median (min – max)", "fraction of memcpy"], rows)
    doc.p(*doc.tpl.lines("loader_plot"))
    plots.loader_throughput(doc.images, series, c, doc.r["machine"]["cores"])


def train(doc):
    T = doc.section("train_step", "train_head")
    if not T:
        return
    rows = []
    for name, rs in gb_runs(T, "BM_TrainStep/").items():
        size = arg_of(name, "size")
        t = med(gb_stat(rs, "real_time")) / 1e3
        rows.append([f"{size}×{size}", f"{t * 1e3:.0f} ms", f"{16 / t:.1f}", rs[0]["iterations"],
                     int(rs[0].get("threads", 0))])
    doc.table(["input", "time per step (mean over iterations)", "samples/s", "iterations", "torch threads"], rows)
    W = doc.section("train_wait", "train_wait_head")
    if not W:
        return
    rows = []
    for name, rs in gb_runs(W, "BM_TrainStepWithLoader").items():
        r0 = rs[0]
        rows.append([arg_of(name, "workers"), f"{r0['real_time']:.0f} ms", f"{r0['wait_fraction'] * 100:.2f}%",
                     f"{r0['max_wait_ms']:.1f} ms", r0["iterations"]])
        if arg_of(name, "workers") == 2:
            doc.summary.append(("Data wait per step (2 workers, 256×256)", f"{r0['wait_fraction'] * 100:.2f}%",
                                "—", "—", "< 2%", verdict(r0["wait_fraction"] < 0.02)))
    doc.table(["workers", "time per step", "waiting for data", "longest wait", "steps"], rows)
