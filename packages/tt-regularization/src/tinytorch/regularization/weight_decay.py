"""weight_decay_groups: decay the weights, not the biases and normalization parameters."""

from __future__ import annotations

from typing import Any

from tinytorch.layers import Module, Parameter
from tinytorch.normalization import BatchNorm1d, BatchNorm2d, LayerNorm

NORM_LAYERS = (BatchNorm1d, BatchNorm2d, LayerNorm)


def weight_decay_groups(model: Module, weight_decay: float) -> list[dict[str, Any]]:
    """Two parameter groups for an optimizer: decayed weights, and the rest undecayed.

        optimizer = AdamW(weight_decay_groups(model, 0.05), lr=1e-3)

    Weight decay pulls every parameter toward 0, which regularizes the
    weights of Linear and Conv2d layers (it penalizes large, overfitted
    ones). It does harm elsewhere: a bias only shifts a unit and does not
    make it sensitive to noise, and the scale and shift of a normalization
    layer set the size of its output, so decaying them fights the
    normalization itself. The usual practice (BERT, GPT-2, timm, ...) is to
    exclude them; this returns

        [{"params": decay, "weight_decay": weight_decay},
         {"params": no_decay, "weight_decay": 0.0}]

    where `no_decay` holds every parameter of a BatchNorm1d, BatchNorm2d or
    LayerNorm layer (by module type), every parameter named `bias`, and
    every parameter with fewer than 2 dims (scales, gains); `decay` the
    rest. Each parameter appears once (a shared one goes where its first
    owner puts it), in `model.named_parameters()` order; a group may be
    empty. The format is PyTorch's and tinytorch.optimizers', so the list
    goes straight to `SGD`, `Adam` or `AdamW`.
    """
    if not isinstance(model, Module):
        raise TypeError(f"weight_decay_groups: expected a Module, got {type(model).__name__}")
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, (int, float)) \
            or weight_decay < 0:
        raise ValueError(
            f"weight_decay_groups: weight_decay must be a non-negative number, got {weight_decay!r}"
        )
    ### BEGIN SOLUTION
    exempt: set[int] = set()
    for module in model.modules():
        if not isinstance(module, Module):
            continue  # a plain callable child (an activation object)
        is_norm = isinstance(module, NORM_LAYERS)
        for name, param in module.named_parameters(recurse=False):
            if is_norm or name == "bias" or param.ndim < 2:
                exempt.add(id(param))
    decay: list[Parameter] = []
    no_decay: list[Parameter] = []
    for _, param in model.named_parameters():
        (no_decay if id(param) in exempt else decay).append(param)
    return [
        {"params": decay, "weight_decay": float(weight_decay)},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    ### END SOLUTION
