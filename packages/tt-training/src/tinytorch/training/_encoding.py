"""Nested Python structures <-> (JSON text, named arrays), without pickle.

A checkpoint holds state dicts: nested dicts, lists and tuples of numbers,
strings and NumPy arrays (an optimizer's state is keyed by ints). Pickle
could store them directly, but loading a pickle runs arbitrary code, so a
checkpoint from elsewhere would be a security hole. Instead the structure is
written as JSON, and every array is replaced by a reference to an entry of
the `.npz` file:

    {"exp_avg": array}   ->   {"exp_avg": {"__ndarray__": "data/3"}} + {"data/3": array}

Tuples, dicts whose keys are not all strings, and non-finite floats (which
strict JSON lacks) get similar tagged forms, so decoding gives back exactly
the types that went in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

_TAGS = ("__ndarray__", "__tuple__", "__items__", "__float__")


def encode(obj: Any, arrays: dict[str, np.ndarray], where: str) -> Any:
    """A JSON-able form of `obj`; arrays are moved into `arrays` under "data/<n>".

    `where` names the value in error messages (e.g. "extra['history']").
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, np.generic) and obj.dtype.kind in "biuf":
        obj = obj.item()
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"__float__": repr(obj)}
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biufU":
            raise TypeError(
                f"save_checkpoint: {where} is an array of dtype {obj.dtype}, which cannot "
                "be stored without pickle (use numbers, bools or strings)"
            )
        key = f"data/{len(arrays)}"
        arrays[key] = np.asarray(obj, order="C")  # keeps 0-d arrays 0-d
        return {"__ndarray__": key}
    if isinstance(obj, Tensor):
        return encode(obj.data, arrays, where)
    if isinstance(obj, tuple):
        return {"__tuple__": [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, Mapping):
        plain = all(isinstance(k, str) and k not in _TAGS for k in obj)
        if plain:
            return {k: encode(v, arrays, f"{where}[{k!r}]") for k, v in obj.items()}
        return {"__items__": [[encode(k, arrays, f"{where} key"),
                               encode(v, arrays, f"{where}[{k!r}]")] for k, v in obj.items()]}
    raise TypeError(
        f"save_checkpoint: cannot store {where}, a {type(obj).__name__}: checkpoints hold "
        "None, bools, numbers, strings, arrays, lists, tuples and dicts of them"
    )


def decode(obj: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    """Invert `encode`: `arrays` maps the "data/<n>" names to the stored arrays."""
    if isinstance(obj, list):
        return [decode(v, arrays) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__ndarray__" in obj:
        return np.array(arrays[obj["__ndarray__"]])
    if "__tuple__" in obj:
        return tuple(decode(v, arrays) for v in obj["__tuple__"])
    if "__items__" in obj:
        return {_hashable(decode(k, arrays)): decode(v, arrays) for k, v in obj["__items__"]}
    if "__float__" in obj:
        return float(obj["__float__"])
    return {k: decode(v, arrays) for k, v in obj.items()}


def array_refs(obj: Any) -> set[str]:
    """The names of the arrays an encoded structure refers to ("data/<n>").

    Raises ValueError when a reference is not a string (a malformed file).
    """
    found: set[str] = set()
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "__ndarray__" in item:
                ref = item["__ndarray__"]
                if not isinstance(ref, str):
                    raise ValueError(f"malformed array reference {item!r}")
                found.add(ref)
            else:
                stack.extend(item.values())
    return found


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key
