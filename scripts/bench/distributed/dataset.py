"""The distributed benchmark's dataset: N images of S x S with three Gaussian peaks each, and their heatmaps.

Usage: $GLINT_PY -m bench.distributed.dataset OUT.h5 N S
"""
import sys

import h5py
import numpy as np


def main():
    path, n, s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:s, 0:s]
    heat = np.zeros((n, s, s), np.float32)
    for i in range(n):
        for _ in range(3):
            cy, cx = rng.uniform(4, s - 5, 2)
            heat[i] = np.maximum(heat[i], np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 8))
    images = (rng.random((n, s, s)) * 0.1 + heat * 0.8).astype(np.float32)
    with h5py.File(path, "w") as f:
        f["images"] = images
        f["heatmaps"] = heat


if __name__ == "__main__":
    main()
