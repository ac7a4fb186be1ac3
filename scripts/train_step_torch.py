#!/usr/bin/python3
"""The glint UNet and its training step written in Python (Debian's python3-torch),
as a user would write it: the reference that train_glint_unet is measured against.

Same architecture, parameter names, focal loss and Adam step as src/train/
(unet.cc, losses.cc, trainer_loop.cc). Prints one JSON line: step times
(seconds, after warm-up steps), peak RSS, torch threads, and the FLOPs of the
convolutions per step counted from their shapes.

  /usr/bin/python3 scripts/train_step_torch.py --precision bf16 --channels_last --steps 5
"""
import argparse
import json
import math
import resource
import time

import torch
from torch import nn
import torch.nn.functional as F


class ConvBlock(nn.Module):
    inplace = False  # --glint_ops: ReLU in place on BatchNorm's output

    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)), inplace=self.inplace)
        return F.relu(self.bn2(self.conv2(x)), inplace=self.inplace)


def upsample2x(up, x):
    """ConvTranspose2d(kernel 2, stride 2) as a 1x1 convolution and a pixel
    shuffle (src/train/unet.cc): same parameters, runs on oneDNN in bf16."""
    w = up.weight
    w1 = w.permute(1, 2, 3, 0).reshape(w.shape[1] * 4, w.shape[0], 1, 1)
    return F.pixel_shuffle(F.conv2d(x, w1, up.bias.repeat_interleave(4)), 2)


class UNet(nn.Module):
    glint_ops = False

    def __init__(self, cin=1, cout=1, c=16, depth=4):
        super().__init__()
        self.depth = depth
        chans = cin
        for i in range(depth):
            setattr(self, f"enc{i}", ConvBlock(chans, c << i))
            chans = c << i
        self.bottleneck = ConvBlock(chans, c << depth)
        for i in range(depth):
            setattr(self, f"up{i}", nn.ConvTranspose2d(c << (i + 1), c << i, 2, stride=2))
            setattr(self, f"dec{i}", ConvBlock(c << (i + 1), c << i))
        self.head = nn.Conv2d(c, cout, 1)
        with torch.no_grad():
            self.head.bias.fill_(-math.log((1 - 0.1) / 0.1))

    def forward(self, x):
        skips = []
        for i in range(self.depth):
            skips.append(getattr(self, f"enc{i}")(x))
            x = F.max_pool2d(skips[-1], 2)
        x = self.bottleneck(x)
        for i in reversed(range(self.depth)):
            up = getattr(self, f"up{i}")
            x = torch.cat([upsample2x(up, x) if self.glint_ops else up(x), skips[i]], 1)
            x = getattr(self, f"dec{i}")(x)
        return self.head(x)


def focal_loss(logits, target):
    # src/train/losses.cc: CenterNet focal loss, alpha 2, beta 4.
    y = target.to(logits.dtype)
    p = torch.sigmoid(logits)
    window_max = F.max_pool2d(y, 3, stride=1, padding=1)
    pos = ((y >= 1.0 - 1e-4) | ((y == window_max) & (y >= 0.05))).to(y.dtype)
    pos_term = (1 - p).pow(2) * F.logsigmoid(logits) * pos
    neg_term = (1 - y).pow(4) * p.pow(2) * F.logsigmoid(-logits) * (1 - pos)
    return -(pos_term.sum() + neg_term.sum()) / pos.sum().clamp_min(1.0)


def conv_flops(model, x):
    """Multiply-adds x 2 of every convolution in one forward, and the step's
    total: backward costs two forwards (input and weight gradients) except the
    input gradient of the first layer, which nobody needs."""
    total = {"fwd": 0, "first": 0}

    def hook(mod, inp, out):
        if isinstance(mod, nn.ConvTranspose2d):
            # each input pixel scatters a k*k*Cout patch
            n = inp[0].numel() // inp[0].shape[1]
            f = 2 * n * mod.in_channels * mod.out_channels * mod.kernel_size[0] * mod.kernel_size[1]
        else:
            n = out.numel() // out.shape[1]
            f = 2 * n * mod.in_channels * mod.out_channels * mod.kernel_size[0] * mod.kernel_size[1]
        if total["fwd"] == 0:
            total["first"] = f
        total["fwd"] += f

    hooks = [m.register_forward_hook(hook) for m in model.modules()
             if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return total["fwd"], 3 * total["fwd"] - total["first"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--channels_last", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--base_channels", type=int, default=16)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--flops_only", action="store_true")
    ap.add_argument("--glint_ops", action="store_true",
                    help="compute as train_glint_unet does: up-convolutions as 1x1 convolution + pixel "
                         "shuffle, ReLU in place")
    ap.add_argument("--profile", help="write a torch profiler table of one step to this file")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    UNet.glint_ops = ConvBlock.inplace = a.glint_ops
    model = UNet(c=a.base_channels, depth=a.depth)
    x = torch.rand(a.batch, 1, a.size, a.size)
    y = torch.rand(a.batch, 1, a.size, a.size) * 0.5
    fwd, step = conv_flops(model, x)
    if a.flops_only:
        print(json.dumps({"conv_gflop_fwd": fwd / 1e9, "conv_gflop_step": step / 1e9,
                          "parameters": sum(p.numel() for p in model.parameters())}))
        return
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step_once():
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            logits = model(x)
        loss = focal_loss(logits.float(), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step_once()
    if a.profile:
        from torch.profiler import profile, ProfilerActivity
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            step_once()
        with open(a.profile, "w") as f:
            f.write(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))
    times = []
    for _ in range(a.steps):
        t = time.perf_counter()
        step_once()
        times.append(time.perf_counter() - t)
    print(json.dumps({"precision": a.precision, "channels_last": a.channels_last, "glint_ops": a.glint_ops,
                      "threads": torch.get_num_threads(), "step_s": times,
                      "conv_gflop_step": step / 1e9,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
