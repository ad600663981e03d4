"""gpt_parts: check that a model is a tinytorch GPT with every part the cache reads; gather them.

A KV cache runs the model's layers itself, one named part at a time, so a
model without one of them (or not a GPT at all) must fail at once with the
part named, not halfway through a generation with an AttributeError.

The parts are gathered once, as the `Parameter`s themselves (their `.data`
is read at every step, so new weights loaded into them are seen): a
decoding step then reads plain tuples instead of walking the module tree,
about 50 attribute look-ups through `Module.__getattr__` a step fewer.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tinytorch.transformers import GPT


class Norm(NamedTuple):
    """A LayerNorm's parameters: y = (x - mean) / sqrt(var + eps) * weight + bias."""

    weight: Any
    bias: Any
    eps: float


class Affine(NamedTuple):
    """A Linear's parameters: y = x @ weight^T + bias (bias may be None)."""

    weight: Any
    bias: Any


class BlockParts(NamedTuple):
    """One TransformerBlock: ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj."""

    ln_1: Norm
    c_attn: Affine
    c_proj: Affine
    ln_2: Norm
    c_fc: Affine
    mlp_proj: Affine


class GPTParts(NamedTuple):
    """What the cached forward reads from a GPT, gathered once."""

    wte: Any  # the token table, (V, C); also the tied head's weight
    wpe: Any  # the position table, (block_size, C)
    blocks: list[BlockParts]
    ln_f: Norm
    head: Any  # lm_head.weight, (V, C)
    n_head: int
    gelu: str  # 'tanh' or 'none', the MLP's GELU
    vocab_size: int
    block_size: int


def _get(owner: Any, path: str, where: str, op: str) -> Any:
    """`owner.a.b` for path 'a.b', or a TypeError naming the missing part."""
    for name in path.split("."):
        owner = getattr(owner, name, None)
        if owner is None:
            raise TypeError(f"{op}: the GPT lacks what the cache needs: it has no "
                            f"{where}{path}")
    return owner


def _norm(owner: Any, path: str, where: str, op: str) -> Norm:
    ln = _get(owner, path, where, op)
    return Norm(getattr(ln, "weight", None), getattr(ln, "bias", None),
                float(_get(ln, "eps", f"{where}{path}.", op)))


def _affine(owner: Any, path: str, where: str, op: str) -> Affine:
    layer = _get(owner, path, where, op)
    return Affine(_get(layer, "weight", f"{where}{path}.", op), getattr(layer, "bias", None))


def gpt_parts(op: str, model: Any) -> GPTParts:
    """The parts of a tinytorch GPT the cache reads; TypeError if it is not one or lacks one."""
    if not isinstance(model, GPT):
        raise TypeError(f"{op}: the model must be a tinytorch GPT (tinytorch.transformers.GPT), "
                        f"got {type(model).__name__}: the cache runs the GPT's own parts "
                        "(wte, wpe, h, ln_f, lm_head)")
    cfg = model.config
    blocks = list(_get(model, "h", "", op))
    if len(blocks) != cfg.n_layer:
        raise TypeError(f"{op}: the GPT has {len(blocks)} blocks in h, but its config says "
                        f"n_layer={cfg.n_layer}")
    gathered = [
        BlockParts(_norm(b, "ln_1", f"h.{i}.", op), _affine(b, "attn.c_attn", f"h.{i}.", op),
                   _affine(b, "attn.c_proj", f"h.{i}.", op), _norm(b, "ln_2", f"h.{i}.", op),
                   _affine(b, "mlp.c_fc", f"h.{i}.", op), _affine(b, "mlp.c_proj", f"h.{i}.", op))
        for i, b in enumerate(blocks)
    ]
    return GPTParts(_get(model, "wte.weight", "", op), _get(model, "wpe.weight", "", op),
                    gathered, _norm(model, "ln_f", "", op), _get(model, "lm_head.weight", "", op),
                    cfg.n_head, cfg.gelu, cfg.vocab_size, cfg.block_size)
