"""The topic reports of scripts/bench rebuild their committed pages, and share one machine() and one fmt()."""
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from bench import machine, util  # noqa: E402
from bench.soak import report as soak_report  # noqa: E402
from bench.training import report as training_report  # noqa: E402


def test_training_report_reproduces_the_committed_page():
    with open(os.path.join(ROOT, "bench", "results", "training.json")) as f:
        results = json.load(f)
    notes = training_report.read_notes(os.path.join(ROOT, "bench", "training_notes.md"))
    before = training_report.read_before(os.path.join(ROOT, "bench", "results", "training_torch1.13.json"))
    with open(os.path.join(ROOT, "docs", "benchmarks", "training.md"), encoding="utf-8") as f:
        assert training_report.render(results, notes, before).text() == f.read()


def test_soak_report_reproduces_the_committed_page_and_draws_every_process(tmp_path):
    with open(os.path.join(ROOT, "bench", "results", "soak.json")) as f:
        results = json.load(f)
    with open(os.path.join(ROOT, "docs", "benchmarks", "soak.md"), encoding="utf-8") as f:
        assert soak_report.render(results, "../images/soak_memory.png").text() == f.read()
    # One table row per trainer process (1 alone, 2 for 2 ranks).
    counts = {name: len(r["processes"]) for name, r in results["runs"].items()}
    assert counts and all(counts[name] == {"single": 1, "2 ranks": 2}[name] for name in counts), counts
    assert len(soak_report.rows(results)) == sum(counts.values())
    soak_report.plot(results, str(tmp_path / "soak.png"))
    with open(tmp_path / "soak.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


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
