"""quantize_model: a quantised copy of a trained model.

Post-training quantisation in three steps, none of which touches the
original model:

1. copy the model (`copy.deepcopy`: new arrays, the same structure);
2. calibrate: run the copy, still in float32, on `calibration_data` with a
   small recorder in front of every Linear and Conv2d (the recorder takes
   the layer's place in its parent for the duration, as a PyTorch forward
   pre-hook would), keeping every input each layer sees; each layer's input
   range becomes 8-bit per-tensor asymmetric parameters (`calibrate`);
3. replace every Linear and Conv2d, however deep, by `QuantizedLinear` /
   `QuantizedConv2d` built from it with those input parameters.

The walk is generic: it follows `Module._modules` (children registered by
attribute assignment or `add_module`, a `Sequential`'s layers, nested
blocks), so layers kept in a plain Python list are not seen. Other layers
(activations, pooling, normalisation, a fused `LinearReLU`) stay float.
A layer that calibration never reached gets quantised weights and float
inputs. Weights use `bits` (8 or 4); activations always use 8 bits (W8A8,
or W4A8 for int4).

Cost: one float forward pass over the calibration data, holding every
layer's inputs in memory for the percentile; then a pass over each weight.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from tinytorch.autograd import no_grad
from tinytorch.layers import Linear, Module, Sequential
from tinytorch.spatial import Conv2d
from tinytorch.tensor import Tensor

from .calibrate import as_array, calibrate
from .qparams import QuantizationError, QuantParams, code_range
from .quantized_conv import QuantizedConv2d
from .quantized_linear import QuantizedLinear

QUANTIZABLE = {Linear: QuantizedLinear, Conv2d: QuantizedConv2d}


class _Recorder(Module):
    """Stands in for a layer during calibration: keeps a copy of each input, then calls it."""

    def __init__(self, layer: Module) -> None:
        super().__init__()
        self.layer = layer
        self.inputs: list[np.ndarray] = []

    def forward(self, x: Tensor) -> Tensor:
        self.inputs.append(np.array(x.data, copy=True))
        return self.layer(x)


def quantizable(module: Any) -> bool:
    """True for the layers quantize_model replaces: Linear and Conv2d (and subclasses)."""
    return isinstance(module, tuple(QUANTIZABLE))


def _slots(model: Module) -> list[tuple[Module, str, Module]]:
    """Every (parent, child name, layer) where a quantizable layer is registered."""
    slots, seen = [], set()

    def walk(module: Module) -> None:
        if id(module) in seen:
            return
        seen.add(id(module))
        for name, child in module._modules.items():
            if quantizable(child):
                slots.append((module, name, child))
            elif isinstance(child, Module):
                walk(child)

    walk(model)
    return slots


def _batches(calibration_data: Any) -> list[Tensor]:
    """One array/Tensor or a list of them, as float32 Tensors (checked)."""
    items = calibration_data if isinstance(calibration_data, (list, tuple)) \
        else [calibration_data]
    if not items:
        raise QuantizationError("quantize_model: calibration_data is an empty list")
    return [Tensor(as_array("quantize_model", b).astype(np.float32, copy=False)) for b in items]


def quantize_model(model: Module, calibration_data: Any, bits: int = 8, per_channel: bool = True,
                   method: str = "minmax", percentile: float = 99.99) -> Module:
    """A copy of `model` with every Linear and Conv2d quantised; `model` is unchanged.

    calibration_data: a batch (array or Tensor) or a list of batches, fed to
    the model as they are (prepare them as for inference), or None for
    weight-only quantisation (float inputs). bits: 8 or 4 for the weights.
    per_channel: one weight scale per output channel. method, percentile:
    how the input ranges are calibrated (`calibrate`). The copy is returned
    in eval mode.
    """
    code_range(bits)  # a named error for bits other than 4 or 8, before any work
    if not isinstance(model, Module):
        raise TypeError(f"quantize_model: expected a Module, got {type(model).__name__}")
    batches = None if calibration_data is None else _batches(calibration_data)
    ### BEGIN SOLUTION
    copied = copy.deepcopy(model).eval()
    if quantizable(copied):  # the model is a single layer
        holder = Sequential(copied)
        return _quantize_slots(holder, batches, bits, per_channel, method, percentile)[0]
    return _quantize_slots(copied, batches, bits, per_channel, method, percentile)
    ### END SOLUTION


def _quantize_slots(model: Module, batches: list[Tensor] | None, bits: int,
                         per_channel: bool, method: str, percentile: float) -> Module:
    """Calibrate and replace, in place, every quantizable layer registered under `model`."""
    ### BEGIN SOLUTION
    slots = _slots(model)
    recorders: dict[int, _Recorder] = {}
    for parent, name, layer in slots:  # a shared layer gets one recorder
        parent.add_module(name, recorders.setdefault(id(layer), _Recorder(layer)))
    try:
        if batches is not None:
            with no_grad():
                for x in batches:
                    model(x)
    finally:
        for parent, name, layer in slots:
            parent.add_module(name, layer)
    done: dict[int, Module] = {}
    for parent, name, layer in slots:
        if id(layer) not in done:
            seen = recorders[id(layer)].inputs
            params: QuantParams | None = None
            if seen:
                params = calibrate(seen, bits=8, symmetric=False, method=method,
                                   percentile=percentile)
            done[id(layer)] = QUANTIZABLE[_kind(layer)].from_float(
                layer, bits=bits, per_channel=per_channel, input_params=params)
        parent.add_module(name, done[id(layer)])
    return model
    ### END SOLUTION


def _kind(layer: Module) -> type:
    """Linear or Conv2d: which quantised class replaces `layer`."""
    return Linear if isinstance(layer, Linear) else Conv2d
