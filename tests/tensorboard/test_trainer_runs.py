"""train_glint_unet --tensorboard, read back by tensorboard itself.

Two real trainings of a small synthetic dataset (focal and hybrid) write
into one --tensorboard folder. tensorboard's EventAccumulator must read the
same per-epoch numbers the trainer wrote to its JSON log, one image per
validation and the hparams; the real server must show both runs and a
two-row HParams table. A folder that cannot be written costs one warning,
never the training. Run by ctest (TRAIN_GLINT_UNET, MAKE_GLINT_DATASET).
"""
import json
import os
import struct
import subprocess

import pytest
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2

import png_check
import tb_server

TRAINER = os.environ.get("TRAIN_GLINT_UNET", "")
MAKE_DATASET = os.environ.get("MAKE_GLINT_DATASET", "")
EPOCHS = 2
COMMON = ["--epochs", str(EPOCHS), "--batch", "8", "--base_channels", "4", "--depth", "2",
          "--threads", "1", "--num_workers", "1", "--precision", "fp32", "--val_split", "0.25",
          "--progress", "off"]
# The folder of each run: the flags that differ from their defaults, in run_hparams' order.
RUN_DIRS = {"focal": "batch=8,epochs=2,val_split=0.25,base_channels=4,depth=2,precision=fp32",
            "hybrid": "loss=hybrid,batch=8,epochs=2,val_split=0.25,base_channels=4,depth=2,precision=fp32"}
EPOCH_TAGS = {"loss/train": "train_loss", "loss/val": "val_loss", "val/loc_error_px": "loc_error_px",
              "val/precision": "precision", "val/recall": "recall", "val/f1": "f1", "train/lr": "lr",
              "train/samples_per_s": "samples_per_s", "train/step_s": "step_s",
              "train/data_wait_pct": "data_wait_pct", "train/peak_rss_mib": "peak_rss_mib"}


def f32(value):
    return struct.unpack("<f", struct.pack("<f", value))[0]


