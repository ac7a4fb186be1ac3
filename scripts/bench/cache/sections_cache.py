"""The sections of docs/BENCHMARKS.md about the cache: machine, MD5, attach, load, growth.

Each function reads its part of results.json, adds its lines to the Doc, and
appends its rows to the summary table. Prose comes from template.md.
"""
from .formatting import MB, med, ms, ratio, rng, secs, verdict
from .targets import ATTACH_VARIANTS


def machine(doc):
    m = doc.r["machine"]
    doc.p(*doc.tpl.lines("machine_head"))
    load = ("/".join(f"{x:.1f}" for x in m["load_before"]) + " → " +
            "/".join(f"{x:.1f}" for x in m.get("load_after", m["load_before"])))
    doc.table(["CPU", "cores", "memory", "kernel", "OS", "/dev/shm free", "load avg (1/5/15 min) before → after"],
              [[m.get("cpu", "?"), m["cores"], f"{m['mem_gb']:.1f} GiB", m["kernel"], m.get("os", "?"),
                f"{m['shm_free_gb']:.1f} GB", load]])
    doc.p(*doc.tpl.lines("machine_method"))


def md5(doc):
    d = doc.r.get("md5")
    if not d:
        return
    n = d["bytes"]
    g, m, r = med(d["glint_s"]), med(d["md5sum_s"]), med(d["throughput_ratio"])
    doc.p(*doc.tpl.lines("md5_head"))
    doc.table(["", f"time for {n / MB:.0f} MB, median (min – max)", "throughput", "runs"],
              [["glint::md5_file (OpenSSL EVP, 1 MiB reads)", f"{secs(g)} ({rng(d['glint_s'], secs)})",
                f"{n / g / MB:.0f} MB/s", len(d["glint_s"]["runs"])],
               ["`md5sum FILE` (limit)", f"{secs(m)} ({rng(d['md5sum_s'], secs)})", f"{n / m / MB:.0f} MB/s",
                len(d["md5sum_s"]["runs"])]])
    doc.p(*doc.tpl.lines("md5_verdict", ratio=r, pairs=rng(d["throughput_ratio"], ratio), verdict=verdict(r >= 0.9)))
    doc.summary.append(("MD5 of the seed file", f"{n / g / MB:.0f} MB/s", f"md5sum {n / m / MB:.0f} MB/s",
                        f"{r:.2f}", "≥ 0.9", verdict(r >= 0.9)))


def _attach_row(label, payload, v, x, noop):
    opens = "–" if v.key == "noop" else f"{ms(med(x['open_s']))} ({rng(x['open_s'], ms)})"
    return [f"{label} ({payload / MB:.0f} MB)", v.description,
            f"{ms(med(x['start_to_usable_s']))} ({rng(x['start_to_usable_s'], ms)})",
            ms(med(x["process_cpu_s"])) if "process_cpu_s" in x else "–",
            opens,
            "–" if v.key == "noop" or "open_cpu_s" not in x else ms(med(x["open_cpu_s"])),
            "–" if "touch" not in v.key else ms(med(x["touch_s"])),
            f"{ms(med(x['start_to_usable_s']) - noop)}" if v.key != "noop" else "–",
            len(x["start_to_usable_s"]["runs"])]


