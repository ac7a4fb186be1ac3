"""Opens and closes the shared cache and runs DataLoader epochs over it, over
and over, printing as its last line a JSON list with the process's RSS, open
files, mappings and threads after each cycle. Used by test_soak.py.

usage: python_cycles.py FILE.h5 SHM_DIR CYCLES
"""
import gc
import json
import os
import sys

import torch
import torch.utils.data

import glint
from glint.torch import SharedDataset


def status():
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "RssAnon:", "Threads:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return {"rss_kb": out["VmRSS"], "anon_kb": out["RssAnon"], "threads": out["Threads"], "fds": len(os.listdir("/proc/self/fd")),
            "maps": sum(1 for _ in open("/proc/self/maps"))}


def main():
    h5, shm, cycles = sys.argv[1], sys.argv[2], int(sys.argv[3])
    torch.set_num_threads(1)
    rows = []
    for _ in range(cycles):
        arrays = glint.open_shared(h5, ["images", "heatmaps"], shm_dir=shm)
        total = float(arrays["images"].sum()) + float(arrays["heatmaps"][:, ::4, ::4].sum())
        assert total > 0
        del arrays
        data = SharedDataset(h5, shm_dir=shm)
        loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=True, num_workers=2)
        seen = sum(len(images) for images, _ in loader)
        assert seen == len(data), (seen, len(data))
        del loader, data
        gc.collect()
        rows.append(status())
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
