"""PyTorch datasets over the glint cache.

    from glint.torch import SharedDataset
    data = SharedDataset("train_256.h5")           # images + heatmaps, shared
    loader = torch.utils.data.DataLoader(data, batch_size=16, num_workers=2)

Each process (the main one and every DataLoader worker) maps the same shared
copy: a SharedDataset pickles as its file and dataset names, never as data, so
workers started with "spawn" attach by themselves and those started with
"fork" keep the parent's mapping.
"""

import os

import numpy as np
import torch
import torch.utils.data

import glint

# Pixel scaling of images, as the C++ loader does it (src/model/pixel_scale.h):
# uint8 / 255, uint16 / 65535, every other dtype as is. Heatmaps: as is.
_IMAGE_SCALE = {np.dtype(np.uint8): np.float32(255), np.dtype(np.uint16): np.float32(65535)}


def to_float32(rows, image):
    """Rows of a dataset as a new, writable float32 array; NaN becomes 0."""
    out = np.array(rows, dtype=np.float32, copy=True)
    scale = _IMAGE_SCALE.get(rows.dtype) if image else None
    if scale is not None:
        np.divide(out, scale, out=out)
    elif rows.dtype.kind == "f":
        np.nan_to_num(out, copy=False, nan=0.0, posinf=np.inf, neginf=-np.inf)
    return out


def with_channels(rows, rank):
    """[H, W] -> [1, H, W] for one sample of a rank-3 dataset."""
    return rows[np.newaxis] if rank == 3 else rows


class SharedDataset(torch.utils.data.Dataset):
    """Samples (image, heatmap) of an HDF5 file, read from the shared cache.

    image: float32 [C, H, W] scaled like the C++ trainer's; heatmap: float32
    [K, H, W]. A rank-3 dataset ([N, H, W]) has one channel. Opening loads the
    datasets into shared memory if no process has yet (exactly once per
    machine) and raises glint.Error subclasses on failure.
    """

    def __init__(self, h5, images="images", heatmaps="heatmaps", *, shm_dir=None, share_group=None):
        self.h5 = os.fspath(h5)
        self.images = images
        self.heatmaps = heatmaps
        self.shm_dir = shm_dir
        self.share_group = share_group
        self._arrays = None
        self._check_shapes()  # from the metadata, before anything is loaded into shared memory
        self._attach()

    def _check_shapes(self):
        shapes = {name: shape for name, (shape, _) in
                  glint.describe(self.h5, [self.images, self.heatmaps]).items()}
        for name, shape in shapes.items():
            if len(shape) not in (3, 4):
                raise glint.InvalidArgumentError(
                    f"{self.h5}: '{name}' has shape {list(shape)}; expected [N, H, W] or [N, C, H, W]")
        n_images, n_heatmaps = shapes[self.images][0], shapes[self.heatmaps][0]
        if n_images != n_heatmaps:
            raise glint.InvalidArgumentError(
                f"{self.h5}: '{self.images}' has {n_images} samples but '{self.heatmaps}' has {n_heatmaps}; "
                "pick datasets with one row per sample each")

    def _attach(self):
        arrays = glint.open_shared(self.h5, [self.images, self.heatmaps],
                                   shm_dir=self.shm_dir, share_group=self.share_group)
        self._arrays = (arrays[self.images.lstrip("/")], arrays[self.heatmaps.lstrip("/")])

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_arrays"] = None  # names travel, mappings do not
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __len__(self):
        if self._arrays is None:
            self._attach()
        return len(self._arrays[0])

    def __getitem__(self, index):
        if self._arrays is None:
            self._attach()
        images, heatmaps = self._arrays
        if not -len(images) <= index < len(images):
            raise IndexError(f"sample {index} out of range for {len(images)} samples of {self.h5}")
        image = with_channels(to_float32(images[index], image=True), images.ndim)
        heatmap = with_channels(to_float32(heatmaps[index], image=False), heatmaps.ndim)
        return torch.from_numpy(image), torch.from_numpy(heatmap)


class PrivateDataset(torch.utils.data.Dataset):
    """The same samples from private numpy copies read with h5py (no cache):
    what each process holds without glint. For comparisons."""

    def __init__(self, h5, images="images", heatmaps="heatmaps"):
        import h5py
        with h5py.File(h5, "r") as f:
            self._arrays = (f[images][...], f[heatmaps][...])

    def __len__(self):
        return len(self._arrays[0])

    def __getitem__(self, index):
        images, heatmaps = self._arrays
        return (torch.from_numpy(with_channels(to_float32(images[index], image=True), images.ndim)),
                torch.from_numpy(with_channels(to_float32(heatmaps[index], image=False), heatmaps.ndim)))


class H5pyDataset(torch.utils.data.Dataset):
    """The same samples read from the file with h5py at each access (opened
    once per process). For comparisons."""

    def __init__(self, h5, images="images", heatmaps="heatmaps"):
        self.h5, self.images, self.heatmaps = os.fspath(h5), images, heatmaps
        self._file = None
        self._pid = None
        with self._open() as f:
            self._len = len(f[images])

    def _open(self):
        import h5py
        return h5py.File(self.h5, "r")

    def __getstate__(self):
        return {"h5": self.h5, "images": self.images, "heatmaps": self.heatmaps, "_len": self._len,
                "_file": None, "_pid": None}

    def __len__(self):
        return self._len

    def __getitem__(self, index):
        if self._file is None or self._pid != os.getpid():
            self._file, self._pid = self._open(), os.getpid()
        images, heatmaps = self._file[self.images], self._file[self.heatmaps]
        return (torch.from_numpy(with_channels(to_float32(images[index], image=True), images.ndim)),
                torch.from_numpy(with_channels(to_float32(heatmaps[index], image=False), heatmaps.ndim)))
