"""The one report writer: a Markdown page built line by line, then written."""
import os


class Page:
    """Lines of a Markdown page."""

    def __init__(self, *lines):
        self.lines = list(lines)

    def p(self, *lines):
        self.lines.extend(lines)

    def table(self, head, rows, blank=True):
        """A table: the head, its rule, one line per row (cells through str), then a blank line unless blank=False."""
        self.p(_row(head), "|" + "|".join("---" for _ in head) + "|")
        self.p(*(_row(row) for row in rows))
        if blank:
            self.p("")

    def text(self):
        return "\n".join(self.lines)

    def write(self, path):
        """Writes the page (its directory made if missing)."""
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.text())


def _row(cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"
