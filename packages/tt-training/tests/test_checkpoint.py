"""save_checkpoint / load_checkpoint: round trip, no pickle, strict keys, atomic writes."""

from __future__ import annotations

import math
import os

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
