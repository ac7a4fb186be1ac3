"""scripts/plot_train_log.py as a program: real log files in, a real PNG out."""
import json
import os
import subprocess
import sys

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "plot_train_log.py")


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)


def epoch(n, val=True, partial=False):
    v = (lambda x: x) if val else (lambda x: None)
    return {"epoch": n, "epochs": 5, "partial": partial, "train_loss": 1.0 / n, "val_loss": v(1.2 / n),
            "loc_error_px": v(2.0 / n), "loc_error_all_px": v(3.0 / n), "precision": v(0.5), "recall": v(0.6),
            "f1": v(0.55)}


def write_log(path, records):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_a_log_becomes_a_png_next_to_it(tmp_path):
    log = tmp_path / "run.jsonl"
    # A resumed run appended epoch 3 again: the last line wins.
    write_log(log, [epoch(1), epoch(2), epoch(3, partial=True), epoch(3), epoch(4)])
    r = run(str(log))
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"wrote {tmp_path / 'run.png'} (4 epochs)\n"
    assert png_size(tmp_path / "run.png") == (700, 800)


def test_a_run_without_validation_still_plots_its_loss(tmp_path):
    log = tmp_path / "noval.jsonl"
    write_log(log, [epoch(1, val=False), epoch(2, val=False)])
    r = run(str(log), "-o", str(tmp_path / "x.png"), "--title", "no validation")
    assert r.returncode == 0, r.stderr
    assert os.path.getsize(tmp_path / "x.png") > 1000


@pytest.mark.parametrize("content,message", [
    ("", "no epochs logged yet"),
    ("{\"epoch\": 1}\nnot json\n", ":2: not a line of train_glint_unet --log"),
    ("{\"loss\": 1}\n", ":1: not a line of train_glint_unet --log"),
])
def test_bad_logs_give_one_line(tmp_path, content, message):
    log = tmp_path / "bad.jsonl"
    log.write_text(content)
    r = run(str(log))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"plot_train_log: {log}")
    assert message in r.stderr


def test_missing_log_and_unwritable_png_name_the_file(tmp_path):
    r = run(str(tmp_path / "none.jsonl"))
    assert r.returncode == 1
    assert r.stderr == (f"plot_train_log: {tmp_path / 'none.jsonl'}: cannot read (No such file or directory); "
                        "give the file of train_glint_unet --log\n")
    log = tmp_path / "ok.jsonl"
    write_log(log, [epoch(1)])
    r = run(str(log), "-o", str(tmp_path / "no" / "dir" / "x.png"))
    assert r.returncode == 1
    assert r.stderr.startswith(f"plot_train_log: -o {tmp_path / 'no' / 'dir' / 'x.png'}: cannot write")
