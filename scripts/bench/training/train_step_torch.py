"""The glint UNet and its training step written in Python (the project's torch, .venv),
as a user would write it: the reference that train_glint_unet is measured against.

The model and the focal loss are the Python package's (python/glint/models.py,
losses.py: the architecture, parameter names and loss of src/model/), in the
plain form users write (ConvTranspose2d, ReLU out of place) unless --glint_ops;
the Adam step is as in trainer_loop.cc. Prints one JSON line: step times
(seconds, after warm-up steps), peak RSS, torch threads, and the FLOPs of the
convolutions per step counted from their shapes.

  .venv/bin/python scripts/bench/training/train_step_torch.py --precision bf16 --channels_last --steps 5
"""
import argparse
import importlib.util
import json
import os
import resource
import sys
import time

import torch
from torch import nn


def _load(name):
    """python/glint/NAME.py without the package (whose __init__ needs the built
    extension): the model and loss are the package's own."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
    path = os.path.join(root, "python", "glint", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"glint_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # torch.compile imports a module by its name
    spec.loader.exec_module(module)
    return module


models, losses = _load("models"), _load("losses")


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


def parse_args():
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
    ap.add_argument("--compile", choices=["off", "default", "max-autotune"], default="off",
                    help="torch.compile the model with its loss (forward and backward) and Adam's step "
                         "in this mode; warm-up steps include the compilation")
    return ap.parse_args()


def main():
    a = parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = models.UNet(base_channels=a.base_channels, depth=a.depth, textbook=not a.glint_ops)
    x = torch.rand(a.batch, 1, a.size, a.size)
    y = torch.rand(a.batch, 1, a.size, a.size) * 0.5
    # counted on the plain form: its ConvTranspose2d modules are what the hooks see
    fwd, step = conv_flops(models.UNet(base_channels=a.base_channels, depth=a.depth, textbook=True), x)
    if a.flops_only:
        print(json.dumps({"conv_gflop_fwd": fwd / 1e9, "conv_gflop_step": step / 1e9,
                          "parameters": sum(p.numel() for p in model.parameters())}))
        return
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def forward_loss(x, y):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            logits = model(x)
        return losses.focal_loss(logits.float(), y)

    def adam_step():
        opt.step()

    if a.compile != "off":
        mode = None if a.compile == "default" else a.compile
        forward_loss = torch.compile(forward_loss, mode=mode)
        adam_step = torch.compile(adam_step, mode=mode)

    def step_once():
        opt.zero_grad()
        loss = forward_loss(x, y)
        loss.backward()
        adam_step()
        return loss.item()

    started = time.perf_counter()
    for _ in range(a.warmup):
        step_once()
    warmup_s = time.perf_counter() - started
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
                      "compile": a.compile, "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "step_s": times, "warmup_s": warmup_s,
                      "conv_gflop_step": step / 1e9,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
