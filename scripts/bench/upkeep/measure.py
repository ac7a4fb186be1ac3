"""The figures of docs/benchmarks/cache_upkeep.md, one function each."""
import json
import mmap
import os
import subprocess
import sys
import time

from ..util import log, spread
from .context import seg_bytes, segments

SCRIPTS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


# ---- 1. deflate load ---------------------------------------------------------
def _deflate_rounds(b, h5, shm, reps):
    """Wall and CPU seconds of each kind of load, interleaved (the order flips every round)."""
    wall = {"now": [], "zlib": [], "cp": []}
    cpu = {"now": [], "zlib": [], "cp": []}
    zlib_env = dict(b.env, GLINT_INFLATE="zlib")
    dst = os.path.join(shm, "cp_reference")
    for i in range(reps):
        for kind in (["now", "zlib", "cp"] if i % 2 == 0 else ["cp", "zlib", "now"]):
            b.warm(h5)
            if kind == "cp":
                t, c = b.timed_cpu(["cp", h5, dst])
                os.unlink(dst)
            else:
                t, c = b.timed_cpu([b.bin("shm_manager"), "--load", "--h5", h5, "--shm-dir", shm],
                                   env=zlib_env if kind == "zlib" else None)
                b.cleanup(h5, shm)
            wall[kind].append(t)
            cpu[kind].append(c)
        log(f"deflate rep {i + 1}/{reps}: now {wall['now'][-1]:.3f} s, zlib {wall['zlib'][-1]:.3f} s, "
            f"cp {wall['cp'][-1]:.3f} s")
    return wall, cpu


def deflate(b, shm, reps):
    """libdeflate against zlib against `cp` of the compressed seed-size file; then the attach figure."""
    h5 = b.make(os.path.join(b.work, "seed_deflate.h5"), "--compress")
    b.load(h5, shm)  # remembers the MD5: the loads below measure loading only
    b.cleanup(h5, shm)
    wall, cpu = _deflate_rounds(b, h5, shm, reps)
    now, zlib, cp = wall["now"], wall["zlib"], wall["cp"]
    b.load(h5, shm)
    payload = seg_bytes(shm)
    return {"cpu_now": spread(cpu["now"]), "cpu_zlib": spread(cpu["zlib"]), "cpu_cp": spread(cpu["cp"]),
            "attach": attach(b, shm, h5, reps), "file_bytes": os.path.getsize(h5), "payload_bytes": payload,
            "now": spread(now), "zlib": spread(zlib), "cp": spread(cp),
            "now_vs_cp": spread([a / c for a, c in zip(now, cp)]),
            "zlib_vs_cp": spread([a / c for a, c in zip(zlib, cp)]),
            "zlib_vs_now": spread([z / a for a, z in zip(now, zlib)])}


def attach(b, shm, h5, reps):
    """Cache work of a second process's attach: lock, last-use record, checks, mmap."""
    out = os.path.join(b.work, "attach.json")
    env = dict(b.env, GLINT_BENCH_H5=h5, GLINT_BENCH_SHM_DIR=shm, GLINT_BENCH_STORE=os.path.join(b.work, "store"))
    b.run([b.bin("cache_bench"), "--benchmark_filter=BM_OpenSharedAttach/populate:0/named:1$",
           f"--benchmark_repetitions={reps}", f"--benchmark_out={out}", "--benchmark_out_format=json"], env=env)
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


def regenerations(b, shm, reclaim):
    """20 versions of one file loaded in turn, version 7 held mapped; then it is released and a 21st loads."""
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
def sweep_in_tmpfs(b):
    """Runs sweep_child in a private mount namespace with a tmpfs that holds two of three files."""
    files = [b.make(os.path.join(b.work, f"part{i}.h5"), "--count", "196", "--seed", str(50 + i)) for i in range(3)]
    path = os.pathsep.join(filter(None, [SCRIPTS, b.env.get("PYTHONPATH")]))
    results = {}
    for mode, flags in (("make room (now)", []), ("no eviction (before)", ["--no-make-room"])):
        cmd = ["unshare", "-m", "--propagation", "private", sys.executable, "-m", "bench.upkeep.run",
               "--build", b.build, "--work", b.work, "--sweep-child", ",".join(files),
               "--sweep-flags=" + (" ".join(flags) or "-")]
        r = subprocess.run(cmd, env=dict(b.env, PYTHONPATH=path), capture_output=True, text=True)
        if r.returncode != 0:
            return {"skipped": (r.stderr.strip().splitlines() or ["unshare failed"])[-1]}
        shared, failed = (int(x) for x in r.stdout.split())
        results[mode] = {"shared": shared, "failed": failed}
    results["file_bytes"] = os.path.getsize(files[0])
    return results


def sweep_child(b, files, flags, shm):
    """Three passes over the files in a tmpfs at shm with room for two: prints the loads shared and failed."""
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
