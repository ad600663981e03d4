"""MixedPrecision: run an existing model in mixed precision without editing it.

    model = lenet5()                         # any Module with Linear / Conv2d layers
    mixed = MixedPrecision(model, "float16") # the same parameters, now mixed
    logits = mixed(x)                        # float32 logits, half activations inside

What it does, once, when built: every `Linear` in the model becomes a
`MixedLinear` and every `Conv2d` a `MixedConv2d` (in place, in their
parents: the model object itself is changed), each sharing the original
Parameters. Those stay float32: they are the *master weights* the optimizer
updates, because a float16 weight could not take a small update (1 + 1e-4
rounds back to 1 in float16).

What it does at each call: the input is cast to the storage format
(`cast`), the model runs (its matrix products in float32, its activations
kept and passed on in half; layers that are neither Linear nor Conv2d, such
as ReLU and max pooling, run on the half arrays as they are), and the output
is cast back to float32, so a loss (softmax, logarithms) is computed in
float32, as under PyTorch's `autocast`.

With float16, gradients flowing back are float16 too: small ones underflow
to zero, which is what `GradScaler` is for. bfloat16 has float32's range and
needs no scaler, but NumPy has no bfloat16 dtype: its activations flow as
float32 arrays holding bfloat16 values, so only what the mixed layers store
themselves is 2 bytes a number (see formats.py).

`parameters()`, `state_dict()` and `load_state_dict()` are the wrapped
model's (same names: a checkpoint of the plain model loads here), and
`train()`/`eval()` reach it.
"""

from __future__ import annotations

from typing import Any

from tinytorch.layers import Linear, Module
from tinytorch.spatial import Conv2d
from tinytorch.tensor import Tensor

from .cast import cast
from .conv import MixedConv2d
from .formats import storage_format
from .linear import MixedLinear


def convert(module: Any, dtype: Any = "float16") -> tuple[Any, int]:
    """Replace every Linear and Conv2d under `module` by its mixed twin, in place.

    Returns (the module, or its twin when it is itself a Linear or Conv2d;
    how many layers were converted). Parameters are shared, never copied.
    """
    ### BEGIN SOLUTION
    fmt = storage_format(dtype)
    if isinstance(module, Linear):
        return MixedLinear.from_linear(module, fmt), 1
    if isinstance(module, Conv2d):
        return MixedConv2d.from_conv2d(module, fmt), 1
    if not isinstance(module, Module):
        return module, 0
    count = 0
    for name, child in list(module.named_children()):
        new, n = convert(child, fmt)
        if new is not child:
            setattr(module, name, new)
        count += n
    return module, count
    ### END SOLUTION


class MixedPrecision(Module):
    """Wrap `model` so its Linear and Conv2d layers store half, compute float32.

    `dtype` is "float16" (default) or "bfloat16" (also "float32"/"float64":
    the layers then compute exactly in that dtype, a baseline). Raises
    ValueError when the model has no Linear or Conv2d layer (nothing would
    change) and UnsupportedDTypeError for a format that cannot be emulated.
    """

    def __init__(self, model: Module, dtype: Any = "float16") -> None:
        super().__init__()
        if not isinstance(model, Module):
            raise TypeError(f"MixedPrecision: expected a Module, got {type(model).__name__}")
        self.fmt = storage_format(dtype)
        model, converted = convert(model, self.fmt)
        if converted == 0:
            raise ValueError(
                f"MixedPrecision: {type(model).__name__} has no Linear or Conv2d layer, so "
                "nothing would run in mixed precision"
            )
        self.model = model
        self.converted = converted

    def forward(self, x: Any) -> Any:
        """The model on `x` cast to the storage format; a float output cast back to float32."""
        ### BEGIN SOLUTION
        if isinstance(x, Tensor) and x.dtype.kind == "f":
            x = cast(x, self.fmt)
        out = self.model(x)
        if isinstance(out, Tensor) and out.dtype.kind == "f" and self.fmt.is_half:
            out = cast(out, "float32")
        return out
        ### END SOLUTION

    def state_dict(self) -> dict[str, Any]:
        """The wrapped model's state dict (its own names, no "model." prefix)."""
        return self.model.state_dict()

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> Any:
        """Load into the wrapped model (same names as its `state_dict`)."""
        return self.model.load_state_dict(state_dict, strict)

    def extra_repr(self) -> str:
        return f"dtype={self.fmt.name}, converted={self.converted}"
