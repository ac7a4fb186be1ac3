"""One trainer or Python process of the training benchmark, with its memory sampled while it runs."""
import subprocess
import threading
import time

from ..procs import pss_kb


class Run:
    """One process, its peak PSS / private memory in KiB (smaps_rollup sampled
    every 0.2 s); the trainer reports its own peak RSS."""

    running = set()  # stopped by stop_all() when the benchmark ends early

    def __init__(self, cmd, env, cwd):
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        Run.running.add(self.proc)
        self.peak = {"Pss": 0, "Private": 0, "Pss_Shmem": 0}
        self.stop = False
        self.sampler = threading.Thread(target=self.sample, daemon=True)
        self.sampler.start()

    def sample(self):
        while not self.stop:
            r = pss_kb(self.proc.pid)
            if r:
                private = r.get("Private_Clean", 0) + r.get("Private_Dirty", 0)
                self.peak["Pss"] = max(self.peak["Pss"], r.get("Pss", 0))
                self.peak["Private"] = max(self.peak["Private"], private)
                self.peak["Pss_Shmem"] = max(self.peak["Pss_Shmem"], r.get("Pss_Shmem", 0))
            time.sleep(0.2)

    @staticmethod
    def stop_all():
        for proc in list(Run.running):
            proc.terminate()
            proc.wait()
        Run.running.clear()

    def wait(self):
        out, err = self.proc.communicate()
        Run.running.discard(self.proc)
        self.stop = True
        self.sampler.join()
        if self.proc.returncode != 0:
            raise RuntimeError(f"{' '.join(self.cmd)} failed ({self.proc.returncode}): {err[-2000:]}")
        return out, err

