"""save_checkpoint / load_checkpoint: round trip, no pickle, strict keys, checked files,
atomic writes that clean up after a crash."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from tinytorch.layers import Linear, Sequential
from tinytorch.optimizers import Adam, CosineAnnealingLR
from tinytorch.tensor import Tensor, manual_seed
from tinytorch.training import load_checkpoint, save_checkpoint


def trained(seed=0, steps=3):
    """A small model, Adam and a scheduler that have taken a few steps."""
    manual_seed(seed)
    model = Sequential(Linear(3, 4), Linear(4, 2))
    opt = Adam(model.parameters(), lr=0.01, amsgrad=True)
    sched = CosineAnnealingLR(opt, T_max=5)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        for p in model.parameters():
            p.grad = Tensor(rng.standard_normal(p.data.shape).astype(np.float32))
        opt.step()
        sched.step()
    return model, opt, sched


def test_round_trip_restores_everything(tmp_path):
    path = tmp_path / "ckpt.npz"
    model, opt, sched = trained(0)
    extra = {"note": "hi", "pair": (1, 2.5), "nan": math.nan, "inf": -math.inf,
             "arr": np.arange(6).reshape(2, 3), "nested": [{"a": None, "b": True}],
             3: "int key"}
    save_checkpoint(path, model, opt, epoch=7, scheduler=sched, extra=extra)
    assert os.listdir(tmp_path) == ["ckpt.npz"]

    model2, opt2, sched2 = trained(1, steps=1)
    info = load_checkpoint(path, model2, opt2, sched2)
    assert info["epoch"] == 7
    got = info["extra"]
    assert got["note"] == "hi" and got["pair"] == (1, 2.5) and got[3] == "int key"
    assert math.isnan(got["nan"]) and got["inf"] == -math.inf
    np.testing.assert_array_equal(got["arr"], np.arange(6).reshape(2, 3))
    assert got["nested"] == [{"a": None, "b": True}]
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(model2.state_dict()[key], value)
    a, b = opt.state_dict(), opt2.state_dict()
    assert a["param_groups"] == b["param_groups"]
    for idx, entries in a["state"].items():
        for name, value in entries.items():
            np.testing.assert_array_equal(b["state"][idx][name], value)
    assert sched2.state_dict() == sched.state_dict()
    assert sched2.get_last_lr() == sched.get_last_lr()


def test_file_is_plain_npz_without_pickle(tmp_path):
    path = tmp_path / "ckpt.npz"
    model, opt, _ = trained()
    save_checkpoint(path, model, opt, epoch=1)
    with np.load(path, allow_pickle=False) as npz:  # would raise on any object array
        assert "__meta__" in npz.files
        assert npz["__meta__"].dtype.kind == "U"
        assert all(npz[k].dtype != object for k in npz.files)


def test_model_only_and_missing_parts(tmp_path):
    path = tmp_path / "weights.npz"
    model, _, _ = trained()
    save_checkpoint(path, model, None, epoch=0)
    other, opt2, _ = trained(1)
    assert load_checkpoint(path, other)["epoch"] == 0
    np.testing.assert_array_equal(other[0].weight.data, model[0].weight.data)
    with pytest.raises(ValueError, match="holds no optimizer state"):
        load_checkpoint(path, other, opt2)


def test_missing_and_unexpected_keys_are_listed(tmp_path):
    path = tmp_path / "ckpt.npz"
    model, opt, _ = trained()
    save_checkpoint(path, model, opt, epoch=1)
    manual_seed(3)
    wider = Sequential(Linear(3, 4), Linear(4, 2), Linear(2, 2))
    before = wider.state_dict()
    with pytest.raises(RuntimeError, match=r"missing key\(s\): '2.weight', '2.bias'"):
        load_checkpoint(path, wider)
    for key, value in before.items():  # nothing was half-loaded
        np.testing.assert_array_equal(wider.state_dict()[key], value)
    narrower = Sequential(Linear(3, 4))
    with pytest.raises(RuntimeError, match=r"unexpected key\(s\): '1.weight', '1.bias'"):
        load_checkpoint(path, narrower)


def test_failed_optimizer_load_leaves_the_model_unchanged(tmp_path):
    path = tmp_path / "ckpt.npz"
    model, opt, _ = trained()
    save_checkpoint(path, model, opt, epoch=1)
    other, _, _ = trained(1)
    before = other.state_dict()
    wrong = Adam([other[0].weight], lr=0.1)  # 1 parameter instead of 4
    with pytest.raises(ValueError, match=r"load_checkpoint.*group 0 has 4 parameter"):
        load_checkpoint(path, other, wrong)
    for key, value in before.items():
        np.testing.assert_array_equal(other.state_dict()[key], value)


def test_failure_during_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    model, opt, _ = trained()
    save_checkpoint(path, model, opt, epoch=1)
    old_bytes = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="simulated"):
        save_checkpoint(path, model, opt, epoch=2)
    monkeypatch.undo()
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == ["ckpt.npz"]  # no temporary file left behind
    assert load_checkpoint(path, model, opt)["epoch"] == 1


def test_crash_half_way_through_writing(tmp_path, monkeypatch):
    """np.savez writes part of the archive, then dies: the target is never touched."""
    path = tmp_path / "ckpt.npz"
    model, opt, _ = trained()
    save_checkpoint(path, model, opt, epoch=1)
    real_savez = np.savez

    def partial(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", partial)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, model, opt, epoch=2)
    monkeypatch.setattr(np, "savez", real_savez)
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    assert load_checkpoint(path, model, opt)["epoch"] == 1


def test_unstorable_extra_and_bad_files(tmp_path):
    model, opt, _ = trained()
    with pytest.raises(TypeError, match=r"cannot store extra\['fn'\], a function"):
        save_checkpoint(tmp_path / "a.npz", model, opt, 0, extra={"fn": lambda: 0})
    with pytest.raises(TypeError, match="dtype object"):
        save_checkpoint(tmp_path / "a.npz", model, opt, 0, extra=np.array([None]))
    assert os.listdir(tmp_path) == []
    with pytest.raises(FileNotFoundError, match="no checkpoint file"):
        load_checkpoint(tmp_path / "missing.npz", model)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="not a readable checkpoint"):
        load_checkpoint(junk, model)
    plain = tmp_path / "plain.npz"
    np.savez(plain, w=np.zeros(2))
    with pytest.raises(ValueError, match="has no '__meta__' entry"):
        load_checkpoint(plain, model)


def rewrite(path, change):
    """Load the checkpoint's arrays, let `change` edit the dict, write them back (no pickle)."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    change(arrays)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def test_missing_arrays_are_named(tmp_path):
    path = tmp_path / "ckpt.npz"
    model, opt, _ = trained()
    save_checkpoint(path, model, opt, epoch=1, extra={"a": np.arange(3)})
    dropped = []

    def drop(arrays):
        data = max(k for k in arrays if k.startswith("data/"))  # an optimizer or extra array
        dropped.append(data)
        arrays.pop("model/0.weight"), arrays.pop(data)

    rewrite(path, drop)
    other, opt2, _ = trained(1)
    before = other.state_dict()
    with pytest.raises(ValueError, match=rf"missing from the file: '{dropped[0]}', "
                                         r"'model/0.weight'"):
        load_checkpoint(path, other, opt2)
    for key, value in before.items():
        np.testing.assert_array_equal(other.state_dict()[key], value)


