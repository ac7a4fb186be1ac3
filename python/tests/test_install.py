"""`import glint` after `cmake --install`, with nothing of the build tree on the path."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILD_DIR


def test_installed_package_imports_and_opens(tmp_path, h5file, shm_dir):
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.skip("cmake is not on PATH")
    prefix = tmp_path / "prefix"
    r = subprocess.run([cmake, "--install", BUILD_DIR, "--prefix", str(prefix)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    site = prefix / f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
    assert (site / "glint" / "__init__.py").is_file()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    code = ("import glint, sys; d = glint.open_shared(sys.argv[1], 'images', shm_dir=sys.argv[2]); "
            "print(glint.__file__); print(d['images'].shape)")
    r = subprocess.run([sys.executable, "-c", code, h5file, shm_dir], capture_output=True, text=True, env=env,
                       cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(str(site))
    assert lines[1] == "(6, 16, 16)"
