"""The known layers: what a submission's spec may name, with each one's arguments.

A submission is data, never code: its spec names layers of the installed
tinytorch packages, and the scorer builds them. This registry is the whole
vocabulary. Each entry says

- `args`: every argument the spec may give, with its JSON type, default and
  range (`jsontypes.Arg`); anything else is refused;
- `build(args)`: the layer, from checked arguments;
- `describe(layer)`: the arguments back from a built layer (what
  `save_submission` writes, so a model round-trips);
- `elements(args)`: how many numbers the built layer holds before its
  weights are loaded, so a spec asking for a 10**12-weight layer is refused
  before anything is allocated;
- `tasks`: "image" layers for the digits, MNIST and Fashion-MNIST tasks,
  "text" for TinyGPT (whose model is one GPT layer).

Lookup is by exact class: a subclass of Linear is not a Linear here (its
forward could do anything), so `save_submission` refuses it by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tinytorch.activations import GELU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from tinytorch.compression import (
    LowRankLinear,
    QuantizedConv2d,
    QuantizedLinear,
    SparseConv2d,
    SparseLinear,
)
from tinytorch.kernels import FusedAway, FusedGELU, LinearReLU
from tinytorch.layers import Linear
from tinytorch.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from tinytorch.regularization import Dropout, Dropout2d
from tinytorch.spatial import AdaptiveAvgPool2d, AvgPool2d, Conv2d, Flatten, MaxPool2d
from tinytorch.transformers import GPT, GPTConfig

from .jsontypes import Arg, as_json, pair, pair_product


@dataclass(frozen=True)
class LayerKind:
    """One known layer: its name in the spec, its package, arguments and how to build it."""

    name: str
    cls: type
    package: str
    args: dict[str, Arg]
    build: Callable[[dict[str, Any]], Any]
    describe: Callable[[Any], dict[str, Any]]
    elements: Callable[[dict[str, Any]], int] = field(default=lambda a: 0)
    tasks: frozenset[str] = frozenset({"image"})


LAYERS: dict[str, LayerKind] = {}


def register(kind: LayerKind) -> LayerKind:
    """Add a layer to the registry (its name must be new)."""
    if kind.name in LAYERS:
        raise ValueError(f"registry: layer {kind.name!r} is already registered")
    LAYERS[kind.name] = kind
    return kind


def kind_of(layer: Any) -> LayerKind | None:
    """The registry entry for a built layer (exact class match), or None."""
    for kind in LAYERS.values():
        if type(layer) is kind.cls:
            return kind
    return None


def attrs(*names: str) -> Callable[[Any], dict[str, Any]]:
    """A `describe` that reads the layer's attributes of the same names."""
    return lambda layer: {n: as_json(getattr(layer, n)) for n in names}


def _has_bias(layer: Any) -> bool:
    return getattr(layer, "bias", None) is not None


SIZE = Arg("int", minimum=1)
PAIR = Arg("pair", minimum=1)
POOL = {"kernel_size": PAIR, "stride": Arg("pair_or_null", None, minimum=1),
        "padding": Arg("pair", 0, minimum=0)}
NORM = {"num_features": SIZE, "eps": Arg("number", 1e-5, minimum=1e-12),
        "momentum": Arg("number_or_null", 0.1, minimum=0), "affine": Arg("bool", True),
        "track_running_stats": Arg("bool", True)}
LINEAR = {"in_features": SIZE, "out_features": SIZE}


def _linear_elements(a: dict[str, Any]) -> int:
    return a["in_features"] * a["out_features"] + a["out_features"]


def _no_args(cls: type) -> LayerKind:
    return LayerKind(cls.__name__, cls, "tt-activations", {}, lambda a: cls(), lambda m: {})


for _cls in (ReLU, Sigmoid, Tanh):
    register(_no_args(_cls))
register(LayerKind("GELU", GELU, "tt-activations",
                   {"approximate": Arg("str", "none", choices=("none", "tanh"))},
                   lambda a: GELU(a["approximate"]), attrs("approximate")))
for _cls in (Softmax, LogSoftmax):
    register(LayerKind(_cls.__name__, _cls, "tt-activations", {"dim": Arg("int", -1)},
                       lambda a, c=_cls: c(a["dim"]), attrs("dim")))
