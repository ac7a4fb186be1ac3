#!/usr/bin/env python3
"""A minimal example of the glint Python package: trains the glint UNet with
PyTorch on the shared cache.

It has no --log, --resume or validation metrics; for those, use the C++
trainer train_glint_unet (docs/TRAINING.md), which reads and continues the
checkpoints this example writes. With --shared_memory every process on the
machine (this one, its DataLoader workers, other trainers of the same file)
maps one copy of the data:

    PYTHONPATH=build/python .venv/bin/python python/examples/train_glint_unet.py \\
        --h5 train_256.h5 --shared_memory --loss focal --model_path model_focal.pt

A mistake on the command line or in the file is one line on stderr and exit
status 2, found before anything is loaded; a failure while training is one
line and exit status 1; Ctrl-C exits with 130.
"""

import argparse
import math
import os
import sys
import tempfile
import time

try:
    import glint
except ImportError as e:
    # A setup mistake, not a bug: say how to fix it instead of a traceback.
    sys.exit(f"train_glint_unet.py: cannot import glint ({e}); build it and set "
             "PYTHONPATH=build/python, or pip install . (docs/PYTHON.md)")

PROG = "train_glint_unet.py"
# The keys of glint.losses.LOSSES, spelled out so that the command line is
# checked before torch is imported.
LOSS_NAMES = ("focal", "hybrid", "mse", "bce")
MAX_DEPTH = 8      # the UNet's limits (glint.models.UNet)
MAX_CHANNELS = 64


class UsageError(Exception):
    """A mistake in the command line or in its files: one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    # argparse prints its usage and the error on two lines; one line is enough
    # and matches every other error of this program.
    def error(self, message):
        print(f"{self.prog}: error: {' '.join(message.split())} (see --help)", file=sys.stderr)
        sys.exit(2)


def whole(low, high=None):
    """argparse type: a whole number in low..high."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number {bounds}")
        return value
    return parse


def positive_number(text):
    """argparse type: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number above 0")
    return value


def parse_args(argv):
    p = OneLineParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("--h5", required=True, help="HDF5 file with images and heatmaps")
    p.add_argument("--images", default="images", help="dataset of images ([N,H,W] or [N,C,H,W])")
    p.add_argument("--heatmaps", default="heatmaps", help="dataset of target heatmaps")
    p.add_argument("--shared_memory", action="store_true", help="read the data from the shared cache")
    p.add_argument("--preload", action="store_true",
                   help="without --shared_memory: read the data into private memory first")
    p.add_argument("--cleanup_shm", action="store_true",
                   help="remove this file's shared-memory segments and exit (no training)")
    p.add_argument("--shm_dir", default=None, help="directory of the segments (default /dev/shm)")
    p.add_argument("--num_workers", type=whole(0), default=2, help="DataLoader worker processes")
    p.add_argument("--batch", type=whole(1), default=16, help="samples per step")
    p.add_argument("--epochs", type=whole(1), default=10, help="epochs")
    p.add_argument("--loss", choices=LOSS_NAMES, default="focal", help="training loss")
    p.add_argument("--model_path", default="model.pt", help="checkpoint written after each epoch")
    p.add_argument("--lr", type=positive_number, default=1e-3, help="Adam learning rate")
    p.add_argument("--seed", type=int, default=0, help="seed of shuffling and initial weights")
    p.add_argument("--base_channels", type=whole(1, 1024), default=16,
                   help="feature maps of the first UNet level")
    p.add_argument("--depth", type=whole(1, MAX_DEPTH), default=3,
                   help="UNet levels; image size must divide by 2^depth")
    p.add_argument("--threads", type=whole(0), default=0, help="torch threads (0 = torch's default)")
    p.add_argument("--max_steps", type=whole(0), default=0, help="stop after this many steps (0 = no limit)")
    p.add_argument("--start_method", choices=["fork", "spawn", "forkserver"], default=None,
                   help="how DataLoader workers start (default: the platform's)")
    return p.parse_args(argv)


def check_shm_dir(args):
    if args.shm_dir is not None and not os.path.isdir(args.shm_dir):
        raise UsageError(f"--shm_dir {args.shm_dir}: no such directory; create it, "
                         "or leave --shm_dir out for /dev/shm")


def describe(args, flag, names, hint=""):
    """glint.describe, with the file's problems as mistakes of `flag`."""
    try:
        return glint.describe(args.h5, names)
    except glint.IOFailureError:
        raise  # the disk failed, not the user: exit 1
    except glint.Error as e:
        raise UsageError(f"{flag}: {e}{hint}") from None


