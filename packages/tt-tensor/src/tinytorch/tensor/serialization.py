"""save / load: state dicts in an `.npz` file, written atomically, read without pickle.

Where a PyTorch user writes `torch.save(model.state_dict(), path)`, TinyTorch
has `save(model.state_dict(), path)` and `model.load_state_dict(load(path))`.
`torch.save` pickles, and unpickling runs arbitrary code: a downloaded
checkpoint could do anything. Here the file is an ordinary NumPy `.npz` (a
zip of `.npy` arrays), read with `allow_pickle=False`, so opening one can
only ever give numbers.

The format (decided here, version 1):

- every tensor (or NumPy array) is one `.npy` entry, named by its key path
  joined with dots: `{"0.weight": w}` is the entry `0.weight`, and a nested
  `{"state": {0: {"exp_avg": m}}}` is `state.0.exp_avg`. So `np.load(path)`
  shows readable names, and a flat state dict's entry names ARE its keys.
- one more entry, `__tinytorch__`, holds a JSON text: the format name and
  the tree of dicts, lists and tuples with each key's type (str or int) and,
  for each leaf, either the entry name of its array or its Python value
  (None, bool, int, float, str). Because the tree is stored, keys may contain
  dots, int keys stay ints, and order is kept; if two paths would join to the
  same name, the later one gets a `#n` suffix.
- `load` rebuilds the tree: arrays come back as Tensors (dtype kept, no
  gradient), Python values as themselves. A plain `.npz` without the JSON
  entry (from `np.savez`) loads as a flat dict of Tensors.

Writing goes to a temporary file in the same folder, then `os.replace`, so a
crash leaves the old file or the new one, never half of one; the temporary
file is removed on any error. Cost: one copy of every array on disk (stored,
not compressed); reading allocates each array once.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

from .tensor import Tensor

FORMAT = "tinytorch.tensor.save"
VERSION = 1
META = "__tinytorch__"

PathLike = str | os.PathLike  # type: ignore[type-arg]

_STATE_DICT_HINT = "save a state dict instead, e.g. save(model.state_dict(), path)"


def _key(key: Any, where: str) -> list[Any]:
    """A dict key as JSON: ["s", text] or ["i", number]."""
    if isinstance(key, str):
        return ["s", key]
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return ["i", int(key)]
    raise TypeError(
        f"save: {where} has a key {key!r} of type {type(key).__name__}; keys must be str or int"
    )


class _Encoder:
    """Turns a nested state dict into (JSON tree, {entry name: array})."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {META: np.zeros(0)}  # reserve the name

    def entry(self, path: list[str], array: np.ndarray, where: str) -> str:
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"save: {where} is an array of dtype {array.dtype}; only bool, integer and "
                "float arrays can be stored (no pickle)"
            )
        name = ".".join(path) or "_"
        base, n = name, 1
        while name in self.arrays:
            n += 1
            name = f"{base}#{n}"
        self.arrays[name] = array
        return name

    def encode(self, obj: Any, path: list[str], where: str) -> Any:
        if isinstance(obj, Tensor):
            return {"tensor": self.entry(path, obj.data, where)}
        if isinstance(obj, (np.ndarray, np.generic)):
            return {"tensor": self.entry(path, np.asarray(obj), where)}
        if obj is None or isinstance(obj, (bool, int, str)):
            return {"value": obj}
        if isinstance(obj, float):
            return {"value": obj} if math.isfinite(obj) else {"float": repr(obj)}
        if isinstance(obj, Mapping):
            items = []
            for k, v in obj.items():
                kind_key = _key(k, where)
                items.append([kind_key, self.encode(v, [*path, str(k)], f"{where}[{k!r}]")])
            return {"dict": items}
        if isinstance(obj, (list, tuple)):
            kind = "list" if isinstance(obj, list) else "tuple"
            return {kind: [self.encode(v, [*path, str(i)], f"{where}[{i}]")
                           for i, v in enumerate(obj)]}
        raise TypeError(
            f"save: cannot store {where}, a {type(obj).__name__}: a state dict holds Tensors, "
            f"arrays, numbers, strings, None, and dicts/lists/tuples of them; {_STATE_DICT_HINT}"
        )


def _write(path: str, arrays: dict[str, np.ndarray]) -> None:
    """Write `arrays` as an npz to `path` through a temp file + os.replace."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
                for name, array in arrays.items():
                    with zf.open(f"{name}.npy", "w", force_zip64=True) as entry:
                        np.lib.format.write_array(entry, np.asanyarray(array), allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save(obj: Mapping[str, Any], path: PathLike) -> None:
    """Write a state dict (`{name: Tensor}`, possibly nested) to `path` as an `.npz`, atomically.

    `obj` maps str (or int) keys to Tensors, NumPy arrays, numbers, strings,
    None, or further dicts/lists/tuples of those (an optimizer's state
    dict). Anything else, such as a model object, is a TypeError: save its
    `state_dict()`. The file name is used as given (no ".npz" is appended).
    """
    ### BEGIN SOLUTION
    if not isinstance(obj, Mapping):
        raise TypeError(
            f"save: expected a state dict (a mapping of names to tensors), got a "
            f"{type(obj).__name__}; {_STATE_DICT_HINT}"
        )
    encoder = _Encoder()
    tree = encoder.encode(obj, [], "obj")  # checks every value before the file is touched
    meta = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree}, allow_nan=False)
    encoder.arrays[META] = np.array(meta)
    _write(os.fspath(path), encoder.arrays)
    ### END SOLUTION


def _decode(node: Any, arrays: Mapping[str, np.ndarray], used: set[str]) -> Any:
    ((kind, value),) = node.items()
    if kind == "tensor":
        used.add(value)
        return Tensor._wrap(arrays[value])
    if kind == "value":
        return value
    if kind == "float":
        return float(value)
    if kind == "dict":
        return {(k if t == "s" else int(k)): _decode(v, arrays, used) for (t, k), v in value}
    items = [_decode(v, arrays, used) for v in value]
    return items if kind == "list" else tuple(items)


def load(path: PathLike) -> dict[Any, Any]:
    """Read a file written by `save` (or a plain `.npz`), without pickle.

    Returns the saved dict, in the saved order: Tensors with their dtypes
    (no gradient), and the numbers, strings and nested dicts/lists/tuples
    as they were saved. A pickle or any other non-npz file is a ValueError
    naming the file.
    """
    ### BEGIN SOLUTION
    name = os.fspath(path)
    try:
        with np.load(name, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except FileNotFoundError:
        raise
    except (AttributeError, TypeError):  # np.load gave a single array: a .npy file
        raise ValueError(f"load: {name} is a .npy array, not an .npz file from save") from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(
            f"load: {name} is not an .npz file written by save, or it holds pickled data "
            f"(refused: loading pickles can run code): {exc}"
        ) from None
    if META not in arrays:
        return {key: Tensor._wrap(array) for key, array in arrays.items()}
    try:
        meta = json.loads(str(arrays.pop(META)))
        if meta.get("format") != FORMAT or meta.get("version") != VERSION:
            raise ValueError(f"format {meta.get('format')!r} version {meta.get('version')!r}")
        used: set[str] = set()
        obj = _decode(meta["tree"], arrays, used)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"load: {name} has a malformed {META} entry: {exc!r}") from None
    unexpected = sorted(set(arrays) - used)
    if unexpected or not isinstance(obj, dict):
        raise ValueError(f"load: {name} holds arrays its {META} entry does not list: {unexpected}")
    return obj
    ### END SOLUTION
