"""Every program, every kind of bad value: one line that names the flag, exit 2.

The options and their types are read from each program's own --help, so a
new flag is covered the day it is added. For each typed option the test gives
values of the wrong kind ("abc" for a number), just outside the range the help
states, a name outside a choice, and the option twice; plus an unknown flag.
It checks what a user reads: exit code 2 (a bad command line), exactly one
line on stderr, the flag named in it, and no value over 20 characters that
the user did not type (CLI11 once printed DBL_MAX in 309 digits). Run by
ctest (GLINT_BIN_DIR).
"""
import os
import re
import subprocess

import pytest

from programs import program

OPTION = re.compile(r"^\s+(?:-\w,)?(--[\w-]+)(?:,--[\w-]+)?\s+([A-Z][A-Z|]+)(?::(\S+))?(?=[\s=]|$)")


def options(name):
    """[(flag, base type, the rest of the type)] from --help, typed options only."""
    out = []
    for line in subprocess.run([program(name), "--help"], capture_output=True, text=True, check=True).stdout.splitlines():
        m = OPTION.match(line)
        if m and m.group(1) not in ("--help", "--version") and "..." not in line.split("  ")[1]:
            out.append((m.group(1), m.group(2), m.group(3) or ""))
    return out


def bad_values(base, rest):
    """Values of the wrong kind for an option of this type."""
    if rest.startswith("{"):
        return ["nope"]
    values = []
    if base in ("INT", "UINT", "FLOAT"):
        values.append("abc")
    if rest == "POSITIVE":
        values.append("-1")
    m = re.search(r"in \[([-\d.]+) - ([-\d.]+)\]", rest)
    if m:
        lo, hi = m.group(1), m.group(2)
        kind = float if base == "FLOAT" else int
        values.append(str(kind(hi) + 1))
        if kind(lo) > 0:
            values.append(str(kind(lo) - 1))
    if "SIZE" in base:
        values.append("lots")
    return values


def base_args(name, tmp):
    """A valid command line of each program, to which one bad value is added."""
    h5 = os.path.join(tmp, "d.h5")
    if not os.path.exists(h5):
        subprocess.run([program("make_glint_dataset"), h5, "--count", "8", "--size", "32", "--quiet"], check=True)
        with open(os.path.join(tmp, "log.jsonl"), "w") as f:
            f.write('{"epoch":1,"epochs":1,"train_loss":1.0}\n')
    return {"train_glint_unet": ["--h5", h5, "--model_path", os.path.join(tmp, "m.pt")],
            "glint_predict": ["--h5", h5, "--model_path", os.path.join(tmp, "m.pt")],
            "shm_manager": ["--list"],
            "make_glint_dataset": [os.path.join(tmp, "out.h5")],
            "glint_plot_log": [os.path.join(tmp, "log.jsonl")]}[name]


def cases(name):
    for flag, base, rest in options(name):
        for value in bad_values(base, rest):
            yield flag, [flag, value]
        if base != "BOOLEAN":
            yield flag, [flag, "1", flag, "2"]  # given twice
    yield "--no_such_flag", ["--no_such_flag"]


PROGRAMS = ["train_glint_unet", "glint_predict", "shm_manager", "make_glint_dataset", "glint_plot_log"]


@pytest.mark.parametrize("name", PROGRAMS)
def test_every_bad_value_is_one_line_naming_the_flag(name, tmp_path):
    base = base_args(name, str(tmp_path))
    checked = 0
    for flag, bad in cases(name):
        argv = [program(name), *base, *bad]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=tmp_path)
        shown = " ".join(bad)
        assert done.returncode == 2, f"{name} {shown}: exit {done.returncode}\n{done.stderr}{done.stdout[-500:]}"
        lines = done.stderr.splitlines()
        assert len(lines) == 1, f"{name} {shown}: {len(lines)} lines:\n{done.stderr}"
        assert flag in lines[0] or flag.replace("-", "_") in lines[0] or flag.replace("_", "-") in lines[0], \
            f"{name} {shown}: the line does not name {flag}: {lines[0]}"
        typed = " ".join(argv)
        for token in re.findall(r"[^\s,;:()'\"]{21,}", lines[0]):
            assert token.strip(".") in typed, f"{name} {shown}: '{token}' was not typed: {lines[0]}"
        checked += 1
    print(f"{name}: {checked} bad command lines, each one line naming its flag")
    assert checked >= 3


def other_spelling(flag):
    body = flag[2:]
    return "--" + (body.replace("-", "_") if "-" in body else body.replace("_", "-"))


@pytest.mark.parametrize("name", PROGRAMS)
def test_every_multi_word_flag_takes_both_spellings(name, tmp_path):
    """--shm-dir and --shm_dir are one flag in every program: the other
    spelling, given a bad value, is refused as that flag, not as unknown."""
    base = base_args(name, str(tmp_path))
    checked = 0
    for flag, kind, rest in options(name):
        other = other_spelling(flag)
        values = bad_values(kind, rest)
        if other == flag or not values:
            continue
        done = subprocess.run([program(name), *base, other, values[0]], capture_output=True, text=True,
                              timeout=60, cwd=tmp_path)
        assert done.returncode == 2, f"{name} {other} {values[0]}: exit {done.returncode}\n{done.stderr}"
        assert "unknown" not in done.stderr and flag in done.stderr, \
            f"{name}: {other} was not taken as {flag}: {done.stderr}"
        checked += 1
    print(f"{name}: {checked} flags in their other spelling")
    if name != "glint_plot_log":  # it has no multi-word flag
        assert checked >= 1
