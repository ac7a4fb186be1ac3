"""glint.torch.SharedDataset: samples as the C++ loader makes them, pickled by
names, DataLoader workers under fork and spawn."""

import os
import pickle
import warnings

import h5py
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import glint
from glint.torch import SharedDataset


def test_samples_are_float32_scaled_like_the_cpp_loader(h5file, shm_dir):
    data = SharedDataset(h5file, shm_dir=shm_dir)
    with h5py.File(h5file, "r") as f:
        images, heatmaps = f["images"][...], f["heatmaps"][...]
    assert len(data) == len(images)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "non-writable" warning from torch
        image, heatmap = data[3]
    assert image.dtype == torch.float32 and image.shape == (1, 16, 16)
    assert heatmap.dtype == torch.float32 and heatmap.shape == (1, 16, 16)
    expected = images[3].astype(np.float32) / np.float32(255)
    assert np.array_equal(image.numpy()[0], expected)
    assert np.array_equal(heatmap.numpy()[0], heatmaps[3].astype(np.float32))
    image += 1  # a private, writable copy
    assert np.array_equal(data[3][0].numpy()[0], expected)


def test_nan_becomes_zero_and_channels_are_kept(tmp_path, shm_dir):
    h5 = str(tmp_path / "channels.h5")
    with h5py.File(h5, "w") as f:
        f["images"] = np.arange(2 * 3 * 8 * 8, dtype=np.uint16).reshape(2, 3, 8, 8)
        maps = np.zeros((2, 2, 8, 8), np.float32)
        maps[1, 1, 2, 2] = np.nan
        f["heatmaps"] = maps
    image, heatmap = SharedDataset(h5, shm_dir=shm_dir)[1]
    assert image.shape == (3, 8, 8) and heatmap.shape == (2, 8, 8)
    assert image[0, 0, 1].item() == np.float32(3 * 64 + 1) / np.float32(65535)
    assert heatmap[1, 2, 2].item() == 0.0


def test_pickles_by_names_not_by_data(h5file, shm_dir):
    data = SharedDataset(h5file, shm_dir=shm_dir)
    blob = pickle.dumps(data)
    assert len(blob) < 1024
    copy = pickle.loads(blob)
    assert copy.h5 == h5file and copy.images == "images"
    assert torch.equal(copy[5][0], data[5][0])


def test_bad_names_raise_the_library_errors(h5file, shm_dir):
    with pytest.raises(glint.NotFoundError, match="'/labels' not found"):
        SharedDataset(h5file, heatmaps="labels", shm_dir=shm_dir)
    with h5py.File(h5file, "a") as f:
        f["scores"] = np.zeros((6, 3), np.float32)
        f["short"] = np.zeros((5, 16, 16), np.float32)
    with pytest.raises(glint.InvalidArgumentError, match=r"'scores' has shape \[6, 3\]; expected"):
        SharedDataset(h5file, heatmaps="scores", shm_dir=shm_dir)
    with pytest.raises(glint.InvalidArgumentError, match="'images' has 6 samples but 'short' has 5"):
        SharedDataset(h5file, heatmaps="short", shm_dir=shm_dir)
    # Checked from the file's metadata: nothing was loaded into shared memory.
    assert os.listdir(shm_dir) == []


def test_describe_reads_shapes_without_loading(h5file, shm_dir):
    shapes = glint.describe(h5file, ["images", "/heatmaps"])
    assert shapes == {"images": ((6, 16, 16), "uint8"), "/heatmaps": ((6, 16, 16), "float16")}
    with pytest.raises(glint.NotFoundError, match="'/labels' not found"):
        glint.describe(h5file, ["labels"])
    assert os.listdir(shm_dir) == []


def batches(loader):
    return [(x.clone(), y.clone()) for x, y in loader]


@pytest.mark.parametrize("context", ["fork", "spawn"])
def test_dataloader_with_two_workers_yields_the_batches_of_direct_indexing(h5file, shm_dir, context):
    data = SharedDataset(h5file, shm_dir=shm_dir)
    direct = [(torch.stack([data[i][0] for i in idx]), torch.stack([data[i][1] for i in idx]))
              for idx in ([0, 1, 2, 3], [4, 5])]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        loader = DataLoader(data, batch_size=4, num_workers=2, multiprocessing_context=context,
                            worker_init_fn=check_worker_attached)
        got = batches(loader)
    assert len(got) == len(direct)
    for (x, y), (dx, dy) in zip(got, direct):
        assert torch.equal(x, dx) and torch.equal(y, dy)


def check_worker_attached(worker_id):
    """In a worker, the dataset maps the same segments as the parent did."""
    info = torch.utils.data.get_worker_info()
    data = info.dataset
    image, _ = data[0]
    assert data._arrays is not None
    with open("/proc/self/maps") as maps:
        assert data._arrays[0].base.segment in maps.read()
