"""tinytorch.losses: MSELoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss.

Each loss comes as a function (`cross_entropy(logits, labels)`) and as an
object holding its settings (`CrossEntropyLoss(label_smoothing=0.1)(logits,
labels)`), with PyTorch's names and arguments. `reduction` is 'mean' (the
default), 'sum' or 'none' (one loss per element or sample). All are built
from tinytorch.tensor primitives only, in numerically stable forms, so they
are differentiable once tt-autograd is installed.
"""

from .__about__ import __version__
from .bce_with_logits import BCEWithLogitsLoss, binary_cross_entropy_with_logits
from .binary_cross_entropy import BCELoss, binary_cross_entropy
from .cross_entropy import CrossEntropyLoss, cross_entropy
from .mse import MSELoss, mse_loss
from .nll import NLLLoss, nll_loss

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "MSELoss",
    "NLLLoss",
    "__version__",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "mse_loss",
    "nll_loss",
]
