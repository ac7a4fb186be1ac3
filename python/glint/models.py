"""The glint heatmap UNet in PyTorch, with the C++ model's parameter names.

A checkpoint written by train_glint_unet loads as it is:

    checkpoint = torch.load("model.pt")
    model = glint.models.UNet(**checkpoint["meta"]["unet"])
    model.load_state_dict(checkpoint["model"])

Architecture and names as src/model/unet.h (docs/MODEL.md): enc{i}, bottleneck,
up{i}, dec{i}, head; each ConvBlock has conv1, bn1, conv2, bn2.

It computes as the C++ model does: each 2x2 up-convolution (an
nn.ConvTranspose2d's parameters) runs as a 1x1 convolution and a pixel
shuffle, which oneDNN runs in bfloat16 under CPU autocast, and ReLU runs in
place; under autocast the head's bias is added in float32 (float32 logits). UNet(..., textbook=True) computes the same function the way it is
usually written (ConvTranspose2d, ReLU out of place): the reference the
trainer's benchmark measures against (scripts/bench/training/train_step_torch.py).
"""

import math
import os
import pickle

import torch
from torch import nn
from torch.nn import functional as F

# The head bias starts at -log((1 - p) / p), p = 0.1 (CenterNet's prior).
HEAD_PRIOR = 0.1


class ConvBlock(nn.Module):
    """Two 3x3 convolutions (padding 1, no bias), each followed by BatchNorm and ReLU."""

    def __init__(self, in_channels, out_channels, textbook=False):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.inplace = not textbook  # BatchNorm's backward does not need its output

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)), inplace=self.inplace)
        return F.relu(self.bn2(self.conv2(x)), inplace=self.inplace)


def upsample2x(up, x):
    """up(x) for an nn.ConvTranspose2d with kernel 2 and stride 2, computed as a
    1x1 convolution to 4x the channels and a pixel shuffle (src/model/unet.cc):
    the same parameters and result, on oneDNN's convolution in bfloat16 too."""
    w = up.weight  # [in, out, 2, 2]
    w1 = w.permute(1, 2, 3, 0).reshape(w.shape[1] * 4, w.shape[0], 1, 1)
    return F.pixel_shuffle(F.conv2d(x, w1, up.bias.repeat_interleave(4)), 2)


