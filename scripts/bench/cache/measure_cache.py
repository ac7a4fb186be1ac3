"""Figures of the cache itself: MD5, attach, first load, growth with size."""
import os
import statistics
import subprocess

from ..procs import pss_kb
from ..util import log, spread
from .targets import ATTACH_VARIANTS


def fingerprint(b, seed):
    """Figure 1: glint's MD5 of the seed file against md5sum, interleaved."""
    b.warm(seed)
    size = os.path.getsize(seed)
    glint_t, ref_t = [], []
    for _ in range(b.reps):
        glint_t.append(b.probe(seed, "--md5")[1]["open_ns"] / 1e9)
        ref_t.append(b.timed(["md5sum", seed]))
    b.command(f"md5sum {seed}")
    b.command(f"attach_probe --md5 --h5 {seed}")
    ratios = [r / g for g, r in zip(glint_t, ref_t)]
    b.results["md5"] = {"bytes": size, "glint_s": spread(glint_t), "md5sum_s": spread(ref_t),
                        "throughput_ratio": spread(ratios)}
    log(f"md5: glint {size / statistics.median(glint_t) / 1e6:.0f} MB/s, "
        f"md5sum {size / statistics.median(ref_t) / 1e6:.0f} MB/s")


def attach(b, files):
    """Figure 1: a second process attaching, each variant of ATTACH_VARIANTS."""
    out = {}
    named = ["--datasets", "images,heatmaps"]
    for label, h5 in files:
        b.warm(h5)
        b.run([b.bin("shm_manager"), "--load", "--h5", h5, "--shm-dir", b.shm], record=True)
        n = 5 if b.quick else 11
        row = {"payload_bytes": b.segment_bytes()}
        for v in ATTACH_VARIANTS:
            flags = [x for f in v.flags for x in (named if f == "NAMED" else [f])]
            starts, opens, touches, cpus, open_cpus = [], [], [], [], []
            for _ in range(n):
                s, info = b.probe(h5, *flags)
                starts.append(s)
                opens.append(info["open_ns"] / 1e9)
                touches.append(info["touch_ns"] / 1e9)
                cpus.append(info["cpu_ns"] / 1e9)
                open_cpus.append(info["open_cpu_ns"] / 1e9)
            row[v.key] = {"start_to_usable_s": spread(starts), "open_s": spread(opens), "touch_s": spread(touches),
                          "process_cpu_s": spread(cpus), "open_cpu_s": spread(open_cpus)}
        gb = b.gbench("cache_bench", "BM_OpenSharedAttach/populate:0", reps=b.reps,
                      extra_env={"GLINT_BENCH_H5": h5})
        row["gbench_attach"] = [x for x in gb if x.get("run_type") == "aggregate"]
        out[label] = row
        b.cleanup_segments(h5)
        log(f"attach {label}: open {statistics.median(row['attach']['open_s']['runs']) * 1e3:.3f} ms")
    b.results["attach"] = out


def load(b, label, h5):
    """Figure 2: first load (and cold start with hashing) against cp (and md5sum + cp)."""
    size = os.path.getsize(h5)
    dst = os.path.join(b.shm, "cp_reference")
    mgr = b.bin("shm_manager")
    loads, cps, cold, cold_ref = [], [], [], []
    b.load_segments(h5)  # remembers the fingerprint
    reps = b.reps if label == "contiguous" else 3  # decompression is slow
    for _ in range(reps):
        b.cleanup_segments(h5)
        b.warm(h5)
        loads.append(b.timed([mgr, "--load", "--h5", h5, "--shm-dir", b.shm]))
        payload = b.segment_bytes()
        b.warm(h5)
        cps.append(b.timed(["cp", h5, dst]))
        os.unlink(dst)
        b.cleanup_segments(h5)
        b.warm(h5)
        cold.append(b.timed([mgr, "--load", "--rehash", "--h5", h5, "--shm-dir", b.shm]))
        b.cleanup_segments(h5)
        b.warm(h5)
        cold_ref.append(b.timed(f"md5sum '{h5}' >/dev/null && cp '{h5}' '{dst}'", shell=True))
        os.unlink(dst)
    for c in (f"shm_manager --load --h5 {h5} --shm-dir DIR", f"shm_manager --load --rehash --h5 {h5} --shm-dir DIR",
              f"cp {h5} DIR/x", f"md5sum {h5} && cp {h5} DIR/x"):
        b.command(c)
    inproc = b.gbench("cache_bench", "BM_OpenSharedLoad", reps=reps, extra_env={"GLINT_BENCH_H5": h5})
    b.cleanup_segments(h5)
    b.results.setdefault("load", {})[label] = {
        "in_process_s": spread([x["real_time"] / 1e3 for x in inproc if x.get("run_type") == "iteration"]),
        "file_bytes": size, "payload_bytes": payload,
        "load_s": spread(loads), "cp_s": spread(cps),
        "load_ratio": spread([a / c for a, c in zip(loads, cps)]),
        "cold_s": spread(cold), "cold_ref_s": spread(cold_ref),
        "cold_ratio": spread([a / c for a, c in zip(cold, cold_ref)]),
    }
    log(f"load {label}: {statistics.median(loads):.3f} s vs cp {statistics.median(cps):.3f} s; "
        f"cold {statistics.median(cold):.3f} s vs {statistics.median(cold_ref):.3f} s")


def _held_reader_pss(b, h5):
    """PSS of one process that attached the trainer's datasets and read every page."""
    p = subprocess.Popen([b.bin("attach_probe"), "--h5", h5, "--shm-dir", b.shm, "--datasets", "images,heatmaps",
                          "--touch", "--hold"],
                         env=b.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    p.stdout.readline()
    pss = pss_kb(p.pid)
    p.stdin.close()
    p.wait()
    return pss


def growth(b, files):
    """Figure 6: load, attach and memory for files of growing size."""
    rows = []
    for label, h5, temporary in files:
        b.warm(h5)
        size = os.path.getsize(h5)
        reps = 3 if size > 1e9 else b.reps
        b.load_segments(h5)  # fingerprint
        loads, cps = [], []
        dst = os.path.join(b.shm, "cp_reference")
        for _ in range(reps):
            b.cleanup_segments(h5)
            b.warm(h5)
            loads.append(b.timed([b.bin("shm_manager"), "--load", "--h5", h5, "--shm-dir", b.shm]))
            b.warm(h5)
            cps.append(b.timed(["cp", h5, dst]))
            os.unlink(dst)
        seg = b.segment_bytes()
        starts, opens = [], []
        for _ in range(9):
            s, info = b.probe(h5, "--datasets", "images,heatmaps")
            starts.append(s)
            opens.append(info["open_ns"] / 1e9)
        noop = [b.probe(h5, "--noop")[0] for _ in range(9)]
        all_opens = [b.probe(h5)[1]["open_ns"] / 1e9 for _ in range(9)]
        pss = _held_reader_pss(b, h5)
        b.cleanup_segments(h5)
        rows.append({"label": label, "file_bytes": size, "segment_bytes": seg,
                     "load_s": spread(loads), "cp_s": spread(cps),
                     "attach_open_s": spread(opens), "start_to_usable_s": spread(starts),
                     "noop_s": spread(noop), "attach_all_open_s": spread(all_opens), "pss_kb": pss["Pss"],
                     "pss_shmem_kb": pss.get("Pss_Shmem", 0)})
        log(f"growth {label}: load {statistics.median(loads):.3f} s, open {statistics.median(opens) * 1e3:.3f} ms")
        if temporary:
            os.unlink(h5)
    b.results["growth"] = rows
