#!/usr/bin/env python3
"""Trains the glint UNet from Python with PyTorch, on the shared cache.

The flags of the original design; with --shared_memory every process on the
machine (this one, its DataLoader workers, other Python or C++ trainers of
the same file) maps one copy of the data:

    PYTHONPATH=build/python .venv/bin/python python/examples/train_glint_unet.py \\
        --h5 train_256.h5 --shared_memory --loss focal --model_path model_focal.pt

The checkpoint has the layout of train_glint_unet (C++), so glint_predict and
glint.models.load_model read it.
"""

import argparse
import os
import sys
import time

import torch
from torch.utils.data import DataLoader

import glint
import glint.torch
from glint.losses import LOSSES
from glint.models import UNet, save_checkpoint


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--h5", required=True, help="HDF5 file with images and heatmaps")
    p.add_argument("--images", default="images", help="dataset of images ([N,H,W] or [N,C,H,W])")
    p.add_argument("--heatmaps", default="heatmaps", help="dataset of target heatmaps")
    p.add_argument("--shared_memory", action="store_true", help="read the data from the shared cache")
    p.add_argument("--preload", action="store_true",
                   help="without --shared_memory: read the data into private memory first")
    p.add_argument("--cleanup_shm", action="store_true", help="remove the file's segments at the end")
    p.add_argument("--shm_dir", default=None, help="directory of the segments (default /dev/shm)")
    p.add_argument("--num_workers", type=int, default=2, help="DataLoader worker processes")
    p.add_argument("--batch", type=int, default=16, help="samples per step")
    p.add_argument("--epochs", type=int, default=10, help="epochs")
    p.add_argument("--loss", choices=sorted(LOSSES), default="focal", help="training loss")
    p.add_argument("--model_path", default="model.pt", help="checkpoint written after each epoch")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--seed", type=int, default=0, help="seed of shuffling and initial weights")
    p.add_argument("--base_channels", type=int, default=16, help="feature maps of the first UNet level")
    p.add_argument("--depth", type=int, default=3, help="UNet levels; image size must divide by 2^depth")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch's default)")
    p.add_argument("--max_steps", type=int, default=0, help="stop after this many steps (0 = no limit)")
    p.add_argument("--start_method", choices=["fork", "spawn", "forkserver"], default=None,
                   help="how DataLoader workers start (default: the platform's)")
    args = p.parse_args(argv)
    for flag in ("num_workers", "max_steps", "threads"):
        if getattr(args, flag) < 0:
            p.error(f"--{flag} {getattr(args, flag)}: must be 0 or more")
    for flag in ("batch", "epochs"):
        if getattr(args, flag) < 1:
            p.error(f"--{flag} {getattr(args, flag)}: must be 1 or more")
    if not os.path.isfile(args.h5):
        p.error(f"--h5 {args.h5}: no such file; make one with make_glint_dataset")
    return args


def make_dataset(args):
    if args.shared_memory:
        return glint.torch.SharedDataset(args.h5, args.images, args.heatmaps, shm_dir=args.shm_dir)
    if args.preload:
        return glint.torch.PrivateDataset(args.h5, args.images, args.heatmaps)
    return glint.torch.H5pyDataset(args.h5, args.images, args.heatmaps)


def train(args):
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    data = make_dataset(args)
    image, heatmap = data[0]
    model = UNet(image.shape[0], heatmap.shape[0], args.base_channels, args.depth)
    model.check_input(image[None])
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


def main(argv=None):
    args = parse_args(argv)
    try:
        train(args)
    except glint.Error as e:
        print(f"train_glint_unet.py: error: {e}", file=sys.stderr)
        return 1
    finally:
        if args.cleanup_shm and args.shared_memory:
            try:
                glint.cleanup(args.h5, shm_dir=args.shm_dir)
            except glint.Error as e:
                print(f"train_glint_unet.py: cleanup: {e}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
