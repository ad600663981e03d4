"""save / load: npz round trips, nested state dicts, atomic writes, no pickle."""

from __future__ import annotations

import os
import pickle
import re
import zipfile

import numpy as np
import pytest
from tinytorch.tensor import Tensor, load, save


def _state():
    return {
        "0.weight": Tensor(np.arange(6, dtype=np.float32).reshape(2, 3)),
        "0.bias": Tensor(np.array([0.1, 0.2])),  # float64
        "steps": Tensor(np.array([3, -4], dtype=np.int64)),
        "mask": Tensor(np.array([[True, False]])),
        "scalar": Tensor(np.float32(2.5)),
    }


def test_round_trip_keeps_order_dtypes_values(tmp_path):
    path = tmp_path / "model.npz"
    state = _state()
    save(state, path)
    back = load(path)
    assert list(back) == list(state)
    for key, value in state.items():
        assert isinstance(back[key], Tensor)
        assert back[key].dtype == value.dtype and back[key].shape == value.shape
        np.testing.assert_array_equal(back[key].numpy(), value.numpy())
    assert not back["0.weight"].requires_grad
    # the entry names of a flat state dict are its keys: plain NumPy can read the file
    with np.load(path, allow_pickle=False) as npz:
        assert [f for f in npz.files if not f.startswith("__")] == list(state)


def test_nested_state_dict_round_trip(tmp_path):
    opt = {
        "state": {0: {"step": 7, "exp_avg": np.ones((2, 2), np.float32)}, 1: {}},
        "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "params": [0, 1],
                          "amsgrad": False, "name": None, "eps": float("inf")}],
        "a.b": Tensor([1.0]),
        "a": {"b": Tensor([2.0])},  # the same dotted name as "a.b": kept apart
    }
    save(opt, tmp_path / "opt.npz")
    back = load(tmp_path / "opt.npz")
    assert list(back) == list(opt)
    assert list(back["state"]) == [0, 1] and back["state"][1] == {}
    assert back["state"][0]["step"] == 7 and isinstance(back["state"][0]["step"], int)
    assert back["state"][0]["exp_avg"].dtype == np.float32
    assert back["state"][0]["exp_avg"].tolist() == [[1.0, 1.0], [1.0, 1.0]]
    group = back["param_groups"][0]
    assert group["betas"] == (0.9, 0.999) and group["params"] == [0, 1]
    assert group["amsgrad"] is False and group["name"] is None and group["eps"] == float("inf")
    assert back["a.b"].tolist() == [1.0] and back["a"]["b"].tolist() == [2.0]


def test_plain_npz_loads_as_flat_dict(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, w=np.ones(3, np.float32), n=np.array(2))
    back = load(path)
    assert list(back) == ["w", "n"] and back["w"].dtype == np.float32


def test_refuses_objects_with_state_dict_hint(tmp_path):
    class Model:
        pass

    with pytest.raises(TypeError, match=r"state_dict\(\)"):
        save(Model(), tmp_path / "m.npz")
    with pytest.raises(TypeError, match=r"state_dict\(\)"):
        save([Tensor([1.0])], tmp_path / "m.npz")
    with pytest.raises(TypeError, match=r"obj\['layer'\].*Model.*state_dict\(\)"):
        save({"layer": Model()}, tmp_path / "m.npz")
    with pytest.raises(TypeError, match="keys must be str or int"):
        save({(1, 2): Tensor([1.0])}, tmp_path / "m.npz")
    assert not list(tmp_path.iterdir())  # checked before anything was written


def test_refuses_pickles_and_non_npz_files(tmp_path):
    pickled = tmp_path / "model.pt"
    pickled.write_bytes(pickle.dumps({"w": np.ones(2)}))
    with pytest.raises(ValueError, match=re.escape(str(pickled))):
        load(pickled)
    obj_npz = tmp_path / "obj.npz"
    np.savez(obj_npz, w=np.array([{"a": 1}], dtype=object))  # needs pickle to read
    with pytest.raises(ValueError, match=re.escape(str(obj_npz))):
        load(obj_npz)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match=re.escape(str(text))):
        load(text)
    npy = tmp_path / "one.npy"
    np.save(npy, np.ones(2))
    with pytest.raises(ValueError, match=re.escape(str(npy))):
        load(npy)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.npz")


def test_malformed_meta_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "bad.npz"
    with zipfile.ZipFile(path, "w") as zf:
        with zf.open("__tinytorch__.npy", "w") as f:
            np.lib.format.write_array(f, np.array("{not json"))
    with pytest.raises(ValueError, match=re.escape(str(path))):
        load(path)


def test_failed_write_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    save({"w": Tensor([1.0, 2.0])}, path)
    old = path.read_bytes()
    real = np.lib.format.write_array
    calls = []

    def failing(fp, array, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # after the first entry is half written
            raise OSError("disk full")
        return real(fp, array, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", failing)
    with pytest.raises(OSError, match="disk full"):
        save({"w": Tensor([3.0, 4.0]), "b": Tensor([5.0])}, path)
    assert path.read_bytes() == old
    assert sorted(os.listdir(tmp_path)) == ["ckpt.npz"]
    monkeypatch.undo()
    assert load(path)["w"].tolist() == [1.0, 2.0]


def test_failed_rename_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"

    def broken_replace(src, dst):
        raise KeyboardInterrupt  # even an interrupt cleans up

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        save({"w": Tensor([1.0])}, path)
    assert os.listdir(tmp_path) == []
