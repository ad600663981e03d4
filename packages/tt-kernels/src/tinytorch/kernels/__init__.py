"""tinytorch.kernels: where the time goes, and the kernels that take it back.

Three lessons, each measured on this machine (benchmarks/kernels_ladder.py
and benchmarks/kernels.py):

- The matmul ladder: the same product four ways, `matmul_naive` (three
  Python loops), `matmul_blocked` (tiles, still Python), `matmul_rows` (one
  Python loop, NumPy vector ops, no BLAS) and `matmul_blas` (one BLAS
  call), tested equal; GFLOP/s and the fraction of BLAS's for each rung.
- Fusion: five memory-bound steps of a network (bias + ReLU, GELU,
  softmax + cross-entropy, LayerNorm, attention's masked softmax) as ONE
  autograd primitive each, beside the composite of tensor primitives, in
  one table, `KERNELS`. `bias_relu` is new here; the other four are
  reused from the modules that first needed them.
- The switch: `use_fused(model)` / `use_composite(model)` change an
  existing model's kernels in place, sharing its Parameters, and return a
  `KernelSwap` whose `restore()` (or `with` block) puts it back exactly.

    from tinytorch.kernels import KERNELS, matmul_blocked, use_fused
    with use_fused(model):             # Linear+ReLU -> LinearReLU, GELU -> FusedGELU, ...
        loss = loss_fn(model(x), y)
"""

from .__about__ import __version__
from .bias_relu import BiasReLUFunction, bias_relu, bias_relu_composite
from .ladder import MATMUL_LADDER
from .linear_relu import LinearReLU
from .matmul_blas import matmul_blas
from .matmul_blocked import matmul_blocked
from .matmul_checks import matmul_flops
from .matmul_naive import matmul_naive
from .matmul_rows import matmul_rows
from .modules import CompositeLayerNorm, FusedAway, FusedGELU
from .registry import KERNELS, Kernel
from .swap import Change, KernelSwap, use_composite, use_fused

__all__ = [
    "KERNELS",
    "MATMUL_LADDER",
    "BiasReLUFunction",
    "Change",
    "CompositeLayerNorm",
    "FusedAway",
    "FusedGELU",
    "Kernel",
    "KernelSwap",
    "LinearReLU",
    "__version__",
    "bias_relu",
    "bias_relu_composite",
    "matmul_blas",
    "matmul_blocked",
    "matmul_flops",
    "matmul_naive",
    "matmul_rows",
    "use_composite",
    "use_fused",
]
