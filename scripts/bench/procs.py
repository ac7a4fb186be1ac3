"""Memory of processes as the kernel counts it."""


def pss_kb(pid):
    """/proc/PID/smaps_rollup as {field: kB}; None when the process is gone."""
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    out[parts[0][:-1]] = int(parts[1])
    except OSError:
        return None
    return out
