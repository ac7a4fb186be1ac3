"""glint.models.UNet against the C++ UNet: names, weights, outputs, checkpoints
both ways (train_glint_unet -> Python, the Python example -> C++)."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import glint
from glint.models import UNet, load_model
from conftest import BUILD_DIR, program, write_h5

SOURCE_DIR = os.environ.get("GLINT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
EXAMPLE = os.path.join(SOURCE_DIR, "python/examples/train_glint_unet.py")
TINY = ["--base_channels", "4", "--depth", "2", "--batch", "4", "--threads", "1"]


def cpp_train(h5, model_path, shm_dir, *extra):
    r = subprocess.run([program("train_glint_unet"), "--h5", h5, "--model_path", model_path,
                        "--shm_dir", shm_dir, "--progress", "off", *TINY, *extra],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def python_train(h5, model_path, shm_dir, *extra):
    r = subprocess.run([sys.executable, EXAMPLE, "--h5", h5, "--model_path", model_path,
                        "--shm_dir", shm_dir, *TINY, *extra],
                       capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def cpp_forward(model_path, x, tmp_path):
    """Logits of the C++ UNet for `x` [N, C, H, W] from the checkpoint."""
    src, dst = tmp_path / "x.f32", tmp_path / "y.f32"
    x.numpy().astype(np.float32).tofile(src)
    n, _, h, w = x.shape
    r = subprocess.run([program("glint_unet_forward"), model_path, str(src), str(n), str(h), str(w), str(dst)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return torch.from_numpy(np.fromfile(dst, dtype=np.float32))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A checkpoint of train_glint_unet (C++) on a tiny file, 2 epochs."""
    tmp = tmp_path_factory.mktemp("cpp")
    shm = str(tmp / "shm")
    os.mkdir(shm, 0o700)
    h5 = write_h5(str(tmp / "data.h5"), samples=12, height=16, width=16)
    path = str(tmp / "cpp.pt")
    cpp_train(h5, path, shm, "--epochs", "2", "--shared_memory")
    return h5, path, shm


def test_python_unet_has_the_cpp_parameter_names_in_the_same_order(trained):
    _, path, _ = trained
    checkpoint = torch.load(path)
    model = UNet(**checkpoint["meta"]["unet"])
    assert sorted(model.state_dict()) == sorted(checkpoint["model"])
    model.load_state_dict(checkpoint["model"])  # strict
    names = checkpoint["optimizer"]["param_groups"][0]["param_names"]
    assert names == [name for name, _ in model.named_parameters()]


def test_python_unet_gives_the_cpp_outputs_from_a_cpp_checkpoint(trained, tmp_path):
    _, path, _ = trained
    model = load_model(path)
    x = torch.rand(3, 1, 16, 16, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        ours = model(x).reshape(-1)
    theirs = cpp_forward(path, x, tmp_path)
    assert ours.shape == theirs.shape
    assert torch.allclose(ours, theirs, atol=1e-5, rtol=1e-5), (ours - theirs).abs().max()
    fresh = UNet(**torch.load(path)["meta"]["unet"]).eval()
    with torch.no_grad():
        assert not torch.allclose(fresh(x).reshape(-1), theirs, atol=1e-3)  # the weights matter


def test_python_adam_resumes_from_the_cpp_optimizer_state(trained):
    _, path, _ = trained
    checkpoint = torch.load(path)
    model = UNet(**checkpoint["meta"]["unet"])
    model.load_state_dict(checkpoint["model"])
    adam = torch.optim.Adam(model.parameters())
    adam.load_state_dict(checkpoint["optimizer"])
    assert adam.param_groups[0]["lr"] == checkpoint["meta"]["lr"]
    step = adam.state[next(model.parameters())]["step"]
    assert int(step) == checkpoint["meta"]["global_step"]
    model(torch.rand(2, 1, 16, 16)).mean().backward()
    adam.step()


def test_cpp_reads_a_checkpoint_of_the_python_example(trained, tmp_path):
    h5, _, shm = trained
    path = str(tmp_path / "py.pt")
    out = python_train(h5, path, shm, "--shared_memory", "--epochs", "1", "--num_workers", "0", "--seed", "3")
    assert "saved " + path in out
    x = torch.rand(2, 1, 16, 16, generator=torch.Generator().manual_seed(6))
    with torch.no_grad():
        ours = load_model(path)(x).reshape(-1)
    assert torch.allclose(ours, cpp_forward(path, x, tmp_path), atol=1e-5, rtol=1e-5)
    # train_glint_unet continues it (model, Adam state, epoch, seed).
    resumed = cpp_train(h5, path, shm, "--epochs", "2", "--resume", "--seed", "3", "--lr", "1e-3")
    assert "resumed " + path + " after epoch 1" in resumed
    assert torch.load(path)["meta"]["epoch"] == 2


def test_python_and_cpp_trainers_share_one_copy(trained, tmp_path):
    h5, _, shm = trained
    before = {s["file_name"]: (s["created_unix_ns"], s["creator_pid"])
              for s in glint.list_segments(h5, shm_dir=shm)}
    assert sorted(name.rsplit("_", 1)[-1] for name in before) == ["heatmaps", "images"]
    python_train(h5, str(tmp_path / "p.pt"), shm, "--shared_memory", "--epochs", "1", "--num_workers", "2")
    after = {s["file_name"]: (s["created_unix_ns"], s["creator_pid"])
             for s in glint.list_segments(h5, shm_dir=shm)}
    assert after == before  # attached to what the C++ trainer loaded


def test_glint_predict_reads_a_python_checkpoint(trained, tmp_path):
    h5, _, shm = trained
    path = str(tmp_path / "py.pt")
    python_train(h5, path, shm, "--epochs", "1", "--num_workers", "0", "--preload")
    predict = program("glint_predict")
    flag = "--model_path" if "--model_path" in subprocess.run([predict, "--help"], capture_output=True,
                                                              text=True).stdout else "--model"
    r = subprocess.run([predict, flag, path, "--h5", h5, "--threads", "1"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_wrong_shapes_and_options_are_one_line_errors():
    with pytest.raises(ValueError, match="UNet option depth = 9 is out of range; use 1..8"):
        UNet(depth=9)
    with pytest.raises(ValueError, match="height 10 is not a positive multiple of 2\\^depth = 8"):
        UNet()(torch.zeros(1, 1, 10, 16))


def test_textbook_form_computes_the_same_logits_and_gradients():
    """The default UNet runs its up-convolutions as 1x1 convolution + pixel shuffle
    and ReLU in place; textbook=True is ConvTranspose2d and ReLU out of place. Same
    parameters, same function, same gradients (float32)."""
    torch.manual_seed(3)
    fast, textbook = UNet(base_channels=4, depth=3), UNet(base_channels=4, depth=3, textbook=True)
    textbook.load_state_dict(fast.state_dict())
    x = torch.rand(2, 1, 32, 32)
    outputs = []
    for model in (fast, textbook):
        model.zero_grad()
        y = model(x)
        y.square().mean().backward()
        outputs.append((y.detach(), {n: p.grad.clone() for n, p in model.named_parameters()}))
    torch.testing.assert_close(outputs[0][0], outputs[1][0], rtol=1e-5, atol=1e-5)
    for name, grad in outputs[0][1].items():
        torch.testing.assert_close(grad, outputs[1][1][name], rtol=1e-4, atol=1e-5, msg=name)
