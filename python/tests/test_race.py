"""8 Python processes racing 8 C++ processes on a cold cache load each dataset once."""

import json
import subprocess
import sys

import h5py
import numpy as np

from conftest import program, write_h5

PYTHON_USER = """
import json, sys, numpy as np, glint
print("ready", flush=True)
sys.stdin.read()  # start together: the test closes every stdin at once
arrays = glint.open_shared(sys.argv[1], ["images", "heatmaps"], shm_dir=sys.argv[2])
print(json.dumps({name: {"segment": a.base.segment, "loaded_here": a.base.loaded_here,
                         "sum": int(a.view(np.uint8).sum(dtype=np.uint64))}
                  for name, a in arrays.items()}))
"""


def test_python_and_cpp_processes_load_each_dataset_once(tmp_path, shm_dir):
    h5 = write_h5(str(tmp_path / "race.h5"), samples=256, height=64, width=64)
    probe = program("glint_cache_probe")
    procs = []
    for i in range(16):
        if i % 2:
            args = [sys.executable, "-c", PYTHON_USER, h5, shm_dir]
        else:
            args = [probe, "--h5", h5, "--datasets", "images,heatmaps", "--shm-dir", shm_dir, "--gate"]
        procs.append(subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    for i, p in enumerate(procs):  # every interpreter has imported glint
        if i % 2:
            assert p.stdout.readline().strip() == "ready"
    for p in procs:
        p.stdin.close()
    loads = {"images": 0, "heatmaps": 0}
    segments = {"images": set(), "heatmaps": set()}
    sums = {"images": set(), "heatmaps": set()}
    for i, p in enumerate(procs):
        out, err = p.stdout.read(), p.stderr.read()
        assert p.wait(timeout=300) == 0, err
        report = json.loads(out.strip().splitlines()[-1])
        if i % 2:
            for name, d in report.items():
                loads[name] += d["loaded_here"]
                segments[name].add(d["segment"])
                sums[name].add(d["sum"])
        else:
            for d in report["datasets"]:
                name = d["name"].lstrip("/")
                loads[name] += d["loaded_here"]
                segments[name].add(d["segment"])
    assert loads == {"images": 1, "heatmaps": 1}
    assert all(len(s) == 1 for s in segments.values())
    with h5py.File(h5, "r") as f:
        for name in ("images", "heatmaps"):
            assert sums[name] == {int(f[name][...].view(np.uint8).sum(dtype=np.uint64))}
