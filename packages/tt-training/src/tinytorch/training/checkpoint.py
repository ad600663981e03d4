"""Checkpoints: the whole training state in ONE `.npz` file, written atomically.

What is saved: the model's `state_dict()` arrays, the optimizer's state (its
moment buffers as arrays, its options and step counts as JSON), the
scheduler's state, the epoch count and any `extra` (nested dicts, lists,
numbers, strings, arrays). Everything that is not an array is one JSON string
stored as a unicode array, so the file loads with `allow_pickle=False`: a
checkpoint can never run code when it is opened.

Why atomically: training runs for hours and may be killed at any moment. The
file is first written to a temporary file in the same directory, flushed and
fsync'ed to disk, and then renamed over the old checkpoint with `os.replace`,
which is atomic: a crash leaves either the old complete file or the new
complete file, never half of one. A temporary file that a crash left behind
is removed by the next write to the same path (see `_temp_files`).

Loading trusts nothing: `__meta__` must be the JSON object `save_checkpoint`
writes, and the file must hold exactly the arrays it names; a missing array,
an unexpected one or a malformed `__meta__` is an error that names the keys.

Cost: one copy of the weights and of the optimizer state on disk (Adam: about
3x the model size); writing is linear in that size.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
import zipfile
from typing import Any

import numpy as np
from tinytorch.layers import Module
from tinytorch.optimizers import LRScheduler, Optimizer
from tinytorch.tensor import Tensor

from ._encoding import array_refs, decode, encode
from ._temp_files import remove_stale_temps, temp_prefix
from .provenance import differences, installed_packages

FORMAT = "tinytorch.training.checkpoint"
VERSION = 1
META_KEY = "__meta__"
MODEL_PREFIX = "model/"

PathLike = str | os.PathLike[str]


def atomic_savez(path: PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Write `arrays` to `path` as an `.npz` file, atomically (temp file + `os.replace`).

    On any error the temporary file is removed and an existing `path` is
    left untouched. The name is used as given (no ".npz" is appended). Name
    the temporary file with `temp_prefix(path)`: temporary files of earlier
    writes that crashed are recognised by it and removed first.
    """
    remove_stale_temps(os.fspath(path))
    ### BEGIN SOLUTION
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=temp_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    ### END SOLUTION
    try:  # make the rename itself durable (POSIX); not possible everywhere
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def save_checkpoint(
    path: PathLike,
    model: Module,
    optimizer: Optimizer | None,
    epoch: int,
    scheduler: LRScheduler | None = None,
    extra: Any = None,
) -> None:
    """Save model, optimizer and scheduler state, `epoch` and `extra` to one `.npz` file.

    `epoch` is the number of epochs completed (what to resume from); `extra`
    is any nesting of dicts, lists, tuples, numbers, strings and arrays.
    """
    ### BEGIN SOLUTION
    arrays: dict[str, np.ndarray] = {}
    model_state = model.state_dict()
    for key, value in model_state.items():
        # C order (np.ascontiguousarray would also turn a 0-d buffer into shape (1,))
        arrays[MODEL_PREFIX + key] = np.asarray(
            value.data if isinstance(value, Tensor) else value, order="C"
        )
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "epoch": int(epoch),
        "model": list(model_state),
        "optimizer": None if optimizer is None else encode(
            optimizer.state_dict(), arrays, "optimizer.state_dict()"),
        "scheduler": None if scheduler is None else encode(
            scheduler.state_dict(), arrays, "scheduler.state_dict()"),
        "extra": encode(extra, arrays, "extra"),
        "packages": installed_packages(),  # which implementation trained this
    }
    arrays[META_KEY] = np.array(json.dumps(meta, allow_nan=False))
    atomic_savez(path, arrays)
    ### END SOLUTION


