"""glint.open_shared: bytes, read-only arrays, shared pages, lifetime of the mapping."""

import gc
import hashlib
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

import glint
from conftest import mapped_paths, segment_pss_kib, write_h5


def touch_pages(array):
    """Reads one byte of every page of the array's memory."""
    return int(array.reshape(-1).view(np.uint8)[::4096].sum())


def test_arrays_hold_the_same_bytes_as_h5py(h5file, shm_dir):
    arrays = glint.open_shared(h5file, shm_dir=shm_dir)
    with h5py.File(h5file, "r") as f:
        assert sorted(arrays) == sorted(f.keys())
        for name, array in arrays.items():
            expected = f[name][...]
            assert array.dtype == expected.dtype and array.shape == expected.shape
            assert array.tobytes() == expected.tobytes()


def test_arrays_are_read_only_and_cannot_be_made_writable(h5file, shm_dir):
    images = glint.open_shared(h5file, "images", shm_dir=shm_dir)["images"]
    assert images.flags.writeable is False
    with pytest.raises(ValueError, match="read-only"):
        images[0, 0, 0] = 1
    with pytest.raises(ValueError, match="WRITEABLE"):
        images.setflags(write=True)
    assert images[1:3].flags.writeable is False


def test_array_memory_is_the_segment(h5file, shm_dir):
    images = glint.open_shared(h5file, ["/images"], shm_dir=shm_dir)["images"]
    segment = images.base
    assert isinstance(segment, glint.Segment)
    assert segment.dataset == "/images" and segment.md5 == glint.fingerprint(h5file)
    assert segment.shape == images.shape and segment.dtype == "uint8"
    path = os.path.join(shm_dir, segment.segment)
    start = images.__array_interface__["data"][0]
    with open("/proc/self/maps") as maps:
        mapped = [line.split() for line in maps if line.rstrip().endswith(path)]
    assert len(mapped) == 1
    low, high = (int(x, 16) for x in mapped[0][0].split("-"))
    assert low < start and start + images.nbytes <= high


def test_first_open_loads_and_the_next_attaches(h5file, shm_dir):
    first = glint.open_shared(h5file, "images", shm_dir=shm_dir)["images"]
    second = glint.open_shared(h5file, "images", shm_dir=shm_dir)["images"]
    assert first.base.loaded_here and not second.base.loaded_here
    assert first.base.segment == second.base.segment


def test_attach_only_maps_what_is_there_and_never_loads(h5file, shm_dir):
    with pytest.raises(glint.NotFoundError, match="attach only"):
        glint.open_shared(h5file, "images", shm_dir=shm_dir, attach_only=True)
    assert os.listdir(shm_dir) == []
    loaded = glint.open_shared(h5file, "images", shm_dir=shm_dir)["images"]
    attached = glint.open_shared(h5file, "images", shm_dir=shm_dir, attach_only=True)["images"]
    assert not attached.base.loaded_here and attached.base.segment == loaded.base.segment
    assert attached.tobytes() == loaded.tobytes()


def test_fingerprint_is_the_md5_of_the_file(h5file):
    with open(h5file, "rb") as f:
        assert glint.fingerprint(h5file) == hashlib.md5(f.read()).hexdigest()
    assert glint.fingerprint(h5file, rehash=True) == glint.fingerprint(h5file)


def test_two_opens_in_one_process_share_pages(tmp_path, shm_dir):
    h5 = write_h5(str(tmp_path / "big.h5"), samples=64, height=128, width=128)  # 1 MiB of images
    a = glint.open_shared(h5, "images", shm_dir=shm_dir)["images"]
    b = glint.open_shared(h5, "images", shm_dir=shm_dir)["images"]
    touch_pages(a), touch_pages(b)
    path = os.path.join(shm_dir, a.base.segment)
    assert mapped_paths().count(path) == 2
    # Two mappings of the same pages: together they count once.
    assert segment_pss_kib(path) == pytest.approx(a.nbytes / 1024, rel=0.05)


