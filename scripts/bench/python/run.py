#!/usr/bin/python3
"""Figures of the glint Python package, side by side with the C++ ones, in one
run; writes docs/benchmarks/python.md. Run by scripts/bench_python.sh.

  attach     cache work of glint.open_shared in a warm cache (Python) against
             glint::open_shared (C++, attach_probe), and whole `import glint` +
             attach in a new interpreter against a bare interpreter start
  loader     DataLoader samples/s with 0 and 2 workers: glint.torch.SharedDataset,
             PrivateDataset (private numpy copies), H5pyDataset (h5py reads)
  memory     total PSS of 4 python/examples/train_glint_unet.py trainers, with
             --shared_memory and with --preload (private copies)
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3"


def ms(ns):
    return ns / 1e6


def fmt_ms(values):
    return f"{statistics.median(values):.3f} ms ({min(values):.3f} – {max(values):.3f})"


def run_json(args, env=None):
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


class Bench:
    def __init__(self, build, work, root):
        self.build, self.work, self.root = build, work, root
        self.shm = tempfile.mkdtemp(prefix="glint_bench_py_", dir="/dev/shm")
        self.env = dict(os.environ, PYTHONPATH=os.path.join(build, "python"))

    def bin(self, name):
        return os.path.join(self.build, "bin", name)

    def dataset(self, name, count):
        path = os.path.join(self.work, name)
        subprocess.run([self.bin("make_glint_dataset"), path, "--preset", "seed", "--count", str(count),
                        "--quiet"], check=True)
        return path

    def python(self, code, *args):
        return run_json([PY, "-c", code, *args], env=self.env)

    # -- attach ---------------------------------------------------------------
    def attach(self, h5, runs):
        warm = "import glint,sys; glint.open_shared(sys.argv[1], ['images','heatmaps'], shm_dir=sys.argv[2])"
        subprocess.run([PY, "-c", warm, h5, self.shm], check=True, env=self.env)
        in_process = """
import glint, json, sys, time
h5, shm, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = []
for _ in range(runs):
    t0 = time.perf_counter_ns()
    d = glint.open_shared(h5, ["images", "heatmaps"], shm_dir=shm)
    t.append(time.perf_counter_ns() - t0)
    del d
print(json.dumps(t))
"""
        whole = """
import time, sys
t0 = time.perf_counter_ns()
import glint
d = glint.open_shared(sys.argv[1], ["images", "heatmaps"], shm_dir=sys.argv[2])
print(time.perf_counter_ns() - t0)
"""
        rows = {"py_cache": [], "cpp_cache": [], "py_start_usable": [], "py_bare": [], "cpp_start_usable": [],
                "py_import_attach": []}
        for _ in range(runs):  # interleaved, so that load changes hit every column alike
            rows["py_cache"].append(ms(statistics.median(self.python(in_process, h5, self.shm, "5"))))
            r = run_json([self.bin("attach_probe"), "--h5", h5, "--shm-dir", self.shm,
                          "--datasets", "images,heatmaps"])
            rows["cpp_cache"].append(ms(r["open_ns"]))
            t0 = time.monotonic_ns()
            run_json([self.bin("attach_probe"), "--h5", h5, "--shm-dir", self.shm, "--datasets", "images,heatmaps"])
            rows["cpp_start_usable"].append(ms(time.monotonic_ns() - t0))
            t0 = time.monotonic_ns()
            inner = self.python(whole, h5, self.shm)
            rows["py_start_usable"].append(ms(time.monotonic_ns() - t0))
            rows["py_import_attach"].append(ms(inner))
            t0 = time.monotonic_ns()
            subprocess.run([PY, "-c", "print(0)"], check=True, capture_output=True)
            rows["py_bare"].append(ms(time.monotonic_ns() - t0))
        return rows

    # -- DataLoader -----------------------------------------------------------
    def loader(self, h5, samples, batch):
        code = """
import json, sys, time, torch, glint.torch as gt
from torch.utils.data import DataLoader
kind, h5, shm, workers, samples, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
torch.set_num_threads(1)
data = {"shared": lambda: gt.SharedDataset(h5, shm_dir=shm), "private": lambda: gt.PrivateDataset(h5),
        "h5py": lambda: gt.H5pyDataset(h5)}[kind]()
sampler = torch.utils.data.RandomSampler(data, num_samples=samples, generator=torch.Generator().manual_seed(0))
loader = DataLoader(data, batch_size=batch, sampler=sampler, num_workers=workers,
                    persistent_workers=False, multiprocessing_context="fork" if workers else None)
