"""The example trainer (python/examples/train_glint_unet.py) as a user runs it:
each mistake is one line on stderr and exit status 2, found before anything is
loaded; --cleanup_shm removes the file's segments and exits, as
train_glint_unet --cleanup_shm does; Ctrl-C exits with 130."""

import os
import signal
import subprocess
import sys

import h5py
import numpy as np
import pytest

import glint
from conftest import write_h5

SOURCE_DIR = os.environ.get("GLINT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
EXAMPLE = os.path.join(SOURCE_DIR, "python/examples/train_glint_unet.py")


def run_example(*args):
    return subprocess.run([sys.executable, EXAMPLE, *args], capture_output=True, text=True,
                          timeout=300, env=os.environ.copy())


def write_pair(path, images_shape, heatmaps_shape):
    with h5py.File(path, "w") as f:
        f["images"] = np.zeros(images_shape, np.uint8)
        f["heatmaps"] = np.zeros(heatmaps_shape, np.float32)
    return str(path)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "notes.h5").write_text("not an HDF5 file\n" * 100)
    (tmp_path / "a_file").write_text("")
    (tmp_path / "folder").mkdir()
    return {
        "good": write_h5(str(tmp_path / "good.h5")),
        "missing": str(tmp_path / "missing.h5"),
        "folder": str(tmp_path / "folder"),
        "notes": str(tmp_path / "notes.h5"),
        "rows_differ": write_pair(tmp_path / "rows.h5", (10, 16, 16), (9, 16, 16)),
        "sizes_differ": write_pair(tmp_path / "sizes.h5", (4, 16, 16), (4, 8, 8)),
        "odd_size": write_pair(tmp_path / "odd.h5", (4, 20, 16), (4, 20, 16)),
        "under_a_file": str(tmp_path / "a_file" / "model.pt"),
        "no_such_dir": str(tmp_path / "no_such_dir" / "model.pt"),
    }


# (case, arguments after --h5 <good file>, what the line must name). "{x}" is
# the path files["x"]; a later flag overrides the same flag given earlier.
BAD_INPUTS = [
    ("missing_h5", ["--h5", "{missing}"], ["--h5", "{missing}"]),
    ("h5_is_a_directory", ["--h5", "{folder}"], ["--h5", "{folder}"]),
    ("h5_is_not_hdf5", ["--h5", "{notes}"], ["--h5", "{notes}"]),
    ("missing_images", ["--images", "pictures"], ["--images", "pictures"]),
    ("missing_heatmaps", ["--heatmaps", "targets"], ["--heatmaps", "targets"]),
    ("rows_differ", ["--h5", "{rows_differ}"], ["{rows_differ}", "10", "9"]),
    ("sizes_differ", ["--h5", "{sizes_differ}"], ["{sizes_differ}", "16x16", "8x8"]),
    ("size_not_a_multiple", ["--h5", "{odd_size}"], ["--depth", "{odd_size}", "20x16"]),
    ("model_path_is_a_directory", ["--model_path", "{folder}"], ["--model_path", "{folder}"]),
    ("model_path_under_a_file", ["--model_path", "{under_a_file}"], ["--model_path", "{under_a_file}"]),
    ("model_path_in_no_dir", ["--model_path", "{no_such_dir}"], ["--model_path", "{no_such_dir}"]),
    ("no_shm_dir", ["--shm_dir", "{no_such_dir}"], ["--shm_dir", "{no_such_dir}"]),
    ("batch_zero", ["--batch", "0"], ["--batch"]),
    ("epochs_negative", ["--epochs", "-1"], ["--epochs"]),
    ("lr_zero", ["--lr", "0"], ["--lr"]),
    ("lr_not_a_number", ["--lr", "fast"], ["--lr"]),
    ("workers_negative", ["--num_workers", "-2"], ["--num_workers"]),
    ("depth_out_of_range", ["--depth", "9"], ["--depth"]),
    ("unknown_loss", ["--loss", "l2"], ["--loss"]),
    ("unknown_flag", ["--epohcs", "2"], ["--epohcs"]),
]


@pytest.mark.parametrize("case,extra,names", BAD_INPUTS, ids=[case for case, _, _ in BAD_INPUTS])
def test_bad_input_is_one_line_and_nothing_is_loaded(files, shm_dir, tmp_path, case, extra, names):
    model = str(tmp_path / "model.pt")
    r = run_example("--h5", files["good"], "--shared_memory", "--shm_dir", shm_dir,
                    "--model_path", model, *[a.format(**files) for a in extra])
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("train_glint_unet.py: "), lines[0]
    for name in names:
        assert name.format(**files) in lines[0], (name, lines[0])
    # Refused from the command line and the file's metadata alone: no segment
    # (not even a lock file) was made and no training began.
    assert os.listdir(shm_dir) == []
    assert not os.path.exists(model)
    assert r.stdout == ""


def test_missing_h5_flag_is_one_line():
    r = run_example("--epochs", "1")
    assert r.returncode == 2
    assert r.stderr.splitlines() == [r.stderr.strip()] and "--h5" in r.stderr
    assert "Traceback" not in r.stderr


def test_cleanup_shm_removes_the_files_segments_and_exits(files, shm_dir, tmp_path):
    h5 = files["good"]
    arrays = glint.open_shared(h5, ["images", "heatmaps"], shm_dir=shm_dir)
    segments = sorted(a.base.segment for a in arrays.values())
    del arrays  # cleanup removes names either way; only the removal is tested
    assert sorted(os.listdir(shm_dir)) == segments
    model = str(tmp_path / "model.pt")
    r = run_example("--h5", h5, "--cleanup_shm", "--shm_dir", shm_dir, "--model_path", model)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr == ""
    assert "2 segment(s) removed" in r.stdout
    assert "samples from" not in r.stdout  # no training
    assert not any(name in os.listdir(shm_dir) for name in segments)
    assert glint.list_segments(h5, shm_dir=shm_dir) == []
    assert not os.path.exists(model)


def test_cleanup_shm_of_a_missing_file_is_one_line(files, shm_dir):
    r = run_example("--h5", files["missing"], "--cleanup_shm", "--shm_dir", shm_dir)
    assert r.returncode == 2, r.stdout + r.stderr
    assert len(r.stderr.splitlines()) == 1 and files["missing"] in r.stderr
    assert "Traceback" not in r.stderr


def test_ctrl_c_exits_130_with_one_line(files, tmp_path):
    model = str(tmp_path / "model.pt")
    p = subprocess.Popen([sys.executable, EXAMPLE, "--h5", files["good"], "--preload", "--epochs", "1000000",
                          "--num_workers", "0", "--threads", "1", "--base_channels", "2", "--depth", "1",
                          "--model_path", model],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        # The first line is printed once the data is open: training is under way.
        assert "samples from" in p.stdout.readline()
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 130, err
    assert err.splitlines() == ["train_glint_unet.py: interrupted"], err


def test_the_examples_loss_names_are_the_packages():
    """The example spells out the loss names to check them before importing
    torch; they must stay those of glint.losses."""
    import importlib.util
    from glint.losses import LOSSES
    spec = importlib.util.spec_from_file_location("example", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    assert list(example.LOSS_NAMES) == list(LOSSES)
