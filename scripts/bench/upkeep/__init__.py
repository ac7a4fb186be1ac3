"""The cache's upkeep of /dev/shm and its compressed loads: run, measure, report."""