t0 = time.perf_counter()
n = sum(len(x) for x, _ in loader)
print(json.dumps({"samples_per_s": n / (time.perf_counter() - t0), "n": n}))
"""
        results = {}
        for workers in (0, 2):
            for kind in ("shared", "private", "h5py"):
                r = self.python(code, kind, h5, self.shm, str(workers), str(samples), str(batch))
                results[(kind, workers)] = r["samples_per_s"]
        return results

    # -- memory of 4 trainers -------------------------------------------------
    def trainers(self, h5, shared, count=4):
        example = os.path.join(self.root, "python/examples/train_glint_unet.py")
        mode = ["--shared_memory", "--shm_dir", self.shm] if shared else ["--preload"]
        procs = [subprocess.Popen([PY, example, "--h5", h5, *mode, "--num_workers", "0", "--batch", "32",
                                   "--epochs", "1", "--base_channels", "2", "--depth", "1", "--threads", "1",
                                   "--model_path", os.path.join(self.work, f"m{i}.pt")],
                                  env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for i in range(count)]
        peak = 0
        while all(p.poll() is None for p in procs):
            total = 0
            for p in procs:
                try:
                    with open(f"/proc/{p.pid}/smaps_rollup") as f:
                        total += next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
                except (OSError, StopIteration):
                    pass
            peak = max(peak, total)
            time.sleep(0.2)
        for p in procs:
            p.wait()
            if p.returncode:
                raise RuntimeError(p.stderr.read().decode())
        return peak / 1024


def machine_facts():
    load = os.getloadavg()
    import torch
    return {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
            "python": platform.python_version(), "torch": torch.__version__,
            "blas": "OpenBLAS" if "openblas" in torch.__config__.show().lower() else "see torch.__config__",
            "threads": "1 torch thread per process", "precision": "float32",
            "allocator": "glibc malloc (Python's pymalloc for small objects)",
            "load": f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}"}


def write_report(path, command, facts, attach, loader, memory, sizes, loader_info):
    lines = ["# Python package: attach, DataLoader, memory", "",
             f"Written by `{command}` in one run; every comparison was measured side by side, interleaved. "
             "Timings on a shared machine are noisy: compare the ratios within a table.", "",
             "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in facts.items()]
    lines += ["", "## Attach from Python", "",
              "Warm cache (segments exist), images + heatmaps by name. *Cache work*: the time inside "
              "`glint.open_shared` (Python: median of 5 calls in one interpreter, per run) and inside "
              "`glint::open_shared` (C++, `attach_probe`). *Start → usable*: spawn to data usable, in a new "
              "process. Median (min – max) over the runs.", "",
              "| file | runs | Python cache work | C++ cache work | Python `import glint` + attach (in-process) "
              "| Python start → usable | bare `python3 -c` | C++ start → usable |", "|---|---|---|---|---|---|---|---|"]
    for label, rows in attach.items():
        lines.append(f"| {label} | {len(rows['py_cache'])} | {fmt_ms(rows['py_cache'])} | {fmt_ms(rows['cpp_cache'])} | "
                     f"{fmt_ms(rows['py_import_attach'])} | {fmt_ms(rows['py_start_usable'])} | "
                     f"{fmt_ms(rows['py_bare'])} | {fmt_ms(rows['cpp_start_usable'])} |")
    lines += ["", "## DataLoader throughput", "",
              f"{loader_info}. One run each, in the order of the table; samples/s (higher is better).", "",
              "| workers | glint.torch.SharedDataset | PrivateDataset (private numpy) | H5pyDataset (h5py reads) "
              "| shared / private |", "|---|---|---|---|---|"]
    for workers in (0, 2):
        s, p, h = (loader[(k, workers)] for k in ("shared", "private", "h5py"))
        lines.append(f"| {workers} | {s:.0f} | {p:.0f} | {h:.0f} | {s / p:.2f} |")
    lines += ["", "## Memory of 4 Python trainers", "",
              "Four `python/examples/train_glint_unet.py` processes at once on the same file (one epoch, so "
              "every sample is read; a tiny UNet, --base_channels 2 --depth 1, batch 32, no workers); peak of the sum of their PSS (`/proc/PID/smaps_rollup`), sampled every "
              "0.2 s while all four ran.", "",
              "| file | data | 4 trainers, --shared_memory | 4 trainers, --preload (private copies) | saved |",
              "|---|---|---|---|---|"]
    for label, (shared, private, data_mib) in memory.items():
        lines.append(f"| {label} | {data_mib:.0f} MiB | {shared:.0f} MiB | {private:.0f} MiB | "
                     f"{private - shared:.0f} MiB ({(private - shared) / data_mib:.1f}x the data) |")
    lines += ["", "Sizes: " + ", ".join(f"{k}: {v}" for k, v in sizes.items()), ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--command", default="bash scripts/bench_python.sh")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="glint_bench_py_")
    b = Bench(a.build, work, a.root)
    try:
        small = b.dataset("seed_0.1x.h5", 98)
        big = small if a.quick else b.dataset("seed_1x.h5", 980)
        files = {"0.1x": small} if a.quick else {"0.1x": small, "1x": big}
        sizes = {k: f"{os.path.getsize(v) / 2**20:.0f} MiB" for k, v in files.items()}
        attach = {f"{k} ({sizes[k]})": b.attach(v, a.runs) for k, v in files.items()}
        samples = 256 if a.quick else 1024
        loader = b.loader(big, samples, 16)
        import h5py
        with h5py.File(big, "r") as f:
            images, heatmaps = f["images"], f["heatmaps"]
            data_mib = (images.size * images.dtype.itemsize + heatmaps.size * heatmaps.dtype.itemsize) / 2**20
            loader_info = (f"{samples} random samples of the {'0.1x' if a.quick else '1x'} file (images "
                           f"{'x'.join(map(str, images.shape[1:]))} {images.dtype}, heatmaps {heatmaps.dtype}) "
                           "in batches of 16, fork workers, warm page cache, 1 torch thread")
        memory = {"1x" if not a.quick else "0.1x": (b.trainers(big, True), b.trainers(big, False), data_mib)}
        write_report(a.out, a.command, machine_facts(), attach, loader, memory, sizes, loader_info)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(b.shm, ignore_errors=True)


if __name__ == "__main__":
    main()
