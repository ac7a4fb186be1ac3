"""Data-parallel training on one machine: run.sh runs the ranks, report.py writes the page."""
