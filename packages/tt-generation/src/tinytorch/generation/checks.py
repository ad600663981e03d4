"""The argument checks generation makes before any work: ids, logits, knobs, the model's output.

Sampling bugs are quiet: a top_p of 90 instead of 0.9, a temperature of 0,
float ids from a division or a tokenizer larger than the model all produce
*some* text, just not the text you meant. So every argument is checked first
and the error names the function, the argument and what was expected. Cost:
a few comparisons, and one min/max over the ids.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.tensor import DTypeError, ShapeError, Tensor


def _is_int(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def check_count(op: str, name: str, value: Any, minimum: int = 1) -> int:
    """An int argument of at least `minimum` (`k`, `top_k`, `max_new_tokens`), or a named error."""
    if not _is_int(value):
        raise TypeError(f"{op}: {name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value}")
    return int(value)


def check_top_p(op: str, name: str, value: Any) -> float:
    """A nucleus mass p in (0, 1]: p = 1 keeps every token, p near 0 only the most likely."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: {name} must be a number in (0, 1], got {value!r}")
    if not 0.0 < float(value) <= 1.0:
        raise ValueError(f"{op}: {name} must be in (0, 1] (a probability mass), got {value}")
    return float(value)


def check_temperature(op: str, value: Any) -> float:
    """A sampling temperature: a finite number > 0 (greedy decoding is do_sample=False)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: temperature must be a number > 0, got {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{op}: temperature must be a finite number > 0 when sampling, got "
                         f"{value} (for greedy decoding pass do_sample=False)")
    return float(value)


def check_logits(op: str, logits: Any) -> np.ndarray:
    """Logits: a floating-point Tensor (..., V) with V >= 1, no NaN and no +inf.

    -inf is allowed: it is how a filter (or a model) rules a token out. Every
    row must keep at least one finite logit, or there is nothing to sample.
    """
    if not isinstance(logits, Tensor):
        raise TypeError(f"{op}: logits must be a Tensor, got {type(logits).__name__}")
    x = logits.data
    if x.dtype.kind != "f":
        raise DTypeError(f"{op}: logits must be floating point, got dtype {x.dtype}")
    if x.ndim < 1 or x.shape[-1] < 1:
        raise ShapeError(f"{op}: logits must have shape (..., V) with V >= 1, got "
                         f"{tuple(x.shape)}")
    if np.isnan(x).any() or np.isposinf(x).any():
        raise ValueError(f"{op}: logits of shape {tuple(x.shape)} contain NaN or +inf")
    if x.size and not np.isfinite(x).any(axis=-1).all():
        raise ValueError(f"{op}: a row of the logits (shape {tuple(x.shape)}) is all -inf: "
                         "no token is left to choose")
    return x


def check_probs(op: str, probs: Any) -> np.ndarray:
    """Probabilities: a floating-point Tensor (..., V), finite, >= 0, each row with mass > 0.

    Rows need not sum to exactly 1 (like `torch.multinomial`, they are weights).
    """
    if not isinstance(probs, Tensor):
        raise TypeError(f"{op}: probs must be a Tensor, got {type(probs).__name__}")
    p = probs.data
    if p.dtype.kind != "f":
        raise DTypeError(f"{op}: probs must be floating point, got dtype {p.dtype}")
    if p.ndim < 1 or p.shape[-1] < 1:
        raise ShapeError(f"{op}: probs must have shape (..., V) with V >= 1, got {tuple(p.shape)}")
    if not np.isfinite(p).all() or (p < 0).any():
        raise ValueError(f"{op}: probs must be finite and >= 0 (pass probabilities, not logits)")
    if p.size and not (p.sum(axis=-1) > 0).all():
        raise ValueError(f"{op}: a row of probs (shape {tuple(p.shape)}) sums to 0")
    return p


def check_generator(op: str, generator: Any) -> np.random.Generator | None:
    """A NumPy Generator, or None for tinytorch's default generator."""
    if generator is not None and not isinstance(generator, np.random.Generator):
        raise TypeError(f"{op}: generator must be a numpy.random.Generator or None, got "
                        f"{type(generator).__name__}")
    return generator


def check_idx(op: str, idx: Any) -> np.ndarray:
    """The prompt: an integer Tensor (B, T) with B, T >= 1 and no negative id, as int64."""
    if not isinstance(idx, Tensor):
        raise TypeError(f"{op}: idx must be a Tensor of token ids (B, T), got "
                        f"{type(idx).__name__} (wrap it: Tensor(np.array([ids])))")
    ids = idx.data
    if ids.dtype.kind not in "iu":
        raise DTypeError(f"{op}: idx must be an integer tensor (int64), got dtype {ids.dtype} "
                         f"of shape {tuple(ids.shape)}")
    if ids.ndim != 2 or 0 in ids.shape:
        raise ShapeError(f"{op}: idx must have shape (B, T) with B, T >= 1 (a batch of "
                         f"prompts), got {tuple(ids.shape)}")
    check_in_vocab(op, "idx", ids, None)
    return ids.astype(np.int64)


def check_stop(op: str, stop: Any) -> np.ndarray:
    """`stop`: None, one token id or a sequence of them, as a 1-D int64 array."""
    if stop is None:
        return np.zeros(0, dtype=np.int64)
    values = [stop] if _is_int(stop) else stop
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"{op}: stop must be a token id or a sequence of them, got "
                        f"{stop!r}") from None
    if not all(_is_int(v) for v in values):
        raise TypeError(f"{op}: stop must be a token id or a sequence of them, got {stop!r}")
    ids = np.array(values, dtype=np.int64).reshape(-1)
    check_in_vocab(op, "stop", ids, None)
    return ids


def check_in_vocab(op: str, name: str, ids: np.ndarray, vocab_size: int | None) -> None:
    """Every id in [0, vocab_size) (only >= 0 when the size is not known yet)."""
    if ids.size == 0:
        return
    high = np.inf if vocab_size is None else vocab_size
    bad = (ids < 0) | (ids >= high)
    if not bad.any():
        return
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), ids.shape))
    size = ("" if vocab_size is None
            else f" of {vocab_size} tokens: ids must be in [0, {vocab_size})")
    raise IndexError(f"{op}: {name} holds token id {int(ids[where])} at position {where}, "
                     f"outside the vocabulary{size}")
