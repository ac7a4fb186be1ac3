"""The glint Python package next to the C++ figures: run, measure (snippets), report."""
