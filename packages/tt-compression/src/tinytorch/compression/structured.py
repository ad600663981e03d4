"""Structured pruning: remove whole neurons and channels, so the layers become smaller.

Unstructured pruning leaves a dense array full of zeros, which BLAS
multiplies as fast (as slowly) as before. Removing a whole hidden neuron
instead deletes a ROW of its Linear's weight (and its bias entry) and the
matching COLUMN of the next Linear's weight: both matrices shrink, and the
product really costs less. For a convolution, removing output channel c
deletes filter c and input channel c of the next convolution, or, after a
Flatten, the block of H*W inputs that channel c fed to the next Linear.

Which units go: those whose weights have the smallest L1 (or L2) norm (Li
et al., "Pruning Filters for Efficient ConvNets", 2017). The last layer
keeps all its outputs (they are the classes). Accuracy usually drops more
than with unstructured pruning at the same parameter count; fine-tune after.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import numpy as np
from tinytorch.layers import Linear, Module, Sequential
from tinytorch.spatial import Conv2d, Flatten

# layers that act on each unit/channel separately and own no parameters: they pass the
# kept units through unchanged (matched by class name, so no package is imported for them)
PASS_THROUGH = frozenset({"ReLU", "Sigmoid", "Tanh", "GELU", "Dropout", "MaxPool2d",
                          "AvgPool2d", "Identity"})


def unit_norms(layer: Linear | Conv2d, norm: str = "l1") -> np.ndarray:
    """The L1 or L2 norm of each output unit's weights: one number per row or filter."""
    w = layer.weight.data.reshape(layer.weight.shape[0], -1)
    ### BEGIN SOLUTION
    return np.abs(w).sum(axis=1) if norm == "l1" else np.sqrt((w * w).sum(axis=1))
    ### END SOLUTION


def _keep(layer: Linear | Conv2d, amount: float, norm: str) -> np.ndarray:
    """Sorted indices of the units to keep: the round((1 - amount) * n) largest, at least 1."""
    norms = unit_norms(layer, norm)
    n_keep = max(1, round((1.0 - amount) * len(norms)))
    return np.sort(np.argsort(-norms, kind="stable")[:n_keep])


def _sliced(layer: Linear | Conv2d, rows: np.ndarray | None, cols: np.ndarray | None) -> Module:
    """A new dense layer holding `layer`'s weights at output units `rows`, inputs `cols`."""
    w = layer.weight.data
    b = None if layer.bias is None else layer.bias.data
    ### BEGIN SOLUTION
    if rows is not None:
        w, b = w[rows], (None if b is None else b[rows])
    if cols is not None:
        w = w[:, cols]
    if isinstance(layer, Linear):
        new: Any = Linear(w.shape[1], w.shape[0], bias=b is not None, dtype=w.dtype)
    else:
        new = Conv2d(w.shape[1], w.shape[0], layer.kernel_size, layer.stride, layer.padding,
                     layer.dilation, bias=b is not None, dtype=w.dtype)
    new.weight.data[...] = w
    if b is not None:
        new.bias.data[...] = b
    return new
    ### END SOLUTION


def _consumer_columns(consumer: Linear | Conv2d, keep: np.ndarray, channels: int,
                      flattened: bool) -> np.ndarray:
    """Input indices of `consumer` that the kept units feed."""
    if not flattened:
        return keep
    # after Flatten, (N, C, H, W) -> (N, C*H*W): channel c feeds inputs c*HW .. (c+1)*HW - 1
    if consumer.in_features % channels:
        raise ValueError(
            f"structured_prune: a Linear with in_features={consumer.in_features} follows "
            f"Flatten of {channels} channels; {consumer.in_features} is not a multiple"
        )
    hw = consumer.in_features // channels
    ### BEGIN SOLUTION
    return (keep[:, None] * hw + np.arange(hw)[None, :]).ravel()
    ### END SOLUTION


def structured_prune(model: Sequential, amount: float, norm: str = "l1") -> Sequential:
    """A COPY of the Sequential `model` with `amount` of the units of every hidden layer removed.

    Every Linear or Conv2d that is followed (later in the Sequential) by
    another Linear or Conv2d loses round(amount * units) of its output units
    with the smallest `norm` ("l1" or "l2") of their weights, and that next
    layer loses the matching inputs. Between the two only per-unit layers
    without parameters may stand (ReLU, Sigmoid, Tanh, GELU, Dropout,
    MaxPool2d, AvgPool2d) and at most one Flatten (conv -> Linear). The last
    Linear/Conv2d keeps its outputs. The result is a smaller DENSE model:
    fewer parameters, fewer FLOPs, the same layer types.

    Exact where it should be: a removed unit whose weights and bias are all
    zero contributed relu(0) = 0 (or tanh(0) = 0) to the next layer, so the
    pruned model's outputs are unchanged.

    Errors: amount outside [0, 1), an unknown norm, a model that is not a
    Sequential, a grouped convolution, or a layer between two prunable layers
    that is not known to keep units separate (BatchNorm, LayerNorm, ...).
    Cost: one norm per unit and a copy of the kept weights.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"structured_prune: expected a Sequential, got {type(model).__name__} "
                        "(the order of its layers tells which inputs each removal shrinks)")
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not 0 <= amount < 1:
        raise ValueError(f"structured_prune: amount must be in [0, 1), got {amount!r}")
    if norm not in ("l1", "l2"):
        raise ValueError(f"structured_prune: norm must be 'l1' or 'l2', got {norm!r}")
    layers = list(model)
    prunable = [i for i, layer in enumerate(layers) if isinstance(layer, (Linear, Conv2d))]
    for i in prunable:
        if isinstance(layers[i], Conv2d) and layers[i].groups != 1:
            raise ValueError(f"structured_prune: layer {i} is a grouped Conv2d "
                             f"(groups={layers[i].groups}); only groups=1 is supported")
    ### BEGIN SOLUTION
    new_layers: list[Any] = [None] * len(layers)
    in_keep: dict[int, np.ndarray] = {}  # layer index -> its kept input indices
    for a, b in itertools.pairwise(prunable):
        between = layers[a + 1:b]
        flattened = sum(isinstance(m, Flatten) for m in between)
        odd = [type(m).__name__ for m in between
               if not isinstance(m, Flatten) and type(m).__name__ not in PASS_THROUGH]
        if odd or flattened > 1:
            raise ValueError(f"structured_prune: cannot remove units of layer {a} through "
                             f"{odd or ['Flatten', 'Flatten']} (layers {a + 1}..{b - 1})")
        keep = _keep(layers[a], float(amount), norm)
        new_layers[a] = _sliced(layers[a], keep, in_keep.get(a))
        in_keep[b] = _consumer_columns(layers[b], keep, layers[a].weight.shape[0],
                                       bool(flattened))
    if prunable:
        last = prunable[-1]
        new_layers[last] = _sliced(layers[last], None, in_keep.get(last))
    return Sequential(*(new if new is not None else copy.deepcopy(old)
                        for new, old in zip(new_layers, layers, strict=True)))
    ### END SOLUTION


def parameter_count(model: Module) -> int:
    """Number of scalar parameters of `model` (weights and biases)."""
    return int(sum(p.data.size for p in model.parameters()))
