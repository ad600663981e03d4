"""tinytorch.precision: mixed precision in NumPy: half storage, float32 compute, loss scaling.

Half-precision numbers take 2 bytes instead of 4: a network's activations
(what the graph keeps for backward) take half the memory, and on hardware
with half-precision units the products run faster. NumPy has no such units
(its float16 matrix product is a slow C loop) and no bfloat16 at all, so this
module keeps what carries over to a CPU: storage in half, products in float32.

- `to_bfloat16`, `from_bfloat16`, `round_bfloat16`: bfloat16 emulated by
  rounding float32 (uint16 codes, round to nearest even, as PyTorch);
- `storage_format(dtype)`: float16, bfloat16 (and float32/float64 as the
  identity); `UnsupportedDTypeError` for a format that cannot be emulated;
- `cast(x, dtype)`: a differentiable change of format;
- `MixedLinear`, `MixedConv2d` (`mixed_linear`, `mixed_conv2d`): layers whose
  primitives store activations and weight copies in half and compute in
  float32; `MixedPrecision(model)` converts a model's Linear and Conv2d
  layers to them, keeping float32 master weights;
- `GradScaler`: dynamic loss scaling with PyTorch's semantics;
- `graph_memory(output)`: the bytes the autograd graph holds, to measure it.

    mixed = MixedPrecision(model, "float16")
    scaler = GradScaler()
    loss = loss_fn(mixed(x), y)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
"""

from .__about__ import __version__
from .bfloat16 import from_bfloat16, round_bfloat16, to_bfloat16
from .cast import CastFunction, cast
from .conv import MixedConv2d, MixedConv2dFunction, mixed_conv2d
from .errors import UnsupportedDTypeError
from .formats import StorageFormat, storage_format
from .grad_scaler import GradScaler
from .linear import MixedLinear, MixedLinearFunction, mixed_linear
from .memory import GraphMemory, graph_memory
from .wrapper import MixedPrecision, convert

__all__ = [
    "CastFunction",
    "GradScaler",
    "GraphMemory",
    "MixedConv2d",
    "MixedConv2dFunction",
    "MixedLinear",
    "MixedLinearFunction",
    "MixedPrecision",
    "StorageFormat",
    "UnsupportedDTypeError",
    "__version__",
    "cast",
    "convert",
    "from_bfloat16",
    "graph_memory",
    "mixed_conv2d",
    "mixed_linear",
    "round_bfloat16",
    "storage_format",
    "to_bfloat16",
]
