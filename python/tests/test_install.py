"""The package and the programs installed, with nothing of the build tree on the path:
`cmake --install`, and `pip install .` into a fresh virtual environment."""

import os
import shutil
import subprocess
import sys
import sysconfig

import pytest

from conftest import BUILD_DIR

SOURCE_DIR = os.environ.get("GLINT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
OPEN_AND_PRINT = ("import glint, sys; d = glint.open_shared(sys.argv[1], 'images', shm_dir=sys.argv[2]); "
                  "print(glint.__file__); print(d['images'].shape); print(glint.__version__)")


def project_version():
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt")) as f:
        for line in f:
            if line.startswith("project(glint VERSION "):
                return line.split()[2]
    raise AssertionError("no project(glint VERSION ...) in CMakeLists.txt")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LD_LIBRARY_PATH")}
    env.update(extra)
    return env


def test_cmake_install_puts_package_and_programs_that_run_without_library_paths(tmp_path, h5file, shm_dir):
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.skip("cmake is not on PATH")
    prefix = tmp_path / "prefix"
    r = subprocess.run([cmake, "--install", BUILD_DIR, "--prefix", str(prefix)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    site = prefix / f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
    assert (site / "glint" / "__init__.py").is_file()
    r = subprocess.run([sys.executable, "-c", OPEN_AND_PRINT, h5file, shm_dir], capture_output=True, text=True,
                       env=clean_env(PYTHONPATH=str(site)), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(str(site))
    assert lines[1:] == ["(6, 16, 16)", project_version()]
    for program in ("train_glint_unet", "glint_predict", "shm_manager", "make_glint_dataset", "glint_plot_log"):
        path = prefix / "bin" / program
        assert path.is_file(), program
        r = subprocess.run([str(path), "--help"], capture_output=True, text=True, env=clean_env())
        assert r.returncode == 0, f"{program}: {r.stderr}"


def test_pip_install_builds_into_a_fresh_environment_importable_from_anywhere(tmp_path, h5file, shm_dir):
    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    # The fresh environment sees this one's packages (torch, numpy, the build
    # backend) through a .pth file: nothing is downloaded.
    fresh_site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(fresh_site, "project_env.pth"), "w") as f:
        f.write(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--no-build-isolation", "--no-deps",
                        "--quiet", "--config-settings", f"build-dir={tmp_path / 'pip-build'}", SOURCE_DIR],
                       capture_output=True, text=True, env=clean_env(), timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(python), "-c", OPEN_AND_PRINT, h5file, shm_dir], capture_output=True, text=True,
                       env=clean_env(), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(fresh_site), lines[0]
    assert lines[1:] == ["(6, 16, 16)", project_version()]
    r = subprocess.run([str(python), "-c", "import glint.torch, glint.models; print('ok')"], capture_output=True,
                       text=True, env=clean_env(), cwd=str(tmp_path))
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
