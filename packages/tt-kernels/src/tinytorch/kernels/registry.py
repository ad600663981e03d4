"""KERNELS: the five fused primitives of the course beside their composite twins, one table.

Each fused kernel is ONE `tinytorch.autograd.Function` with a hand-written
backward; its twin computes the same from tensor primitives and lets
autograd differentiate it. Four were built where they are first needed
and are reused here, not copied:

- `bias_relu`: `bias_relu` against `relu(x + bias)`; new in this module.
- `gelu`: tt-transformers' `gelu_fused` (tanh form) against module 3's `gelu`.
- `softmax_cross_entropy`: tt-transformers' `lm_loss` against
  `lm_loss_composite` (module 5's `cross_entropy`).
- `layer_norm`: tt-normalization's `layer_norm` against `layer_norm_composite`.
- `attention_softmax`: tt-attention's `scaled_dot_product_attention`
  (causal; the masked softmax and both products in one node) against
  `scaled_dot_product_attention_composite`.

The table gives each a uniform face, `fused(*args)` / `composite(*args)`
and `example(rng, dtype, large)` -> (args, the Tensors to differentiate),
so the tests and `benchmarks/kernels.py` treat them alike. `large=True`
gives the gpt_2018 milestone's shapes (B*T = 2048 rows, C = 128, 4C =
512, V = 65, 4 heads of 32 over T = 64), where every one of them is
memory-bound: a few FLOPs per number moved, so the time is the passes
over memory, which fusion cuts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from tinytorch.activations import gelu
from tinytorch.attention import (
    scaled_dot_product_attention,
    scaled_dot_product_attention_composite,
)
from tinytorch.normalization import layer_norm, layer_norm_composite
from tinytorch.tensor import Tensor
from tinytorch.transformers import gelu_fused, lm_loss, lm_loss_composite

from .bias_relu import bias_relu, bias_relu_composite

Example = tuple[tuple[Any, ...], tuple[Tensor, ...]]


@dataclass(frozen=True)
class Kernel:
    """One fused primitive and its composite twin, with example inputs.

    - `fused(*args)`, `composite(*args)`: the same value and gradients.
    - `example(rng, dtype, large)`: (args, the leaves that require grad).
    - `memory_bound`: True when, at the large shapes, the kernel does a few
      FLOPs per number it reads or writes, so fusion (fewer passes) pays.
    - `source`: the distribution that defines the fused primitive.
    """

    name: str
    fused: Callable[..., Tensor]
    composite: Callable[..., Tensor]
    example: Callable[[np.random.Generator, Any, bool], Example]
    memory_bound: bool
    source: str
    summary: str


def _leaf(rng: np.random.Generator, shape: tuple[int, ...], dtype: Any,
          scale: float = 1.0, shift: float = 0.0) -> Tensor:
    return Tensor((shift + scale * rng.standard_normal(shape)).astype(dtype), requires_grad=True)


def _bias_relu_example(rng: np.random.Generator, dtype: Any, large: bool) -> Example:
    rows, width = (2048, 512) if large else (6, 5)  # the GPT MLP's hidden activation
    x, b = _leaf(rng, (rows, width), dtype), _leaf(rng, (width,), dtype, 0.5)
    return (x, b), (x, b)


def _gelu_example(rng: np.random.Generator, dtype: Any, large: bool) -> Example:
    x = _leaf(rng, (2048, 512) if large else (6, 5), dtype, 2.0)
    return (x,), (x,)


def _gelu_fused(x: Tensor) -> Tensor:
    return gelu_fused(x, approximate="tanh")


def _gelu_composite(x: Tensor) -> Tensor:
    return gelu(x, approximate="tanh")


def _cross_entropy_example(rng: np.random.Generator, dtype: Any, large: bool) -> Example:
    rows, vocab = (2048, 65) if large else (7, 5)
    logits = _leaf(rng, (rows, vocab), dtype, 2.0)
    return (logits, rng.integers(0, vocab, size=rows)), (logits,)


def _layer_norm_example(rng: np.random.Generator, dtype: Any, large: bool) -> Example:
    rows, width = (2048, 128) if large else (6, 5)
    x = _leaf(rng, (rows, width), dtype, 2.0, 1.0)
    w, b = _leaf(rng, (width,), dtype, 0.1, 1.0), _leaf(rng, (width,), dtype, 0.1)
    return (x, w, b), (x, w, b)


def _layer_norm_fused(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    return layer_norm(x, x.shape[-1], weight, bias)


def _layer_norm_twin(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    return layer_norm_composite(x, x.shape[-1], weight, bias)


def _attention_example(rng: np.random.Generator, dtype: Any, large: bool) -> Example:
    shape = (32, 4, 64, 32) if large else (2, 2, 5, 3)
    q, k, v = (_leaf(rng, shape, dtype) for _ in range(3))
    return (q, k, v), (q, k, v)


def _attention_fused(q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    return scaled_dot_product_attention(q, k, v, is_causal=True)


def _attention_composite(q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    return scaled_dot_product_attention_composite(q, k, v, is_causal=True)


#: name -> Kernel, in the order of the issue: bias + ReLU, GELU, softmax + cross-entropy,
#: LayerNorm, attention's masked softmax.
KERNELS: dict[str, Kernel] = {k.name: k for k in (
    Kernel("bias_relu", bias_relu, bias_relu_composite, _bias_relu_example, True,
           "tt-kernels", "relu(x + bias), x (N, D), bias (D,)"),
    Kernel("gelu", _gelu_fused, _gelu_composite, _gelu_example, True,
           "tt-transformers", "GELU, tanh form, elementwise"),
    Kernel("softmax_cross_entropy", lm_loss, lm_loss_composite, _cross_entropy_example, True,
           "tt-transformers", "mean -log softmax(logits)[target], logits (N, V)"),
    Kernel("layer_norm", _layer_norm_fused, _layer_norm_twin, _layer_norm_example, True,
           "tt-normalization", "LayerNorm over the last dim, with weight and bias"),
    Kernel("attention_softmax", _attention_fused, _attention_composite, _attention_example,
           True, "tt-attention", "causal attention: masked softmax(q k^T / sqrt(E)) v"),
)}
