"""The figures of docs/benchmarks/cache_upkeep.md (run by scripts/bench_cache_upkeep.sh)."""
import argparse
import mmap
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def log(msg):
    print(f"[bench_cache_upkeep] {msg}", file=sys.stderr, flush=True)


def load_avg():
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def spread(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def fmt(s, unit="s", scale=1.0, digits=3):
    return f"{s['median'] * scale:.{digits}f} {unit} ({s['min'] * scale:.{digits}f}–{s['max'] * scale:.{digits}f})"


class Bench:
    def __init__(self, build, work):
        self.build, self.work = build, work
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
        self.env.pop("GLINT_MAX_SHM", None)
        self.env.pop("GLINT_INFLATE", None)

    def bin(self, name):
        return os.path.join(self.build, "bin", name)

    def run(self, cmd, env=None, check=True):
        return subprocess.run(cmd, env=env or self.env, check=check, capture_output=True, text=True)

    def timed(self, cmd, env=None):
        t0 = time.perf_counter()
        self.run(cmd, env=env)
        return time.perf_counter() - t0

    def timed_cpu(self, cmd, env=None):
        """Wall seconds and CPU seconds (user + system) of one child process."""
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = self.timed(cmd, env=env)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)

    def warm(self, path):
        with open(path, "rb") as f:
            while f.read(8 << 20):
                pass

    def make(self, path, *opts):
        self.run([self.bin("make_glint_dataset"), path, "--preset", "seed", "--quiet", *opts])
        return path

    def load(self, h5, shm, *flags, env=None):
        return self.run([self.bin("shm_manager"), "--load", "--h5", h5, "--shm-dir", shm, *flags], env=env,
                        check=False)

    def cleanup(self, h5, shm):
        self.run([self.bin("shm_manager"), "--cleanup", "--h5", h5, "--shm-dir", shm])


def segments(shm):
    return sorted(n for n in os.listdir(shm) if n.startswith("glint_") and not n.endswith(".lock"))


def seg_bytes(shm):
    return sum(os.path.getsize(os.path.join(shm, n)) for n in segments(shm))


# ---- 1. deflate load ---------------------------------------------------------
def bench_deflate(b, shm, reps):
    h5 = b.make(os.path.join(b.work, "seed_deflate.h5"), "--compress")
    size = os.path.getsize(h5)
    mgr = b.bin("shm_manager")
    zlib_env = dict(b.env, GLINT_INFLATE="zlib")
    b.load(h5, shm)  # remembers the MD5: the loads below measure loading only
    b.cleanup(h5, shm)
    now, zlib, cp = [], [], []
    cpu = {"now": [], "zlib": [], "cp": []}
    dst = os.path.join(shm, "cp_reference")
    for i in range(reps):
        for kind in (["now", "zlib", "cp"] if i % 2 == 0 else ["cp", "zlib", "now"]):
            b.warm(h5)
            if kind == "cp":
                t, c = b.timed_cpu(["cp", h5, dst])
                cp.append(t)
                os.unlink(dst)
            else:
                t, c = b.timed_cpu([mgr, "--load", "--h5", h5, "--shm-dir", shm],
                                   env=zlib_env if kind == "zlib" else None)
                (zlib if kind == "zlib" else now).append(t)
                b.cleanup(h5, shm)
            cpu[kind].append(c)
        log(f"deflate rep {i + 1}/{reps}: now {now[-1]:.3f} s, zlib {zlib[-1]:.3f} s, cp {cp[-1]:.3f} s")
    b.load(h5, shm)
    payload = seg_bytes(shm)
    attach = bench_attach(b, shm, h5, reps)
    return {"cpu_now": spread(cpu["now"]), "cpu_zlib": spread(cpu["zlib"]), "cpu_cp": spread(cpu["cp"]),
            "attach": attach, "file_bytes": size, "payload_bytes": payload, "now": spread(now), "zlib": spread(zlib), "cp": spread(cp),
            "now_vs_cp": spread([a / c for a, c in zip(now, cp)]),
            "zlib_vs_cp": spread([a / c for a, c in zip(zlib, cp)]),
            "zlib_vs_now": spread([z / a for a, z in zip(now, zlib)])}


