"""Differential cases of tt-embeddings (module 14): Embedding, embedding, positional encodings.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Lookups are exact copies (default tolerance); gradients are float64 with a
tolerance of (1e-9, 1e-12), since summing repeated ids in another order
differs by about 1e-15. Weights are loaded from `rng`; random initialisation
is checked by its properties (padding row, seeding), not by its draws.
Public API only: tinytorch.embeddings and the earlier modules.
"""

import numpy as np
from _shared import backward


def _table(rng, v, d, dtype=np.float64, requires_grad=False):
    """A (v, d) table of standard normal values from `rng`."""
    from tinytorch.tensor import Tensor

    return Tensor(rng.standard_normal((v, d)).astype(dtype), requires_grad=requires_grad)


def _patterns(rng, v):
    """Id arrays that take every path of a sorting backward: no repeats, a small alphabet,
    one id hundreds of times, runs of several lengths, all equal, Zipf-like, one 0-d id."""
    return {
        "unique": rng.permutation(v)[:30],
        "characters": rng.integers(0, 5, size=(6, 50)),
        "skewed": rng.permutation(np.concatenate([np.full(250, 7), np.arange(8, v)])),
        "runs": rng.permutation(np.concatenate(
            [np.full(c, i) for i, c in enumerate((30, 20, 10, 5, 3, 2))] + [np.arange(6, 30)])),
        "all_equal": np.full((3, 4, 5), 2),
        "zipf": np.minimum(rng.zipf(1.3, size=(10, 30)), v) - 1,
        "one_id": np.array(3),
    }


def case_embedding_hand_values(rng):
    """embedding of ids [[2, 0], [2, 3]] and of a 0-d id into arange(12).reshape(4, 3)."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    weight = Tensor(np.arange(12.0).reshape(4, 3))
    return {"batch": embedding(Tensor(np.array([[2, 0], [2, 3]])), weight),
            "scalar": embedding(Tensor(np.array(1)), weight)}


def case_embedding_shapes_and_dtypes(rng):
    """embedding of ids shaped (), (7,), (3, 5), (2, 3, 4), (0,), (2, 0) into float32 and
    float64 tables: ids.shape + (D,), in the table's dtype."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    out = {}
    for dtype in (np.float32, np.float64):
        weight = _table(rng, 9, 4, dtype)
        for shape in [(), (7,), (3, 5), (2, 3, 4), (0,), (2, 0)]:
            ids = Tensor(rng.integers(0, 9, size=shape))
            key = "x".join(map(str, shape)) or "scalar"
            out[f"{np.dtype(dtype).name}_{key}"] = embedding(ids, weight)
    return out


def case_embedding_integer_id_types(rng):
    """Ids of dtype int32, int16, uint8 and int64 read the same rows."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    weight = _table(rng, 6, 3)
    ids = np.array([[5, 0, 5], [1, 4, 2]])
    return {np.dtype(t).name: embedding(Tensor(ids.astype(t)), weight)
            for t in (np.int32, np.int16, np.uint8, np.int64)}


def case_embedding_gradient_sums_repeats(rng):
    """The weight gradient of ids [1, 3, 1, 1]: row 1 gets the sum of its three gradients."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    weight = _table(rng, 5, 2, requires_grad=True)
    out = embedding(Tensor(np.array([1, 3, 1, 1])), weight)
    out.backward(Tensor(np.array([[1.0, 2.0], [10.0, 20.0], [100.0, 200.0], [1000.0, 2000.0]])))
    return weight.grad


def case_embedding_gradient_patterns(rng):
    """embedding's weight gradient (float64) for ids with no, few, many and long repeats."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    out = {}
    for name, ids in _patterns(rng, 40).items():
        weight = _table(rng, 40, 6, requires_grad=True)
        grads = backward(rng, embedding(Tensor(ids), weight), weight)
        out.update({f"{name}_{k}": v for k, v in grads.items()})
    return out


case_embedding_gradient_patterns.tolerance = (1e-9, 1e-12)


def case_embedding_padding_gradient(rng):
    """padding_idx=2, -1 and 0 (a row that is read): its gradient is zero, the rest sums."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    ids = Tensor(np.array([[0, 3, 3, 1], [3, 0, 2, 3], [2, 2, 4, 0]]))
    out = {}
    for key, padding_idx in (("p2", 2), ("m1", -1), ("p0", 0)):
        weight = _table(rng, 5, 3, requires_grad=True)
        grads = backward(rng, embedding(ids, weight, padding_idx), weight)
        out.update({f"{key}_{k}": v for k, v in grads.items()})
    return out


