"""Number formats of the report, Google Benchmark helpers, and the prose template."""
import os
import re

from ..util import spread

MB = 1e6
MiB = 1024 * 1024


def med(s):
    return s["median"]


def ms(x):
    return f"{x * 1e3:.3f} ms" if x < 0.01 else (f"{x * 1e3:.1f} ms" if x < 10 else f"{x:.1f} s")


def secs(x):
    return f"{x:.3f} s"


def ratio(x):
    return f"{x:.2f}"


def rng(s, fmt):
    """"min – max" of a spread, each formatted by fmt."""
    return f"{fmt(s['min'])} – {fmt(s['max'])}"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def gb_runs(entries, prefix):
    """Google Benchmark entries -> {run_name: [iteration entries]} for names starting with prefix."""
    out = {}
    for e in entries:
        if e.get("run_type", "iteration") != "iteration" or not e["name"].startswith(prefix):
            continue
        out.setdefault(e.get("run_name", e["name"]), []).append(e)
    return out


def gb_stat(runs, key):
    return spread(r[key] for r in runs)


def arg_of(name, arg):
    """The value of "arg:N" in a benchmark name such as BM_X/workers:2/augment:0."""
    for part in name.split("/"):
        if part.startswith(arg + ":"):
            return int(part.split(":")[1])
    return None


class Template:
    """The report's prose: template.md, blocks introduced by "@@ name" lines.

    A block is paragraphs separated by blank lines; the lines of a paragraph
    are joined with spaces (so the template can wrap its text), and fields in
    braces are filled with str.format. text(name) returns the paragraphs as
    output lines, each followed by a blank line.
    """

    def __init__(self, path=os.path.join(os.path.dirname(__file__), "template.md")):
        self.blocks = {}
        name = None
        with open(path, encoding="utf-8") as f:
            for line in f.read().splitlines():
                m = re.match(r"^@@ (\w+)\s*$", line)
                if m:
                    name = m.group(1)
                    self.blocks[name] = []
                elif name is not None:
                    self.blocks[name].append(line)

    def paragraphs(self, name, **fields):
        out, cur = [], []
        for line in self.blocks[name] + [""]:
            if line.strip():
                cur.append(line.strip())
            elif cur:
                out.append(" ".join(cur).format(**fields))
                cur = []
        return out

    def text(self, name, **fields):
        """One string: the block's paragraphs joined by blank lines (for a table cell or a note)."""
        return "\n\n".join(self.paragraphs(name, **fields))

    def lines(self, name, **fields):
        out = []
        for p in self.paragraphs(name, **fields):
            out += [p, ""]
        return out
