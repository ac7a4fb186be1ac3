"""Memory of a running command, sampled as it runs, and whether it stopped growing.

    from bench import watch
    run = watch.run([trainer, ...], program="train_glint_unet", period_s=0.5)
    for pid, samples in run.processes.items():
        assert watch.growth(samples) < 0.05

run() starts a command and, until it exits, samples every process of its tree
whose executable is `program` (all of them when None): RSS and thread count
from /proc/PID/status, and optionally PSS, open files and mappings. The
sampling period only sets how often memory is looked at; the end of the run is
the command's exit, never a timer. The soak tests and scripts/bench_soak.sh
share this one sampler.
"""

import dataclasses
import os
import subprocess
import tempfile
import time

from bench import procs


@dataclasses.dataclass
class Sample:
    t: float           # seconds since the command started
    rss_kb: int
    threads: int
    anon_kb: int = -1  # RssAnon: the process's own memory, without mapped files and shared memory
    pss_kb: int = -1   # -1 when not sampled
    fds: int = -1
    maps: int = -1


@dataclasses.dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    processes: dict    # pid -> [Sample], in time order
    wall_s: float

    def lasting(self, share=0.5):
        """The processes sampled over at least `share` of the run (the trainers
        themselves, not a helper that came and went)."""
        return {pid: s for pid, s in self.processes.items() if s[-1].t - s[0].t >= share * self.wall_s}

    def brief(self, share=0.5):
        """The others, as "pid P from S s to E s" for the report."""
        return [f"pid {pid} from {s[0].t:.0f} s to {s[-1].t:.0f} s" for pid, s in self.processes.items()
                if s[-1].t - s[0].t < share * self.wall_s]


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def tree(pid):
    """pid and all its descendants that are alive now."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def _exe_name(pid):
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return None


def status(pid):
    """{VmRSS, RssAnon, Threads} of a process; None when it is gone or a zombie."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key = line.split(":", 1)[0]
                if key in ("VmRSS", "RssAnon", "Threads"):
                    out[key] = int(line.split()[1])
    except OSError:
        return None
    return out if "VmRSS" in out else None


def count(path):
    try:
        return len(os.listdir(path))
    except OSError:
        return -1


def count_lines(path):
    try:
        with open(path) as f:
            return sum(1 for _ in f)
    except OSError:
        return -1


def sample(pid, t, detail=False):
    """One Sample of a live process, or None."""
    st = status(pid)
    if st is None:
        return None
    s = Sample(t=t, rss_kb=st["VmRSS"], threads=st["Threads"], anon_kb=st.get("RssAnon", -1))
    if detail:
        rollup = procs.pss_kb(pid)
        s.pss_kb = rollup.get("Pss", -1) if rollup else -1
        s.fds = count(f"/proc/{pid}/fd")
        s.maps = count_lines(f"/proc/{pid}/maps")
    return s


def run(cmd, program=None, period_s=0.5, detail=False, timeout_s=900, **popen):
    """Runs cmd to its end, sampling its processes (see the module doc).
    Output goes to temporary files, so that no pipe can fill and stall it."""
    seen = {}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.monotonic()
        child = subprocess.Popen(cmd, stdout=out, stderr=err, text=True, **popen)
        while True:
            now = time.monotonic() - start
            for pid in tree(child.pid):
                if program is not None and _exe_name(pid) != program:
                    continue
                s = sample(pid, now, detail)
                if s is not None:
                    seen.setdefault(pid, []).append(s)
            try:
                child.wait(timeout=period_s)  # returns as soon as the command exits
                break
            except subprocess.TimeoutExpired:
                if now > timeout_s:
                    child.kill()
                    child.wait()
                    break
        wall = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return Run(child.returncode, out.read(), err.read(), seen, wall)


def quarters(samples):
    """The samples of the second and of the last quarter of a process's life."""
    if len(samples) < 8:
        raise ValueError(f"{len(samples)} samples are too few to split a run into quarters")
    t0, t1 = samples[0].t, samples[-1].t
    span = t1 - t0
    second = [s for s in samples if t0 + span / 4 <= s.t < t0 + span / 2]
    last = [s for s in samples if s.t >= t0 + 3 * span / 4]
    return second, last


def growth(samples, field="anon_kb"):
    """How much more the last quarter's highest value is than the second
    quarter's: 0.03 means 3% more; negative means it shrank."""
    second, last = quarters(samples)
    a = max(getattr(s, field) for s in second)
    b = max(getattr(s, field) for s in last)
    return b / a - 1.0
