"""QuantizedWeights: what QuantizedLinear and QuantizedConv2d share.

A quantised layer keeps its weight as integer codes (int8, or 4-bit codes
packed two per byte) plus one float32 scale per output channel, and its bias
in float32 (a bias is tiny and sits on the output scale, where rounding
hurts most). Each call rebuilds the float32 weight from the codes
(`dequantized_weight`) and computes in float32: NumPy has no fast int8
matrix product, and float16 products would be slow and lose precision.
So the model is 4x (int8) or 8x (int4) smaller on disk and in memory at
rest, and a little slower, by one dequantisation of the weight per call.

Optionally the layer fake-quantises its input with per-tensor asymmetric
parameters calibrated on real data (`quantize_model`), as an int8 engine
would quantise activations: accuracy then reflects int8 activations too.

Inference only: the codes are NumPy arrays, not Parameters, so
`parameters()` is empty and no optimizer can train them, and no gradient
reaches them (the input still gets one, through the float32 ops).
To fine-tune, train the float model and quantise again.

The compressed-state protocol (module 22's storage): `compressed_state()`
returns exactly the arrays that define the layer, and
`load_compressed_state(arrays)` puts them back after checking every key,
shape and dtype, so a layer built from its constructor arguments alone
(as a competition scorer does) can receive saved weights.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
from tinytorch.layers import Module
from tinytorch.tensor import Tensor

from .calibrate import calibrate
from .int4 import pack_int4, unpack_int4
from .qparams import QuantizationError, QuantParams, code_range
from .quantize import centered_codes, dequantize, quantize


class QuantizedWeights(Module):
    """Base class: int weight storage, float32 bias, optional input fake-quantisation.

    weight_shape: the float weight's shape, output channels first.
    bits: 8 (int8 codes, same shape) or 4 (uint8, two codes a byte).
    per_channel: one scale per output channel (True) or one for the tensor.
    quantize_input: fake-quantise every input with `input_scale`/`input_zero_point`.
    """

    def __init__(self, weight_shape: tuple[int, ...], bias: bool, bits: int, per_channel: bool,
                 quantize_input: bool) -> None:
        super().__init__()
        name = type(self).__name__
        if isinstance(bits, bool) or bits not in (4, 8):
            raise QuantizationError(f"{name}: bits must be 4 or 8, got {bits!r}")
        self.bits, self.per_channel = int(bits), bool(per_channel)
        self.quantize_input = bool(quantize_input)
        self.weight_shape = tuple(int(s) for s in weight_shape)
        channels, n = self.weight_shape[0], math.prod(self.weight_shape)
        code_shape = self.weight_shape if bits == 8 else ((n + 1) // 2,)
        self.weight_codes = np.zeros(code_shape, np.int8 if bits == 8 else np.uint8)
        self.weight_scale = np.ones((channels,) if per_channel else (), np.float32)
        self.bias = np.zeros((channels,), np.float32) if bias else None
        self.input_scale = np.ones((), np.float32) if quantize_input else None
        self.input_zero_point = np.zeros((), np.int32) if quantize_input else None

    # ---------------------------------------------------------------- weights

    def weight_params(self) -> QuantParams:
        """The weight's QuantParams: symmetric, per output channel (axis 0) or per tensor.

        Built once per scale array and kept (a forward pass asks for it every call).
        """
        cached = self.__dict__.get("_weight_params")
        if cached is None or cached.scale is not self.weight_scale:
            qmin, qmax = code_range(self.bits)
            cached = QuantParams(self.weight_scale, np.zeros(self.weight_scale.shape, np.int32),
                                 self.bits, True, 0 if self.per_channel else None, qmin, qmax)
            self.__dict__["_weight_params"] = cached
        return cached

    def set_weight(self, weight: np.ndarray, bias: np.ndarray | None) -> None:
        """Calibrate (min-max, symmetric) and store a float weight and bias."""
        w = np.asarray(weight, np.float32)
        if w.shape != self.weight_shape:
            raise QuantizationError(f"{type(self).__name__}: weight of shape {w.shape}, "
                                    f"expected {self.weight_shape}")
        ### BEGIN SOLUTION
        params = calibrate(w, bits=self.bits, symmetric=True,
                           axis=0 if self.per_channel else None)
        codes = quantize(w, params)  # int8, weight_shape
        self.weight_codes = codes if self.bits == 8 else pack_int4(codes)
        self.weight_scale = params.scale
        if self.bias is not None and bias is not None:
            self.bias = np.asarray(bias, np.float32).copy()
        ### END SOLUTION

    def dequantized_weight(self, input_scale: np.ndarray | None = None) -> np.ndarray:
        """The float32 weight the codes stand for, rebuilt (one pass) at every call.

        With `input_scale` (the scale of a fake-quantised input) the weight
        comes out multiplied by it too: see `prepare_input`.
        """
        ### BEGIN SOLUTION
        if self.bits == 8:
            codes = self.weight_codes
        else:
            codes = unpack_int4(self.weight_codes, math.prod(self.weight_shape))
            codes = codes.reshape(self.weight_shape)
        params = self.weight_params()
        if input_scale is not None:  # fold s_x into the per-channel scales: (C,) numbers
            folded = self.__dict__.get("_folded_params")
            if folded is None or folded[0] is not params or folded[1] is not input_scale:
                folded = (params, input_scale,
                          replace(params, scale=params.scale * input_scale))
                self.__dict__["_folded_params"] = folded  # kept: built once, not per call
            params = folded[2]
        return dequantize(codes, params)
        ### END SOLUTION

    # ----------------------------------------------------------------- inputs

    def input_params(self) -> QuantParams | None:
        """The input's QuantParams (8-bit, per-tensor, asymmetric), or None."""
        if not self.quantize_input:
            return None
        cached = self.__dict__.get("_input_params")
        if (cached is None or cached.scale is not self.input_scale
                or cached.zero_point is not self.input_zero_point):
            cached = QuantParams(self.input_scale, self.input_zero_point, 8, False, None,
                                 -128, 127)
            self.__dict__["_input_params"] = cached
        return cached

    def set_input_params(self, params: QuantParams | None) -> None:
        """Fake-quantise inputs with `params` (8-bit, per-tensor), or stop (None)."""
        if params is None:
            self.quantize_input, self.input_scale, self.input_zero_point = False, None, None
            return
        if params.axis is not None or params.bits != 8:
            raise QuantizationError(f"{type(self).__name__}: input parameters must be 8-bit "
                                    f"and per-tensor, got bits={params.bits}, axis={params.axis}")
        self.quantize_input = True
        self.input_scale = np.asarray(params.scale, np.float32).reshape(())
        self.input_zero_point = np.asarray(params.zero_point, np.int32).reshape(())

    def prepare_input(self, x: Tensor) -> tuple[Tensor, np.ndarray | None]:
        """(x as float32, None), or with input quantisation (q - zp as floats, input scale).

        The layer is linear in its input, so the input's scale can move to the
        weight: (q s_x) @ W.T = q @ (s_x W).T. `forward` passes the scale to
        `dequantized_weight`, which multiplies it into the (C,) weight scales,
        and one multiplication pass over the (N, in) input is saved. The
        numbers are `fake_quantize(x)` through the layer, up to float32 rounding.
        """
        params = self.input_params()
        if params is None:
            return (x if x.dtype == np.float32 else Tensor(x.data.astype(np.float32))), None
        return Tensor(centered_codes(x.data.astype(np.float32, copy=False), params)), \
            params.scale

    # ------------------------------------------------ compressed-state protocol

    def compressed_state(self) -> dict[str, np.ndarray]:
        """The arrays that define this layer: codes, scales, bias, input range."""
        state = {"weight_codes": self.weight_codes, "weight_scale": self.weight_scale}
        if self.bias is not None:
            state["bias"] = self.bias
        if self.quantize_input:
            state["input_scale"] = self.input_scale
            state["input_zero_point"] = self.input_zero_point
        return {key: np.asarray(value) for key, value in state.items()}

    def load_compressed_state(self, arrays: dict[str, Any]) -> None:
        """Replace this layer's arrays with `arrays` (keys, shapes and dtypes checked first)."""
        expected = self.compressed_state()
        name = type(self).__name__
        missing = sorted(set(expected) - set(arrays))
        unexpected = sorted(set(arrays) - set(expected))
        if missing or unexpected:
            raise QuantizationError(f"{name}.load_compressed_state: missing keys {missing}, "
                                    f"unexpected keys {unexpected}")
        loaded = {}
        for key, target in expected.items():
            value = np.asarray(arrays[key])
            if value.shape != target.shape or value.dtype != target.dtype:
                raise QuantizationError(
                    f"{name}.load_compressed_state: {key!r} is {value.dtype}{list(value.shape)}, "
                    f"expected {target.dtype}{list(target.shape)}")
            loaded[key] = value.copy()
        if np.any(loaded["weight_scale"] <= 0) or not np.all(np.isfinite(loaded["weight_scale"])):
            raise QuantizationError(f"{name}.load_compressed_state: weight_scale must be "
                                    "finite and positive")
        for key, value in loaded.items():
            setattr(self, key, value)

    def describe(self) -> str:
        """The storage settings, for `extra_repr`."""
        return (f"bits={self.bits}, per_channel={self.per_channel}, "
                f"quantize_input={self.quantize_input}")