def load_checkpoint(
    path: PathLike,
    model: Module,
    optimizer: Optimizer | None = None,
    scheduler: LRScheduler | None = None,
) -> dict[str, Any]:
    """Restore a `save_checkpoint` file into `model` (and `optimizer`, `scheduler`).

    Returns `{"epoch": int, "extra": ..., "packages": {dist: {version, kind}}}`
    (the tt-* packages that saved it; a warning names any that differ from
    those installed now). The model is loaded strictly: a missing or
    unexpected key or a wrong shape raises an error that lists them, and if
    any part fails to load, the model keeps its old weights.
    """
    ### BEGIN SOLUTION
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load_checkpoint: no checkpoint file at {path!r}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ValueError(
            f"load_checkpoint: {path!r} is not a readable checkpoint (.npz) file: {exc}"
        ) from exc
    meta = read_meta(path, arrays)
    for part, target in (("optimizer", optimizer), ("scheduler", scheduler)):
        if target is not None and meta[part] is None:
            raise ValueError(f"load_checkpoint: {path!r} holds no {part} state")

    state = {key: arrays[MODEL_PREFIX + key] for key in meta["model"]}
    before = (model.state_dict(), optimizer and optimizer.state_dict(),
              scheduler and scheduler.state_dict())
    try:
        extra = decode(meta["extra"], arrays)
        model.load_state_dict(state)
        if optimizer is not None:
            optimizer.load_state_dict(decode(meta["optimizer"], arrays))
        if scheduler is not None:
            scheduler.load_state_dict(decode(meta["scheduler"], arrays))
    except (RuntimeError, ValueError, KeyError, TypeError) as exc:
        model.load_state_dict(before[0])  # all or nothing
        if optimizer is not None:
            optimizer.load_state_dict(before[1])
        if scheduler is not None:
            scheduler.load_state_dict(before[2])
        raise type(exc)(f"load_checkpoint({path!r}): {exc}") from exc
    changed = differences(meta.get("packages", {}))
    if changed:
        warnings.warn(
            f"load_checkpoint({path!r}): the installed tt-* packages differ from those that "
            "saved it: " + "; ".join(changed), stacklevel=2,
        )
    return {"epoch": meta["epoch"], "extra": extra, "packages": meta.get("packages", {})}
    ### END SOLUTION


_META_KEYS = ("format", "version", "epoch", "model", "optimizer", "scheduler", "extra")


def _keys(keys: Any) -> str:
    return ", ".join(repr(k) for k in sorted(keys))


def read_meta(path: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """The checked `__meta__` of a checkpoint whose arrays are `arrays`.

    Raises ValueError, naming the keys, unless `__meta__` is one JSON string
    holding an object with every key `save_checkpoint` writes (of the right
    types, this format and version), and the file holds exactly the arrays
    that it names: none missing, none unexpected.
    """
    where = f"load_checkpoint: {path!r}"
    if META_KEY not in arrays:
        raise ValueError(f"{where} has no {META_KEY!r} entry (its arrays: {_keys(arrays)})")
    raw = arrays[META_KEY]
    if raw.dtype.kind != "U" or raw.shape != ():
        raise ValueError(f"{where}: {META_KEY!r} is an array of dtype {raw.dtype} and shape "
                         f"{raw.shape}, expected one JSON string")
    try:
        meta = json.loads(str(raw[()]))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: {META_KEY!r} is not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{where}: {META_KEY!r} holds a {type(meta).__name__}, expected a JSON "
                         f"object with keys {_keys(_META_KEYS)}")
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise ValueError(
            f"{where} is not a {FORMAT} version {VERSION} file "
            f"(format {meta.get('format')!r}, version {meta.get('version')!r})"
        )
    missing = [k for k in _META_KEYS if k not in meta]
    if missing:
        raise ValueError(f"{where}: {META_KEY!r} lacks key(s) {_keys(missing)}")
    epoch, names = meta["epoch"], meta["model"]
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"{where}: {META_KEY}['epoch'] must be an int >= 0, got {epoch!r}")
    if not isinstance(names, list) or not all(isinstance(k, str) for k in names):
        raise ValueError(f"{where}: {META_KEY}['model'] must be a list of state_dict keys, "
                         f"got {names!r}")
    if not isinstance(meta.get("packages", {}), dict):
        raise ValueError(f"{where}: {META_KEY}['packages'] must be an object")
    named = {META_KEY, *(MODEL_PREFIX + k for k in names)}
    for part in ("optimizer", "scheduler", "extra"):
        try:
            named |= array_refs(meta[part])
        except ValueError as exc:
            raise ValueError(f"{where}: {META_KEY}[{part!r}]: {exc}") from None
    if named - set(arrays):
        raise ValueError(f"{where}: array(s) named in {META_KEY!r} are missing from the file: "
                         f"{_keys(named - set(arrays))}")
    if set(arrays) - named:
        raise ValueError(f"{where}: unexpected array(s), not named in {META_KEY!r}: "
                         f"{_keys(set(arrays) - named)}")
    return meta