def test_unexpected_arrays_are_named(tmp_path):
    path = tmp_path / "ckpt.npz"
    model, opt, _ = trained()
    save_checkpoint(path, model, opt, epoch=1)
    rewrite(path, lambda a: a.update({"junk": np.zeros(2), "model/9.weight": np.ones(1)}))
    with pytest.raises(ValueError,
                       match=r"unexpected array\(s\), not named in '__meta__': 'junk', "
                             r"'model/9.weight'"):
        load_checkpoint(path, trained(1)[0])


def edit_meta(change):
    def edit(arrays):
        meta = json.loads(str(arrays["__meta__"][()]))
        arrays["__meta__"] = np.array(change(meta) if callable(change) else change)
    return edit


def without(*keys):
    return lambda meta: json.dumps({k: v for k, v in meta.items() if k not in keys})


def with_value(key, value):
    return lambda meta: json.dumps({**meta, key: value})


@pytest.mark.parametrize(("edit", "message"), [
    (lambda: edit_meta("{not json"), r"'__meta__' is not valid JSON"),
    (lambda: edit_meta("[1, 2]"), r"'__meta__' holds a list, expected a JSON object with keys "
                                  r"'epoch', 'extra', 'format'"),
    (lambda: edit_meta(without("epoch", "model")), r"'__meta__' lacks key\(s\) 'epoch', 'model'"),
    (lambda: edit_meta(without("extra")), r"lacks key\(s\) 'extra'"),
    (lambda: edit_meta(with_value("epoch", "3")), r"__meta__\['epoch'\] must be an int >= 0, "
                                                  r"got '3'"),
    (lambda: edit_meta(with_value("epoch", -1)), r"__meta__\['epoch'\] must be an int >= 0"),
    (lambda: edit_meta(with_value("model", {"0.weight": 1})), r"__meta__\['model'\] must be a "
                                                              r"list of state_dict keys"),
    (lambda: edit_meta(with_value("format", "other")), r"format 'other'"),
    (lambda: edit_meta(with_value("extra", {"__ndarray__": 5})),
     r"__meta__\['extra'\]: malformed array reference"),
    (lambda: lambda a: a.update({"__meta__": np.arange(3.0)}),
     r"'__meta__' is an array of dtype float64 and shape \(3,\), expected one JSON string"),
])
def test_malformed_meta_is_named(tmp_path, edit, message):
    path = tmp_path / "ckpt.npz"
    model, opt, _ = trained()
    save_checkpoint(path, model, opt, epoch=1)
    rewrite(path, edit())
    other = trained(1)[0]
    before = other.state_dict()
    with pytest.raises(ValueError, match=message):
        load_checkpoint(path, other)
    for key, value in before.items():
        np.testing.assert_array_equal(other.state_dict()[key], value)


