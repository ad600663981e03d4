"""MultiheadAttention: PyTorch's `nn.MultiheadAttention`, with the same parameter names.

One attention looks at the sequence one way. Multi-head attention projects
the inputs into `num_heads` smaller spaces of head_dim = embed_dim /
num_heads features, attends in each independently (one head may track the
previous character, another the matching bracket), then concatenates the
heads and mixes them with an output projection:

    q, k, v = query W_q^T + b_q, key W_k^T + b_k, value W_v^T + b_v     (N, L|S, E)
    head_h  = attention(q_h, k_h, v_h)       for each slice h of head_dim features
    out     = concat(head_1 .. head_H) W_o^T + b_o

The three input projections live in one `in_proj_weight` (3E, E) and
`in_proj_bias` (3E,), the output projection is `out_proj` (a Linear), so
weights copied from PyTorch load with `load_state_dict` as they are.
Parameters: 4 E^2 + 4 E. Cost per call: the four projections, 8 N L E^2
FLOPs for self-attention, plus attention's 4 N L S E.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from tinytorch.layers import Linear, Module, Parameter, init
from tinytorch.tensor import DTypeError, ShapeError, Tensor

from .checks import check_dropout_p, shape_str
from .dropout import draw_keep
from .fused import AttentionFunction, MaskedSoftmaxFunction
from .mha_masks import merge_masks


def _positive(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"MultiheadAttention: {name} must be a positive int, got {value!r}")
    return int(value)


def _project(x: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """x @ weight^T + bias: (..., in) -> (..., out)."""
    y = x @ weight.transpose(0, 1)
    return y if bias is None else y + bias


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al., 2017) with PyTorch's arguments and parameters.

    embed_dim E must be divisible by num_heads. dropout: attention-weight
    dropout, active in training mode only. bias: biases of the input and
    output projections. batch_first: inputs (N, L, E) instead of (L, N, E)
    (an unbatched (L, E) input works either way). kdim/vdim: feature sizes of
    key and value when they differ from E (then separate q/k/v_proj_weight
    parameters are used, as in PyTorch). add_bias_kv and add_zero_attn are
    not supported. Initialisation is PyTorch's: Xavier-uniform input
    projections, zero biases, `out_proj` a `Linear` with a zero bias.
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        dtype: np.dtype | type | str | None = None,
    ) -> None:
        super().__init__()
        self.embed_dim = _positive("embed_dim", embed_dim)
        self.num_heads = _positive("num_heads", num_heads)
        if self.embed_dim % self.num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim must be divisible by num_heads, "
                             f"got embed_dim={embed_dim} and num_heads={num_heads}")
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn are "
                                      "not supported in TinyTorch")
        self.dropout = check_dropout_p("MultiheadAttention", dropout)
        self.kdim = self.embed_dim if kdim is None else _positive("kdim", kdim)
        self.vdim = self.embed_dim if vdim is None else _positive("vdim", vdim)
        self.head_dim = self.embed_dim // self.num_heads
        self.batch_first = bool(batch_first)
        self._qkv_same_embed_dim = self.kdim == self.embed_dim == self.vdim
        dt = np.dtype(np.float32 if dtype is None else dtype)
        if dt.kind != "f":
            raise TypeError(f"MultiheadAttention: dtype must be a floating-point type, got {dt}")
        ### BEGIN SOLUTION
        e = self.embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.zeros((3 * e, e), dtype=dt))
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.register_parameter("in_proj_weight", None)
            self.q_proj_weight = Parameter(np.zeros((e, e), dtype=dt))
            self.k_proj_weight = Parameter(np.zeros((e, self.kdim), dtype=dt))
            self.v_proj_weight = Parameter(np.zeros((e, self.vdim), dtype=dt))
        if bias:
            self.in_proj_bias = Parameter(np.zeros((3 * e,), dtype=dt))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(e, e, bias=bias, dtype=dt)
        self._reset_parameters()
        ### END SOLUTION

    def _reset_parameters(self) -> None:
        """PyTorch's scheme: Xavier-uniform projections, zero biases."""
        ### BEGIN SOLUTION
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        ### END SOLUTION

    def _check_inputs(self, query: Any, key: Any, value: Any) -> tuple[bool, int, int, int]:
        """(batched, N, L, S) in the batch-first reading; named errors otherwise."""
        op = "MultiheadAttention"
        dims = (("query", query, self.embed_dim), ("key", key, self.kdim),
                ("value", value, self.vdim))
        for name, x, width in dims:
            if not isinstance(x, Tensor):
                raise TypeError(f"{op}: {name} must be a Tensor, got {type(x).__name__}")
            if x.data.dtype != self.out_proj.weight.data.dtype:
                raise DTypeError(f"{op}: {name} has dtype {x.data.dtype}, the module's "
                                 f"parameters {self.out_proj.weight.data.dtype}")
            if x.ndim not in (2, 3) or x.ndim != query.ndim or x.shape[-1] != width:
                layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
                raise ShapeError(f"{op}: {name} must be {layout} or unbatched (L, E) like the "
                                 f"query, with {width} features, got {shape_str(x.shape)}")
        batched = query.ndim == 3
        seq, bat = (1, 0) if self.batch_first or not batched else (0, 1)
        if key.shape[:-1] != value.shape[:-1] or (batched and key.shape[bat] != query.shape[bat]):
            raise ShapeError(f"{op}: key {shape_str(key.shape)} and value "
                             f"{shape_str(value.shape)} must have the same batch and length as "
                             f"each other and the batch of query {shape_str(query.shape)}")
        n = query.shape[bat] if batched else 1
        return batched, n, query.shape[seq if batched else 0], key.shape[seq if batched else 0]

    def _qkv(self, query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, ...]:
        """The three input projections, each split into heads: (N, H, L|S, head_dim).

        Inputs come batch first, (N, L|S, features). They are flattened to
        (N*L, features) first: a 2-D matmul, whose weight gradient is one
        BLAS call instead of a batch of them summed. Self-attention (query is
        key is value) projects once with the whole (3E, E) weight.
        """
        ### BEGIN SOLUTION
        e, b, h, hs = self.embed_dim, self.in_proj_bias, self.num_heads, self.head_dim

        def heads(x: Tensor, n: int, length: int) -> Tensor:  # (N*L, E) -> (N, H, L, hs)
            return x.reshape(n, length, h, hs).transpose(1, 2)

        n = query.shape[0]
        if self._qkv_same_embed_dim and query is key and key is value:
            length = query.shape[1]
            qkv = _project(query.reshape(n * length, e), self.in_proj_weight, b)  # (N*L, 3E)
            qkv = qkv.reshape(n, length, 3, h, hs).permute(2, 0, 3, 1, 4)  # (3, N, H, L, hs)
            return qkv[0], qkv[1], qkv[2]
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            ws = (w[:e], w[e:2 * e], w[2 * e:])
        else:
            ws = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        bs = (None, None, None) if b is None else (b[:e], b[e:2 * e], b[2 * e:])
        inputs = (query, key, value)
        return tuple(heads(_project(x.reshape(n * x.shape[1], x.shape[2]), w_, b_), n, x.shape[1])
                     for x, w_, b_ in zip(inputs, ws, bs, strict=True))
        ### END SOLUTION

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """(output, weights): output like query; weights (N, L, S), or (N, H, L, S) per head.

        Masks as in PyTorch (see `mha_masks.py`): bool True = leave out,
        float = added. is_causal is a hint, as in PyTorch: it needs the
        causal attn_mask too. Weights are returned only with need_weights
        (after dropout, as PyTorch does); without them the faster fused
        primitive runs. A query row with every key masked gives zeros
        (PyTorch gives NaN when need_weights=True, zeros otherwise).
        """
        op = "MultiheadAttention"
        batched, n, length, source = self._check_inputs(query, key, value)
        if is_causal and attn_mask is None:
            raise ValueError(f"{op}: is_causal=True needs attn_mask too (a hint, as in "
                             "PyTorch): pass attn_mask=causal_mask(L)")
        blocked, bias = merge_masks(op, key_padding_mask, attn_mask, n, self.num_heads, length,
                                    source, batched, query.data.dtype)
        ### BEGIN SOLUTION
        if not batched:  # (L, E) -> (1, L, E)
            query, key, value = (x if x is None else x.unsqueeze(0) for x in (query, key, value))
        elif not self.batch_first:  # (L, N, E) -> (N, L, E), keeping `query is key`
            same_k, same_v = key is query, value is key
            query = query.transpose(0, 1)
            key = query if same_k else key.transpose(0, 1)
            value = key if same_v else value.transpose(0, 1)
        h, hs = self.num_heads, self.head_dim
        q, k, v = self._qkv(query, key, value)  # (N, H, L|S, hs)
        scale = 1.0 / math.sqrt(hs)
        keep, keep_scale = draw_keep((n, h, length, source), self.dropout if self.training
                                     else 0.0)
        weights = None
        if need_weights:  # the weights are an output: softmax as its own node
            weights = MaskedSoftmaxFunction.apply((q * scale) @ k.transpose(-2, -1), bias,
                                                  blocked=blocked)
            if keep is not None:
                weights = weights * Tensor((keep * keep_scale).astype(weights.data.dtype))
            heads = weights @ v  # (N, H, L, hs)
            if average_attn_weights:
                weights = weights.mean(dim=1)  # (N, L, S)
            if not batched:
                weights = weights.squeeze(0)
        else:
            heads = AttentionFunction.apply(q, k, v, bias, blocked=blocked, scale=scale,
                                            keep=keep, keep_scale=keep_scale)
        merged = heads.transpose(1, 2).reshape(n * length, self.embed_dim)  # (N*L, E)
        out = self.out_proj(merged).reshape(n, length, self.embed_dim)
        if not batched:
            out = out.squeeze(0)
        elif not self.batch_first:
            out = out.transpose(0, 1)
        return out, weights
        ### END SOLUTION

    def extra_repr(self) -> str:
        text = f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.batch_first:
            text += ", batch_first=True"
        return text
