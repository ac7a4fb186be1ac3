"""What the docs show of a program's output is what the program prints.

- Every `--help` copied into docs/*.md or the README (a fenced block with a
  "Usage: PROGRAM" line) equals the program's real --help, line for line.
- Every captured shm_manager segment line ("Tier: ...  Size: ...  Owner: ...")
  has the fields, in order, that the real listing prints for a segment in
  the same state (loaded, not loaded, still mapped after removal).
- Every captured `--list --json` segment has the real listing's keys.

Values (sizes, ages, pids, MD5s) may differ; fields and their order may not.
Run by ctest (GLINT_BIN_DIR, GLINT_SOURCE_DIR).
"""
import glob
import json
import mmap
import os
import re
import subprocess

import pytest

from programs import program

SOURCE = os.path.abspath(os.environ.get("GLINT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../..")))
DOCS = sorted(glob.glob(os.path.join(SOURCE, "docs", "*.md"))) + [os.path.join(SOURCE, "README.md")]
# "Size:", "Last used:", "Mapped by:" ... : the labels of a segment line.
LABEL = re.compile(r"(?:^|\s{2,})([A-Z][A-Za-z]*(?: [a-z]+)?:|dtype:)")


def blocks():
    """(doc file, first line number, text) of every fenced block."""
    for doc in DOCS:
        lines = open(doc, encoding="utf-8").read().split("\n")
        start = None
        for i, line in enumerate(lines):
            if line.startswith("```"):
                if start is None:
                    start = i + 1
                else:
                    yield os.path.relpath(doc, SOURCE), start + 1, "\n".join(lines[start:i])
                    start = None


def help_copies():
    for doc, line, text in blocks():
        usage = re.search(r"^Usage: (\S+)", text, re.M)
        if usage and "-h,--help" in text:
            yield pytest.param(doc, line, usage.group(1), text, id=f"{doc}:{line}")


@pytest.mark.parametrize("doc,line,name,text", list(help_copies()))
def test_each_help_copy_is_the_real_help(doc, line, name, text):
    real = subprocess.run([program(name), "--help"], capture_output=True, text=True, timeout=60, check=True).stdout
    shown = [l.rstrip() for l in text.rstrip().split("\n")]
    if shown and shown[0].startswith("$ "):
        shown = shown[1:]
    assert shown == [l.rstrip() for l in real.rstrip().split("\n")], \
        f"{doc}:{line}: the copy of `{name} --help` differs from the program's; paste its output again"


def labels(line):
    return tuple(LABEL.findall(line.strip()))


def segment_lines(text):
    """The label sequence of each segment line of a listing."""
    return {labels(l) for l in text.split("\n") if l.strip().startswith(("Tier:", "Size:"))}


@pytest.fixture(scope="module")
def real_listing(tmp_path_factory):
    """shm_manager's real listings of one small file, cold, loaded, mapped and
    removed, in a private segment folder and fingerprint store."""
    tmp = tmp_path_factory.mktemp("docs")
    shm = tmp / "shm"
    shm.mkdir()
    h5 = str(tmp / "train.h5")
    subprocess.run([program("make_glint_dataset"), h5, "--count", "8", "--size", "32", "--quiet"], check=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp / "cache"), GLINT_CACHE_DIR="")

    def run(*args):
        done = subprocess.run([program("shm_manager"), *args, "--shm-dir", str(shm)], capture_output=True,
                              text=True, timeout=60, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    out = run("--list", "--h5", h5)
    out += run("--load", "--h5", h5) + run("--load", "--h5", h5)  # loaded, then attached
    out += run("--list", "--h5", h5) + run("--list")
    listing = json.loads(run("--list", "--json"))
    # A reader keeps one segment mapped while it is removed: "still mapped".
    segment = os.path.join(str(shm), listing["segments"][0]["file_name"])
    with open(segment, "rb") as held:
        with mmap.mmap(held.fileno(), 0, prot=mmap.PROT_READ):
            run("--cleanup", "--h5", h5)
            out += run("--list")
    return out, listing


def test_captured_segment_lines_have_the_real_fields(real_listing):
    out, _ = real_listing
    real = segment_lines(out)
    checked = 0
    for doc, line, text in blocks():
        if "glint_" not in text or "Size:" not in text:
            continue
        for shown in segment_lines(text):
            # A stale segment's line has no "Fresh" and a line of its own below.
            assert shown in real, f"{doc}:{line}: a segment line has the fields {shown}; " \
                                  f"shm_manager prints {sorted(real)}; capture the listing again"
            checked += 1
    assert checked >= 5, "no captured listing found in the docs"


def test_captured_json_segments_have_the_real_keys(real_listing):
    _, listing = real_listing
    real = set(listing["segments"][0])
    checked = 0
    for doc, line, text in blocks():
        if '"segments": [' not in text:
            continue
        # The captured document elides with "..."; its first segment is whole.
        first = re.search(r'"segments": \[\s*(\{.*?\n    \})', text, re.S)
        assert first, f"{doc}:{line}: no segment object in the captured JSON"
        shown = set(json.loads(first.group(1)))
        assert shown == real, f"{doc}:{line}: captured JSON keys differ: missing {sorted(real - shown)}, " \
                              f"not printed {sorted(shown - real)}"
        checked += 1
    assert checked >= 1, "no captured --list --json in the docs"
