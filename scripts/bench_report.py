#!/usr/bin/python3
"""Turns bench_run.py's results.json into docs/BENCHMARKS.md and docs/images/*.png.

Usage: bench_report.py results.json --doc docs/BENCHMARKS.md --images docs/images
"""
import argparse
import datetime
import json
import os
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MB = 1e6
MiB = 1024 * 1024


def med(s):
    return s["median"]


def ms(x):
    return f"{x * 1e3:.3f} ms" if x < 0.01 else (f"{x * 1e3:.1f} ms" if x < 10 else f"{x:.1f} s")


def secs(x):
    return f"{x:.3f} s"


def rng(s, fmt):
    return f"{fmt(s['min'])} – {fmt(s['max'])}"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def gb_runs(entries, prefix):
    """Google Benchmark entries -> {run_name: [iteration entries]} for names starting with prefix."""
    out = {}
    for e in entries:
        if e.get("run_type", "iteration") != "iteration" or not e["name"].startswith(prefix):
            continue
        out.setdefault(e.get("run_name", e["name"]), []).append(e)
    return out


def gb_stat(runs, key):
    xs = [r[key] for r in runs]
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": xs}


def arg_of(name, arg):
    for part in name.split("/"):
        if part.startswith(arg + ":"):
            return int(part.split(":")[1])
    return None


ATTACH_ROWS = [
    ("noop", "bare process start (`--noop`)"),
    ("attach_all", "attach all datasets (as shm_manager), populate=false"),
    ("attach", "attach images+heatmaps by name (as the trainer), populate=false"),
    ("attach_populate", "same, populate=true"),
    ("attach_touch", "attach + read every page, populate=false"),
    ("attach_populate_touch", "attach + read every page, populate=true"),
]


FIGURES = [
    ("md5", "1. MD5 throughput"), ("attach", "1. attach"), ("load", "2. first load"),
    ("memory", "3. memory of N processes"), ("loader", "4. loader throughput"),
    ("train_step", "5. training step"), ("train_wait", "4. share of a step waiting for data"),
    ("growth", "6. growth"),
]