CRASH_WHILE_WRITING = """
import os, sys
import numpy as np
from tinytorch.layers import Linear
from tinytorch.training import save_checkpoint

def die(file, **arrays):  # half an archive on disk, then the process is gone: no cleanup runs
    file.write(b"PK\\x03\\x04 half an archive")
    file.flush()
    os._exit(9)

np.savez = die
save_checkpoint(sys.argv[1], Linear(2, 1), None, epoch=2)
"""


def test_a_crash_leaves_a_temp_file_that_the_next_write_removes(tmp_path):
    path = tmp_path / "ckpt.npz"
    model, opt, _ = trained()
    save_checkpoint(path, model, opt, epoch=1)
    proc = subprocess.run([sys.executable, "-c", CRASH_WHILE_WRITING, str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "ckpt.npz")
    assert len(left) == 1 and left[0].startswith(".ckpt.npz.") and left[0].endswith(".tmp")
    assert load_checkpoint(path, model, opt)["epoch"] == 1  # the crash never touched it

    save_checkpoint(path, model, opt, epoch=3)  # the next write to that path cleans up
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    assert load_checkpoint(path, model, opt)["epoch"] == 3


def test_temp_files_of_live_writers_and_other_paths_are_kept(tmp_path):
    path = tmp_path / "ckpt.npz"
    model, _, _ = trained()
    live = tmp_path / f".ckpt.npz.{os.getppid()}-abc123.tmp"  # the parent process is alive
    fresh = tmp_path / ".ckpt.npz.abcd1234.tmp"  # no pid in the name: judged by age
    old = tmp_path / ".ckpt.npz.zyxw9876.tmp"
    other = tmp_path / ".other.npz.1-abc.tmp"  # another checkpoint's
    for file in (live, fresh, old, other):
        file.write_bytes(b"partial")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    save_checkpoint(path, model, None, epoch=0)
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["ckpt.npz", live.name, fresh.name, other.name])


def test_zero_dimensional_buffers_and_extras_keep_their_shape(tmp_path):
    # BatchNorm's num_batches_tracked is a 0-d buffer; np.ascontiguousarray would make it (1,)
    from tinytorch.layers import Module

    class Counted(Module):
        def __init__(self):
            super().__init__()
            self.fc = Linear(2, 2)
            self.register_buffer("steps", Tensor(np.array(7, dtype=np.int64)))

    model = Counted()
    path = tmp_path / "c.npz"
    save_checkpoint(path, model, None, epoch=1, extra={"scale": np.array(2.5)})
    fresh = Counted()
    fresh.steps.data[...] = 0
    state = load_checkpoint(path, fresh)
    assert fresh.steps.shape == () and fresh.steps.item() == 7
    extra = state["extra"] if isinstance(state, dict) else state.extra
    assert np.asarray(extra["scale"]).shape == () and float(extra["scale"]) == 2.5
