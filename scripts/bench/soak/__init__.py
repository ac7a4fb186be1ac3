"""The soak benchmark: memory, files, threads and mappings of long trainings over time."""