def bench_attach(b, shm, h5, reps):
    """Cache work of a second process's attach: lock, last-use record, checks, mmap."""
    out = os.path.join(b.work, "attach.json")
    env = dict(b.env, GLINT_BENCH_H5=h5, GLINT_BENCH_SHM_DIR=shm, GLINT_BENCH_STORE=os.path.join(b.work, "store"))
    b.run([b.bin("cache_bench"), "--benchmark_filter=BM_OpenSharedAttach/populate:0/named:1$",
           f"--benchmark_repetitions={reps}", f"--benchmark_out={out}", "--benchmark_out_format=json"], env=env)
    import json
    with open(out) as f:
        runs = [x for x in json.load(f)["benchmarks"] if x.get("run_type") == "iteration"]
    b.cleanup(h5, shm)
    unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    return spread([x["real_time"] * unit[x.get("time_unit", "ns")] for x in runs])


# ---- 2. twenty regenerations ---------------------------------------------------
class Holder:
    """Maps every segment of one version read-only, as a running trainer would."""

    def __init__(self, shm, names):
        self.maps = []
        for n in names:
            with open(os.path.join(shm, n), "rb") as f:
                self.maps.append(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))

    def close(self):
        for m in self.maps:
            m.close()


def bench_regenerations(b, shm, reclaim):
    h5 = os.path.join(b.work, "sweep.h5")
    flags = [] if reclaim else ["--no-reclaim"]
    holder, load_s = None, []
    for v in range(1, 21):
        b.make(h5, "--count", "98", "--seed", str(v), "--force")
        t = time.perf_counter()
        r = b.load(h5, shm, *flags)
        load_s.append(time.perf_counter() - t)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        if v == 7:  # a long training keeps version 7 mapped
            md5 = next(l.split()[1] for l in r.stdout.splitlines() if l.startswith("MD5:"))
            holder = Holder(shm, [n for n in segments(shm) if n[6:38] == md5])
    names = segments(shm)
    out = {"segments": len(names), "versions": len({n[6:38] for n in names}), "bytes": seg_bytes(shm),
           "load_s": spread(load_s)}
    holder.close()
    b.make(h5, "--count", "98", "--seed", "21", "--force")
    b.load(h5, shm, *flags)
    out["after_release_versions"] = len({n[6:38] for n in segments(shm)})
    out["after_release_bytes"] = seg_bytes(shm)
    b.run([b.bin("shm_manager"), "--cleanup-all", "--shm-dir", shm])
    return out


# ---- 3. a sweep over files that exceed shared memory ---------------------------
def bench_sweep_in_tmpfs(b, args):
    """Runs itself in a private mount namespace with a tmpfs that holds two of three files."""
    files = [b.make(os.path.join(b.work, f"part{i}.h5"), "--count", "196", "--seed", str(50 + i)) for i in range(3)]
    results = {}
    for mode, flags in (("make room (now)", []), ("no eviction (before)", ["--no-make-room"])):
        cmd = ["unshare", "-m", "--propagation", "private", sys.executable, os.path.abspath(__file__),
               "--build", b.build, "--work", b.work, "--sweep-child", ",".join(files),
               "--sweep-flags=" + (" ".join(flags) or "-")]
        r = subprocess.run(cmd, env=b.env, capture_output=True, text=True)
        if r.returncode != 0:
            return {"skipped": (r.stderr.strip().splitlines() or ["unshare failed"])[-1]}
        shared, failed = (int(x) for x in r.stdout.split())
        results[mode] = {"shared": shared, "failed": failed}
    results["file_bytes"] = os.path.getsize(files[0])
    return results


def sweep_child(args):
    b = Bench(args.build, args.work)
    files = args.sweep_child.split(",")
    flags = [] if args.sweep_flags == "-" else args.sweep_flags.split()
    shm = tempfile.mkdtemp(dir=args.work)
    # Segments take about the size of their (uncompressed) file: room for two, not three.
    size = int(2.3 * os.path.getsize(files[0]))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "glint-bench", shm], check=True)
    shared = failed = 0
    for _ in range(3):  # three passes of a sweep over the files, one training at a time
        for f in files:
            r = b.load(f, shm, *flags)
            if r.returncode == 0:
                shared += 1
            elif "not enough shared memory" in r.stderr:
                failed += 1
            else:
                raise RuntimeError(r.stderr)
    print(shared, failed)


# ---- report ----------------------------------------------------------------------
def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}"


