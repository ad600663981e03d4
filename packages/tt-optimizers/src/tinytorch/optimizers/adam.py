"""`Adam`: adaptive moment estimation (Kingma and Ba, 2014).

Adam keeps, per parameter element, a running mean of the gradient `m` (the
first moment, a momentum) and of its square `v` (the second moment), and
divides one by the square root of the other, so every coordinate gets its own
step size: large where gradients are consistently small, small where they
are noisy or large.

    t = t + 1
    d = g + weight_decay * p                    # L2 penalty (see AdamW)
    m = beta1 * m + (1 - beta1) * d
    v = beta2 * v + (1 - beta2) * d * d
    m_hat = m / (1 - beta1 ** t)                # undo the bias towards 0
    v_hat = v / (1 - beta2 ** t)                #   of zero-initialised averages
    p = p - lr * m_hat / (sqrt(v_hat) + eps)

`amsgrad=True` divides by the running maximum of `v` instead, so the step
size never grows back. Memory: two (three with amsgrad) arrays the size of
the parameters. Cost: about a dozen elementwise passes per step, all in the
parameter's own dtype and written into preallocated buffers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._checks import check_betas, check_number
from .optimizer import Optimizer, ParamsT


class Adam(Optimizer):
    """Adam with PyTorch's defaults and update order.

    Args:
        params: tensors to optimise, or dicts of them with per-group options.
        lr: learning rate, >= 0.
        betas: decay rates (beta1, beta2) of the two moment averages, in [0, 1).
        eps: added to the denominator so that it is never 0, >= 0.
        weight_decay: L2 penalty added to the gradient, >= 0.
        amsgrad: use the running maximum of the second moment.
        maximize: ascend the objective instead of descending it.
    """

    # AdamW sets this: decay the weights directly instead of through the gradient.
    decoupled_weight_decay = False

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=tuple(betas) if isinstance(betas, list) else betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        name = type(self).__name__
        check_number(name, "lr", group["lr"])
        check_number(name, "eps", group["eps"])
        check_betas(name, group["betas"])
        check_number(name, "weight_decay", group["weight_decay"])

    def _update(
        self, p: np.ndarray, g: np.ndarray, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        """One Adam step on array `p` in place.

        `state` holds "step" (an int), "exp_avg" (m), "exp_avg_sq" (v) and,
        with amsgrad, "max_exp_avg_sq".
        """
        ### BEGIN SOLUTION
        lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]

        if self.decoupled_weight_decay:
            p *= 1.0 - lr * wd  # AdamW: shrink the weights themselves
            wd = 0.0
        d = self._direction(p, g, group["maximize"], wd)  # g, or scratch buffer 0
        _, tmp = self._buffers(p)

        np.subtract(d, m, out=tmp)  # m += (1 - beta1) * (d - m)
        tmp *= 1.0 - beta1
        m += tmp
        v *= beta2  # v = beta2 * v + (1 - beta2) * d * d
        np.multiply(d, d, out=tmp)
        tmp *= 1.0 - beta2
        v += tmp

        step_size = lr / (1.0 - beta1**t)
        bias_correction2_sqrt = math.sqrt(1.0 - beta2**t)
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"]
            np.maximum(vmax, v, out=vmax)
            np.sqrt(vmax, out=tmp)
        else:
            np.sqrt(v, out=tmp)
        tmp /= bias_correction2_sqrt  # denominator: sqrt(v_hat) + eps
        tmp += eps
        np.divide(m, tmp, out=tmp)
        tmp *= -step_size
        p += tmp
        ### END SOLUTION
