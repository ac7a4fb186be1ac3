"""glint's benchmarks, one subpackage a topic, all run by scripts/run_benchmarks.sh [--only TOPIC].

Shared by every topic (below them all):
  common.sh   the shell preamble: the interpreter GLINT_PY (.venv/bin/python unless
              GLINT_PYTHON), PYTHONPATH, the build directory, builds, work directories
  topics.sh   what each topic builds and runs, one function a topic
  machine     machine(): the description of the machine in every report
  util        log, spread (median, min, max, runs), fmt (a spread as text), load_avg
  page        Page: the report writer (lines, tables, the file)
  procs       pss_kb: a process's memory from /proc/PID/smaps_rollup

Topics, each measuring (run) and writing its page (report):
  cache        the cache suite: docs/BENCHMARKS.md, docs/images/*.png, bench/results/cache.json
  training     docs/benchmarks/training.md, bench/results/training.json
  upkeep       docs/benchmarks/cache_upkeep.md
  distributed  docs/benchmarks/distributed.md (run.sh places ranks in network namespaces)
  python       docs/benchmarks/python.md
  predict      docs/benchmarks/predict.md
"""
