"""The figures of docs/benchmarks/python.md: attach, DataLoader throughput, memory of four trainers."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from ..procs import pss_kb
from . import snippets

PY = sys.executable  # the interpreter scripts/bench/common.sh chose


def ms(ns):
    return ns / 1e6


def run_json(args, env=None):
    out = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def elapsed_ms(fn):
    """fn's result and the milliseconds it took (monotonic clock)."""
    t0 = time.monotonic_ns()
    out = fn()
    return out, ms(time.monotonic_ns() - t0)


class Bench:
    """Paths of one run: the build (its bin/ and python/), a work directory, a /dev/shm directory."""

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

    def probe(self, h5):
        return run_json([self.bin("attach_probe"), "--h5", h5, "--shm-dir", self.shm, "--datasets", "images,heatmaps"])


def attach(b, h5, runs):
    """Cache work and start -> usable, Python against C++, interleaved run by run (milliseconds)."""
    subprocess.run([PY, "-c", snippets.WARM, h5, b.shm], check=True, env=b.env)
    rows = {"py_cache": [], "cpp_cache": [], "py_start_usable": [], "py_bare": [], "cpp_start_usable": [],
            "py_import_attach": []}
    for _ in range(runs):  # interleaved, so that load changes hit every column alike
        rows["py_cache"].append(ms(statistics.median(b.python(snippets.IN_PROCESS, h5, b.shm, "5"))))
        rows["cpp_cache"].append(ms(b.probe(h5)["open_ns"]))
        rows["cpp_start_usable"].append(elapsed_ms(lambda: b.probe(h5))[1])
        inner, whole = elapsed_ms(lambda: b.python(snippets.WHOLE, h5, b.shm))
        rows["py_start_usable"].append(whole)
        rows["py_import_attach"].append(ms(inner))
        bare = lambda: subprocess.run([PY, "-c", "print(0)"], check=True, capture_output=True)  # noqa: E731
        rows["py_bare"].append(elapsed_ms(bare)[1])
    return rows


def loader(b, h5, samples, batch):
    """Samples/s of each dataset kind with 0 and 2 workers: {(kind, workers): samples/s}."""
    results = {}
    for workers in (0, 2):
        for kind in ("shared", "private", "h5py"):
            r = b.python(snippets.LOADER, kind, h5, b.shm, str(workers), str(samples), str(batch))
            results[(kind, workers)] = r["samples_per_s"]
    return results


def trainers(b, h5, shared, count=4):
    """Peak of the summed PSS (MiB) of `count` example trainers running at once."""
    example = os.path.join(b.root, "python/examples/train_glint_unet.py")
    mode = ["--shared_memory", "--shm_dir", b.shm] if shared else ["--preload"]
    procs = [subprocess.Popen([PY, example, "--h5", h5, *mode, "--num_workers", "0", "--batch", "32",
                               "--epochs", "1", "--base_channels", "2", "--depth", "1", "--threads", "1",
                               "--model_path", os.path.join(b.work, f"m{i}.pt")],
                              env=b.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for i in range(count)]
    peak = 0
    while all(p.poll() is None for p in procs):
        peak = max(peak, sum((pss_kb(p.pid) or {}).get("Pss", 0) for p in procs))
        time.sleep(0.2)
    for p in procs:
        p.wait()
        if p.returncode:
            raise RuntimeError(p.stderr.read().decode())
    return peak / 1024
