"""`AdamW`: Adam with decoupled weight decay (Loshchilov and Hutter, 2017).

In plain Adam an L2 penalty is added to the gradient, so it is divided by
`sqrt(v_hat)` like the rest: weights with large gradients are barely decayed.
AdamW instead shrinks every weight by the same factor before the Adam step,

    p = p * (1 - lr * weight_decay)

which regularises uniformly and makes the best `weight_decay` independent of
the learning rate schedule. Same memory and cost as `Adam`.
"""

from __future__ import annotations

from .adam import Adam
from .optimizer import ParamsT


class AdamW(Adam):
    """Adam whose weight decay multiplies the weights, not the gradient.

    Same arguments as `Adam`; `weight_decay` defaults to 1e-2.
    """

    decoupled_weight_decay = True

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize
        )