class Doc:
    def __init__(self, r, images):
        self.r = r
        self.images = images
        self.lines = []
        self.summary = []  # (figure, measured, limit, ratio, target, verdict)

    def p(self, *lines):
        self.lines.extend(lines)

    def table(self, head, rows):
        self.p("| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|")
        for row in rows:
            self.p("| " + " | ".join(str(c) for c in row) + " |")
        self.p("")

    # ---- sections --------------------------------------------------------
    def machine(self):
        m = self.r["machine"]
        self.p("## Machine", "")
        self.table(["CPU", "cores", "memory", "kernel", "OS", "/dev/shm free", "load avg (1/5/15 min) before → after"],
                   [[m.get("cpu", "?"), m["cores"], f"{m['mem_gb']:.1f} GiB", m["kernel"], m.get("os", "?"),
                     f"{m['shm_free_gb']:.1f} GB",
                     "/".join(f"{x:.1f}" for x in m["load_before"]) + " → " +
                     "/".join(f"{x:.1f}" for x in m.get("load_after", m["load_before"]))]])
        self.p("Every figure is measured next to its physical limit in the same run, interleaved "
               "(glint run, reference run, glint run, ...), so both see the same machine state. "
               "\"Median (min – max)\" is over the runs given; ratios are per interleaved pair.", "")

    def md5(self):
        d = self.r.get("md5")
        if not d:
            return
        n = d["bytes"]
        g, m, ratio = med(d["glint_s"]), med(d["md5sum_s"]), med(d["throughput_ratio"])
        self.p("## 1. Fingerprint", "", "### MD5 throughput (warm page cache)", "")
        self.table(["", f"time for {n / MB:.0f} MB, median (min – max)", "throughput", "runs"],
                   [["glint::md5_file (OpenSSL EVP, 1 MiB reads)", f"{secs(g)} ({rng(d['glint_s'], secs)})",
                     f"{n / g / MB:.0f} MB/s", len(d["glint_s"]["runs"])],
                    ["`md5sum FILE` (limit)", f"{secs(m)} ({rng(d['md5sum_s'], secs)})", f"{n / m / MB:.0f} MB/s",
                     len(d["md5sum_s"]["runs"])]])
        self.p(f"Throughput ratio glint / md5sum: **{ratio:.2f}** (pairs: {rng(d['throughput_ratio'], lambda x: f'{x:.2f}')}); "
               f"target ≥ 0.9: {verdict(ratio >= 0.9)}. Hashing is done once per file version; later "
               "processes read the remembered fingerprint (a stat and a small file read).", "")
        self.summary.append(("MD5 of the seed file", f"{n / g / MB:.0f} MB/s", f"md5sum {n / m / MB:.0f} MB/s",
                             f"{ratio:.2f}", "≥ 0.9", verdict(ratio >= 0.9)))

    def attach(self):
        a = self.r.get("attach")
        if not a:
            return
        self.p("### Attach of a second process (fingerprint remembered, segments loaded)", "",
               "`attach_probe` (bench/attach_probe.cc) is spawned, calls `glint::open_shared` and reports "
               "the CLOCK_MONOTONIC instant its data is usable; the parent took the same clock just before "
               "spawning. *Start → usable* therefore includes fork, exec and dynamic linking; the `--noop` "
               "row is the same binary reporting at once, i.e. the cost of starting any process. "
               "*Cache work* is the time inside `open_shared` (fingerprint lookup, segment checks, mmap).", "")
        rows = []
        for label, row in a.items():
            pay = row["payload_bytes"] / MB
            noop = med(row["noop"]["start_to_usable_s"])
            for name, desc in ATTACH_ROWS:
                x = row.get(name)
                if not x:
                    continue
                rows.append([f"{label} ({pay:.0f} MB)", desc,
                             f"{ms(med(x['start_to_usable_s']))} ({rng(x['start_to_usable_s'], ms)})",
                             ms(med(x["process_cpu_s"])) if "process_cpu_s" in x else "–",
                             "–" if name == "noop" else f"{ms(med(x['open_s']))} ({rng(x['open_s'], ms)})",
                             "–" if name == "noop" or "open_cpu_s" not in x else ms(med(x["open_cpu_s"])),
                             "–" if "touch" not in name else ms(med(x["touch_s"])),
                             f"{ms(med(x['start_to_usable_s']) - noop)}" if name != "noop" else "–",
                             len(x["start_to_usable_s"]["runs"])])
        self.table(["file", "what", "start → usable (wall), median (min – max)", "process CPU to usable",
                    "open_shared (wall)", "open_shared (CPU)", "first touch of all pages (wall)",
                    "wall over bare process start", "runs"], rows)
        g = []
        for label, row in a.items():
            for e in row.get("gbench_attach", []):
                if e.get("aggregate_name") in ("median",):
                    g.append([label, e["run_name"], f"{e['real_time'] * 1e-3:.3f} ms" if e["time_unit"] == "us"
                              else f"{e['real_time']} {e['time_unit']}"])
        if g:
            self.p("In-process (Google Benchmark `cache_bench`, median of repetitions):", "")
            self.table(["file", "benchmark", "open_shared"], g)
        labels = list(a.keys())
        w = [med(a[l]["attach"]["open_s"]) for l in labels]
        c = [med(a[l]["attach"]["open_cpu_s"]) for l in labels]
        worst = max(w)
        flat = (max(w) / min(w)) if min(w) > 0 else float("inf")
        growth = a[labels[-1]]["payload_bytes"] / a[labels[0]]["payload_bytes"]
        self.p(f"Cache work of a second process (trainer's request, populate=false): wall "
               f"{', '.join(f'{l}: {ms(x)}' for l, x in zip(labels, w))}; CPU "
               f"{', '.join(f'{l}: {ms(x)}' for l, x in zip(labels, c))}. Target < 1 ms and flat in size "
               f"(largest/smallest {flat:.2f} for a {growth:.0f}x larger payload): wall {verdict(worst < 1e-3 and flat < 2)}, "
               f"CPU {verdict(max(c) < 1e-3)}. On a machine whose other users keep the run queue long, wall time "
               "includes waiting for a core; the CPU column is what the attach itself costs.", "")
        one = a[labels[-1]]
        lazy = med(one["attach_touch"]["start_to_usable_s"])
        eager = med(one["attach_populate_touch"]["start_to_usable_s"])
        open_lazy, open_eager = med(one["attach"]["open_s"]), med(one["attach_populate"]["open_s"])
        pays = eager < 0.9 * lazy
        self.p(f"**Populate decision** ({labels[-1]} file). Attach alone: {ms(open_lazy)} with populate=false, "
               f"{ms(open_eager)} with populate=true. Attach and then read every page once (start → done): "
               f"{ms(lazy)} without, {ms(eager)} with. "
               + ("Populate pays for a process that reads everything at once (one batched fault-in instead of a "
                  "fault per 16 pages), but it makes every attach proportional to the dataset size; the default "
                  "(populate=false) keeps attach flat, and a trainer spreads its first touches over its first epoch."
                  if pays else
                  "Populate does not pay: it moves the fault cost into the attach (which then grows with the "
                  "dataset) without lowering the total, so the default populate=false is right."), "")
        self.summary.append(("Attach, cache work (second process), wall / CPU",
                             ", ".join(f"{l} {ms(x)} / {ms(y)}" for l, x, y in zip(labels, w, c)),
                             "—", f"{flat:.2f} (size flatness)", "< 1 ms, flat",
                             f"wall {verdict(worst < 1e-3 and flat < 2)}, CPU {verdict(max(c) < 1e-3)}"))
        self.summary.append(("Attach, process start → data usable", ms(med(one["attach"]["start_to_usable_s"])),
                             f"bare process {ms(med(one['noop']['start_to_usable_s']))}", "—", "—", ""))

    def load(self):
        ld = self.r.get("load")
        if not ld:
            return
        self.p("## 2. First load into shared memory (warm page cache)", "",
               "*Load* is `shm_manager --load --h5 FILE` with the fingerprint remembered (the whole process: "
               "start, HDF5 open, segment creation, copy, publish). Its limit is `cp FILE /dev/shm/x`. "
               "*Cold start* adds hashing: `shm_manager --load --rehash` against `md5sum FILE && cp FILE /dev/shm/x`. "
               "Segments are removed and the file re-read into the page cache before every run. "
               "*Load in-process* is `open_shared` alone (Google Benchmark `BM_OpenSharedLoad`).", "")
        rows = []
        for label, d in ld.items():
            rows.append([label, f"{d['file_bytes'] / MB:.0f} MB / {d['payload_bytes'] / MB:.0f} MB",
                         f"{secs(med(d['load_s']))} ({rng(d['load_s'], secs)})",
                         f"{secs(med(d['in_process_s']))}",
                         f"{secs(med(d['cp_s']))} ({rng(d['cp_s'], secs)})",
                         f"**{med(d['load_ratio']):.2f}** ({rng(d['load_ratio'], lambda x: f'{x:.2f}')})",
                         f"{secs(med(d['cold_s']))} ({rng(d['cold_s'], secs)})",
                         f"{secs(med(d['cold_ref_s']))} ({rng(d['cold_ref_s'], secs)})",
                         f"**{med(d['cold_ratio']):.2f}** ({rng(d['cold_ratio'], lambda x: f'{x:.2f}')})",
                         len(d["load_s"]["runs"])])
            self.summary.append((f"First load, {label}", secs(med(d["load_s"])), f"cp {secs(med(d['cp_s']))}",
                                 f"{med(d['load_ratio']):.2f}", "≤ 1.0", verdict(med(d["load_ratio"]) <= 1.0)))
            self.summary.append((f"Cold start (hash + load), {label}", secs(med(d["cold_s"])),
                                 f"md5sum+cp {secs(med(d['cold_ref_s']))}", f"{med(d['cold_ratio']):.2f}", "≤ 1.0",
                                 verdict(med(d["cold_ratio"]) <= 1.0)))
        self.table(["file", "file / payload", "load (process)", "load in-process", "cp (limit)", "load / cp", "cold start", "md5sum + cp (limit)",
                    "cold / limit", "runs"], rows)

    def memory(self):
        m = self.r.get("memory")
        if not m:
            return
        who = ("`train_glint_unet` processes (smallest model, so that an epoch is quick: --base_channels 1 --depth 1 "
               "--batch 4 --threads 1 --num_workers 0; killed after measuring)") if m["use_trainer"] else \
              ("**stand-in** processes (`attach_probe --touch --hold`: attach and read every page, or "
               "`--private`: read the whole file into private memory) because the trainer could not be run")
        ds = m["dataset_bytes"] / 1024
        base = m["no_data_kb"]
        when = ("read once every process had logged its first epoch (it has then read every sample once). "
                if m["use_trainer"] else "read once every process had read every page. ")
        self.p("## 3. Memory of N processes on one file", "",
               f"Total PSS (sum of `Pss` in /proc/PID/smaps_rollup over every process and its children) of N {who}, "
               + when + "Shared pages count once in total PSS, split between "
               f"their users. Dataset payload: {m['dataset_bytes'] / MiB:.0f} MiB "
               f"(file {m['file_bytes'] / MiB:.0f} MiB). One process with no data (measured on a 16-sample file, "
               f"its payload subtracted): {base / 1024:.0f} MiB.", "")
        rows = []
        worst = 0
        for i, n in enumerate(m["N"]):
            sh, pr = m["shared"][i], m["private"][i]
            target = ds + n * base
            ratio = sh["Pss"] / target
            worst = max(worst, ratio)
            rows.append([n, f"{sh['Pss'] / 1024:.0f} MiB", f"{sh.get('Pss_Shmem', 0) / 1024:.0f} MiB",
                         f"{pr['Pss'] / 1024:.0f} MiB", f"{target / 1024:.0f} MiB", f"{ratio:.3f}",
                         f"{(ds * n + n * base) / 1024:.0f} MiB",
                         "" if (sh["steady"] and pr["steady"]) else "not steady"])
        self.table(["N", "shared: total PSS", "of which shmem", "private preload: total PSS",
                    "dataset once + N × no-data", "shared / that", "N × (dataset + no-data)", "note"], rows)
        self.p(f"Target: shared total ≤ dataset once + N × (process with no data), within 5%: worst ratio "
               f"{worst:.3f} → {verdict(worst <= 1.05)}.", "", "![memory vs N](images/memory_vs_n.png)", "")
        self.summary.append(("Memory, 8 processes shared vs private",
                             f"{m['shared'][-1]['Pss'] / MiB * 1024:.0f} MiB",
                             f"private {m['private'][-1]['Pss'] / MiB * 1024:.0f} MiB", f"{worst:.3f} (worst N)",
                             "≤ 1.05 × (dataset + N × base)", verdict(worst <= 1.05)))
        fig, ax = plt.subplots(figsize=(6, 4))
        ns = m["N"]
        tag = "trainer" if m["use_trainer"] else "stand-in"
        ax.plot(ns, [x["Pss"] / 1024 for x in m["shared"]], "o-", label=f"{tag}, shared memory (glint cache)")
        ax.plot(ns, [x["Pss"] / 1024 for x in m["private"]], "s-", label=f"{tag}, private copy")
        ax.plot(ns, [(ds + n * base) / 1024 for n in ns], "k--", lw=1, label="dataset once + N × no-data process")
        ax.set_xlabel("processes on one file (N)")
        ax.set_ylabel("total PSS (MiB)")
        ax.set_xticks(ns)
        ax.set_title("Memory of N processes, seed dataset")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(self.images, "memory_vs_n.png"), dpi=110)
        plt.close(fig)

    def loader(self):
        L = self.r.get("loader")
        if not L:
            return
        runs = gb_runs(L, "BM_LoaderEpoch")
        ceil = gb_runs(L, "BM_MemcpyCeiling")
        c = gb_stat(list(ceil.values())[0], "items_per_second") if ceil else None
        self.p("## 4. Loader throughput", "",
               "`BatchLoader` over the shared-memory source of the seed file: whole shuffled epochs, batch 16, "
               "images float32 → float32, heatmaps float16 → float32, fresh batch tensors, augmentation "
               "(flips + shift ≤ 4 px) off/on. Limit: `memcpy` of the same raw rows (same shuffled order) into one "
               "reused buffer, one thread. Median of 3 repetitions.", "")
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
        self.table(["workers", "augment", "samples/s, median (min – max)", "fraction of memcpy"], rows)
        self.p("![loader throughput](images/loader_throughput.png)", "")
        fig, ax = plt.subplots(figsize=(6, 4))
        for aug, pts in series.items():
            if pts:
                ax.errorbar([w for w, _ in pts], [med(s) for _, s in pts],
                            yerr=[[med(s) - s["min"] for _, s in pts], [s["max"] - med(s) for _, s in pts]],
                            marker="o", capsize=3, label=f"BatchLoader, augment {'on' if aug else 'off'}")
        if c:
            ax.axhline(med(c), color="k", ls="--", lw=1, label="memcpy of the same rows (1 thread)")
        ax.set_xlabel("loader workers (0 = built in next())")
        ax.set_ylabel("samples / second")
        ax.set_xticks([0, 1, 2, 4])
        ax.set_ylim(bottom=0)
        ax.set_title(f"Loader throughput, batch 16, 256×256 ({self.r['machine']['cores']} cores)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(self.images, "loader_throughput.png"), dpi=110)
        plt.close(fig)

    def train(self):
        T = self.r.get("train_step")
        if not T:
            return
        self.p("## 5. Training step", "",
               "Default UNet (`UNetOptions{}`: base_channels 16, depth 3), batch 16, focal loss, Adam, "
               "forward + backward + optimiser step on random data, torch threads = cores, the trainer's "
               "malloc tuning applied.", "")
        rows = []
        self.step = {}
        for name, rs in gb_runs(T, "BM_TrainStep/").items():
            size = arg_of(name, "size")
            s = gb_stat(rs, "real_time")
            t = med(s) / 1e3
            self.step[size] = t
            rows.append([f"{size}×{size}", f"{t * 1e3:.0f} ms", f"{16 / t:.1f}", rs[0]["iterations"],
                         int(rs[0].get("threads", 0))])
        self.table(["input", "time per step (mean over iterations)", "samples/s", "iterations", "torch threads"], rows)
        W = self.r.get("train_wait")
        if W:
            self.p("### Share of a step spent waiting for data", "",
                   "Steps at 256×256 fed by the BatchLoader (shuffle + augmentation); `wait_fraction` = total "
                   "time `next()` blocked / wall time (`LoaderStats`).", "")
            rows = []
            for name, rs in gb_runs(W, "BM_TrainStepWithLoader").items():
                r0 = rs[0]
                rows.append([arg_of(name, "workers"), f"{r0['real_time']:.0f} ms", f"{r0['wait_fraction'] * 100:.2f}%",
                             f"{r0['max_wait_ms']:.1f} ms", r0["iterations"]])
                if arg_of(name, "workers") == 2:
                    self.summary.append(("Data wait per step (2 workers, 256×256)", f"{r0['wait_fraction'] * 100:.2f}%",
                                         "—", "—", "< 2%", verdict(r0["wait_fraction"] < 0.02)))
            self.table(["workers", "time per step", "waiting for data", "longest wait", "steps"], rows)

    def growth(self):
        G = self.r.get("growth")
        if not G:
            return
        self.p("## 6. Growth with dataset size", "",
               "Load = `shm_manager --load` (fingerprint remembered, warm page cache) against `cp` of the same file; "
               "attach = `open_shared` in a second process; memory = PSS of one process that attached and read "
               "every page. Attach asks for images and heatmaps by name, as the trainer does; *attach all* asks for every "
               "dataset, as `shm_manager` does, which opens the HDF5 file to list them. "
               "The 10x file is generated for this run and deleted after.", "")
        rows = []
        for g in G:
            rows.append([g["label"], f"{g['file_bytes'] / MB:.0f} MB", f"{g['segment_bytes'] / MB:.0f} MB",
                         f"{secs(med(g['load_s']))} ({rng(g['load_s'], secs)})", f"{secs(med(g['cp_s']))}",
                         f"{med(g['load_s']) / med(g['cp_s']):.2f}",
                         f"{g['file_bytes'] / med(g['load_s']) / 1e9:.2f} GB/s",
                         f"{ms(med(g['attach_open_s']))} ({rng(g['attach_open_s'], ms)})",
                         ms(med(g["attach_all_open_s"])) if "attach_all_open_s" in g else "–",
                         f"{ms(med(g['start_to_usable_s']))}", f"{ms(med(g['noop_s']))}",
                         f"{g['pss_kb'] / 1024:.0f} MiB"])
        first, last = G[0], G[-1]
        r_last = med(last["load_s"]) / med(last["cp_s"])
        self.summary.append((f"Load at {last['label']} ({last['file_bytes'] / 1e9:.1f} GB)",
                             f"{secs(med(last['load_s']))}", f"cp {secs(med(last['cp_s']))}", f"{r_last:.2f}", "≤ 1.0",
                             verdict(r_last <= 1.0)))
        self.summary.append((f"Attach, {first['label']} → {last['label']} (cache work, wall)",
                             f"{ms(med(first['attach_open_s']))} → {ms(med(last['attach_open_s']))}", "—",
                             f"{med(last['attach_open_s']) / med(first['attach_open_s']):.2f}", "flat", ""))
        self.table(["size", "file", "segments", "load", "cp (limit)", "load / cp", "load speed", "attach (cache work)", "attach all",
                    "start → usable", "bare process start", "PSS of one attached reader"], rows)

    def render(self, notes_extra):
        head = ["# Benchmarks", "",
                f"Generated by `scripts/run_benchmarks.sh` on {datetime.date.today().isoformat()} "
                f"(run time {self.r['wall_s'] / 60:.1f} min). Do not edit by hand: rerun the script.", ""]
        body = self.lines
        self.lines = []
        self.p("## Summary", "")
        self.table(["figure", "measured", "limit (same run)", "ratio", "target", ""],
                   [list(x) for x in self.summary])
        summary = self.lines
        self.lines = []
        notes = list(self.r.get("notes", []))
        missing = [title for key, title in FIGURES if not self.r.get(key)]
        if missing:
            notes.append("**Not measured in this run:** " + "; ".join(missing) +
                         " (the programs they need were not built; see the script's output).")
        notes += notes_extra
        notes = list(dict.fromkeys(notes))  # merged runs repeat notes
        self.p("## Notes and analysis", "")
        for n in notes:
            self.p(f"- {n}")
        self.p("", "## Commands run", "", "```")
        seen = set()
        for c in self.r["commands"]:
            if c not in seen:
                seen.add(c)
                self.p(c)
        self.p("```", "")
        return "\n".join(head + summary + body + self.lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--doc", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--notes", default="", help="a file of extra analysis notes, one per paragraph")
    args = ap.parse_args()
    with open(args.results) as f:
        r = json.load(f)
    os.makedirs(args.images, exist_ok=True)
    d = Doc(r, args.images)
    d.machine()
    d.md5()
    d.attach()
    d.load()
    d.memory()
    d.loader()
    d.train()
    d.growth()
    extra = []
    if args.notes and os.path.exists(args.notes):
        with open(args.notes) as f:
            extra = [p.strip().replace("\n", " ") for p in f.read().split("\n\n") if p.strip()]
    # The "## More figures" section links the other benchmark scripts'
    # documents; it is kept from the previous file.
    more = ""
    if os.path.exists(args.doc):
        with open(args.doc) as f:
            old = f.read()
        if "\n## More figures" in old:
            more = old[old.index("\n## More figures"):]
    with open(args.doc, "w") as f:
        f.write(d.render(extra).rstrip("\n") + "\n" + more)


if __name__ == "__main__":
    main()
