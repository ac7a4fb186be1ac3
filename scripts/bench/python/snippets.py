"""The Python programs the benchmark times, each run in a fresh interpreter with the glint package on its path."""

# Warms the cache: the segments exist before any figure.
WARM = "import glint,sys; glint.open_shared(sys.argv[1], ['images','heatmaps'], shm_dir=sys.argv[2])"

# Cache work of glint.open_shared: `runs` calls in one interpreter, nanoseconds each.
IN_PROCESS = """
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

# `import glint` and the attach, from the interpreter's first line, in nanoseconds.
WHOLE = """
import time, sys
t0 = time.perf_counter_ns()
import glint
d = glint.open_shared(sys.argv[1], ["images", "heatmaps"], shm_dir=sys.argv[2])
print(time.perf_counter_ns() - t0)
"""

# DataLoader samples/s of one dataset kind with a number of workers.
LOADER = """
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
