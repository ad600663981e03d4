"""tinytorch.spatial: convolution and pooling for images (NCHW).

`Conv2d` slides small learned filters over an image: the same weights at
every position, so a layer detects a pattern wherever it appears, with few
parameters. `MaxPool2d`/`AvgPool2d` shrink feature maps; `AdaptiveAvgPool2d`
pools to a fixed size; `Flatten` hands the maps to a `Linear` classifier.

Convolution and pooling are primitives with hand-written backward rules
(`tinytorch.autograd.Function`), vectorised with stride tricks (im2col plus
one matrix product; strided slices for pooling). Beside each fast version
sits its teaching twin written with loops (`conv2d_loops`, ...), tested equal.

    from tinytorch.spatial import Conv2d, MaxPool2d, Flatten
    conv = Conv2d(1, 6, kernel_size=5, padding=2)     # (N, 1, 28, 28) -> (N, 6, 28, 28)
    pool = MaxPool2d(2)                               # -> (N, 6, 14, 14)
"""

from .__about__ import __version__
from .adaptive import adaptive_avg_pool2d
from .conv import conv2d
from .conv_layer import Conv2d
from .flatten import Flatten
from .loops import avg_pool2d_loops, conv2d_loops, max_pool2d_loops
from .pool import avg_pool2d, max_pool2d
from .pool_layers import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d

__all__ = [
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "Conv2d",
    "Flatten",
    "MaxPool2d",
    "__version__",
    "adaptive_avg_pool2d",
    "avg_pool2d",
    "avg_pool2d_loops",
    "conv2d",
    "conv2d_loops",
    "max_pool2d",
    "max_pool2d_loops",
]