def write(out, d, regen, regen_off, sweep, cmd, loads):
    mb = lambda x: f"{x / 2**20:.1f} MiB"
    lines = [
        "# Cache upkeep and compressed loads",
        "",
        f"Written by `{cmd}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{machine()}; load average before / after: {loads[0]} / {loads[1]} (other jobs shared the machine: "
        "compare the ratios, measured side by side, interleaved, in one run). Release build, default allocator; "
        "the cache decodes chunks on one thread per core.",
        "",
        "## Deflate load of the seed-size file",
        "",
        f"`make_glint_dataset seed_deflate.h5 --preset seed --compress` ({mb(d['file_bytes'])} compressed, "
        f"{mb(d['payload_bytes'])} in shared memory). Each figure is a whole `shm_manager --load` process "
        "(MD5 remembered, file in the page cache), or `cp` of the compressed file into the same directory; "
        f"median (min–max) of {d['now']['n']} interleaved runs.",
        "",
        "| | wall time | ÷ `cp` of the compressed file | CPU time (user + system, all threads) |",
        "|---|---|---|---|",
        f"| libdeflate (now) | {fmt(d['now'])} | {fmt(d['now_vs_cp'], '×', digits=1)} | {fmt(d['cpu_now'])} |",
        f"| zlib (before; `GLINT_INFLATE=zlib`) | {fmt(d['zlib'])} | {fmt(d['zlib_vs_cp'], '×', digits=1)} | "
        f"{fmt(d['cpu_zlib'])} |",
        f"| `cp` | {fmt(d['cp'])} | 1 | {fmt(d['cpu_cp'])} |",
        "",
        f"zlib ÷ libdeflate, run by run: {fmt(d['zlib_vs_now'], '×', digits=2)}. Target: ≤ 4× `cp`.",
        "",
        "## Attach",
        "",
        "Cache work of a second process attaching to the images and heatmaps of that file "
        "(`cache_bench --benchmark_filter=BM_OpenSharedAttach/populate:0/named:1`: remembered MD5, the segment's "
        "shared lock, its last-use record, header and trailer checks, mmap), median (min–max) of "
        f"{d['attach']['n']} repetitions: {fmt(d['attach'], 'ms', 1e3, 3)}. Target: today's cost, "
        "0.14–0.16 ms on an idle machine (docs/BENCHMARKS.md).",
        "",
        "## 20 regenerations of a file in a sweep",
        "",
        "`make_glint_dataset sweep.h5 --preset seed --count 98 --seed V` for V = 1..20, each followed by "
        "`shm_manager --load --h5 sweep.h5` (a new MD5 each time); version 7 stays mapped by another process "
        "(as a long training would keep it) until the end, then a 21st version is loaded.",
        "",
        "| | versions in shared memory after 20 | bytes | after the holder exits and version 21 loads |",
        "|---|---|---|---|",
        f"| reclaim (now) | {regen['versions']} | {mb(regen['bytes'])} | {regen['after_release_versions']} "
        f"({mb(regen['after_release_bytes'])}) |",
        f"| `--no-reclaim` (before) | {regen_off['versions']} | {mb(regen_off['bytes'])} | "
        f"{regen_off['after_release_versions']} ({mb(regen_off['after_release_bytes'])}) |",
        "",
        f"Load of each version, with reclaim: {fmt(regen['load_s'])}; without: {fmt(regen_off['load_s'])}.",
        "Target: one version plus only what is still mapped.",
        "",
        "## A sweep over files that together exceed shared memory",
        "",
    ]
    if "skipped" in sweep:
        lines.append(f"Not measured: {sweep['skipped']} (needs root for a private tmpfs).")
    else:
        lines += [
            f"Three files of {mb(sweep['file_bytes'])} (`--count 196`), a private tmpfs that holds two; three passes "
            "of a sweep load them one after the other (`shm_manager --load`, each process exits before the next).",
            "",
            "| | loads shared | loads that fail for lack of room (a trainer falls back to a private copy) |",
            "|---|---|---|",
        ]
        for mode in ("make room (now)", "no eviction (before)"):
            lines.append(f"| {mode} | {sweep[mode]['shared']} | {sweep[mode]['failed']} |")
    lines.append("")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(lines))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--out")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--sweep-child")
    p.add_argument("--sweep-flags", default="-")
    args = p.parse_args()
    if args.sweep_child:
        return sweep_child(args)
    b = Bench(args.build, args.work)
    before = load_avg()
    shm = tempfile.mkdtemp(prefix="glint_upkeep_bench.", dir="/dev/shm")
    try:
        d = bench_deflate(b, shm, args.reps)
        regen = bench_regenerations(b, shm, reclaim=True)
        regen_off = bench_regenerations(b, shm, reclaim=False)
        log(f"regenerations: {regen['versions']} versions with reclaim, {regen_off['versions']} without")
        sweep = bench_sweep_in_tmpfs(b, args)
        log(f"sweep: {sweep}")
    finally:
        shutil.rmtree(shm, ignore_errors=True)
    write(args.out, d, regen, regen_off, sweep, "bash scripts/bench_cache_upkeep.sh" +
          (f" --reps {args.reps}" if args.reps != 5 else ""), (before, load_avg()))


if __name__ == "__main__":
    main()