class UNet(nn.Module):
    """Image [B, in_channels, H, W] -> logits [B, out_channels, H, W].

    H and W must be positive multiples of 2**depth. The predicted heatmap is
    sigmoid(logits).
    """

    def __init__(self, in_channels=1, out_channels=1, base_channels=16, depth=3, textbook=False):
        super().__init__()
        for name, value, lo, hi in (("in_channels", in_channels, 1, 64),
                                    ("out_channels", out_channels, 1, 64),
                                    ("base_channels", base_channels, 1, 1024), ("depth", depth, 1, 8)):
            if not lo <= value <= hi:
                raise ValueError(f"UNet option {name} = {value} is out of range; use {lo}..{hi}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.base_channels, self.depth = base_channels, depth
        self.textbook = textbook
        c = base_channels
        channels = in_channels
        for i in range(depth):
            self.add_module(f"enc{i}", ConvBlock(channels, c << i, textbook))
            channels = c << i
        self.bottleneck = ConvBlock(channels, c << depth, textbook)
        # Registered in the C++ order (up0, dec0, up1, ...), so that
        # parameters() lists them as the C++ named_parameters() does.
        for i in range(depth):
            self.add_module(f"up{i}", nn.ConvTranspose2d(c << (i + 1), c << i, 2, stride=2))
            self.add_module(f"dec{i}", ConvBlock(c << (i + 1), c << i, textbook))
        self.head = nn.Conv2d(c, out_channels, 1)
        with torch.no_grad():
            self.head.bias.fill_(-math.log((1 - HEAD_PRIOR) / HEAD_PRIOR))

    def check_input(self, x):
        shape = "x".join(str(s) for s in x.shape)
        what = f"UNet input of shape {shape} (NxCxHxW): "
        if x.dim() != 4:
            raise ValueError(what + "expected 4 dimensions")
        if x.shape[1] != self.in_channels:
            raise ValueError(what + f"expected {self.in_channels} channel(s), got {x.shape[1]}")
        multiple = 1 << self.depth
        for dim, name in ((2, "height"), (3, "width")):
            if x.shape[dim] <= 0 or x.shape[dim] % multiple:
                raise ValueError(what + f"{name} {x.shape[dim]} is not a positive multiple of "
                                 f"2^depth = {multiple}; crop or pad images to a multiple of "
                                 f"{multiple} or lower the depth")

    def forward(self, x):
        self.check_input(x)
        skips = []
        for i in range(self.depth):
            skips.append(getattr(self, f"enc{i}")(x))
            x = F.max_pool2d(skips[-1], 2)
        x = self.bottleneck(x)
        for i in reversed(range(self.depth)):
            up = getattr(self, f"up{i}")
            x = torch.cat([up(x) if self.textbook else upsample2x(up, x), skips[i]], dim=1)
            x = getattr(self, f"dec{i}")(x)
        if self.textbook or not (torch.is_autocast_cpu_enabled() or torch.is_autocast_enabled()):
            return self.head(x)
        # Under autocast the head's bias is added in float32, as in the C++
        # model: bfloat16 logits near the prior's -2.2 would come in steps of
        # 2^-6, flattening the heatmap's peaks into plateaus.
        z = F.conv2d(x, self.head.weight)
        return z.float() + self.head.bias.view(1, -1, 1, 1)

    def options(self):
        """The UNet options, as stored under checkpoint["meta"]["unet"]."""
        return {"in_channels": self.in_channels, "out_channels": self.out_channels,
                "base_channels": self.base_channels, "depth": self.depth}


class _CppReadablePickler(pickle._Pickler):
    """LibTorch's unpickler (torch::pickle_load) knows APPENDS but not APPEND,
    which Python uses for one-element lists (param_groups): write every list
    with APPENDS. The file stays a plain pickle for Python."""

    def _batch_appends(self, items):
        items = list(items)
        if len(items) == 1:
            self.write(pickle.MARK)
            self.save(items[0])
            self.write(pickle.APPENDS)
        else:
            super()._batch_appends(iter(items))


class _CppReadablePickle:
    Pickler = _CppReadablePickler
    Unpickler = pickle.Unpickler
    load = pickle.load


CHECKPOINT_FORMAT = "glint-unet-checkpoint"
CHECKPOINT_VERSION = 2


def save_checkpoint(path, model, optimizer=None, **meta):
    """Writes `path` in the layout of train_glint_unet (docs/MODEL.md), atomically.

    {"model": state_dict, "optimizer": Adam state_dict, "meta": {...}}; glint_predict
    and train_glint_unet --resume read it. `meta` adds fields such as epoch,
    global_step, loss, seed (int), val_split, lr.
    """
    fields = {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, "epoch": 0,
              "global_step": 0, "best_epoch": 0, "loss": "focal", "unet": model.options()}
    fields.update(meta)
    if "seed" in fields and fields["seed"] >= 2**63:
        fields["seed"] -= 2**64  # its 64 bits in a signed int, as the C++ side stores it
    # A plain dict (not the OrderedDict with _metadata): what the C++ reader takes.
    checkpoint = {"model": dict(model.state_dict()), "meta": fields}
    if optimizer is not None:
        state = optimizer.state_dict()
        names = [name for name, _ in model.named_parameters()]
        for group in state["param_groups"]:
            group["param_names"] = [names[i] for i in group["params"]]
        checkpoint["optimizer"] = state
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        torch.save(checkpoint, tmp, pickle_module=_CppReadablePickle)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load_model(path, map_location="cpu"):
    """The UNet of a checkpoint of train_glint_unet (or save_checkpoint), in eval mode."""
    checkpoint = torch.load(path, map_location=map_location)
    if "model" not in checkpoint:
        raise ValueError(f"{path}: not a glint checkpoint of version {CHECKPOINT_VERSION} "
                         "(no 'model'); load it once with train_glint_unet --resume to update it")
    model = UNet(**checkpoint["meta"]["unet"])
    model.load_state_dict(checkpoint["model"])
    return model.eval()
