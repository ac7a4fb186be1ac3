"""The small helpers every topic shares: progress lines, spreads of repeated runs and their format."""
import os
import socket
import statistics
import sys


def log(msg):
    """One progress line on stderr (the reports go to files)."""
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def spread(xs):
    """Median, min, max and the runs themselves of repeated measurements."""
    xs = list(xs)
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": xs}


def fmt(s, unit="", scale=1.0, digits=3, dash="–"):
    """A spread as "median unit (min–max)", every number times scale, with `digits` decimals."""
    m, lo, hi = (f"{s[k] * scale:.{digits}f}" for k in ("median", "min", "max"))
    return f"{m}{' ' + unit if unit else ''} ({lo}{dash}{hi})"


def load_avg(sep=" / ", digits=2):
    """The load averages (1, 5, 15 min) as one string."""
    return sep.join(f"{x:.{digits}f}" for x in os.getloadavg())


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now (for a rendezvous store)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