register(LayerKind(
    "Linear", Linear, "tt-layers", {**LINEAR, "bias": Arg("bool", True)},
    lambda a: Linear(a["in_features"], a["out_features"], bias=a["bias"]),
    lambda m: {"in_features": m.in_features, "out_features": m.out_features,
               "bias": _has_bias(m)}, _linear_elements))
register(LayerKind(
    "LinearReLU", LinearReLU, "tt-kernels", dict(LINEAR),
    lambda a: LinearReLU(Linear(a["in_features"], a["out_features"])),
    attrs("in_features", "out_features"), _linear_elements))
register(LayerKind("FusedGELU", FusedGELU, "tt-kernels",
                   {"approximate": Arg("str", "none", choices=("none", "tanh"))},
                   lambda a: FusedGELU(a["approximate"]), attrs("approximate")))
register(LayerKind("FusedAway", FusedAway, "tt-kernels",  # the identity use_fused leaves
                   {"into": Arg("str", "")},
                   lambda a: FusedAway(a["into"], ReLU()), attrs("into")))
register(LayerKind("Flatten", Flatten, "tt-spatial",
                   {"start_dim": Arg("int", 1), "end_dim": Arg("int", -1)},
                   lambda a: Flatten(a["start_dim"], a["end_dim"]),
                   attrs("start_dim", "end_dim")))
CONV_ARGS = {"in_channels": SIZE, "out_channels": SIZE, "kernel_size": PAIR,
             "stride": Arg("pair", 1, minimum=1), "padding": Arg("padding", 0, minimum=0),
             "dilation": Arg("pair", 1, minimum=1), "groups": Arg("int", 1, minimum=1),
             "bias": Arg("bool", True)}
CONV_GEOMETRY = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
                 "groups")


