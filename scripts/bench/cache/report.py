"""Turns bench.cache.run's results (bench/results/cache.json) into docs/BENCHMARKS.md and docs/images/*.png.

Usage: $GLINT_PY -m bench.cache.report bench/results/cache.json --doc docs/BENCHMARKS.md --images docs/images
                                       [--notes bench/analysis_notes.md]
(run by scripts/run_benchmarks.sh --only cache)
"""
import argparse
import datetime
import glob
import json
import os
import re

from ..page import Page
from . import sections_cache, sections_procs
from .formatting import Template
from .targets import result_titles

# The report's sections, in order.
SECTIONS = [sections_cache.machine, sections_cache.md5, sections_cache.attach, sections_cache.load,
            sections_procs.memory, sections_procs.loader, sections_procs.train, sections_cache.growth]


class Doc(Page):
    """The report being written: its results, images, prose, and the rows of its summary table."""

    def __init__(self, r, images, tpl):
        super().__init__()
        self.r = r
        self.images = images
        self.tpl = tpl
        self.summary = []  # (figure, measured, limit, ratio, target, verdict)

    def section(self, key, head):
        """The results under key, with the template block head written first; None (nothing written) without them."""
        results = self.r.get(key)
        if results:
            self.p(*self.tpl.lines(head))
        return results


def more_figures(doc_path):
    """"## More figures" lines linking every docs/benchmarks/*.md next to the report.

    A link line already in the report's More figures section is kept as it is
    (with its description), also while its page is not generated yet.
    """
    lines = {}
    if os.path.exists(doc_path):
        with open(doc_path, encoding="utf-8") as f:
            old = f.read()
        if "\n## More figures\n" in old:
            for line in old.split("\n## More figures\n", 1)[1].splitlines():
                m = re.match(r"- \[.*?\]\(benchmarks/([^)]+)\)", line)
                if m:
                    lines[m.group(1)] = line
    pages = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(doc_path)), "benchmarks", "*.md")))
    for page in pages:
        name = os.path.basename(page)
        if name in lines:
            continue
        with open(page, encoding="utf-8") as f:
            first = f.readline().strip()
        title = first.lstrip("#").strip() if first.startswith("#") else name
        lines[name] = f"- [{title}](benchmarks/{name})"
    return [lines[name] for name in sorted(lines)]


def render(r, images, notes_extra, more, tpl=None):
    tpl = tpl or Template()
    doc = Doc(r, images, tpl)
    for section in SECTIONS:
        section(doc)
    body = doc.lines
    doc.lines = []
    date = r.get("date") or datetime.date.today().isoformat()
    doc.p(*tpl.lines("head", date=date, minutes=r["wall_s"] / 60))
    doc.p(*tpl.lines("summary_head"))
    doc.table(["figure", "measured", "limit (same run)", "ratio", "target", ""], [list(x) for x in doc.summary])
    doc.p(*body)
    notes = list(r.get("notes", []))
    missing = [title for key, title in result_titles() if not r.get(key)]
    if missing:
        notes.append(tpl.text("not_measured", titles="; ".join(missing)))
    notes = list(dict.fromkeys(notes + notes_extra))  # merged runs repeat notes
    doc.p(*tpl.lines("notes_head"))
    doc.p(*[f"- {n}" for n in notes])
    doc.p("", *tpl.lines("commands_head"), "```")
    doc.p(*dict.fromkeys(r["commands"]))
    doc.p("```", "")
    if more:
        doc.p(*tpl.lines("more_head"), *more, "")
    doc.p("")
    return doc.text()


def read_notes(path):
    """Paragraphs of the analysis notes file, each as one line."""
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [p.strip().replace("\n", " ") for p in f.read().split("\n\n") if p.strip()]


def main():
    ap = argparse.ArgumentParser(prog="bench.cache.report", description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--doc", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--notes", default="", help="a file of extra analysis notes, one per paragraph")
    args = ap.parse_args()
    with open(args.results) as f:
        r = json.load(f)
    os.makedirs(args.images, exist_ok=True)
    text = render(r, args.images, read_notes(args.notes), more_figures(args.doc))
    with open(args.doc, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
