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
complete file, never half of one.

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

from ._encoding import decode, encode
from .provenance import differences, installed_packages

FORMAT = "tinytorch.training.checkpoint"
VERSION = 1
META_KEY = "__meta__"
MODEL_PREFIX = "model/"

PathLike = str | os.PathLike[str]


def atomic_savez(path: PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Write `arrays` to `path` as an `.npz` file, atomically (temp file + `os.replace`).

    On any error the temporary file is removed and an existing `path` is
    left untouched. The name is used as given (no ".npz" is appended).
    """
    ### BEGIN SOLUTION
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
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
        arrays[MODEL_PREFIX + key] = np.ascontiguousarray(
            value.data if isinstance(value, Tensor) else value
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
    if META_KEY not in arrays:
        raise ValueError(f"load_checkpoint: {path!r} has no {META_KEY!r} entry")
    meta = json.loads(str(arrays[META_KEY][()]))
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise ValueError(
            f"load_checkpoint: {path!r} is not a {FORMAT} version {VERSION} file "
            f"(format {meta.get('format')!r}, version {meta.get('version')!r})"
        )
    for part, target in (("optimizer", optimizer), ("scheduler", scheduler)):
        if target is not None and meta[part] is None:
            raise ValueError(f"load_checkpoint: {path!r} holds no {part} state")

    state = {key: arrays[MODEL_PREFIX + key] for key in meta["model"]}
    before = (model.state_dict(), optimizer and optimizer.state_dict(),
              scheduler and scheduler.state_dict())
    try:
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
    return {"epoch": meta["epoch"], "extra": decode(meta["extra"], arrays),
            "packages": meta.get("packages", {})}
    ### END SOLUTION
