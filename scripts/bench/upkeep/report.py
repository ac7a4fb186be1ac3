"""docs/benchmarks/cache_upkeep.md from the figures of measure.py."""
import time

from ..page import Page
from ..util import fmt


def mb(x):
    return f"{x / 2**20:.1f} MiB"


def head(page, cmd, m, loads):
    page.p("# Cache upkeep and compressed loads", "",
           f"Written by `{cmd}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
           f"{m['cores']} cores ({m['cpu']}), Linux {m['kernel']}; load average before / after: {loads[0]} / "
           f"{loads[1]} (other jobs shared the machine: compare the ratios, measured side by side, interleaved, in "
           "one run). Release build, default allocator; the cache decodes chunks on one thread per core.", "")


def deflate(page, d):
    page.p("## Deflate load of the seed-size file", "",
           f"`make_glint_dataset seed_deflate.h5 --preset seed --compress` ({mb(d['file_bytes'])} compressed, "
           f"{mb(d['payload_bytes'])} in shared memory). Each figure is a whole `shm_manager --load` process "
           "(MD5 remembered, file in the page cache), or `cp` of the compressed file into the same directory; "
           f"median (min–max) of {len(d['now']['runs'])} interleaved runs.", "")
    page.table(["", "wall time", "÷ `cp` of the compressed file", "CPU time (user + system, all threads)"], [
        ["libdeflate (now)", fmt(d["now"], "s"), fmt(d["now_vs_cp"], "×", digits=1), fmt(d["cpu_now"], "s")],
        ["zlib (before; `GLINT_INFLATE=zlib`)", fmt(d["zlib"], "s"), fmt(d["zlib_vs_cp"], "×", digits=1),
         fmt(d["cpu_zlib"], "s")],
        ["`cp`", fmt(d["cp"], "s"), 1, fmt(d["cpu_cp"], "s")]])
    page.p(f"zlib ÷ libdeflate, run by run: {fmt(d['zlib_vs_now'], '×', digits=2)}. Target: ≤ 4× `cp`.", "")


def attach(page, d):
    page.p("## Attach", "",
           "Cache work of a second process attaching to the images and heatmaps of that file "
           "(`cache_bench --benchmark_filter=BM_OpenSharedAttach/populate:0/named:1`: remembered MD5, the segment's "
           "shared lock, its last-use record, header and trailer checks, mmap), median (min–max) of "
           f"{len(d['attach']['runs'])} repetitions: {fmt(d['attach'], 'ms', 1e3, 3)}. Target: today's cost, "
           "0.14–0.16 ms on an idle machine (docs/BENCHMARKS.md).", "")


def regenerations(page, regen, regen_off):
    page.p("## 20 regenerations of a file in a sweep", "",
           "`make_glint_dataset sweep.h5 --preset seed --count 98 --seed V` for V = 1..20, each followed by "
           "`shm_manager --load --h5 sweep.h5` (a new MD5 each time); version 7 stays mapped by another process "
           "(as a long training would keep it) until the end, then a 21st version is loaded.", "")
    rows = [[label, r["versions"], mb(r["bytes"]), f"{r['after_release_versions']} ({mb(r['after_release_bytes'])})"]
            for label, r in (("reclaim (now)", regen), ("`--no-reclaim` (before)", regen_off))]
    page.table(["", "versions in shared memory after 20", "bytes", "after the holder exits and version 21 loads"],
               rows)
    page.p(f"Load of each version, with reclaim: {fmt(regen['load_s'], 's')}; "
           f"without: {fmt(regen_off['load_s'], 's')}.",
           "Target: one version plus only what is still mapped.", "")


def sweep(page, s):
    page.p("## A sweep over files that together exceed shared memory", "")
    if "skipped" in s:
        page.p(f"Not measured: {s['skipped']} (needs root for a private tmpfs).", "")
        return
    page.p(f"Three files of {mb(s['file_bytes'])} (`--count 196`), a private tmpfs that holds two; three passes "
           "of a sweep load them one after the other (`shm_manager --load`, each process exits before the next).", "")
    modes = ("make room (now)", "no eviction (before)")
    page.table(["", "loads shared", "loads that fail for lack of room (a trainer falls back to a private copy)"],
               [[mode, s[mode]["shared"], s[mode]["failed"]] for mode in modes])


def render(r, cmd):
    """The page of one run's results r (deflate, regen, regen_off, sweep, machine, loads)."""
    page = Page()
    head(page, cmd, r["machine"], r["loads"])
    deflate(page, r["deflate"])
    attach(page, r["deflate"])
    regenerations(page, r["regen"], r["regen_off"])
    sweep(page, r["sweep"])
    return page
