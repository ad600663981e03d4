"""tinytorch.normalization: BatchNorm1d, BatchNorm2d, LayerNorm, and their functions.

Normalization layers rescale activations to mean 0 and variance 1, then let
the network learn its own scale and shift. `BatchNorm1d`/`BatchNorm2d` take
the statistics per channel over the batch (with running statistics for
evaluation, saved in `state_dict`); `LayerNorm` per sample over its last
dimensions. `batch_norm` and `layer_norm` are fused primitives with
hand-written backward rules; `batch_norm_composite` and
`layer_norm_composite` are their teaching twins built from tensor
primitives, tested equal.
"""

from .__about__ import __version__
from .batch_norm import batch_norm
from .batch_norm_composite import batch_norm_composite
from .batchnorm import BatchNorm1d, BatchNorm2d
from .layer_norm import layer_norm
from .layer_norm_composite import layer_norm_composite
from .layernorm import LayerNorm

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "LayerNorm",
    "__version__",
    "batch_norm",
    "batch_norm_composite",
    "layer_norm",
    "layer_norm_composite",
]
