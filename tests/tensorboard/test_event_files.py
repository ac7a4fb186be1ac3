"""glint::tblog's event files, read back by tensorboard itself.

tblog_write_run (write_run.cc) writes a sweep of two runs and prints what it
wrote; these tests read the files with tensorboard's EventAccumulator and
HParams protos, serve them with the real tensorboard server, and read a copy
whose last record is torn. Run by ctest with GLINT_PYTHON; an interpreter
without tensorboard fails at the imports below.
"""
import json
import os
import shutil
import struct
import subprocess

import pytest
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2

import png_check
import tb_server

WRITE_RUN = os.environ.get("TBLOG_WRITE_RUN", "")
RUNS = ("focal", "hybrid")


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    assert os.path.exists(WRITE_RUN), f"TBLOG_WRITE_RUN={WRITE_RUN!r}: build tblog_write_run and run through ctest"
    logdir = tmp_path_factory.mktemp("runs")
    done = subprocess.run([WRITE_RUN, str(logdir)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return logdir, json.loads(done.stdout)


def load(run_dir):
    acc = event_accumulator.EventAccumulator(str(run_dir), size_guidance={"scalars": 0, "images": 0})
    acc.Reload()
    return acc


def f32(value):
    """The value as TensorBoard stores simple_value: float32."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


@pytest.mark.parametrize("run", RUNS)
def test_every_scalar_is_read_with_its_step_and_value(sweep, run):
    logdir, wrote = sweep
    acc = load(logdir / run)
    assert acc.file_version == 2.0
    expected = wrote[run]["scalars"]
    assert sorted(acc.Tags()["scalars"]) == sorted(expected)
    assert len(expected["train/loss"]) == 6 and len(expected["val/loss"]) == 3
    for tag, points in expected.items():
        read = [(e.step, e.value) for e in acc.Scalars(tag)]
        assert read == [(step, f32(value)) for step, value in points], tag


@pytest.mark.parametrize("run", RUNS)
def test_images_decode_as_png_of_the_written_size(sweep, run):
    logdir, wrote = sweep
    acc = load(logdir / run)
    images = acc.Images("val/predictions")
    assert [i.step for i in images] == [w["step"] for w in wrote[run]["images"]] == [2, 4, 6]
    for image in images:
        assert (image.width, image.height) == (64, 48)
        assert png_check.decode_rgb(image.encoded_image_string)[:2] == (64, 48)


@pytest.mark.parametrize("run", RUNS)
def test_hparams_plugin_data_parses_with_values_and_status(sweep, run):
    logdir, wrote = sweep
    content = load(logdir / run).PluginTagToContent("hparams")
    assert sorted(content) == ["_hparams_/session_end_info", "_hparams_/session_start_info"]
    start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    end = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_end_info"])
    hparams = start.session_start_info.hparams
    expected = wrote[run]["hparams"]
    assert sorted(hparams) == sorted(expected)
    assert hparams["loss"].string_value == expected["loss"] == run
    assert hparams["lr"].number_value == expected["lr"]
    assert hparams["batch_size"].number_value == 16
    assert hparams["augment"].WhichOneof("kind") == "bool_value"
    assert hparams["augment"].bool_value == expected["augment"]
    assert start.session_start_info.start_time_secs > 1.7e9
    assert end.session_end_info.status == api_pb2.STATUS_SUCCESS
    assert end.session_end_info.end_time_secs >= start.session_start_info.start_time_secs


def record_starts(data):
    """Offsets of the TFRecords in an event file (framing only)."""
    starts, at = [], 0
    while at < len(data):
        starts.append(at)
        (length,) = struct.unpack_from("<Q", data, at)
        at += 16 + length
    assert at == len(data)
    return starts


def test_a_torn_last_record_is_read_up_to_that_record(sweep, tmp_path):
    logdir, wrote = sweep
    torn = tmp_path / "focal"
    shutil.copytree(logdir / "focal", torn)
    (event_file,) = torn.iterdir()
    data = event_file.read_bytes()
    last = record_starts(data)[-1]
    event_file.write_bytes(data[: last + (len(data) - last) // 2])  # killed in the middle of the session end
    acc = load(torn)
    for tag, points in wrote["focal"]["scalars"].items():
        assert [(e.step, e.value) for e in acc.Scalars(tag)] == [(s, f32(v)) for s, v in points], tag
    assert len(acc.Images("val/predictions")) == 3
    assert sorted(acc.PluginTagToContent("hparams")) == ["_hparams_/session_start_info"]


def test_the_tensorboard_server_lists_both_runs_tags_and_the_hparams_table(sweep):
    logdir, wrote = sweep
    with tb_server.TensorBoard(logdir) as server:
        tags = server.poll_json("/data/plugin/scalars/tags", lambda t: all(r in t and len(t[r]) == 5 for r in RUNS))
        for run in RUNS:
            assert sorted(tags[run]) == sorted(wrote[run]["scalars"])
        assert sorted(server.get_json("/data/runs")) == sorted(RUNS)
        images = server.get_json("/data/plugin/images/tags")
        assert all("val/predictions" in images[run] for run in RUNS)
        groups = server.session_groups(["loss", "lr", "augment", "batch_size"], ["final/best_val_loss"])
    rows = {g["hparams"]["loss"]: g for g in groups}
    assert sorted(rows) == sorted(RUNS)
    for run in RUNS:
        best = wrote[run]["scalars"]["final/best_val_loss"][0][1]
        assert rows[run]["hparams"]["lr"] == wrote[run]["hparams"]["lr"]
        assert rows[run]["metricValues"][0]["value"] == pytest.approx(best, rel=1e-6)