def test_two_processes_share_pages(tmp_path, shm_dir):
    h5 = write_h5(str(tmp_path / "big.h5"), samples=64, height=128, width=128)
    mine = glint.open_shared(h5, "images", shm_dir=shm_dir)["images"]
    touch_pages(mine)
    path = os.path.join(shm_dir, mine.base.segment)
    child = subprocess.Popen([sys.executable, "-c", f"""
import sys, numpy as np, glint
a = glint.open_shared({h5!r}, "images", shm_dir={shm_dir!r})["images"]
a.reshape(-1)[::4096].sum()
print(a.base.loaded_here, flush=True)
sys.stdin.read()
"""], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "False"
        size_kib = mine.nbytes / 1024
        assert segment_pss_kib(path) == pytest.approx(size_kib / 2, rel=0.05)
        assert segment_pss_kib(path, child.pid) == pytest.approx(size_kib / 2, rel=0.05)
    finally:
        child.communicate("", timeout=60)
    assert child.returncode == 0


def test_a_view_outlives_the_dict_and_the_mapping_goes_with_the_last_view(h5file, shm_dir):
    arrays = glint.open_shared(h5file, shm_dir=shm_dir)
    path = os.path.join(shm_dir, arrays["images"].base.segment)
    expected = arrays["images"][2:4].copy()
    view = arrays["images"][2:4]
    strided = view[:, ::2]
    del arrays
    gc.collect()
    assert path in mapped_paths()
    assert np.array_equal(view, expected)
    del view
    gc.collect()
    assert path in mapped_paths()
    assert np.array_equal(strided, expected[:, ::2])
    del strided
    gc.collect()
    assert path not in mapped_paths()


def test_open_close_cycles_leave_descriptors_and_mappings_flat(h5file, shm_dir):
    def counts():
        return len(os.listdir("/proc/self/fd")), len(mapped_paths())

    glint.open_shared(h5file, shm_dir=shm_dir)
    gc.collect()
    before = counts()
    for _ in range(10_000):
        arrays = glint.open_shared(h5file, shm_dir=shm_dir)
        assert arrays["images"].shape[0] == 6
        del arrays
    gc.collect()
    assert counts() == before


def test_list_segments_and_cleanup(h5file, shm_dir):
    images = glint.open_shared(h5file, "images", shm_dir=shm_dir)["images"]
    listed = glint.list_segments(h5file, shm_dir=shm_dir)
    assert [s["dataset"] for s in listed] == ["/images"]
    entry = listed[0]
    assert entry["ok"] and not entry["stale"] and os.getpid() in entry["mapped_by"]
    assert entry["shape"] == list(images.shape) and entry["source_path"] == os.path.abspath(h5file)
    assert glint.list_segments(shm_dir=shm_dir) == listed
    report = glint.cleanup(h5file, shm_dir=shm_dir)
    assert [s["dataset"] for s in report["removed"]] == ["/images"]
    assert glint.list_segments(shm_dir=shm_dir) == []
    assert int(images.sum()) >= 0  # the mapping stays valid after its name is gone


def test_cleanup_all_removes_every_segment_of_the_user(h5file, shm_dir):
    glint.open_shared(h5file, shm_dir=shm_dir)
    report = glint.cleanup_all(shm_dir=shm_dir)
    assert sorted(s["dataset"] for s in report["removed"]) == ["/glints", "/heatmaps", "/images"]
    assert report["freed_bytes"] > 0
    assert glint.list_segments(shm_dir=shm_dir) == []


def test_list_matches_shm_manager_json(h5file, shm_dir):
    from conftest import program
    glint.open_shared(h5file, shm_dir=shm_dir)
    out = subprocess.run([program("shm_manager"), "--list", "--json", "--shm-dir", shm_dir],
                         capture_output=True, text=True, check=True).stdout
    cli = json.loads(out)
    cli = cli["segments"] if isinstance(cli, dict) else cli
    ours = glint.list_segments(shm_dir=shm_dir)
    assert [s["file_name"] for s in ours] == [s["file_name"] for s in cli]
    for a, b in zip(ours, cli):
        for key in ("md5", "dataset", "mode", "size_bytes", "shape", "dtype", "source_path"):
            assert a[key] == b[key], key