def train(args, cwd):
    done = subprocess.run([TRAINER, *COMMON, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    assert os.path.exists(TRAINER) and os.path.exists(MAKE_DATASET), "run through ctest"
    work = tmp_path_factory.mktemp("sweep")
    h5 = work / "glints.h5"
    subprocess.run([MAKE_DATASET, str(h5), "--count", "48", "--size", "32", "--glints", "1-2"],
                   check=True, capture_output=True, timeout=120)
    logdir = work / "runs"
    out = {}
    for loss in RUN_DIRS:
        done = train(["--h5", str(h5), "--loss", loss, "--log", f"{loss}.jsonl", "--model_path", f"{loss}.pt",
                      "--tensorboard", str(logdir)], work)
        epochs = [json.loads(line) for line in (work / f"{loss}.jsonl").read_text().splitlines()]
        out[loss] = {"stdout": done.stdout, "epochs": epochs}
    return logdir, out


def load(run_dir):
    acc = event_accumulator.EventAccumulator(str(run_dir), size_guidance={"scalars": 0, "images": 0})
    acc.Reload()
    return acc


def test_each_run_has_its_folder_named_from_the_flags_that_differ(sweep):
    logdir, runs = sweep
    assert sorted(os.listdir(logdir)) == sorted(RUN_DIRS.values())
    for loss, folder in RUN_DIRS.items():
        assert f"tensorboard: {logdir / folder} (tensorboard --logdir {logdir})" in runs[loss]["stdout"]


@pytest.mark.parametrize("loss", RUN_DIRS)
def test_epoch_scalars_are_the_numbers_of_the_json_log_at_the_global_step(sweep, loss):
    logdir, runs = sweep
    acc = load(logdir / RUN_DIRS[loss])
    epochs = runs[loss]["epochs"]
    assert len(epochs) == EPOCHS
    for tag, key in EPOCH_TAGS.items():
        # null in the log (nothing matched, no step): no point in TensorBoard
        expected = [(e["global_step"], f32(e[key])) for e in epochs if e[key] is not None]
        read = [(s.step, s.value) for s in acc.Scalars(tag)] if tag in acc.Tags()["scalars"] else []
        assert [s for s, _ in read] == [s for s, _ in expected], tag
        assert [v for _, v in read] == pytest.approx([v for _, v in expected], rel=1e-6), tag
    steps = [s.step for s in acc.Scalars("train/step_loss")]
    assert steps == list(range(1, epochs[-1]["global_step"] + 1))
    final = {t: acc.Scalars(t)[-1].value for t in ("final/best_val_loss", "final/best_epoch", "final/epochs_done")}
    best = min(epochs, key=lambda e: e["val_loss"])
    assert final == pytest.approx({"final/best_val_loss": f32(best["val_loss"]), "final/best_epoch": best["epoch"],
                                   "final/epochs_done": EPOCHS})


@pytest.mark.parametrize("loss", RUN_DIRS)
def test_each_validation_writes_a_picture_of_the_first_validation_images(sweep, loss):
    logdir, runs = sweep
    images = load(logdir / RUN_DIRS[loss]).Images("val/predictions")
    assert [i.step for i in images] == [e["global_step"] for e in runs[loss]["epochs"]]
    for image in images:
        # four 32x32 images enlarged 8x, four to a row, 4 px apart
        assert (image.width, image.height) == (4 * 256 + 3 * 4, 256)
        assert png_check.decode_rgb(image.encoded_image_string)[:2] == (image.width, image.height)


@pytest.mark.parametrize("loss", RUN_DIRS)
def test_hparams_carry_the_flags_and_the_session_ends_in_success(sweep, loss):
    logdir, _ = sweep
    content = load(logdir / RUN_DIRS[loss]).PluginTagToContent("hparams")
    start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    end = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_end_info"])
    hparams = start.session_start_info.hparams
    assert hparams["loss"].string_value == loss
    assert hparams["lr"].number_value == pytest.approx(1e-3)
    assert hparams["batch"].number_value == 8
    assert hparams["data"].string_value == "glints.h5"
    assert hparams["augment"].WhichOneof("kind") == "bool_value"
    assert end.session_end_info.status == api_pb2.STATUS_SUCCESS


def test_the_server_shows_both_runs_and_a_row_per_run_in_the_hparams_table(sweep):
    logdir, runs = sweep
    with tb_server.TensorBoard(logdir) as server:
        tags = server.poll_json("/data/plugin/scalars/tags", lambda t: all(d in t for d in RUN_DIRS.values()))
        for folder in RUN_DIRS.values():
            assert {"loss/train", "loss/val", "train/lr", "train/step_loss"} <= set(tags[folder])
        groups = server.session_groups(["loss", "lr"], ["final/best_val_loss"])
    rows = {g["hparams"]["loss"]: g for g in groups}
    assert sorted(rows) == sorted(RUN_DIRS)
    for loss in RUN_DIRS:
        best = min(e["val_loss"] for e in runs[loss]["epochs"])
        metrics = {m["name"]["tag"]: m["value"] for m in rows[loss]["metricValues"]}
        assert metrics["final/best_val_loss"] == pytest.approx(best, rel=1e-6)


def test_a_folder_that_cannot_be_written_costs_one_warning_not_the_training(sweep, tmp_path):
    logdir, _ = sweep
    h5 = logdir.parent / "glints.h5"
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    done = train(["--h5", str(h5), "--log", "run.jsonl", "--tensorboard", str(blocker / "runs")], tmp_path)
    warnings = [line for line in done.stderr.splitlines() if line.startswith("tensorboard:")]
    assert len(warnings) == 1, done.stderr
    assert "TensorBoard logging is off for this run" in warnings[0]
    assert str(blocker) in warnings[0]
    assert len((tmp_path / "run.jsonl").read_text().splitlines()) == EPOCHS
