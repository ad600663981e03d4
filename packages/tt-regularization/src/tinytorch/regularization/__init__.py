"""tinytorch.regularization: Dropout, Dropout2d, weight-decay groups, label smoothing.

Ways to make a network generalize rather than memorize: `Dropout` and
`Dropout2d` (inverted dropout, active only in training mode, seeded by
`tinytorch.tensor.manual_seed`), `weight_decay_groups` (decay the weights
but not the biases and normalization parameters), and `smooth_labels`
(softened probability targets; `CrossEntropyLoss(label_smoothing=...)` of
tt-losses does the same for class indices).
"""

from .__about__ import __version__
from .dropout import dropout, dropout2d
from .dropout_layers import Dropout, Dropout2d
from .label_smoothing import smooth_labels
from .weight_decay import weight_decay_groups

__all__ = [
    "Dropout",
    "Dropout2d",
    "__version__",
    "dropout",
    "dropout2d",
    "smooth_labels",
    "weight_decay_groups",
]
