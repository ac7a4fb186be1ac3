#!/usr/bin/python3
"""Runs every glint benchmark next to its physical limit and writes results.json.

Called by scripts/run_benchmarks.sh (which builds first). Each figure times the
glint operation and its reference (md5sum, cp, memcpy, ...) in the same run,
interleaved, several times; bench_report.py turns the JSON into
docs/BENCHMARKS.md and plots.

Usage: bench_run.py --build DIR --work DIR --out results.json [--quick]
"""
import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args):
        self.build = os.path.abspath(args.build)
        self.work = os.path.abspath(args.work)
        self.quick = args.quick
        self.reps = 3 if args.quick else 5
        self.shm = tempfile.mkdtemp(prefix="glint_bench.", dir="/dev/shm")
        self.env = dict(os.environ)
        self.env["XDG_CACHE_HOME"] = os.path.join(self.work, "xdg")
        self.store = os.path.join(self.work, "xdg", "glint", "fingerprints")
        self.env["GLINT_BENCH_SHM_DIR"] = self.shm
        self.env["GLINT_BENCH_STORE"] = self.store
        self.results = {"commands": [], "notes": []}

    def bin(self, name):
        return os.path.join(self.build, "bin", name)

    def have(self, name):
        return os.access(self.bin(name), os.X_OK)

    # ---- process helpers -------------------------------------------------
    def run(self, cmd, check=True, record=False, **kw):
        if record:
            self.results["commands"].append(" ".join(cmd))
        return subprocess.run(cmd, env=self.env, check=check, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, **kw)

    def timed(self, cmd, shell=False):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=self.env, check=True, shell=shell,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return time.perf_counter() - t0

    def warm(self, path):
        with open(path, "rb") as f:
            while f.read(8 << 20):
                pass

    def cleanup_segments(self, h5, shm_dir=None):
        self.run([self.bin("shm_manager"), "--cleanup", "--h5", h5, "--shm-dir", shm_dir or self.shm])

    def segment_bytes(self, shm_dir=None):
        d = shm_dir or self.shm
        return sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d) if n.startswith("glint_"))

    def gbench(self, program, filt, reps=1, extra_env=None):
        env = dict(self.env)
        env.update(extra_env or {})
        out = os.path.join(self.work, f"{program}_{abs(hash(filt))}.json")
        cmd = [self.bin(program), f"--benchmark_filter={filt}", f"--benchmark_out={out}",
               "--benchmark_out_format=json"]
        if reps > 1:
            cmd += [f"--benchmark_repetitions={reps}", "--benchmark_report_aggregates_only=false"]
        self.results["commands"].append(" ".join(cmd))
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            return json.load(f)["benchmarks"]

    # ---- files -----------------------------------------------------------
    def make_dataset(self, name, *opts):
        path = os.path.join(self.work, name)
        if not os.path.exists(path):
            cmd = [self.bin("make_glint_dataset"), path, "--preset", "seed", "--quiet", *opts]
            t = time.perf_counter()
            self.run(cmd, record=True)
            log(f"generated {name} ({os.path.getsize(path) / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        return path

    # ---- probe -----------------------------------------------------------
    def probe(self, h5, *flags, shm_dir=None):
        """Spawns attach_probe; returns (start-to-usable s, its JSON)."""
        cmd = [self.bin("attach_probe"), "--h5", h5, "--shm-dir", shm_dir or self.shm, *flags]
        t0 = time.monotonic_ns()
        p = subprocess.run(cmd, env=self.env, check=True, stdout=subprocess.PIPE, text=True)
        info = json.loads(p.stdout)
        return (info["usable_ns"] - t0) / 1e9, info


def spread(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": list(xs)}


def machine():
    info = {"kernel": platform.release(), "cores": os.cpu_count()}
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                info["mem_gb"] = int(line.split()[1]) / 1024 / 1024
    st = os.statvfs("/dev/shm")
    info["shm_free_gb"] = st.f_bavail * st.f_frsize / 1e9
    try:
        info["os"] = subprocess.run(["sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"],
                                    stdout=subprocess.PIPE, text=True).stdout.strip()
    except OSError:
        pass
    info["load_before"] = os.getloadavg()
    return info


# ---- figure 1: fingerprint and attach ---------------------------------------
def fig_fingerprint(b, seed):
    b.warm(seed)
    size = os.path.getsize(seed)
    glint_t, ref_t = [], []
    for _ in range(b.reps):
        glint_t.append(b.probe(seed, "--md5")[1]["open_ns"] / 1e9)
        ref_t.append(b.timed(["md5sum", seed]))
    b.results["commands"].append(f"md5sum {seed}")
    b.results["commands"].append(f"attach_probe --md5 --h5 {seed}")
    ratios = [r / g for g, r in zip(glint_t, ref_t)]
    b.results["md5"] = {"bytes": size, "glint_s": spread(glint_t), "md5sum_s": spread(ref_t),
                        "throughput_ratio": spread(ratios)}
    log(f"md5: glint {size / statistics.median(glint_t) / 1e6:.0f} MB/s, "
        f"md5sum {size / statistics.median(ref_t) / 1e6:.0f} MB/s")


# (name, attach_probe flags); NAMED = the trainer's two datasets by name.
ATTACH_VARIANTS = [
    ("noop", ["--noop"]),
    ("attach_all", []),
    ("attach", ["NAMED"]),
    ("attach_populate", ["NAMED", "--populate"]),
    ("attach_touch", ["NAMED", "--touch"]),
    ("attach_populate_touch", ["NAMED", "--populate", "--touch"]),
]


def fig_attach(b, files):
    out = {}
    for label, h5 in files:
        b.warm(h5)
        b.run([b.bin("shm_manager"), "--load", "--h5", h5, "--shm-dir", b.shm], record=True)
        n = 5 if b.quick else 11
        row = {"payload_bytes": b.segment_bytes()}
        named = ["--datasets", "images,heatmaps"]
        for name, flags in ATTACH_VARIANTS:
            starts, opens, touches, cpus, open_cpus = [], [], [], [], []
            for _ in range(n):
                s, info = b.probe(h5, *[x for f in flags for x in (named if f == "NAMED" else [f])])
                starts.append(s)
                opens.append(info["open_ns"] / 1e9)
                touches.append(info["touch_ns"] / 1e9)
                cpus.append(info["cpu_ns"] / 1e9)
                open_cpus.append(info["open_cpu_ns"] / 1e9)
            row[name] = {"start_to_usable_s": spread(starts), "open_s": spread(opens), "touch_s": spread(touches),
                         "process_cpu_s": spread(cpus), "open_cpu_s": spread(open_cpus)}
        gb = b.gbench("cache_bench", "BM_OpenSharedAttach/populate:0", reps=b.reps,
                      extra_env={"GLINT_BENCH_H5": h5})
        row["gbench_attach"] = [x for x in gb if x.get("run_type") == "aggregate"]
        out[label] = row
        b.cleanup_segments(h5)
        log(f"attach {label}: open {statistics.median(row['attach']['open_s']['runs']) * 1e3:.3f} ms")
    b.results["attach"] = out


# ---- figure 2: first load ----------------------------------------------------
def fig_load(b, label, h5):
    size = os.path.getsize(h5)
    dst = os.path.join(b.shm, "cp_reference")
    mgr = b.bin("shm_manager")
    load, cp, cold, cold_ref = [], [], [], []
    b.run([mgr, "--load", "--h5", h5, "--shm-dir", b.shm])  # remembers the fingerprint
    reps = b.reps if label == "contiguous" else 3  # decompression is slow
    for _ in range(reps):
        b.cleanup_segments(h5)
        b.warm(h5)
        load.append(b.timed([mgr, "--load", "--h5", h5, "--shm-dir", b.shm]))
        payload = b.segment_bytes()
        b.warm(h5)
        cp.append(b.timed(["cp", h5, dst]))
        os.unlink(dst)
        b.cleanup_segments(h5)
        b.warm(h5)
        cold.append(b.timed([mgr, "--load", "--rehash", "--h5", h5, "--shm-dir", b.shm]))
        b.cleanup_segments(h5)
        b.warm(h5)
        cold_ref.append(b.timed(f"md5sum '{h5}' >/dev/null && cp '{h5}' '{dst}'", shell=True))
        os.unlink(dst)
    b.results["commands"] += [f"shm_manager --load --h5 {h5} --shm-dir DIR",
                              f"shm_manager --load --rehash --h5 {h5} --shm-dir DIR",
                              f"cp {h5} DIR/x", f"md5sum {h5} && cp {h5} DIR/x"]
    inproc = b.gbench("cache_bench", "BM_OpenSharedLoad", reps=reps, extra_env={"GLINT_BENCH_H5": h5})
    b.cleanup_segments(h5)
    b.results.setdefault("load", {})[label] = {
        "in_process_s": spread([x["real_time"] / 1e3 for x in inproc if x.get("run_type") == "iteration"]),
        "file_bytes": size, "payload_bytes": payload,
        "load_s": spread(load), "cp_s": spread(cp),
        "load_ratio": spread([a / c for a, c in zip(load, cp)]),
        "cold_s": spread(cold), "cold_ref_s": spread(cold_ref),
        "cold_ratio": spread([a / c for a, c in zip(cold, cold_ref)]),
    }
    log(f"load {label}: {statistics.median(load):.3f} s vs cp {statistics.median(cp):.3f} s; "
        f"cold {statistics.median(cold):.3f} s vs {statistics.median(cold_ref):.3f} s")


# ---- figure 3: memory of N processes -----------------------------------------
def pss_kb(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    out[parts[0][:-1]] = int(parts[1])
    except OSError:
        return None
    return out


def tree_pids(pid):
    """pid and all its descendants (a trainer may fork loader processes)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return pids


def total_pss(procs):
    tot = {"Pss": 0, "Pss_Shmem": 0, "Pss_Anon": 0, "Pss_File": 0, "Rss": 0}
    for p in procs:
        for pid in tree_pids(p.pid):
            r = pss_kb(pid)
            if r:
                for k in tot:
                    tot[k] += r.get(k, 0)
    return tot


def wait_epoch(procs, logs, timeout):
    """Waits until every trainer has logged its first epoch: by then it has
    read every training and validation sample once, so every page of its data
    is resident (shared or private) and its heap has reached its working size."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for p in procs:
            if p.poll() is not None:
                err = p.stderr.read() if p.stderr else ""
                raise RuntimeError(f"process {p.args} exited early ({p.returncode}): {err.strip()[-300:]}")
        if all(os.path.exists(l) and os.path.getsize(l) > 0 for l in logs):
            return True
        time.sleep(0.2)
    return False


def trainer_cmd(b, h5, shared):
    cmd = [b.bin("train_glint_unet"), "--h5", h5, "--epochs", "100000",
           "--batch", "4", "--base_channels", "1", "--depth", "1", "--threads", "1", "--num_workers", "0"]
    if shared:
        cmd.append("--shared_memory")
    return cmd + ["--shm_dir", b.shm, "--fingerprint_dir", b.store, "--model_path", "model.pt",
                  "--progress", "off", "--log", "epochs.jsonl"]


def measure_group(b, h5, n, mode, use_trainer):
    procs, logs = [], []
    try:
        for i in range(n):
            if use_trainer:
                cmd = trainer_cmd(b, h5, mode == "shared")
                cwd = os.path.join(b.work, f"trainer{i}")
                os.makedirs(cwd, exist_ok=True)
                logs.append(os.path.join(cwd, "epochs.jsonl"))
                if os.path.exists(logs[-1]):
                    os.unlink(logs[-1])
            else:
                cmd = [b.bin("attach_probe"), "--h5", h5, "--shm-dir", b.mem_shm, "--touch", "--hold"]
                if mode == "private":
                    cmd.append("--private")
                cwd = b.work
            procs.append(subprocess.Popen(cmd, env=b.env, cwd=cwd, stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL if use_trainer else subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
        if use_trainer:
            steady = wait_epoch(procs, logs, timeout=900)
        else:
            # A stand-in prints its line once it has read every page.
            steady = all(p.stdout.readline().startswith("{") for p in procs)
        tot = total_pss(procs)
        tot["steady"] = steady
        return tot
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
        for p in procs:
            p.wait()


def fig_memory(b, seed, tiny):
    use_trainer = b.have("train_glint_unet") and b.trainer_ok
    b.mem_shm = b.trainer_shm if use_trainer else b.shm
    ns = [1, 2, 4, 8]
    res = {"use_trainer": use_trainer, "N": ns, "shared": [], "private": []}
    if use_trainer:
        b.results["commands"].append(" ".join(trainer_cmd(b, seed, True)) + "   # N copies, also without --shared_memory")
    else:
        b.results["commands"].append(f"attach_probe --h5 {seed} --touch --hold [--private]   # N copies")
    payload = {}
    for h5 in (seed, tiny):
        b.run([b.bin("shm_manager"), "--load", "--h5", h5, "--shm-dir", b.mem_shm])
        payload[h5] = b.segment_bytes(b.mem_shm)
        b.cleanup_segments(h5, b.mem_shm)
    res["dataset_bytes"] = payload[seed]
    res["file_bytes"] = os.path.getsize(seed)
    # A trainer with (almost) no data: one process on a 16-sample file, its
    # data subtracted.
    b.run([b.bin("shm_manager"), "--load", "--h5", tiny, "--shm-dir", b.mem_shm])
    base = measure_group(b, tiny, 1, "shared", use_trainer)
    b.cleanup_segments(tiny, b.mem_shm)
    res["no_data_kb"] = base["Pss"] - payload[tiny] / 1024
    for mode in ("shared", "private"):
        for n in ns:
            if mode == "shared":
                b.run([b.bin("shm_manager"), "--load", "--h5", seed, "--shm-dir", b.mem_shm])
            tot = measure_group(b, seed, n, mode, use_trainer)
            b.cleanup_segments(seed, b.mem_shm)
            res[mode].append(tot)
            log(f"memory {mode} N={n}: PSS {tot['Pss'] / 1024:.0f} MiB (steady={tot['steady']})")
    b.results["memory"] = res


# ---- figures 4 and 5: loader and training step --------------------------------
def fig_train(b, seed):
    if not b.have("train_torch_bench"):
        b.results["notes"].append("train_torch_bench not built (GLINT_BUILD_TRAINING off?): "
                                  "loader and training-step figures missing")
        return
    b.run([b.bin("shm_manager"), "--load", "--h5", seed, "--shm-dir", b.shm])
    env = {"GLINT_BENCH_H5": seed}
    b.results["loader"] = b.gbench("train_torch_bench", "BM_LoaderEpoch|BM_MemcpyCeiling",
                                   reps=3, extra_env=env)
    log("loader done")
    b.results["train_step"] = b.gbench("train_torch_bench", "BM_TrainStep/", extra_env=env)
    log("train step done")
    b.results["train_wait"] = b.gbench("train_torch_bench", "BM_TrainStepWithLoader", extra_env=env)
    log("train wait done")
    b.cleanup_segments(seed)


# ---- figure 6: growth ------------------------------------------------------
def fig_growth(b, files):
    rows = []
    for label, h5, temporary in files:
        b.warm(h5)
        size = os.path.getsize(h5)
        reps = 3 if size > 1e9 else b.reps
        b.run([b.bin("shm_manager"), "--load", "--h5", h5, "--shm-dir", b.shm])  # fingerprint
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
        p = subprocess.Popen([b.bin("attach_probe"), "--h5", h5, "--shm-dir", b.shm, "--datasets", "images,heatmaps",
                              "--touch", "--hold"],
                             env=b.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        p.stdout.readline()
        pss = pss_kb(p.pid)
        p.stdin.close()
        p.wait()
        b.cleanup_segments(h5)
        rows.append({"label": label, "file_bytes": size, "segment_bytes": seg,
                     "load_s": spread(loads), "cp_s": spread(cps),
                     "attach_open_s": spread(opens), "start_to_usable_s": spread(starts),
                     "noop_s": spread(noop), "attach_all_open_s": spread(all_opens), "pss_kb": pss["Pss"], "pss_shmem_kb": pss.get("Pss_Shmem", 0)})
        log(f"growth {label}: load {statistics.median(loads):.3f} s, open {statistics.median(opens) * 1e3:.3f} ms")
        if temporary:
            os.unlink(h5)
    b.results["growth"] = rows


def check_trainer(b):
    """Is the trainer built? It then stands for the processes of figure 3."""
    b.trainer_ok = b.have("train_glint_unet")
    b.trainer_shm = b.shm
    if not b.trainer_ok:
        b.results["notes"].append("bin/train_glint_unet was not built: figure 3 used attach_probe stand-ins")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, no 10x file")
    ap.add_argument("--only", default="", help="comma list of figures: md5,attach,load,memory,train,growth")
    ap.add_argument("--merge", action="store_true", help="keep the other figures of an existing --out file")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    b = Bench(args)
    if args.merge and os.path.exists(args.out):
        with open(args.out) as f:
            old = json.load(f)
        old["commands"] = old.get("commands", []) + b.results["commands"]
        b.results = old
        b.results["notes"] = []
    only = set(filter(None, args.only.split(",")))
    want = lambda f: not only or f in only
    t_start = time.time()
    try:
        b.results["machine"] = machine()
        seed = b.make_dataset("seed.h5")
        tenth = b.make_dataset("seed_0.1x.h5", "--count", "98")
        tiny = b.make_dataset("tiny16.h5", "--count", "16")
        check_trainer(b)
        if want("md5"):
            fig_fingerprint(b, seed)
        if want("attach"):
            fig_attach(b, [("0.1x", tenth), ("1x", seed)])
        if want("load"):
            fig_load(b, "contiguous", seed)
            compressed = b.make_dataset("seed_deflate.h5", "--compress")
            fig_load(b, "deflate", compressed)
        if want("memory"):
            fig_memory(b, seed, tiny)
        if want("train"):
            fig_train(b, seed)
        if want("growth"):
            files = [("0.1x", tenth, False), ("1x", seed, False)]
            if not args.quick:
                files.append(("10x", b.make_dataset("seed_10x.h5", "--count", "9800"), True))
            fig_growth(b, files)
    finally:
        shutil.rmtree(b.shm, ignore_errors=True)
        b.results["wall_s"] = b.results.get("wall_s", 0) + time.time() - t_start if args.merge \
            else time.time() - t_start
        b.results["machine"]["load_after"] = os.getloadavg()
        with open(args.out, "w") as f:
            json.dump(b.results, f, indent=1)
    log(f"done in {b.results['wall_s']:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
