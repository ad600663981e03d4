"""Unstructured magnitude pruning: zero the smallest weights, and keep them zero.

Most weights of a trained network are small, and setting the smallest
90 % of them to zero often costs little accuracy once the network is
fine-tuned for a few epochs (Han et al., "Learning both Weights and
Connections", 2015). This file does the zeroing and remembers WHICH weights
were zeroed (the masks), so fine-tuning can keep them at zero.

What it buys and what it does not: a zero is still a float32 in a dense
array, so pruning alone shrinks neither the file nor the time. The file
shrinks once the weights are stored sparse (`to_sparse`, sparse.py); dense
BLAS does not get faster from zeros at all, which is why structured pruning
(structured.py) removes whole neurons instead.
"""

from __future__ import annotations

import numpy as np
from tinytorch.layers import Module

from ._layers import prunable_layers

SCOPES = ("global", "layer")


def _check_sparsity(sparsity: float, op: str) -> float:
    if isinstance(sparsity, bool) or not isinstance(sparsity, (int, float, np.floating)):
        raise TypeError(f"{op}: sparsity must be a number in [0, 1), got {sparsity!r}")
    if not 0.0 <= float(sparsity) < 1.0:
        raise ValueError(
            f"{op}: sparsity must be in [0, 1) (the fraction of weights set to zero; "
            f"1 would remove every weight), got {sparsity!r}"
        )
    return float(sparsity)


def _smallest_mask(magnitudes: np.ndarray, k: int) -> np.ndarray:
    """Boolean keep-mask of `magnitudes`' shape: False at exactly the `k` smallest entries.

    `argpartition` picks exactly k entries even when many magnitudes tie
    (a threshold `|w| <= t` would prune every tied weight and overshoot).
    """
    keep = np.ones(magnitudes.size, dtype=bool)
    if k > 0:
        keep[np.argpartition(magnitudes.ravel(), k - 1)[:k]] = False
    return keep.reshape(magnitudes.shape)


class Pruning:
    """The masks of a pruned model, and the means to keep the pruned weights at zero.

    `masks` maps a layer's dotted name ("0", "features.3") to a boolean
    array of its weight's shape: True where the weight is kept. Biases are
    never pruned (they are few, and each one matters).

    Why keep masks: during fine-tuning the optimizer would move pruned
    weights away from zero again. This course RE-ZEROES after each step
    (`reapply()` right after `optimizer.step()`) rather than masking the
    gradients. Masking gradients is enough for plain SGD and Adam (a weight
    whose gradient is always 0 never moves), but not for an optimizer whose
    update has other terms (AdamW's decoupled decay, momentum carried from
    before the pruning); re-zeroing works for any optimizer and costs one
    multiply per weight per step.
    """

    def __init__(self, model: Module, masks: dict[str, np.ndarray], scope: str,
                 target: float) -> None:
        self.model = model
        self.masks = masks
        self.scope = scope
        self.target = target
        self._layers = dict(prunable_layers(model))

    def reapply(self) -> None:
        """Set every pruned weight back to zero (call after each optimizer step)."""
        ### BEGIN SOLUTION
        for name, mask in self.masks.items():
            weight = self._layers[name].weight
            weight.data *= mask  # in place: the Parameter object the optimizer holds
        ### END SOLUTION

    def sparsity(self) -> float:
        """The fraction of prunable weights that ARE zero now, measured from the weights.

        Measured, not taken from the masks: it tells whether fine-tuning kept
        them at zero (a forgotten `reapply()` shows here).
        """
        ### BEGIN SOLUTION
        zeros = sum(int(np.count_nonzero(layer.weight.data == 0))
                    for layer in self._layers.values())
        total = sum(layer.weight.data.size for layer in self._layers.values())
        return zeros / total
        ### END SOLUTION

    def layer_sparsity(self) -> dict[str, float]:
        """Measured fraction of zero weights per layer (global pruning spreads it unevenly)."""
        return {name: float(np.mean(layer.weight.data == 0))
                for name, layer in self._layers.items()}

    def remove(self) -> Module:
        """Make the pruning permanent: re-zero once, forget the masks, return the model.

        After this the pruned weights are ordinary zeros that nothing keeps
        at zero any more (PyTorch's `prune.remove`).
        """
        self.reapply()
        self.masks = {}
        return self.model

    def __repr__(self) -> str:
        return (f"Pruning(scope={self.scope!r}, target={self.target:.3f}, "
                f"sparsity={self.sparsity():.3f}, layers={len(self.masks)})")


def magnitude_prune(model: Module, sparsity: float, scope: str = "global") -> Pruning:
    """Zero the `sparsity` fraction of smallest-magnitude weights of every Linear and Conv2d.

    The model is changed IN PLACE (as PyTorch's `torch.nn.utils.prune`);
    the returned `Pruning` holds the masks.

    scope="global": one threshold over all layers together, so a layer
    with many small weights loses more of them than a layer with few (the
    usual choice: some layers are more redundant than others).
    scope="layer": each layer loses the same fraction (safer for a small
    layer, such as the last one, that global pruning might empty).

    Exactly round(sparsity * n) weights are zeroed per pool (all layers for
    global, each layer for layer), ties broken by position. Weights that are
    already zero count as the smallest, so pruning again to a higher
    sparsity extends the old masks.

    Cost: one partial sort (argpartition, O(n)) of the |weights| per pool,
    a boolean mask per layer (1 byte per weight) kept for fine-tuning.

    Errors: sparsity outside [0, 1), an unknown scope, a model with no
    Linear or Conv2d.
    """
    sparsity = _check_sparsity(sparsity, "magnitude_prune")
    if scope not in SCOPES:
        raise ValueError(f"magnitude_prune: scope must be 'global' or 'layer', got {scope!r}")
    layers = list(prunable_layers(model))
    if not layers:
        raise ValueError(
            f"magnitude_prune: {type(model).__name__} has no prunable layer "
            "(no Linear or Conv2d weight anywhere in its module tree)"
        )
    ### BEGIN SOLUTION
    masks: dict[str, np.ndarray] = {}
    if scope == "global":
        magnitudes = np.concatenate([np.abs(layer.weight.data).ravel() for _, layer in layers])
        keep = _smallest_mask(magnitudes, round(sparsity * magnitudes.size))
        start = 0
        for name, layer in layers:
            size = layer.weight.data.size
            masks[name] = keep[start:start + size].reshape(layer.weight.shape)
            start += size
    else:
        for name, layer in layers:
            w = layer.weight.data
            masks[name] = _smallest_mask(np.abs(w), round(sparsity * w.size))
    pruning = Pruning(model, masks, scope, sparsity)
    pruning.reapply()
    return pruning
    ### END SOLUTION
