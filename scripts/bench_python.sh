#!/usr/bin/env bash
# Figures of the glint Python package next to the C++ ones, in one run:
# attach (cache work, import + attach), DataLoader throughput, memory of four
# Python trainers. Builds what it needs in Release into build-bench and writes
# docs/benchmarks/python.md. About 5 minutes on an idle 2-core machine.
#
# Usage: scripts/bench_python.sh [--quick] [--runs N]
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/bench/common.sh"
bench_init bench_python
bench_configure
if [ ! -d "$build/python" ]; then
  echo "bench_python: the Python package is not configured in $build (install pybind11-dev and python3-dev)" >&2
  exit 1
fi
bench_build _glint attach_probe make_glint_dataset
mkdir -p "$root/docs/benchmarks"
"$py" "$root/scripts/bench_python.py" --build "$build" --root "$root" \
  --out "$root/docs/benchmarks/python.md" --command "bash scripts/bench_python.sh $*" "$@"
echo "bench_python: wrote docs/benchmarks/python.md" >&2
