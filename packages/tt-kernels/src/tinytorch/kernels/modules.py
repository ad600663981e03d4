"""The small layers the switch puts in place: FusedGELU, CompositeLayerNorm, FusedAway."""

from __future__ import annotations

from typing import Any

from tinytorch.activations import gelu
from tinytorch.layers import Module
from tinytorch.normalization import LayerNorm, layer_norm_composite
from tinytorch.tensor import Tensor
from tinytorch.transformers import gelu_fused


class FusedGELU(Module):
    """A `GELU` layer that runs module 16's `gelu_fused` (one node); `fused=False` runs `gelu`.

    No parameters. `use_fused` puts it in place of module 3's `GELU` objects.
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"FusedGELU: approximate must be 'none' or 'tanh', "
                             f"got {approximate!r}")
        self.approximate, self.fused = approximate, True

    def forward(self, x: Tensor) -> Tensor:
        """GELU of `x`, elementwise."""
        ### BEGIN SOLUTION
        act = gelu_fused if self.fused else gelu
        return act(x, approximate=self.approximate)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}, fused={self.fused}"


class CompositeLayerNorm(Module):
    """A `LayerNorm` that runs the composite twin `layer_norm_composite`; shares the Parameters.

    Module 11's `LayerNorm` already runs the fused primitive, so this is what
    `use_composite` puts in its place. `weight` and `bias` are the original
    layer's Parameter objects (the same `state_dict` keys, the same
    optimizer state); `normalized_shape` and `eps` are copied.
    """

    def __init__(self, layer: LayerNorm) -> None:
        super().__init__()
        if not isinstance(layer, LayerNorm):
            raise TypeError(f"CompositeLayerNorm: expected a LayerNorm, "
                            f"got {type(layer).__name__}")
        self.normalized_shape, self.eps = layer.normalized_shape, layer.eps
        self.elementwise_affine = layer.elementwise_affine
        for name in ("weight", "bias"):  # a Parameter, or None kept as a None parameter
            param = getattr(layer, name)
            if param is None:
                self.register_parameter(name, None)
            else:
                setattr(self, name, param)

    def forward(self, input: Tensor) -> Tensor:
        """(*, *normalized_shape) -> the same shape, through the composite twin."""
        ### BEGIN SOLUTION
        return layer_norm_composite(input, self.normalized_shape, self.weight, self.bias,
                                    self.eps)
        ### END SOLUTION

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, composite"


class FusedAway(Module):
    """The identity, left where a layer was fused into its neighbour (the ReLU of LinearReLU).

    Keeping the slot keeps a `Sequential`'s indices, its length and the
    names of every later layer (hence the `state_dict` keys) unchanged.
    """

    def __init__(self, into: str, original: Any) -> None:
        super().__init__()
        self.into, self.original_name = into, type(original).__name__

    def forward(self, x: Any) -> Any:
        """x, unchanged."""
        return x

    def extra_repr(self) -> str:
        return f"{self.original_name} fused into {self.into!r}"
