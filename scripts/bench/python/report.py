"""docs/benchmarks/python.md from the figures of measure.py."""
from ..page import Page
from ..util import fmt, spread


def fmt_ms(values):
    return fmt(spread(values), "ms", digits=3, dash=" – ")


def head(page, command, facts):
    page.p("# Python package: attach, DataLoader, memory", "",
           f"Written by `{command}` in one run; every comparison was measured side by side, interleaved. "
           "Timings on a shared machine are noisy: compare the ratios within a table.", "")
    page.table(["machine", ""], [[k, v] for k, v in facts.items()])


def attach(page, attach):
    page.p("## Attach from Python", "",
           "Warm cache (segments exist), images + heatmaps by name. *Cache work*: the time inside "
           "`glint.open_shared` (Python: median of 5 calls in one interpreter, per run) and inside "
           "`glint::open_shared` (C++, `attach_probe`). *Start → usable*: spawn to data usable, in a new "
           "process. Median (min – max) over the runs.", "")
    cols = ("py_cache", "cpp_cache", "py_import_attach", "py_start_usable", "py_bare", "cpp_start_usable")
    page.table(["file", "runs", "Python cache work", "C++ cache work", "Python `import glint` + attach (in-process)",
                "Python start → usable", "bare `python3 -c`", "C++ start → usable"],
               [[label, len(rows["py_cache"]), *(fmt_ms(rows[c]) for c in cols)] for label, rows in attach.items()])


def loader(page, loader, loader_info):
    page.p("## DataLoader throughput", "",
           f"{loader_info}. One run each, in the order of the table; samples/s (higher is better).", "")
    rows = []
    for workers in (0, 2):
        s, p, h = (loader[(k, workers)] for k in ("shared", "private", "h5py"))
        rows.append([workers, f"{s:.0f}", f"{p:.0f}", f"{h:.0f}", f"{s / p:.2f}"])
    page.table(["workers", "glint.torch.SharedDataset", "PrivateDataset (private numpy)", "H5pyDataset (h5py reads)",
                "shared / private"], rows)


def memory(page, memory):
    page.p("## Memory of 4 Python trainers", "",
           "Four `python/examples/train_glint_unet.py` processes at once on the same file (one epoch, so "
           "every sample is read; a tiny UNet, --base_channels 2 --depth 1, batch 32, no workers); peak of the sum "
           "of their PSS (`/proc/PID/smaps_rollup`), sampled every 0.2 s while all four ran.", "")
    rows = [[label, f"{data_mib:.0f} MiB", f"{shared:.0f} MiB", f"{private:.0f} MiB",
             f"{private - shared:.0f} MiB ({(private - shared) / data_mib:.1f}x the data)"]
            for label, (shared, private, data_mib) in memory.items()]
    page.table(["file", "data", "4 trainers, --shared_memory", "4 trainers, --preload (private copies)", "saved"],
               rows)


def render(command, facts, attach_rows, loader_rows, memory_rows, sizes, loader_info):
    page = Page()
    head(page, command, facts)
    attach(page, attach_rows)
    loader(page, loader_rows, loader_info)
    memory(page, memory_rows)
    page.p("Sizes: " + ", ".join(f"{k}: {v}" for k, v in sizes.items()), "")
    return page
