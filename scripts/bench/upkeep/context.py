"""The upkeep benchmark's context: the programs it runs and the segments it finds in /dev/shm."""
import os
import resource
import subprocess
import time


class Bench:
    """Paths and process helpers of one run (its own XDG cache, no budget or decoder override)."""

    def __init__(self, build, work):
        self.build, self.work = build, work
        self.env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"))
        self.env.pop("GLINT_MAX_SHM", None)
        self.env.pop("GLINT_INFLATE", None)

    def bin(self, name):
        return os.path.join(self.build, "bin", name)

    def run(self, cmd, env=None, check=True):
        return subprocess.run(cmd, env=env or self.env, check=check, capture_output=True, text=True)

    def timed(self, cmd, env=None):
        t0 = time.perf_counter()
        self.run(cmd, env=env)
        return time.perf_counter() - t0

    def timed_cpu(self, cmd, env=None):
        """Wall seconds and CPU seconds (user + system) of one child process."""
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = self.timed(cmd, env=env)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)

    def warm(self, path):
        with open(path, "rb") as f:
            while f.read(8 << 20):
                pass

    def make(self, path, *opts):
        self.run([self.bin("make_glint_dataset"), path, "--preset", "seed", "--quiet", *opts])
        return path

    def load(self, h5, shm, *flags, env=None):
        return self.run([self.bin("shm_manager"), "--load", "--h5", h5, "--shm-dir", shm, *flags], env=env,
                        check=False)

    def cleanup(self, h5, shm):
        self.run([self.bin("shm_manager"), "--cleanup", "--h5", h5, "--shm-dir", shm])


def segments(shm):
    return sorted(n for n in os.listdir(shm) if n.startswith("glint_") and not n.endswith(".lock"))


def seg_bytes(shm):
    return sum(os.path.getsize(os.path.join(shm, n)) for n in segments(shm))