def check_data(args):
    """The file and its datasets, from the metadata only: nothing is loaded."""
    if not os.path.exists(args.h5):
        raise UsageError(f"--h5 {args.h5}: no such file; make one with make_glint_dataset")
    describe(args, "--h5", [])  # the file itself: readable HDF5, not a directory
    shapes = {}
    for flag, name in (("--images", args.images), ("--heatmaps", args.heatmaps)):
        (shape, _), = describe(args, f"{flag} {name}", [name], f"; name another with {flag}").values()
        if len(shape) not in (3, 4):
            raise UsageError(f"{flag} {name}: shape {list(shape)} in {args.h5}; "
                             "expected [N, H, W] or [N, C, H, W]")
        channels = shape[1] if len(shape) == 4 else 1
        if not 1 <= channels <= MAX_CHANNELS:
            raise UsageError(f"{flag} {name}: {channels} channels in {args.h5}; "
                             f"the UNet takes 1 to {MAX_CHANNELS}")
        shapes[flag] = shape
    images, heatmaps = shapes["--images"], shapes["--heatmaps"]
    if images[0] != heatmaps[0]:
        raise UsageError(f"--h5 {args.h5}: '{args.images}' has {images[0]} rows but '{args.heatmaps}' "
                         f"has {heatmaps[0]}; pass --images and --heatmaps with one row per sample each")
    if images[0] == 0:
        raise UsageError(f"--images {args.images}: no samples in {args.h5}")
    (h, w), (hh, hw) = images[-2:], heatmaps[-2:]
    if (h, w) != (hh, hw):
        raise UsageError(f"--h5 {args.h5}: images are {h}x{w} but heatmaps are {hh}x{hw}; "
                         "they must be the same size")
    multiple = 2 ** args.depth
    if h == 0 or w == 0 or h % multiple or w % multiple:
        raise UsageError(f"--depth {args.depth}: the images of {args.h5} are {h}x{w}, not multiples "
                         f"of 2^depth = {multiple}; lower --depth or crop the images")


def check_model_path(path):
    """The checkpoint is first written after a whole epoch: find out now if it cannot be."""
    if os.path.isdir(path):
        raise UsageError(f"--model_path {path}: is a directory; pass a file name such as "
                         f"{os.path.join(path, 'model.pt')}")
    if os.path.exists(path) and not os.path.isfile(path):
        raise UsageError(f"--model_path {path}: exists and is not a regular file; pass another path")
    # save_checkpoint writes a temporary file next to it and renames it over it,
    # so what matters is that this folder takes a new file.
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".train_glint_unet.", suffix=".probe")
    except OSError as e:
        raise UsageError(f"--model_path {path}: cannot write in {folder} ({e.strerror}); "
                         "pick a writable location") from None
    os.close(fd)
    os.unlink(probe)


def cleanup(args):
    """--cleanup_shm: what train_glint_unet --cleanup_shm does, from Python."""
    check_shm_dir(args)
    try:
        report = glint.cleanup(args.h5, shm_dir=args.shm_dir)
    except glint.IOFailureError:
        raise
    except glint.Error as e:
        raise UsageError(f"--cleanup_shm --h5 {args.h5}: {e}") from None
    for segment in report["removed"]:
        print(f"removed {segment['path']}")
    for why in report["skipped"]:
        print(f"{PROG}: warning: skipped {why}", file=sys.stderr)
    print(f"cleanup of {args.h5}: {len(report['removed'])} segment(s) removed, "
          f"{report['freed_bytes']} bytes freed", flush=True)


def train(args):
    # torch takes seconds to import: it comes once the command line and the
    # file are known to be good, so that a mistake is reported at once.
    import torch
    from torch.utils.data import DataLoader

    from glint.losses import LOSSES
    from glint.models import UNet, save_checkpoint
    from glint.torch import H5pyDataset, PrivateDataset, SharedDataset

    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.shared_memory:
        data = SharedDataset(args.h5, args.images, args.heatmaps, shm_dir=args.shm_dir)
    elif args.preload:
        data = PrivateDataset(args.h5, args.images, args.heatmaps)
    else:
        data = H5pyDataset(args.h5, args.images, args.heatmaps)
    image, heatmap = data[0]
    model = UNet(image.shape[0], heatmap.shape[0], args.base_channels, args.depth)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = LOSSES[args.loss]
    loader = DataLoader(data, batch_size=args.batch, shuffle=True, num_workers=args.num_workers,
                        multiprocessing_context=args.start_method if args.num_workers else None,
                        generator=torch.Generator().manual_seed(args.seed))
    source = "shared memory" if args.shared_memory else "private copy" if args.preload else "h5py"
    print(f"{len(data)} samples from {args.h5} ({source}), UNet base={args.base_channels} "
          f"depth={args.depth}, {args.num_workers} workers", flush=True)
    step = 0
    for epoch in range(args.epochs):
        start, total, seen = time.monotonic(), 0.0, 0
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            step, seen, total = step + 1, seen + len(x), total + loss.item() * len(x)
            if args.max_steps and step >= args.max_steps:
                break
        print(f"epoch {epoch + 1}/{args.epochs}  loss {total / max(seen, 1):.5f}  "
              f"{seen / (time.monotonic() - start):.1f} samples/s", flush=True)
        save_checkpoint(args.model_path, model, optimizer, epoch=epoch + 1, global_step=step,
                        loss=args.loss, seed=args.seed, lr=args.lr)
        if args.max_steps and step >= args.max_steps:
            break
    print(f"saved {args.model_path}", flush=True)


def first_line(error):
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def main(argv=None):
    args = parse_args(argv)
    try:
        if args.cleanup_shm:
            cleanup(args)
            return 0
        check_data(args)
        check_model_path(args.model_path)
        if args.shared_memory:
            check_shm_dir(args)
        train(args)
    except UsageError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (glint.Error, OSError, RuntimeError, ValueError) as e:
        # Failures while working (full /dev/shm, disk errors, a DataLoader
        # worker that died): one line, as every other error.
        print(f"{PROG}: error: {first_line(e)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
