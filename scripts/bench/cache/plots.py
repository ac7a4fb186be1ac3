"""The report's figures (matplotlib, Agg backend): one function per PNG."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .formatting import med  # noqa: E402


def _save(fig, ax, path, legend_size=None):
    ax.grid(alpha=0.3)
    if legend_size:
        ax.legend(fontsize=legend_size)
    else:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def memory_vs_n(images, m, dataset_kb, base_kb):
    """images/memory_vs_n.png: total PSS of N processes, shared against private."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ns = m["N"]
    tag = "trainer" if m["use_trainer"] else "stand-in"
    ax.plot(ns, [x["Pss"] / 1024 for x in m["shared"]], "o-", label=f"{tag}, shared memory (glint cache)")
    ax.plot(ns, [x["Pss"] / 1024 for x in m["private"]], "s-", label=f"{tag}, private copy")
    ax.plot(ns, [(dataset_kb + n * base_kb) / 1024 for n in ns], "k--", lw=1,
            label="dataset once + N × no-data process")
    ax.set_xlabel("processes on one file (N)")
    ax.set_ylabel("total PSS (MiB)")
    ax.set_xticks(ns)
    ax.set_title("Memory of N processes, seed dataset")
    _save(fig, ax, os.path.join(images, "memory_vs_n.png"))


def loader_throughput(images, series, ceiling, cores):
    """images/loader_throughput.png: samples/s per worker count, augmentation off and on.

    series: {augment 0/1: [(workers, spread)]}; ceiling: the memcpy spread or None.
    """
    fig, ax = plt.subplots(figsize=(6, 4))
    for aug, pts in series.items():
        if pts:
            ax.errorbar([w for w, _ in pts], [med(s) for _, s in pts],
                        yerr=[[med(s) - s["min"] for _, s in pts], [s["max"] - med(s) for _, s in pts]],
                        marker="o", capsize=3, label=f"BatchLoader, augment {'on' if aug else 'off'}")
    if ceiling:
        ax.axhline(med(ceiling), color="k", ls="--", lw=1, label="memcpy of the same rows (1 thread)")
    ax.set_xlabel("loader workers (0 = built in next())")
    ax.set_ylabel("samples / second")
    ax.set_xticks([0, 1, 2, 4])
    ax.set_ylim(bottom=0)
    ax.set_title(f"Loader throughput, batch 16, 256×256 ({cores} cores)")
    _save(fig, ax, os.path.join(images, "loader_throughput.png"), legend_size=8)
