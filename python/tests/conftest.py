"""Fixtures: a private shared-memory directory, small HDF5 files, the build's programs."""

import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import pytest

BUILD_DIR = os.environ.get("GLINT_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
BIN_DIR = os.path.join(BUILD_DIR, "bin")


def program(name):
    path = os.path.join(BIN_DIR, name)
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} is not built")
    return path


@pytest.fixture
def shm_dir():
    """A fresh directory in the real /dev/shm, removed afterwards."""
    path = tempfile.mkdtemp(prefix="glint_pytest_", dir="/dev/shm")
    os.chmod(path, 0o700)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def write_h5(path, samples=6, height=16, width=16, seed=0):
    rng = np.random.default_rng(seed)
    with h5py.File(path, "w") as f:
        f["images"] = rng.integers(0, 256, (samples, height, width), dtype=np.uint8)
        f["heatmaps"] = rng.random((samples, height, width)).astype(np.float16)
        f["glints"] = rng.random((samples, 4, 2)).astype(np.float32)
    return path


@pytest.fixture
def h5file(tmp_path):
    return write_h5(str(tmp_path / "data.h5"))


def mapped_paths(pid="self"):
    """Paths of the file mappings of a process, one entry per mapping."""
    with open(f"/proc/{pid}/maps") as f:
        return [line.split(None, 5)[5].strip() for line in f if len(line.split(None, 5)) == 6]


def segment_pss_kib(segment_path, pid="self"):
    """Proportional set size (KiB) of every mapping of `segment_path` in a process."""
    total, inside = 0, False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if "-" in fields[0] and len(fields) >= 5 and ":" in fields[3]:
                inside = len(fields) >= 6 and fields[5] == segment_path
            elif inside and fields[0] == "Pss:":
                total += int(fields[1])
    return total


def run_python(code, *args, timeout=120, **kwargs):
    """Runs `code` in a fresh interpreter (this one) with this package on its path."""
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=timeout, env=os.environ.copy(), **kwargs)
