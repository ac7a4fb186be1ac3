"""The cache suite: runs the figures (run.py) and writes docs/BENCHMARKS.md (report.py).

Modules:
  targets   the table of figures: what each measures, its --figures name, its title
  context   the Bench context (paths, processes, Google Benchmark runs)
  measure_cache, measure_procs   the measurements, one function per figure
  formatting, sections_cache, sections_procs, plots   the report: number formats, tables per figure, matplotlib figures
  template.md   the report's prose, one block per paragraph
"""
