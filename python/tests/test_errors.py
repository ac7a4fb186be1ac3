"""Every bad input raises the glint.Error subclass of its cause, with the
library's own message (the same line glint_cache_probe prints for it)."""

import json
import os
import shutil
import subprocess
import sys

import pytest

import glint
from conftest import program


def probe_error(h5, shm_dir, datasets=None):
    """The C++ library's message for the same call, from a real process."""
    args = [program("glint_cache_probe"), "--h5", h5, "--shm-dir", shm_dir]
    if datasets:
        args += ["--datasets", datasets]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    return r.stderr.strip().splitlines()[-1]


def python_error(h5, shm_dir, datasets=None, expected=glint.Error):
    with pytest.raises(expected) as info:
        glint.open_shared(h5, datasets, shm_dir=shm_dir)
    assert type(info.value) is expected
    return str(info.value)


def same_message(python, probe):
    # The probe may prefix its line with the program name.
    assert probe.endswith(python), (python, probe)
    assert "\n" not in python and python


def test_missing_file_is_not_found(tmp_path, shm_dir):
    h5 = str(tmp_path / "missing.h5")
    message = python_error(h5, shm_dir, expected=glint.NotFoundError)
    assert h5 in message
    same_message(message, probe_error(h5, shm_dir))
    with pytest.raises(FileNotFoundError):  # also the builtin class
        glint.open_shared(h5, shm_dir=shm_dir)


def test_file_that_is_not_hdf5_is_corrupt(tmp_path, shm_dir):
    h5 = tmp_path / "notes.h5"
    h5.write_text("not an HDF5 file\n" * 100)
    message = python_error(str(h5), shm_dir, expected=glint.CorruptError)
    assert str(h5) in message
    same_message(message, probe_error(str(h5), shm_dir))


def test_missing_dataset_is_not_found(h5file, shm_dir):
    message = python_error(h5file, shm_dir, ["images", "labels"], expected=glint.NotFoundError)
    assert "'/labels'" in message and "/images" in message
    same_message(message, probe_error(h5file, shm_dir, "images,labels"))
    assert os.listdir(shm_dir) == [] or all(n.endswith(".lock") or "images" in n for n in os.listdir(shm_dir))


def test_directory_is_an_invalid_argument(tmp_path, shm_dir):
    message = python_error(str(tmp_path), shm_dir, expected=glint.InvalidArgumentError)
    same_message(message, probe_error(str(tmp_path), shm_dir))
    with pytest.raises(ValueError):
        glint.open_shared(str(tmp_path), shm_dir=shm_dir)


def test_unknown_share_group_is_an_invalid_argument(h5file, shm_dir):
    with pytest.raises(glint.InvalidArgumentError, match="group 'no_such_group_x' .* does not exist"):
        glint.open_shared(h5file, shm_dir=shm_dir, share_group="no_such_group_x")


def test_foreign_segment_is_refused(h5file, shm_dir):
    segment = glint.open_shared(h5file, "images", shm_dir=shm_dir)["images"].base.segment
    if os.geteuid() != 0:
        pytest.skip("needs root to give a segment to another user")
    os.chown(os.path.join(shm_dir, segment), 65534, 65534)
    message = python_error(h5file, shm_dir, "images", expected=glint.PermissionDeniedError)
    assert segment in message
    same_message(message, probe_error(h5file, shm_dir, "images"))
    with pytest.raises(PermissionError):
        glint.open_shared(h5file, "images", shm_dir=shm_dir)


def test_full_shared_memory_is_no_space(tmp_path, h5file):
    """A 64 KiB tmpfs in a private mount namespace is too small for 100 KiB."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare for a private tmpfs")
    from conftest import write_h5
    h5 = write_h5(str(tmp_path / "big.h5"), samples=100, height=32, width=32)
    mount = tmp_path / "tiny_shm"
    mount.mkdir()
    code = f"""
import glint, os
try:
    glint.open_shared({h5!r}, "images", shm_dir={str(mount)!r})
except glint.NoSpaceError as e:
    print("NoSpaceError", e)
    print("left", os.listdir({str(mount)!r}))
"""
    script_file = tmp_path / "nospace.py"
    script_file.write_text(code)
    script = (f"mount -t tmpfs -o size=64k tmpfs {mount} && {sys.executable} {script_file} && "
              f"{program('glint_cache_probe')} --h5 {h5} --datasets images --shm-dir {mount}; true")
    # Without a disk tier (GLINT_CACHE_DIR set but empty), or the load would go there.
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                       capture_output=True, text=True, timeout=120, env=dict(os.environ, GLINT_CACHE_DIR=""))
    if "mount:" in r.stderr and "NoSpaceError" not in r.stdout:
        pytest.skip("cannot mount a tmpfs here: " + r.stderr.strip())
    lines = r.stdout.splitlines()
    assert lines[0].startswith("NoSpaceError "), r.stdout + r.stderr
    message = lines[0][len("NoSpaceError "):]
    assert "needed" in message or "need" in message
    assert lines[1] == "left []"
    same_message(message, r.stderr.strip().splitlines()[-1])


def test_wrong_argument_types_raise_type_errors(h5file, shm_dir):
    with pytest.raises(TypeError):
        glint.open_shared(h5file, 5, shm_dir=shm_dir)
    with pytest.raises(TypeError):
        glint.open_shared(None)


def test_errors_in_listing_and_cleanup(tmp_path):
    with pytest.raises(glint.NotFoundError):
        glint.list_segments(shm_dir=str(tmp_path / "nowhere"))
    with pytest.raises(glint.NotFoundError):
        glint.cleanup(str(tmp_path / "missing.h5"))
