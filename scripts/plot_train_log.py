#!/usr/bin/python3
"""Draws the JSON log of train_glint_unet (--log FILE) as a PNG: losses and localisation error per epoch.

Usage: scripts/plot_train_log.py LOG.jsonl [-o PLOT.png] [--title TEXT]

Top: train_loss and val_loss (log scale when they span more than a factor 20).
Middle: loc_error_px (mean distance of matched glints) and loc_error_all_px
(misses counted at the match radius), in pixels. Bottom: precision, recall
and F1 on the validation set.
A resumed run appends to its log; when an epoch appears more than once, the
last line wins. Partial epochs (max_steps, Ctrl-C) are drawn hollow.
Needs /usr/bin/python3 with matplotlib (Debian: python3-matplotlib).
"""
import argparse
import json
import math
import os
import sys

PROG = "plot_train_log"


def fail(message):
    print(f"{PROG}: {message}", file=sys.stderr)
    sys.exit(1)


def read_log(path):
    """{epoch: record}, the last line of each epoch."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        fail(f"{path}: cannot read ({e.strerror}); give the file of train_glint_unet --log")
    epochs = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            epochs[int(record["epoch"])] = record
        except (ValueError, KeyError, TypeError):
            fail(f"{path}:{n}: not a line of train_glint_unet --log (JSON with an \"epoch\" key)")
    if not epochs:
        fail(f"{path}: no epochs logged yet")
    return dict(sorted(epochs.items()))


def series(epochs, key):
    """(epochs, values) where the value is a number (null: no validation)."""
    pts = [(e, r.get(key)) for e, r in epochs.items()]
    pts = [(e, v) for e, v in pts if isinstance(v, (int, float)) and math.isfinite(v)]
    return [e for e, _ in pts], [v for _, v in pts]


def plot_line(ax, epochs, key, label, style, color):
    xs, ys = series(epochs, key)
    if not xs:
        return False
    ax.plot(xs, ys, style, label=label, color=color, markersize=4)
    partial = [(e, v) for e, v in zip(xs, ys) if epochs[e].get("partial")]
    if partial:
        ax.plot([e for e, _ in partial], [v for _, v in partial], "o", markersize=8, markerfacecolor="white",
                markeredgecolor=color, label="_nolegend_")
    return True


def panel(ax, epochs, lines, ylabel, legend_at):
    """Draws lines [(key, label, style, color)]; a note when none has a value."""
    drawn = [plot_line(ax, epochs, *line) for line in lines]
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if any(drawn):
        ax.legend(fontsize=8, loc=legend_at)
    else:
        ax.text(0.5, 0.5, "no validation set (--val_split 0)", transform=ax.transAxes, ha="center", va="center")


def draw(epochs, out, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter, LogLocator, MaxNLocator, NullFormatter

    fig, (loss, err, rate) = plt.subplots(3, 1, figsize=(7, 8), sharex=True,
                                          gridspec_kw={"height_ratios": [3, 3, 2]})
    panel(loss, epochs, [("train_loss", "train loss", "o-", "tab:blue"),
                         ("val_loss", "validation loss", "s-", "tab:orange")], "loss", "upper right")
    values = [v for k in ("train_loss", "val_loss") for v in series(epochs, k)[1]]
    if values and min(values) > 0 and max(values) / min(values) > 20:
        loss.set_yscale("log")
        loss.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        loss.yaxis.set_major_formatter(FormatStrFormatter("%.3g"))
        loss.yaxis.set_minor_formatter(NullFormatter())
    partial = any(r.get("partial") for r in epochs.values())
    loss.set_title(title + ("\n(hollow marker: partial epoch)" if partial else ""))
    panel(err, epochs, [("loc_error_px", "localisation error, matched glints", "o-", "tab:blue"),
                        ("loc_error_all_px", "localisation error, misses counted as the radius", "s--",
                         "tab:orange")], "pixels", "upper right")
    err.set_ylim(bottom=0)
    panel(rate, epochs, [("precision", "precision", "o-", "tab:purple"), ("recall", "recall", "s-", "tab:red"),
                         ("f1", "F1", "^-", "tab:green")], "validation", "lower right")
    rate.set_ylim(0, 1.05)
    rate.set_xlabel("epoch")
    rate.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    try:
        fig.savefig(out, dpi=100)
    except OSError as e:
        fail(f"-o {out}: cannot write ({e.strerror}); check the directory exists and is writable")
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    ap.add_argument("log", help="JSON lines written by train_glint_unet --log")
    ap.add_argument("-o", "--out", help="PNG to write (default: LOG with .png)")
    ap.add_argument("--title", help="title of the plot (default: the log's name)")
    args = ap.parse_args()
    out = args.out or os.path.splitext(args.log)[0] + ".png"
    epochs = read_log(args.log)
    last = epochs[max(epochs)]
    title = args.title or f"{os.path.basename(args.log)}: {len(epochs)} of {last.get('epochs', '?')} epochs"
    draw(epochs, out, title)
    print(f"wrote {out} ({len(epochs)} epochs)")


if __name__ == "__main__":
    main()