def attach(doc):
    a = doc.section("attach", "attach_head")
    if not a:
        return
    rows = []
    for label, row in a.items():
        noop = med(row["noop"]["start_to_usable_s"])
        rows += [_attach_row(label, row["payload_bytes"], v, row[v.key], noop) for v in ATTACH_VARIANTS if row.get(v.key)]
    doc.table(["file", "what", "start → usable (wall), median (min – max)", "process CPU to usable",
               "open_shared (wall)", "open_shared (CPU)", "first touch of all pages (wall)",
               "wall over bare process start", "runs"], rows)
    g = []
    for label, row in a.items():
        for e in row.get("gbench_attach", []):
            if e.get("aggregate_name") == "median":
                g.append([label, e["run_name"], f"{e['real_time'] * 1e-3:.3f} ms" if e["time_unit"] == "us"
                          else f"{e['real_time']} {e['time_unit']}"])
    if g:
        doc.p(*doc.tpl.lines("attach_gbench"))
        doc.table(["file", "benchmark", "open_shared"], g)
    labels = list(a.keys())
    w = [med(a[x]["attach"]["open_s"]) for x in labels]
    c = [med(a[x]["attach"]["open_cpu_s"]) for x in labels]
    flat = (max(w) / min(w)) if min(w) > 0 else float("inf")
    wall_ok, cpu_ok = max(w) < 1e-3 and flat < 2, max(c) < 1e-3
    doc.p(*doc.tpl.lines("attach_verdict", wall=", ".join(f"{x}: {ms(y)}" for x, y in zip(labels, w)),
                         cpu=", ".join(f"{x}: {ms(y)}" for x, y in zip(labels, c)), flat=flat,
                         growth=a[labels[-1]]["payload_bytes"] / a[labels[0]]["payload_bytes"],
                         wall_verdict=verdict(wall_ok), cpu_verdict=verdict(cpu_ok)))
    one = a[labels[-1]]
    lazy = med(one["attach_touch"]["start_to_usable_s"])
    eager = med(one["attach_populate_touch"]["start_to_usable_s"])
    conclusion = doc.tpl.text("populate_pays" if eager < 0.9 * lazy else "populate_does_not_pay")
    doc.p(*doc.tpl.lines("populate", label=labels[-1], open_lazy=ms(med(one["attach"]["open_s"])),
                         open_eager=ms(med(one["attach_populate"]["open_s"])), lazy=ms(lazy), eager=ms(eager),
                         conclusion=conclusion))
    doc.summary.append(("Attach, cache work (second process), wall / CPU",
                        ", ".join(f"{x} {ms(y)} / {ms(z)}" for x, y, z in zip(labels, w, c)),
                        "—", f"{flat:.2f} (size flatness)", "< 1 ms, flat",
                        f"wall {verdict(wall_ok)}, CPU {verdict(cpu_ok)}"))
    doc.summary.append(("Attach, process start → data usable", ms(med(one["attach"]["start_to_usable_s"])),
                        f"bare process {ms(med(one['noop']['start_to_usable_s']))}", "—", "—", ""))


def load(doc):
    ld = doc.section("load", "load_head")
    if not ld:
        return
    rows = []
    for label, d in ld.items():
        rows.append([label, f"{d['file_bytes'] / MB:.0f} MB / {d['payload_bytes'] / MB:.0f} MB",
                     f"{secs(med(d['load_s']))} ({rng(d['load_s'], secs)})",
                     f"{secs(med(d['in_process_s']))}",
                     f"{secs(med(d['cp_s']))} ({rng(d['cp_s'], secs)})",
                     f"**{med(d['load_ratio']):.2f}** ({rng(d['load_ratio'], ratio)})",
                     f"{secs(med(d['cold_s']))} ({rng(d['cold_s'], secs)})",
                     f"{secs(med(d['cold_ref_s']))} ({rng(d['cold_ref_s'], secs)})",
                     f"**{med(d['cold_ratio']):.2f}** ({rng(d['cold_ratio'], ratio)})",
                     len(d["load_s"]["runs"])])
        doc.summary.append((f"First load, {label}", secs(med(d["load_s"])), f"cp {secs(med(d['cp_s']))}",
                            f"{med(d['load_ratio']):.2f}", "≤ 1.0", verdict(med(d["load_ratio"]) <= 1.0)))
        doc.summary.append((f"Cold start (hash + load), {label}", secs(med(d["cold_s"])),
                            f"md5sum+cp {secs(med(d['cold_ref_s']))}", f"{med(d['cold_ratio']):.2f}", "≤ 1.0",
                            verdict(med(d["cold_ratio"]) <= 1.0)))
    doc.table(["file", "file / payload", "load (process)", "load in-process", "cp (limit)", "load / cp", "cold start",
               "md5sum + cp (limit)", "cold / limit", "runs"], rows)


def growth(doc):
    G = doc.section("growth", "growth_head")
    if not G:
        return
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
    doc.summary.append((f"Load at {last['label']} ({last['file_bytes'] / 1e9:.1f} GB)",
                        f"{secs(med(last['load_s']))}", f"cp {secs(med(last['cp_s']))}", f"{r_last:.2f}", "≤ 1.0",
                        verdict(r_last <= 1.0)))
    doc.summary.append((f"Attach, {first['label']} → {last['label']} (cache work, wall)",
                        f"{ms(med(first['attach_open_s']))} → {ms(med(last['attach_open_s']))}", "—",
                        f"{med(last['attach_open_s']) / med(first['attach_open_s']):.2f}", "flat", ""))
    doc.table(["size", "file", "segments", "load", "cp (limit)", "load / cp", "load speed", "attach (cache work)",
               "attach all", "start → usable", "bare process start", "PSS of one attached reader"], rows)
