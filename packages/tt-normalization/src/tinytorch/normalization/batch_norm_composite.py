"""batch_norm_composite: the teaching twin of `batch_norm`, from tensor primitives.

The same arguments, checks and running-statistics update as `batch_norm`,
but the normalization is written with `mean`, `var`, `sub`, `div`, `sqrt`,
`mul` and `add`, so autograd differentiates it through their rules with no
backward of our own. It is the definition the fast primitive is tested
against (equal outputs and gradients); it costs about ten graph nodes and
as many saved arrays, where `batch_norm` costs one.
"""

from __future__ import annotations

from tinytorch.tensor import Tensor

from .batch_norm_checks import check_batch_norm
from .running_stats import update_running_stats


def batch_norm_composite(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """`batch_norm` built from tensor primitives (same signature, same results)."""
    spec = check_batch_norm("batch_norm_composite", input, running_mean, running_var, weight,
                            bias, training, momentum, eps)
    ### BEGIN SOLUTION
    if training:
        mean = input.mean(dim=spec.axes, keepdim=True)  # (1, C, 1, ...)
        var = input.var(dim=spec.axes, correction=0, keepdim=True)  # biased
        update_running_stats(running_mean, running_var, mean.data.reshape(-1),
                             var.data.reshape(-1), spec.count, momentum)
    else:
        assert running_mean is not None and running_var is not None  # checked above
        mean = Tensor(running_mean.data.reshape(spec.view).copy())  # constants: no gradient
        var = Tensor(running_var.data.reshape(spec.view).copy())
    out = (input - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(spec.view)
    if bias is not None:
        out = out + bias.reshape(spec.view)
    return out
    ### END SOLUTION
