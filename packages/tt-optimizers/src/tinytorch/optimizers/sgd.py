"""`SGD`: stochastic gradient descent, with momentum, Nesterov and weight decay.

The update, per parameter `p` with gradient `g` (PyTorch's formulation):

    d = g + weight_decay * p                 # L2 penalty folded into the gradient
    b = d                  on the first step # momentum buffer ("velocity")
    b = momentum * b + (1 - dampening) * d   afterwards
    d = d + momentum * b   if nesterov       # look ahead along the velocity
    d = b                  otherwise
    p = p - lr * d

(`maximize=True` follows `-g` instead, to climb an objective.) Momentum
averages recent gradients so that noise cancels and consistent directions
accumulate, which speeds progress along shallow valleys.

Cost per step: a few elementwise passes over the parameters (O(P) FLOPs);
memory: one buffer of the parameter's size when momentum is on, none without.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import check_number
from .optimizer import Optimizer, ParamsT


class SGD(Optimizer):
    """Stochastic gradient descent: `p -= lr * direction`.

    Args:
        params: tensors to optimise, or dicts of them with per-group options.
        lr: learning rate (step size), >= 0.
        momentum: momentum factor, >= 0 (0 turns it off).
        dampening: fraction of the new gradient left out of the buffer.
        weight_decay: L2 penalty coefficient, >= 0.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: ascend the objective instead of descending it.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _validate(self, group: dict[str, Any]) -> None:
        check_number("SGD", "lr", group["lr"])
        check_number("SGD", "momentum", group["momentum"])
        check_number("SGD", "weight_decay", group["weight_decay"])
        check_number("SGD", "dampening", group["dampening"], low=-np.inf)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                "SGD: nesterov=True requires momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def _update(
        self, p: np.ndarray, g: np.ndarray, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        """One SGD step on array `p` in place; `state` holds "momentum_buffer"."""
        ### BEGIN SOLUTION
        lr, momentum = float(group["lr"]), float(group["momentum"])
        d = self._direction(p, g, group["maximize"], float(group["weight_decay"]))
        _, tmp = self._buffers(p)
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(d, dtype=p.dtype, copy=True)
            else:
                buf *= momentum
                dampening = float(group["dampening"])
                if dampening == 0:
                    buf += d
                else:
                    np.multiply(d, 1.0 - dampening, out=tmp)
                    buf += tmp
            if group["nesterov"]:
                np.multiply(buf, momentum, out=tmp)
                tmp += d
                d = tmp
            else:
                d = buf
        np.multiply(d, -lr, out=tmp)  # tmp may be d itself: elementwise, safe
        p += tmp
        ### END SOLUTION
