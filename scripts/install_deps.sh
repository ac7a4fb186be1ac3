#!/usr/bin/env bash
# Installs every build, test and benchmark dependency: Debian 12 packages,
# then the project's Python environment <repo>/.venv (Debian's python3 and
# python3-venv) with the pinned PyPI packages of scripts/requirements.txt:
# torch 2.11.0 (its wheel carries LibTorch for C++, with CUDA 13.0), numpy,
# h5py, pytest, pybind11, scikit-build-core, tensorboard, matplotlib.
# Idempotent; needs root (or sudo). GLINT_VENV moves the environment.
set -euo pipefail

packages=(
  build-essential cmake ninja-build g++ clang libclang-rt-14-dev
  pkg-config git
  libhdf5-dev hdf5-tools
  libssl-dev zlib1g-dev libdeflate-dev
  hdf5-filter-plugin hdf5-plugin-lzf liblzf1
  libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpng-dev
  python3 python3-dev python3-venv
  python3-h5py
  libjemalloc2 libjemalloc-dev libmimalloc2.0
  iproute2
  util-linux procps passwd
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install_deps: all ${#packages[@]} packages already installed"
else
  echo "install_deps: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The project's Python environment: the interpreter of every script, test and
# benchmark, and the LibTorch the C++ build compiles against
# (cmake/GlintTorch.cmake). Rebuilt when requirements.txt changes.
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${GLINT_VENV:-$repo/.venv}
stamp="$venv/.requirements.txt"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$repo/scripts/requirements.txt" "$stamp"; then
  echo "install_deps: Python environment $venv (pinned: scripts/requirements.txt)"
  [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$repo/scripts/requirements.txt"
  cp "$repo/scripts/requirements.txt" "$stamp"
else
  echo "install_deps: Python environment $venv up to date"
fi
