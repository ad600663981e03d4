"""Sinusoidal and learned positional encodings: values, buffers, adding, lengths, PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.embeddings import (
    Embedding,
    LearnedPositionalEmbedding,
    PositionalEncoding,
    SinusoidalPositionalEncoding,
    embedding,
)
from tinytorch.tensor import DTypeError, ShapeError, Tensor, manual_seed
from tt_testing import assert_close, torch_or_skip

ENCODINGS = [SinusoidalPositionalEncoding, LearnedPositionalEmbedding]


def vaswani(max_len: int, dim: int) -> np.ndarray:
    """The paper's formula, one number at a time."""
    pe = np.zeros((max_len, dim))
    for pos in range(max_len):
        for j in range(dim):
            angle = pos / 10000 ** (2 * (j // 2) / dim)
            pe[pos, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return pe


def embeddings(*shape: int, dtype=np.float32, seed: int = 0) -> Tensor:
    return Tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype))


# --------------------------------------------------------------------------- sinusoidal


@pytest.mark.parametrize("dim", [1, 2, 7, 16])
def test_sinusoidal_table_is_the_papers_formula(dim) -> None:
    enc = SinusoidalPositionalEncoding(50, dim, dtype=np.float64)
    assert enc.pe.shape == (50, dim) and enc.pe.dtype == np.float64
    assert_close(enc.pe, vaswani(50, dim), rtol=1e-12, atol=1e-12)


def test_sinusoidal_hand_values() -> None:
    pe = SinusoidalPositionalEncoding(4, 4).pe.data
    assert pe.dtype == np.float32
    np.testing.assert_allclose(pe[0], [0.0, 1.0, 0.0, 1.0])  # sin 0, cos 0
    np.testing.assert_allclose(pe[1], [math.sin(1), math.cos(1), math.sin(0.01),
                                       math.cos(0.01)], rtol=1e-6)  # 10000^(2/4) = 100


def test_sinusoidal_dot_products_depend_only_on_the_distance() -> None:
    # pe[p + k] is pe[p] turned by a fixed angle per column pair: pe[p] . pe[p + k]
    # = sum_i cos(k w_i), whatever p is; attention can read relative positions
    pe = SinusoidalPositionalEncoding(100, 32, dtype=np.float64).pe.data
    for k in (1, 5, 17):
        dots = np.einsum("pd,pd->p", pe[:-k], pe[k:])
        np.testing.assert_allclose(dots, dots[0], rtol=1e-10, atol=1e-10)
    assert_close(np.einsum("pd,pd->p", pe, pe), np.full(100, 16.0), rtol=1e-12, atol=1e-12)


def test_sinusoidal_is_a_buffer_not_a_parameter_and_not_saved() -> None:
    enc = SinusoidalPositionalEncoding(16, 8)
    assert list(enc.parameters()) == []
    assert [name for name, _ in enc.named_buffers()] == ["pe"]
    assert not enc.pe.requires_grad
    assert enc.state_dict() == {}  # a fixed function of max_len and dim
    assert repr(enc) == "SinusoidalPositionalEncoding(max_len=16, dim=8)"


def test_sinusoidal_against_the_pytorch_tutorial() -> None:
    torch = torch_or_skip()
    max_len, d = 64, 32
    position = torch.arange(max_len).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
    pe = torch.zeros(max_len, d)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    assert_close(SinusoidalPositionalEncoding(max_len, d).pe, pe, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------------------ learned


def test_learned_is_a_parameter_initialised_like_nn_embedding() -> None:
    manual_seed(0)
    enc = LearnedPositionalEmbedding(512, 64)
    assert [name for name, _ in enc.named_parameters()] == ["weight"]
    w = enc.weight.data
    assert w.shape == (512, 64) and w.dtype == np.float32
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1.0) < 0.02
    manual_seed(0)
    np.testing.assert_array_equal(LearnedPositionalEmbedding(512, 64).weight.data, w)
    assert list(enc.state_dict()) == ["weight"]
    assert repr(enc) == "LearnedPositionalEmbedding(max_len=512, dim=64)"


def test_learned_gradient_reaches_exactly_the_positions_used() -> None:
    enc = LearnedPositionalEmbedding(10, 3, dtype=np.float64)
    x = Tensor(np.zeros((4, 6, 3)), requires_grad=True)
    grad = np.random.default_rng(1).standard_normal((4, 6, 3))
    enc(x).backward(Tensor(grad))
    expected = np.zeros((10, 3))
    expected[:6] = grad.sum(axis=0)  # every sequence of the batch adds to positions 0..5
    assert_close(enc.weight.grad, expected, rtol=1e-12, atol=1e-12)
    assert_close(x.grad, grad, rtol=1e-12, atol=1e-12)


def test_learned_equals_an_embedding_of_the_positions() -> None:
    # GPT's wpe(arange(T)): the same numbers and gradients as the slice
    enc = LearnedPositionalEmbedding(8, 4, dtype=np.float64)
    w = Tensor(enc.weight.data.copy(), requires_grad=True)
    positions = embedding(Tensor(np.arange(2, 7)), w)
    table = enc(5, offset=2)
    assert_close(table, positions, rtol=0, atol=0)
    grad = np.random.default_rng(2).standard_normal((5, 4))
    table.backward(Tensor(grad))
    positions.backward(Tensor(grad))
    assert_close(enc.weight.grad, w.grad, rtol=1e-12, atol=1e-12)


def test_learned_gradcheck() -> None:
    enc = LearnedPositionalEmbedding(6, 3, dtype=np.float64)
    x = Tensor(np.random.default_rng(3).standard_normal((2, 4, 3)), requires_grad=True)
    # gradcheck perturbs its inputs in place, so the layer's own weight can be one
    assert gradcheck(lambda a, w: enc(a, offset=1) * a, (x, enc.weight))
    sin = SinusoidalPositionalEncoding(6, 3, dtype=np.float64)
    assert gradcheck(lambda a: sin(a) * a, (x,))


def test_learned_against_torch_embedding_of_positions() -> None:
    torch = torch_or_skip()
    torch.manual_seed(0)
    wpe = torch.nn.Embedding(16, 8)
    enc = LearnedPositionalEmbedding(16, 8)
    enc.load_state_dict({k: v.detach().numpy() for k, v in wpe.state_dict().items()})
    x = np.random.default_rng(4).standard_normal((3, 10, 8)).astype(np.float32)
    grad = np.random.default_rng(5).standard_normal((3, 10, 8)).astype(np.float32)
    out = enc(Tensor(x))
    out.backward(Tensor(grad))
    tout = torch.from_numpy(x) + wpe(torch.arange(10))
    tout.backward(torch.from_numpy(grad))
    assert_close(out, tout, rtol=1e-6, atol=1e-6)
    assert_close(enc.weight.grad, wpe.weight.grad, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------- both: the calls


@pytest.mark.parametrize("cls", ENCODINGS)
def test_a_length_returns_the_table_and_embeddings_get_it_added(cls) -> None:
    enc = cls(12, 4)
    assert isinstance(enc, PositionalEncoding)
    full = enc(12).data.copy()
    assert enc(12).shape == (12, 4) and enc(0).shape == (0, 4)
    np.testing.assert_array_equal(enc(5).data, full[:5])
    np.testing.assert_array_equal(enc(3, offset=7).data, full[7:10])
    np.testing.assert_array_equal(enc(np.int64(2)).data, full[:2])
    x = embeddings(2, 5, 4)
    out = enc(x)
    assert out.shape == (2, 5, 4) and out.dtype == np.float32
    assert_close(out, x.data + full[:5])
    assert_close(enc(embeddings(5, 4)), embeddings(5, 4).data + full[:5])  # unbatched (T, D)
    assert_close(enc(x, offset=4), x.data + full[4:9])
    assert_close(enc(embeddings(2, 3, 5, 4)), embeddings(2, 3, 5, 4).data + full[:5])


@pytest.mark.parametrize("cls", ENCODINGS)
def test_a_sequence_longer_than_max_len_is_named(cls) -> None:
    name = cls.__name__
    enc = cls(64, 8)
    assert enc(64).shape == (64, 8)  # exactly max_len is fine
    with pytest.raises(ShapeError, match=rf"{name}\(max_len=64, dim=8\): a sequence of length "
                                         r"70 needs positions up to 69, but max_len=64 "
                                         "positions are encoded"):
        enc(embeddings(2, 70, 8))
    with pytest.raises(ShapeError, match="length 65 needs positions up to 64"):
        enc(65)
    with pytest.raises(ShapeError, match="length 10 starting at position 60 needs positions "
                                         "up to 69"):
        enc(10, offset=60)
    for kind in (ValueError, RuntimeError):  # ShapeError is both, as in tt-tensor
        with pytest.raises(kind):
            enc(65)


@pytest.mark.parametrize("cls", ENCODINGS)
def test_bad_calls_are_named(cls) -> None:
    enc = cls(16, 8)
    with pytest.raises(ShapeError, match=r"input of shape \(2, 5, 6\) is not \(\.\.\., T, "
                                         r"dim=8\)"):
        enc(embeddings(2, 5, 6))
    with pytest.raises(ShapeError, match=r"input of shape \(8,\) is not"):
        enc(embeddings(8))
    with pytest.raises(DTypeError, match=r"got an integer tensor of shape \(2, 5\); pass the "
                                         "token embeddings"):
        enc(Tensor(np.zeros((2, 5), dtype=np.int64)))
    with pytest.raises(ValueError, match="sequence length must be >= 0, got -1"):
        enc(-1)
    with pytest.raises(ValueError, match="offset must be an int >= 0, got -2"):
        enc(3, offset=-2)
    with pytest.raises(TypeError, match="expected a sequence length"):
        enc([1, 2])


@pytest.mark.parametrize("cls", ENCODINGS)
def test_bad_construction(cls) -> None:
    name = cls.__name__
    with pytest.raises(ValueError, match=f"{name}: max_len must be a positive int, got 0"):
        cls(0, 8)
    with pytest.raises(ValueError, match=f"{name}: dim must be a positive int, got 2.5"):
        cls(8, 2.5)
    with pytest.raises(TypeError, match=f"{name}: dtype must be a floating-point type"):
        cls(8, 2, dtype=np.int32)


def test_token_plus_position_embeddings_of_a_batch() -> None:
    # the input of a GPT: token vectors plus position vectors, (B, T) ids -> (B, T, D)
    tok, pos = Embedding(65, 8), LearnedPositionalEmbedding(16, 8)
    ids = Tensor(np.random.default_rng(6).integers(0, 65, size=(3, 10)))
    x = pos(tok(ids))
    assert x.shape == (3, 10, 8)
    assert_close(x, tok.weight.data[ids.data] + pos.weight.data[:10])
    x.sum().backward()
    assert tok.weight.grad is not None and pos.weight.grad is not None
    np.testing.assert_array_equal(pos.weight.grad.data[:10], 3.0)  # batch of 3
    np.testing.assert_array_equal(pos.weight.grad.data[10:], 0.0)
