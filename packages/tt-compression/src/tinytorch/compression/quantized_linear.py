"""QuantizedLinear: a Linear layer whose weight is stored as int8 or int4 codes."""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.layers import Linear
from tinytorch.tensor import ShapeError, Tensor

from .qparams import QuantizationError, QuantParams
from .qweight import QuantizedWeights


class QuantizedLinear(QuantizedWeights):
    """`y = x @ dequantize(codes).T + bias`, with the weight at rest in 8 or 4 bits.

    Build it from a trained layer with `QuantizedLinear.from_float(linear)`,
    or empty from its arguments (the codes then come from
    `load_compressed_state`, as when a saved model is rebuilt).

    Storage for a (out, in) weight: out*in bytes (int8) or ceil(out*in/2)
    (int4), plus 4*out bytes of scales (per-channel), against 4*out*in in
    float32. Cost per call: the Linear's 2*N*in*out FLOPs plus one pass over
    the out*in weight to dequantise it (two or three for int4), and, with
    `quantize_input`, a few passes over the (N, in) input. Inference only
    (see `QuantizedWeights`).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, bits: int = 8,
                 per_channel: bool = True, quantize_input: bool = False) -> None:
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise QuantizationError(f"QuantizedLinear: {name} must be a positive int, "
                                        f"got {value!r}")
        super().__init__((out_features, in_features), bias, bits, per_channel, quantize_input)
        self.in_features, self.out_features = int(in_features), int(out_features)

    @classmethod
    def from_float(cls, layer: Linear, bits: int = 8, per_channel: bool = True,
                   input_params: QuantParams | None = None) -> QuantizedLinear:
        """A quantised copy of `layer` (min-max, symmetric weights); `layer` is unchanged.

        input_params: 8-bit per-tensor parameters of the layer's input (from
        `calibrate` on inputs it saw), to fake-quantise every input; None: keep inputs float.
        """
        if not isinstance(layer, Linear):
            raise TypeError(f"QuantizedLinear.from_float: expected a Linear, "
                            f"got {type(layer).__name__}")
        ### BEGIN SOLUTION
        q = cls(layer.in_features, layer.out_features, bias=layer.bias is not None, bits=bits,
                per_channel=per_channel)
        q.set_weight(layer.weight.data, None if layer.bias is None else layer.bias.data)
        q.set_input_params(input_params)
        return q
        ### END SOLUTION

    def forward(self, x: Any) -> Tensor:
        """(..., in_features) -> (..., out_features), computed in float32."""
        if not isinstance(x, Tensor):
            raise TypeError(f"QuantizedLinear: expected a Tensor input, got {type(x).__name__}")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ShapeError(f"QuantizedLinear: input of shape {tuple(x.shape)} does not end "
                             f"in in_features={self.in_features}")
        ### BEGIN SOLUTION
        x, input_scale = self.prepare_input(x)  # float32, or input codes and their scale
        w = self.dequantized_weight(input_scale)  # (out, in) float32
        y = x @ Tensor(w.T)  # (..., in) @ (in, out) -> (..., out); a transposed view, no copy
        if self.bias is not None:
            y = y + Tensor(self.bias)
        return y
        ### END SOLUTION

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, {self.describe()}")
