"""Storage: what a model really costs on disk, measured as the bytes of a file.

Zeroing weights or calling them "int8" shrinks nothing until the arrays
written are smaller. So every compression method here is judged by the
same yardstick: save the model with `save_model` and count the bytes.

The compressed-state protocol: a Module may define

    compressed_state() -> dict[str, np.ndarray]      # the arrays that define it
    load_compressed_state(arrays) -> None             # put them back

(`QuantizedLinear`, `QuantizedConv2d`, and the sparse layers of this
package do). `model_arrays` walks the model: a module with
`compressed_state` contributes those arrays (and its children are not
walked further); every other module contributes its own parameters and
persistent buffers, as `state_dict` names them. Keys are dotted paths,
`"0.weight"`, `"0.weight_codes"`, so a model rebuilt with the same
structure can take them back (`load_model_arrays`).

Files are written with `np.savez`, NOT `savez_compressed`: zip's deflate
would squeeze the zeros of a pruned dense matrix and hide what the
representation itself costs. Written to a temp file, then `os.replace`d,
so a crash never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from tinytorch.layers import Module


def _compressed(module: Any) -> bool:
    return callable(getattr(type(module), "compressed_state", None))


def _compressed_prefixes(model: Module) -> list[tuple[str, Any]]:
    """(dotted name, module) of every outermost module that has compressed_state."""
    found: list[tuple[str, Any]] = []
    for name, module in model.named_modules():
        if _compressed(module) and not any(_inside(name, p) for p, _ in found):
            found.append((name, module))
    return found


def _inside(name: str, prefix: str) -> bool:
    return prefix == "" or name == prefix or name.startswith(prefix + ".")


def model_arrays(model: Module) -> dict[str, np.ndarray]:
    """Every array that defines `model`, by dotted name (compressed state where defined)."""
    if not isinstance(model, Module):
        raise TypeError(f"model_arrays: expected a Module, got {type(model).__name__}")
    ### BEGIN SOLUTION
    compressed = _compressed_prefixes(model)
    arrays = {key: value for key, value in model.state_dict().items()
              if not any(_inside(key.rpartition(".")[0], p) for p, _ in compressed)}
    for prefix, module in compressed:
        for key, value in module.compressed_state().items():
            arrays[f"{prefix}.{key}" if prefix else key] = np.asarray(value)
    return arrays
    ### END SOLUTION


def load_model_arrays(model: Module, arrays: dict[str, Any]) -> None:
    """The inverse of `model_arrays`: load every array into a model of the same structure.

    Compressed modules get `load_compressed_state` with their keys (prefix
    removed); the rest go through `load_state_dict` (shapes checked). The keys
    must be exactly those `model_arrays(model)` names, or a KeyError lists the
    missing and unexpected ones before anything is loaded.
    """
    if not isinstance(model, Module):
        raise TypeError(f"load_model_arrays: expected a Module, got {type(model).__name__}")
    expected = model_arrays(model)
    missing = [k for k in expected if k not in arrays]
    unexpected = [k for k in arrays if k not in expected]
    if missing or unexpected:
        raise KeyError(f"load_model_arrays: missing keys {missing}, unexpected keys {unexpected}")
    ### BEGIN SOLUTION
    compressed = _compressed_prefixes(model)
    rest = {k: v for k, v in arrays.items()
            if not any(_inside(k.rpartition(".")[0], p) for p, _ in compressed)}
    for prefix, module in compressed:
        start = f"{prefix}." if prefix else ""
        module.load_compressed_state({k[len(start):]: v for k, v in arrays.items()
                                      if k.startswith(start) and "." not in k[len(start):]})
    model.load_state_dict(rest, strict=False)  # keys checked above; shapes checked here
    ### END SOLUTION


def save_model(model: Module, path: str | os.PathLike[str]) -> int:
    """Write `model_arrays(model)` to `path` with np.savez (atomically); the file's bytes."""
    arrays = model_arrays(model)
    for key in ("file", "allow_pickle"):
        if key in arrays:
            raise ValueError(f"save_model: an array named {key!r} clashes with np.savez's "
                             "arguments; rename the module")
    ### BEGIN SOLUTION
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # uncompressed: the size is the representation's
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target.stat().st_size
    ### END SOLUTION


def saved_bytes(model: Module) -> int:
    """The size in bytes of the file `save_model` writes for `model` (via a temp file)."""
    with tempfile.TemporaryDirectory() as tmp:
        return save_model(model, Path(tmp) / "model.npz")