def _conv_elements(a: dict[str, Any]) -> int:
    return (a["out_channels"] * (a["in_channels"] // a["groups"])
            * pair_product(a["kernel_size"]) + a["out_channels"])


def _conv_args(a: dict[str, Any]) -> tuple[Any, ...]:
    """The positional arguments every convolution takes, from checked spec args."""
    return (a["in_channels"], a["out_channels"], pair(a["kernel_size"]), pair(a["stride"]),
            pair(a["padding"]), pair(a["dilation"]), a["groups"])


def _conv_describe(m: Any) -> dict[str, Any]:
    return {**attrs(*CONV_GEOMETRY)(m), "bias": _has_bias(m)}


register(LayerKind("Conv2d", Conv2d, "tt-spatial", dict(CONV_ARGS),
                   lambda a: Conv2d(*_conv_args(a), bias=a["bias"]), _conv_describe,
                   _conv_elements))
for _cls in (MaxPool2d, AvgPool2d):
    register(LayerKind(_cls.__name__, _cls, "tt-spatial", dict(POOL),
                       lambda a, c=_cls: c(pair(a["kernel_size"]), pair(a["stride"]),
                                           pair(a["padding"])),
                       attrs("kernel_size", "stride", "padding")))
register(LayerKind("AdaptiveAvgPool2d", AdaptiveAvgPool2d, "tt-spatial",
                   {"output_size": PAIR}, lambda a: AdaptiveAvgPool2d(pair(a["output_size"])),
                   attrs("output_size")))
for _cls in (BatchNorm1d, BatchNorm2d):
    register(LayerKind(
        _cls.__name__, _cls, "tt-normalization", dict(NORM),
        lambda a, c=_cls: c(a["num_features"], eps=a["eps"], momentum=a["momentum"],
                            affine=a["affine"], track_running_stats=a["track_running_stats"]),
        attrs(*NORM), lambda a: 4 * a["num_features"]))
register(LayerKind(
    "LayerNorm", LayerNorm, "tt-normalization",
    {"normalized_shape": Arg("shape", minimum=1), "eps": Arg("number", 1e-5, minimum=1e-12),
     "elementwise_affine": Arg("bool", True), "bias": Arg("bool", True)},
    lambda a: LayerNorm(pair(a["normalized_shape"]), eps=a["eps"],
                        elementwise_affine=a["elementwise_affine"], bias=a["bias"]),
    lambda m: {**attrs("normalized_shape", "eps", "elementwise_affine")(m),
               "bias": _has_bias(m)},
    lambda a: 2 * (a["normalized_shape"] if isinstance(a["normalized_shape"], int)
                   else _product(a["normalized_shape"]))))
for _cls in (Dropout, Dropout2d):
    register(LayerKind(_cls.__name__, _cls, "tt-regularization",
                       {"p": Arg("number", 0.5, minimum=0, below=1)},
                       lambda a, c=_cls: c(a["p"]), attrs("p")))


def _product(values: list[int]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


GPT_ARGS = {"vocab_size": SIZE, "block_size": Arg("int", 64, minimum=1),
            "n_layer": Arg("int", 4, minimum=1), "n_head": Arg("int", 4, minimum=1),
            "n_embd": Arg("int", 128, minimum=1), "dropout": Arg("number", 0.0, minimum=0,
                                                                 below=1),
            "bias": Arg("bool", True), "gelu": Arg("str", "tanh", choices=("none", "tanh")),
            "fused": Arg("bool", True)}


def _gpt_elements(a: dict[str, Any]) -> int:
    """Embeddings (V + T) x C, per block 12 C^2 + 13 C, the final LayerNorm (tied head)."""
    c = a["n_embd"]
    return (a["vocab_size"] + a["block_size"]) * c + a["n_layer"] * (12 * c * c + 13 * c) + 2 * c


register(LayerKind(
    "GPT", GPT, "tt-transformers", GPT_ARGS,
    lambda a: GPT(GPTConfig(**a)),
    lambda m: {n: as_json(getattr(m.config, n)) for n in GPT_ARGS},
    _gpt_elements, frozenset({"text"})))


# --- module 22's compressed layers: built empty from their arguments, then loaded ---
QUANT = {"bits": Arg("int", 8, choices=(4, 8)), "per_channel": Arg("bool", True),
         "quantize_input": Arg("bool", False)}


def _quant_describe(m: Any) -> dict[str, Any]:
    return {"bits": m.bits, "per_channel": m.per_channel, "quantize_input": m.quantize_input}


register(LayerKind(
    "QuantizedLinear", QuantizedLinear, "tt-compression",
    {**LINEAR, "bias": Arg("bool", True), **QUANT},
    lambda a: QuantizedLinear(a["in_features"], a["out_features"], a["bias"], a["bits"],
                              a["per_channel"], a["quantize_input"]),
    lambda m: {"in_features": m.in_features, "out_features": m.out_features,
               "bias": _has_bias(m), **_quant_describe(m)}, _linear_elements))
register(LayerKind(
    "QuantizedConv2d", QuantizedConv2d, "tt-compression", {**CONV_ARGS, **QUANT},
    lambda a: QuantizedConv2d(*_conv_args(a), bias=a["bias"], bits=a["bits"],
                              per_channel=a["per_channel"], quantize_input=a["quantize_input"]),
    lambda m: {**_conv_describe(m), **_quant_describe(m)}, _conv_elements))
register(LayerKind(
    "SparseLinear", SparseLinear, "tt-compression", {**LINEAR, "bias": Arg("bool", True)},
    lambda a: SparseLinear(a["in_features"], a["out_features"], a["bias"]),
    lambda m: {"in_features": m.in_features, "out_features": m.out_features,
               "bias": _has_bias(m)}, _linear_elements))
register(LayerKind(
    "SparseConv2d", SparseConv2d, "tt-compression", dict(CONV_ARGS),
    lambda a: SparseConv2d(*_conv_args(a), bias=a["bias"]), _conv_describe, _conv_elements))
register(LayerKind(
    "LowRankLinear", LowRankLinear, "tt-compression",
    {**LINEAR, "rank": SIZE, "bias": Arg("bool", True)},
    lambda a: LowRankLinear(a["in_features"], a["out_features"], a["rank"], a["bias"]),
    lambda m: {"in_features": m.in_features, "out_features": m.out_features, "rank": m.rank,
               "bias": _has_bias(m)},
    lambda a: a["rank"] * (a["in_features"] + a["out_features"]) + a["out_features"]))
