"""Figures of whole processes: memory of N trainers, loader and training step."""
import os
import signal
import subprocess
import time

from ..procs import pss_kb
from ..util import log


def tree_pids(pid):
    """pid and all its descendants (a trainer may fork loader processes)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return pids


def total_pss(procs):
    tot = {"Pss": 0, "Pss_Shmem": 0, "Pss_Anon": 0, "Pss_File": 0, "Rss": 0}
    for p in procs:
        for pid in tree_pids(p.pid):
            r = pss_kb(pid)
            if r:
                for k in tot:
                    tot[k] += r.get(k, 0)
    return tot


def wait_epoch(procs, logs, timeout):
    """Waits until every trainer has logged its first epoch: by then it has
    read every training and validation sample once, so every page of its data
    is resident (shared or private) and its heap has reached its working size."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for p in procs:
            if p.poll() is not None:
                err = p.stderr.read() if p.stderr else ""
                raise RuntimeError(f"process {p.args} exited early ({p.returncode}): {err.strip()[-300:]}")
        if all(os.path.exists(path) and os.path.getsize(path) > 0 for path in logs):
            return True
        time.sleep(0.2)
    return False


def trainer_cmd(b, h5, shared):
    """The smallest trainer (an epoch is quick), logging to epochs.jsonl in its directory."""
    cmd = [b.bin("train_glint_unet"), "--h5", h5, "--epochs", "100000",
           "--batch", "4", "--base_channels", "1", "--depth", "1", "--threads", "1", "--num_workers", "0"]
    if shared:
        cmd.append("--shared_memory")
    return cmd + ["--shm_dir", b.shm, "--fingerprint_dir", b.store, "--model_path", "model.pt", "--overwrite",
                  "--progress", "off", "--log", "epochs.jsonl"]


def _start(b, h5, i, mode, use_trainer, logs):
    if use_trainer:
        cmd = trainer_cmd(b, h5, mode == "shared")
        cwd = os.path.join(b.work, f"trainer{i}")
        os.makedirs(cwd, exist_ok=True)
        logs.append(os.path.join(cwd, "epochs.jsonl"))
        if os.path.exists(logs[-1]):
            os.unlink(logs[-1])
    else:
        cmd = [b.bin("attach_probe"), "--h5", h5, "--shm-dir", b.shm, "--touch", "--hold"]
        if mode == "private":
            cmd.append("--private")
        cwd = b.work
    return subprocess.Popen(cmd, env=b.env, cwd=cwd, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL if use_trainer else subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def measure_group(b, h5, n, mode, use_trainer):
    """Total PSS of n processes on h5 ("shared" or "private") once they are steady."""
    procs, logs = [], []
    try:
        for i in range(n):
            procs.append(_start(b, h5, i, mode, use_trainer, logs))
        if use_trainer:
            steady = wait_epoch(procs, logs, timeout=900)
        else:
            # A stand-in prints its line once it has read every page.
            steady = all(p.stdout.readline().startswith("{") for p in procs)
        tot = total_pss(procs)
        tot["steady"] = steady
        return tot
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
        for p in procs:
            p.wait()


def memory(b, seed, tiny):
    """Figure 3: total PSS of N processes on one file, shared against private."""
    use_trainer = b.trainer_ok
    ns = [1, 2, 4, 8]
    res = {"use_trainer": use_trainer, "N": ns, "shared": [], "private": []}
    if use_trainer:
        b.command(" ".join(trainer_cmd(b, seed, True)) + "   # N copies, also without --shared_memory")
    else:
        b.command(f"attach_probe --h5 {seed} --touch --hold [--private]   # N copies")
    payload = {}
    for h5 in (seed, tiny):
        b.load_segments(h5)
        payload[h5] = b.segment_bytes()
        b.cleanup_segments(h5)
    res["dataset_bytes"] = payload[seed]
    res["file_bytes"] = os.path.getsize(seed)
    # A trainer with (almost) no data: one process on a 16-sample file, its data subtracted.
    b.load_segments(tiny)
    base = measure_group(b, tiny, 1, "shared", use_trainer)
    b.cleanup_segments(tiny)
    res["no_data_kb"] = base["Pss"] - payload[tiny] / 1024
    for mode in ("shared", "private"):
        for n in ns:
            if mode == "shared":
                b.load_segments(seed)
            tot = measure_group(b, seed, n, mode, use_trainer)
            b.cleanup_segments(seed)
            res[mode].append(tot)
            log(f"memory {mode} N={n}: PSS {tot['Pss'] / 1024:.0f} MiB (steady={tot['steady']})")
    b.results["memory"] = res


def train(b, seed):
    """Figures 4 and 5: loader throughput, training step, data wait (train_torch_bench)."""
    if not b.have("train_torch_bench"):
        b.note("train_torch_bench not built (GLINT_BUILD_TRAINING off?): loader and training-step figures missing")
        return
    b.load_segments(seed)
    env = {"GLINT_BENCH_H5": seed}
    b.results["loader"] = b.gbench("train_torch_bench", "BM_LoaderEpoch|BM_MemcpyCeiling", reps=3, extra_env=env)
    log("loader done")
    b.results["train_step"] = b.gbench("train_torch_bench", "BM_TrainStep/", extra_env=env)
    log("train step done")
    b.results["train_wait"] = b.gbench("train_torch_bench", "BM_TrainStepWithLoader", extra_env=env)
    log("train wait done")
    b.cleanup_segments(seed)
