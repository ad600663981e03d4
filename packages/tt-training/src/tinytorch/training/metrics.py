"""Metrics: numbers that say how well a model does, beside the loss it minimises.

A metric here is any function `metric(outputs, targets) -> float` that returns
the *mean* over the samples of a batch; the `Trainer` averages these batch
means weighted by batch size, so the epoch value is the mean over all samples.
Both arguments arrive as NumPy arrays (the model output is detached: metrics
are never differentiated).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

Metric = Callable[[Any, Any], float]


def _array(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def accuracy(outputs: Any, targets: Any, threshold: float = 0.5) -> float:
    """Fraction of samples whose predicted class equals the target class.

    Which prediction is read from `outputs` depends on its last dimension:

    - several columns `(..., C)`, C > 1: the class is the argmax over the last
      dimension (logits or probabilities alike). `targets` are class indices
      of shape `(...)`, or one-hot / probability rows of shape `(..., C)`
      (their argmax is taken).
    - one column `(..., 1)`, or a 1-D `(N,)`: a binary decision,
      `outputs > threshold`. The default 0.5 suits probabilities (after a
      sigmoid, e.g. with `BCELoss`); pass `threshold=0.0` for logits (e.g.
      with `BCEWithLogitsLoss`). Targets are 0/1 labels, with or without
      the single column.

    Inputs may be Tensors or arrays. Cost: one pass over the outputs.
    """
    ### BEGIN SOLUTION
    out, tgt = _array(outputs), _array(targets)
    if out.size == 0:
        raise ValueError("accuracy: got an empty batch")
    if out.ndim >= 2 and out.shape[-1] > 1:
        if tgt.shape == out.shape[:-1]:
            correct = out.argmax(axis=-1) == tgt
        elif tgt.shape == out.shape:
            correct = out.argmax(axis=-1) == tgt.argmax(axis=-1)
        else:
            raise ValueError(
                f"accuracy: outputs of shape {out.shape} need targets of shape "
                f"{out.shape[:-1]} (class indices) or {out.shape} (one-hot), got {tgt.shape}"
            )
    else:
        o = out[..., 0] if out.ndim >= 2 else out  # (N,): drop the single column
        if tgt.shape not in (o.shape, (*o.shape, 1)):
            raise ValueError(
                f"accuracy: binary outputs of shape {out.shape} need 0/1 targets of shape "
                f"{o.shape} or {(*o.shape, 1)}, got {tgt.shape}"
            )
        correct = (o > threshold) == (tgt.reshape(o.shape) > 0.5)
    return float(np.mean(correct))
    ### END SOLUTION


METRICS: dict[str, Metric] = {"accuracy": accuracy}


def resolve_metrics(metrics: Any, owner: str = "Trainer") -> dict[str, Metric]:
    """Turn `metrics` into {name: function}.

    Accepts None, a name ("accuracy"), a callable, an iterable of names and
    callables, or a mapping {name: callable}. A callable is named by its
    `__name__` (a `functools.partial` by the wrapped function's).
    """
    if metrics is None:
        return {}
    if isinstance(metrics, Mapping):
        items: Iterable[tuple[str, Any]] = metrics.items()
    else:
        if isinstance(metrics, str) or callable(metrics):
            metrics = [metrics]
        items = [(_metric_name(m, owner), m) for m in metrics]
    resolved: dict[str, Metric] = {}
    for name, m in items:
        if isinstance(m, str):
            if m not in METRICS:
                raise ValueError(
                    f"{owner}: unknown metric {m!r}; known metrics: {sorted(METRICS)} "
                    "(or pass a callable metric(outputs, targets) -> float)"
                )
            m = METRICS[m]
        if not callable(m):
            raise TypeError(f"{owner}: metric {name!r} is a {type(m).__name__}, not a callable")
        if name in resolved or name == "loss":
            raise ValueError(f"{owner}: two metrics are named {name!r} (or one is named 'loss')")
        resolved[name] = m
    return resolved


def _metric_name(metric: Any, owner: str) -> str:
    if isinstance(metric, str):
        return metric
    fn = getattr(metric, "func", metric)  # functools.partial
    name = getattr(fn, "__name__", None)
    if not name or name == "<lambda>":
        raise ValueError(
            f"{owner}: cannot name the metric {metric!r}; pass metrics as a dict {{name: fn}}"
        )
    return name
