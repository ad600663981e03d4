"""embedding: look rows of a table up by integer id, as one primitive.

    out[..., :] = weight[ids[...], :]        ids (any shape) -> ids.shape + (D,)

A language model cannot multiply a token id: "e" = 4 means nothing
numerically. An embedding gives every id its own learned vector, a row of
`weight` (num_embeddings, embedding_dim). It is what a `Linear` layer would
compute on a one-hot vector (`onehot(ids) @ weight`), without building the
one-hot matrix: a gather, N*D copies instead of 2*N*V*D FLOPs.

Backward scatters the output gradient back to the rows that were read,
SUMMING the rows read more than once (`sum_rows`); the padding row, if any,
always gets a zero gradient. Written from tensor primitives (`weight[ids]`)
this works too, but autograd's indexing rule uses `np.add.at`, which is
about 10x slower; so here the lookup is one `Function` with its own backward.
`embedding_add_at` is the teaching twin: the same primitive with the
`np.add.at` backward, tested equal.

Cost: forward N*D copies (one `np.take`); backward a zero table of V*D,
a sort of the N ids and N*D adds. The gradient is as large as the table,
even when a batch reads only a few rows of it (PyTorch's `sparse=True`,
not provided here, avoids that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from tinytorch.autograd import Function, FunctionCtx
from tinytorch.tensor import Tensor

from .checks import check_ids, check_padding_idx, check_weight
from .sum_rows import sum_rows, sum_rows_add_at

RowSummer = Callable[[np.ndarray, np.ndarray, int], np.ndarray]


class EmbeddingFunction(Function):
    """The lookup primitive: gather forward, summing scatter backward."""

    @staticmethod
    def forward(ctx: FunctionCtx, ids: np.ndarray, weight: np.ndarray,
                padding_idx: int | None, summer: RowSummer) -> np.ndarray:
        """ids (...) integers, weight (V, D) -> (..., D)."""
        ### BEGIN SOLUTION
        ctx.save_for_backward(ids)
        ctx.num, ctx.padding_idx, ctx.summer = weight.shape[0], padding_idx, summer
        return np.take(weight, ids, axis=0)  # (..., D): faster than weight[ids]
        ### END SOLUTION

    @staticmethod
    def backward(ctx: FunctionCtx, grad: np.ndarray) -> tuple[Any, ...]:
        """Gradients for (ids, weight, padding_idx, summer): only the weight gets one."""
        ### BEGIN SOLUTION
        (ids,) = ctx.saved_tensors
        d = grad.shape[-1]
        dweight = ctx.summer(grad.reshape(-1, d), ids.reshape(-1), ctx.num)  # (V, D)
        if ctx.padding_idx is not None:
            dweight[ctx.padding_idx] = 0  # the padding row never learns
        return None, dweight, None, None
        ### END SOLUTION


def _lookup(op: str, input: Tensor, weight: Tensor, padding_idx: int | None,
            summer: RowSummer) -> Tensor:
    """Check everything, then run the primitive (shared by `embedding` and its twin)."""
    check_weight(op, weight)
    num = weight.shape[0]
    padding = check_padding_idx(op, padding_idx, num)
    check_ids(op, input, num)
    return EmbeddingFunction.apply(input, weight, padding, summer)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of `weight` picked by the integer ids in `input`, PyTorch's `F.embedding`.

    input: an integer Tensor of any shape, e.g. (B, T) token ids; every id in
    [0, V). weight: (V, D). padding_idx: a row (negative counts from the end)
    whose gradient is always zero, for the padding token of batched
    sequences of unequal length. Returns input.shape + (D,), in weight's
    dtype, recorded for autograd as one node.
    """
    ### BEGIN SOLUTION
    return _lookup("embedding", input, weight, padding_idx, sum_rows)
    ### END SOLUTION


def embedding_add_at(input: Tensor, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """The teaching twin of `embedding`: the same lookup, the backward by `np.add.at`.

    Same arguments, values, gradients and errors; only slower to
    differentiate (see `sum_rows_add_at`).
    """
    ### BEGIN SOLUTION
    return _lookup("embedding_add_at", input, weight, padding_idx, sum_rows_add_at)
    ### END SOLUTION