case_embedding_padding_gradient.tolerance = (1e-9, 1e-12)


def case_embedding_add_at_twin(rng):
    """embedding_add_at: the same values and weight gradients, with and without padding_idx."""
    from tinytorch.embeddings import embedding_add_at
    from tinytorch.tensor import Tensor

    out = {}
    for name, ids in _patterns(rng, 40).items():
        for key, padding_idx in (("none", None), ("pad", 7)):
            weight = _table(rng, 40, 4, requires_grad=True)
            grads = backward(rng, embedding_add_at(Tensor(ids), weight, padding_idx), weight)
            out.update({f"{name}_{key}_{k}": v for k, v in grads.items()})
    return out


case_embedding_add_at_twin.tolerance = (1e-9, 1e-12)


def case_embedding_float32_gradient(rng):
    """A float32 table: float32 values and gradient for a (4, 16) batch of 65 ids."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    weight = _table(rng, 65, 8, np.float32, requires_grad=True)
    out = embedding(Tensor(rng.integers(0, 65, size=(4, 16))), weight, padding_idx=1)
    out.backward(Tensor(rng.standard_normal((4, 16, 8)).astype(np.float32)))
    return {"out": out.detach(), "grad": weight.grad}


case_embedding_float32_gradient.tolerance = (1e-5, 1e-5)


def case_embedding_chained_gradient(rng):
    """(embedding * embedding).sum() of ids [[1, 2, 1]]: the gradient flows through a model."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    ids = Tensor(np.array([[1, 2, 1]]))
    weight = _table(rng, 4, 2, requires_grad=True)
    loss = (embedding(ids, weight) * embedding(ids, weight)).sum()
    loss.backward()
    return {"loss": loss.detach(), "grad": weight.grad, "ids_grad_none": ids.grad is None}


case_embedding_chained_gradient.tolerance = (1e-9, 1e-12)


def case_embedding_layer_loaded(rng):
    """Embedding(12, 5, padding_idx=0, float64) with loaded weights: values and gradient."""
    from tinytorch.embeddings import Embedding
    from tinytorch.tensor import Tensor

    layer = Embedding(12, 5, padding_idx=0, dtype=np.float64)
    layer.load_state_dict({"weight": rng.standard_normal((12, 5))})
    ids = rng.integers(0, 12, size=(3, 7))
    ids[:, -2:] = 0  # padded ends
    result = backward(rng, layer(Tensor(ids)), layer.weight)
    result["forward"] = layer.forward(Tensor(ids[0])).detach()
    return result


case_embedding_layer_loaded.tolerance = (1e-9, 1e-12)


def case_embedding_layer_init(rng):
    """Embedding's init: shape, float32 by default, padding row (-1 is the last) zero, the
    rest nonzero, reset keeps it zero, same manual_seed gives the same table."""
    from tinytorch.embeddings import Embedding
    from tinytorch.tensor import manual_seed

    manual_seed(3)
    layer = Embedding(10, 4, padding_idx=-1)
    w = layer.weight.data.copy()
    manual_seed(3)
    again = Embedding(10, 4, padding_idx=-1).weight.data
    layer.reset_parameters()
    return {"shape": np.array(w.shape), "float32": w.dtype == np.float32,
            "padding_idx": np.array(layer.padding_idx),
            "padding_zero": bool(np.all(w[9] == 0.0)), "rest_nonzero": bool(np.all(w[:9] != 0)),
            "reset_padding_zero": bool(np.all(layer.weight.data[9] == 0.0)),
            "reset_redraws": not np.array_equal(layer.weight.data, w),
            "seeded": np.array_equal(w, again), "requires_grad": bool(layer.weight.requires_grad),
            "float64": Embedding(5, 2, dtype=np.float64).weight.data.dtype == np.float64}


