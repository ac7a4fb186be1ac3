"""Turns the training benchmark's JSON into docs/benchmarks/training.md.

Usage: $GLINT_PY -m bench.training.report bench/results/training.json --doc docs/benchmarks/training.md
                                          --notes bench/training_notes.md
                                          --before bench/results/training_torch1.13.json
"""
import argparse
import json

from ..page import Page
from . import sections


def render(r, notes_text=None, before=None):
    """The page of results r (the analysis notes and the results of an
    earlier PyTorch, if any) as a Page."""
    page = Page()
    peaks = sections.peaks(r["facts"])
    sections.head(page, r)
    sections.machine(page, r, peaks)
    sections.steps(page, r, peaks)
    sections.before(page, r, before)
    for section in (sections.memory, sections.sweep):
        section(page, r, peaks)
    sections.profile(page, r)
    sections.compiled(page, r)
    if notes_text is not None:
        page.p("## Analysis", "", notes_text.strip(), "")
    page.p("## Commands run", "", "```", *r["commands"], "```", "")
    return page


def read_notes(path):
    """The notes file's text, or None without one."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, TypeError):
        return None


def read_before(path):
    """The results of the earlier PyTorch, or None without them."""
    text = read_notes(path)
    return json.loads(text) if text else None


def main():
    ap = argparse.ArgumentParser(prog="bench.training.report", description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--doc", required=True)
    ap.add_argument("--notes")
    ap.add_argument("--before", help="results of the same benchmark on an earlier PyTorch (a 'before' table)")
    a = ap.parse_args()
    with open(a.results) as f:
        r = json.load(f)
    render(r, read_notes(a.notes), read_before(a.before)).write(a.doc)


if __name__ == "__main__":
    main()
