"""Figures of the glint Python package, side by side with the C++ ones, in one
run; writes docs/benchmarks/python.md. Run by scripts/run_benchmarks.sh --only python.

  attach     cache work of glint.open_shared in a warm cache (Python) against
             glint::open_shared (C++, attach_probe), and whole `import glint` +
             attach in a new interpreter against a bare interpreter start
  loader     DataLoader samples/s with 0 and 2 workers: glint.torch.SharedDataset,
             PrivateDataset (private numpy copies), H5pyDataset (h5py reads)
  memory     total PSS of 4 python/examples/train_glint_unet.py trainers, with
             --shared_memory and with --preload (private copies)

Usage: $GLINT_PY -m bench.python.run --build DIR --root DIR --out docs/benchmarks/python.md [--quick] [--runs N]
"""
import argparse
import os
import platform
import shutil
import tempfile

from ..machine import machine
from ..util import load_avg
from . import measure, report


def facts():
    """The machine, and the Python side of it."""
    import torch
    m = machine()
    return {"cpu": m["cpu"], "cores": m["cores"], "python": platform.python_version(), "torch": torch.__version__,
            "blas": "OpenBLAS" if "openblas" in torch.__config__.show().lower() else "see torch.__config__",
            "threads": "1 torch thread per process", "precision": "float32",
            "allocator": "glibc malloc (Python's pymalloc for small objects)",
            "load": load_avg(sep=", ")}


def loader_info(path, samples, quick):
    """What the DataLoader figure reads, and the bytes of images and heatmaps in MiB."""
    import h5py
    with h5py.File(path, "r") as f:
        images, heatmaps = f["images"], f["heatmaps"]
        data_mib = (images.size * images.dtype.itemsize + heatmaps.size * heatmaps.dtype.itemsize) / 2**20
        info = (f"{samples} random samples of the {'0.1x' if quick else '1x'} file (images "
                f"{'x'.join(map(str, images.shape[1:]))} {images.dtype}, heatmaps {heatmaps.dtype}) "
                "in batches of 16, fork workers, warm page cache, 1 torch thread")
    return info, data_mib


def measure_all(b, a):
    """Every figure; the arguments of report.render."""
    small = b.dataset("seed_0.1x.h5", 98)
    big = small if a.quick else b.dataset("seed_1x.h5", 980)
    files = {"0.1x": small} if a.quick else {"0.1x": small, "1x": big}
    sizes = {k: f"{os.path.getsize(v) / 2**20:.0f} MiB" for k, v in files.items()}
    attach = {f"{k} ({sizes[k]})": measure.attach(b, v, a.runs) for k, v in files.items()}
    samples = 256 if a.quick else 1024
    loader = measure.loader(b, big, samples, 16)
    info, data_mib = loader_info(big, samples, a.quick)
    memory = {"0.1x" if a.quick else "1x": (measure.trainers(b, big, True), measure.trainers(b, big, False), data_mib)}
    return attach, loader, memory, sizes, info


def main():
    ap = argparse.ArgumentParser(prog="bench.python.run", description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--command", default="scripts/run_benchmarks.sh --only python")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="glint_bench_py_")
    b = measure.Bench(a.build, work, a.root)
    try:
        attach, loader, memory, sizes, info = measure_all(b, a)
        report.render(a.command, facts(), attach, loader, memory, sizes, info).write(a.out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(b.shm, ignore_errors=True)


if __name__ == "__main__":
    main()