def case_sinusoidal_table(rng):
    """SinusoidalPositionalEncoding(50, dim) tables (float64) for dim 1, 2, 7 and 16."""
    from tinytorch.embeddings import SinusoidalPositionalEncoding

    return {f"dim{d}": SinusoidalPositionalEncoding(50, d, dtype=np.float64)(50)
            for d in (1, 2, 7, 16)}


case_sinusoidal_table.tolerance = (1e-9, 1e-12)


def case_sinusoidal_adds_to_embeddings(rng):
    """SinusoidalPositionalEncoding(12, 4) (float32) added to (2, 5, 4), (5, 4) and
    (2, 3, 5, 4) embeddings, with offset 4, and its table for lengths 0 and 3 at offset 7."""
    from tinytorch.embeddings import SinusoidalPositionalEncoding
    from tinytorch.tensor import Tensor

    enc = SinusoidalPositionalEncoding(12, 4)

    def x(*shape):
        return Tensor(rng.standard_normal(shape).astype(np.float32))

    return {"batched": enc(x(2, 5, 4)), "unbatched": enc(x(5, 4)), "four_d": enc(x(2, 3, 5, 4)),
            "offset": enc(x(2, 5, 4), offset=4), "empty": enc(0), "table": enc(3, offset=7)}


def case_learned_positional_gradient(rng):
    """LearnedPositionalEmbedding(10, 3) with loaded weights on (4, 6, 3) embeddings at
    offset 1: values and the gradients of the embeddings and of the table."""
    from tinytorch.embeddings import LearnedPositionalEmbedding
    from tinytorch.tensor import Tensor

    enc = LearnedPositionalEmbedding(10, 3, dtype=np.float64)
    enc.load_state_dict({"weight": rng.standard_normal((10, 3))})
    x = Tensor(rng.standard_normal((4, 6, 3)), requires_grad=True)
    result = backward(rng, enc(x, offset=1), x, enc.weight)
    result["table"] = enc(4, offset=2).detach()
    return result


case_learned_positional_gradient.tolerance = (1e-9, 1e-12)


def case_token_plus_position(rng):
    """pos(tok(ids)) for (3, 10) ids, Embedding(65, 8) and LearnedPositionalEmbedding(16, 8)
    with loaded float64 weights: values and the gradients of both tables."""
    from tinytorch.embeddings import Embedding, LearnedPositionalEmbedding
    from tinytorch.tensor import Tensor

    tok = Embedding(65, 8, dtype=np.float64)
    pos = LearnedPositionalEmbedding(16, 8, dtype=np.float64)
    tok.load_state_dict({"weight": rng.standard_normal((65, 8))})
    pos.load_state_dict({"weight": rng.standard_normal((16, 8))})
    ids = Tensor(rng.integers(0, 65, size=(3, 10)))
    return backward(rng, pos(tok(ids)), tok.weight, pos.weight)


case_token_plus_position.tolerance = (1e-9, 1e-12)


def case_embedding_id_out_of_range(rng):
    """embedding with id 65 in a table of 65 rows raises IndexError."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    ids = rng.integers(0, 65, size=(2, 8))
    ids[1, 3] = 65
    embedding(Tensor(ids), _table(rng, 65, 4))


case_embedding_id_out_of_range.raises = "IndexError"


def case_embedding_negative_id(rng):
    """embedding with id -1 raises IndexError (NumPy would silently read the last row)."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    ids = rng.integers(0, 10, size=(2, 8))
    ids[0, 5] = -1
    embedding(Tensor(ids), _table(rng, 10, 4))


case_embedding_negative_id.raises = "IndexError"


def case_embedding_float_ids(rng):
    """embedding with float32 ids raises DTypeError."""
    from tinytorch.embeddings import embedding
    from tinytorch.tensor import Tensor

    embedding(Tensor(np.array([[1.0, 2.0]], dtype=np.float32)), _table(rng, 5, 2))


case_embedding_float_ids.raises = "DTypeError"


def case_positional_sequence_too_long(rng):
    """LearnedPositionalEmbedding(64, 8) on embeddings of length 70 raises ShapeError."""
    from tinytorch.embeddings import LearnedPositionalEmbedding
    from tinytorch.tensor import Tensor

    LearnedPositionalEmbedding(64, 8)(Tensor(rng.standard_normal((2, 70, 8)).astype(np.float32)))


case_positional_sequence_too_long.raises = "ShapeError"
