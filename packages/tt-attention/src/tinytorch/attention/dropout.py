"""Attention dropout: drop whole attention weights, drawn from tinytorch's generator.

After the softmax, each weight p[i, j] is zeroed with probability p and the
rest are scaled by 1 / (1 - p) (inverted dropout), so a query randomly loses
some of the keys it looked at while training. The same draw is used by the
fused primitive and by its composite twin, so under one seed they agree
exactly. PyTorch draws from its own generator: with dropout the two
frameworks agree only in distribution, never number for number.

Cost: one uniform draw and one compare per score; memory one byte per score.
"""

from __future__ import annotations

import numpy as np
from tinytorch.tensor import default_generator


def draw_keep(shape: tuple[int, ...], p: float) -> tuple[np.ndarray | None, float]:
    """(keep, scale): a bool mask of the scores' shape and 1 / (1 - p); (None, 1) if p == 0."""
    ### BEGIN SOLUTION
    if p == 0.0:
        return None, 1.0
    if p == 1.0:
        return np.zeros(shape, dtype=bool), 0.0
    keep = default_generator().random(shape, dtype=np.float32) >= p  # P(keep) = 1 - p
    return keep, 1.0 / (1.0 - p)
    ### END SOLUTION
