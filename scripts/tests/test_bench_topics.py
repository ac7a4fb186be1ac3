"""The topic reports of scripts/bench rebuild their committed pages, and share one machine() and one fmt()."""
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from bench import machine, util  # noqa: E402
from bench.training import report as training_report  # noqa: E402


def test_training_report_reproduces_the_committed_page():
    with open(os.path.join(ROOT, "bench", "results", "training.json")) as f:
        results = json.load(f)
    notes = training_report.read_notes(os.path.join(ROOT, "bench", "training_notes.md"))
    with open(os.path.join(ROOT, "docs", "benchmarks", "training.md"), encoding="utf-8") as f:
        assert training_report.render(results, notes).text() == f.read()


def test_machine_describes_what_every_report_reads():
    m = machine.machine()
    for key in ("cpu", "cores", "mhz", "kernel", "mem_gb", "shm_free_gb", "libblas_alternative", "load_before"):
        assert key in m, key
    assert m["cores"] == os.cpu_count()


def test_fmt_writes_a_spread_as_each_page_did():
    s = util.spread([0.5, 0.25, 1.0])
    assert s == {"median": 0.5, "min": 0.25, "max": 1.0, "runs": [0.5, 0.25, 1.0]}
    assert util.fmt(s, "s") == "0.500 s (0.250–1.000)"
    assert util.fmt(s, "ms", 1e3, 1) == "500.0 ms (250.0–1000.0)"
    assert util.fmt(s, digits=1, dash="-") == "0.5 (0.2-1.0)"
    assert util.fmt(s, "ms", dash=" – ") == "0.500 ms (0.250 – 1.000)"
