"""glint's benchmark suite: runs the figures (run.py) and writes docs/BENCHMARKS.md (report.py).

Modules:
  targets   the table of figures: what each measures, its --only name, its title
  common    the Bench context (paths, processes, Google Benchmark runs), spread(), machine()
  measure_cache, measure_procs   the measurements, one function per figure
  formatting, sections, plots    the report: number formats, tables per figure, matplotlib figures
  template.md   the report's prose, one block per paragraph
"""
