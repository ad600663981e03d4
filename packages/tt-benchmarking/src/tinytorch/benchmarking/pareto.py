"""The Pareto front: the models no other model beats on both latency and accuracy.

When models trade speed for quality (a smaller network, a quantised one, a
pruned one), no single number ranks them. Model A *dominates* model B when
A is at least as good on both axes and strictly better on one; the
undominated models form the Pareto front, the only ones worth choosing
from. Everything else is slower and no better, or worse and no faster.

`pareto_front` is pure (points in, indices out, O(n log n)); `plot_pareto`
draws the points with the front marked and writes a PNG atomically. It
needs matplotlib, imported only there (the framework depends on NumPy
alone): `pip install matplotlib`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def _check_points(where: str, points: Sequence[Sequence[float]]) -> np.ndarray:
    """The points as an (n, 2) float array; ValueError for another shape or NaN."""
    try:
        array = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: points must be (x, y) pairs of numbers: {exc}") from None
    if array.size == 0:
        return array.reshape(0, 2)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{where}: points must be (x, y) pairs, got an array of shape "
                         f"{array.shape}")
    if np.isnan(array).any():
        raise ValueError(f"{where}: points contain NaN at rows "
                         f"{np.flatnonzero(np.isnan(array).any(axis=1)).tolist()}")
    return array


def pareto_front(points: Sequence[Sequence[float]],
                 minimize: tuple[bool, bool] = (True, False)) -> list[int]:
    """Indices of the undominated points, sorted by x (ties: by index).

    `points` are (x, y) pairs, e.g. (latency ms, accuracy). `minimize` says,
    per axis, whether smaller is better: the default (True, False) wants a
    small x and a large y. Equal points do not dominate each other: all of
    them are on the front. Raises ValueError for points that are not pairs
    of numbers or contain NaN.
    """
    array = _check_points("pareto_front", points)
    if not (isinstance(minimize, tuple) and len(minimize) == 2
            and all(isinstance(m, bool) for m in minimize)):
        raise ValueError(f"pareto_front: minimize must be a pair of bools, got {minimize!r}")
    ### BEGIN SOLUTION
    signs = np.array([1.0 if m else -1.0 for m in minimize])
    costs = array * signs  # now smaller is better on both axes
    order = sorted(range(len(costs)), key=lambda i: (costs[i, 0], costs[i, 1], i))
    front: list[int] = []
    best_y = np.inf  # the smallest y cost among points with a smaller x cost
    i = 0
    while i < len(order):  # points with equal x cost are judged together
        j = i
        while j < len(order) and costs[order[j], 0] == costs[order[i], 0]:
            j += 1
        group = order[i:j]
        group_best = costs[group[0], 1]  # sorted by y within the group
        if group_best < best_y:  # the group's best is not dominated by an earlier x
            front += [k for k in group if costs[k, 1] == group_best]
            best_y = group_best
        i = j
    return sorted(front, key=lambda k: (array[k, 0], k))
    ### END SOLUTION


def plot_pareto(points: Sequence[Sequence[float]], path: str | os.PathLike[str],
                labels: Sequence[str] | None = None, xlabel: str = "latency (ms)",
                ylabel: str = "accuracy", minimize: tuple[bool, bool] = (True, False),
                title: str | None = None) -> Path:
    """Scatter the points, mark and join the Pareto front, write a PNG to `path` atomically.

    Returns the path written. Raises ImportError (with the install command)
    when matplotlib is missing, ValueError for bad points or labels.
    """
    array = _check_points("plot_pareto", points)
    if labels is not None and len(labels) != len(array):
        raise ValueError(f"plot_pareto: {len(labels)} labels for {len(array)} points")
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise ValueError(f"plot_pareto: path must end in .png, got {target.name!r}")
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plot_pareto needs matplotlib, which is not installed: "
                          "pip install matplotlib (the rest of tinytorch.benchmarking "
                          "works without it)") from None
    front = pareto_front(array.tolist(), minimize)
    figure = Figure(figsize=(6, 4), dpi=120)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    others = [i for i in range(len(array)) if i not in set(front)]
    ax.scatter(array[others, 0], array[others, 1], color="0.6", label="dominated")
    ax.plot(array[front, 0], array[front, 1], "o-", color="C3", label="Pareto front")
    for i, text in enumerate(labels or ()):
        ax.annotate(text, (array[i, 0], array[i, 1]), textcoords="offset points",
                    xytext=(4, 4), fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            figure.savefig(handle, format="png", bbox_inches="tight")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
