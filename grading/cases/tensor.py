"""Differential cases of tt-tensor (module 02): the Tensor and its primitives.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Public API only: tinytorch.tensor (gradients belong to autograd's cases).
"""

import numpy as np


def _f32(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def case_construction_dtypes(rng):
    """Tensor(...) infers float32 from floats, int64 from ints, bool; dtype= casts; arrays kept."""
    from tinytorch.tensor import Tensor

    made = {"floats": Tensor([[1.5, 2.0], [3.0, 4.0]]), "ints": Tensor([1, 2, 3]),
            "bools": Tensor([True, False]), "scalar": Tensor(2.5),
            "cast": Tensor([1, 2], dtype=np.float64), "exact64": Tensor(0.1, dtype=np.float64),
            "array64": Tensor(rng.standard_normal(3)),
            "int32": Tensor(np.arange(3, dtype=np.int32))}
    out = {name: t.numpy() for name, t in made.items()}
    out["ndims"] = np.array([t.ndim for t in made.values()])
    return out


def case_binary_broadcasting(rng):
    """+ - * / ** of shapes (2, 1, 3) and (4, 1) broadcast to (2, 4, 3), as NumPy."""
    from tinytorch.tensor import Tensor

    a = Tensor(rng.uniform(0.5, 2.0, (2, 1, 3)).astype(np.float32))
    b = Tensor(rng.uniform(0.5, 2.0, (4, 1)).astype(np.float32))
    return {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b, "pow": a ** b}


def case_scalars_and_type_promotion(rng):
    """Scalars and arrays on either side; int * 0.5 is float32, int / 2 true division, as torch."""
    from tinytorch.tensor import Tensor

    t = Tensor(rng.uniform(0.5, 2.0, 3).astype(np.float32))
    i = Tensor([1, 2, 3])
    return {"radd": 1 + t, "rsub": 2.0 - t, "rmul": np.float32(2.0) * t, "rdiv": 1.0 / t,
            "rpow": 2.0 ** t, "array_left": np.ones(3, dtype=np.float32) + t, "neg": -t,
            "int_times_half": i * 0.5, "int_times_two": i * 2, "int_pow": i ** 2,
            "bool_plus_one": Tensor([True, False]) + 1, "int_div": i / 2,
            "f64_plus_f32": Tensor([1.0], dtype=np.float64) + Tensor([1.0]),
            "int32_plus_3": Tensor(np.array([1, 2], np.int32)) + 3}


def case_broadcast_error(rng):
    """(2, 3) + (4,) raises ShapeError."""
    from tinytorch.tensor import Tensor

    Tensor(_f32(rng, 2, 3)) + Tensor(_f32(rng, 4))


case_broadcast_error.raises = "ShapeError"


def case_comparisons_and_where(rng):
    """< <= > >= == != give bool tensors; where and maximum select and broadcast."""
    from tinytorch.tensor import Tensor, maximum, where

    a = Tensor(rng.integers(0, 4, (3, 4)).astype(np.float32))
    b = Tensor(rng.integers(0, 4, (4,)).astype(np.float32))
    return {"lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= 2, "eq": a == b, "ne": a != b,
            "where": where(a > b, a, -1.0), "maximum": maximum(a, b),
            "int_vs_float": Tensor([1, 2]) < 1.5}


def case_unary_functions(rng):
    """exp log sqrt sin cos abs tanh erf neg of float32 and float64; clamp, input unchanged."""
    from tinytorch.tensor import Tensor, clamp

    out = {}
    for dtype in (np.float32, np.float64):
        x = Tensor(rng.uniform(0.1, 3.0, (3, 4)).astype(dtype))
        y = Tensor(rng.standard_normal((3, 4)).astype(dtype))
        tag = np.dtype(dtype).name
        for name in ("exp", "log", "sqrt"):
            out[f"{name}_{tag}"] = getattr(x, name)()
        for name in ("sin", "cos", "abs", "tanh", "erf", "neg"):
            out[f"{name}_{tag}"] = getattr(y, name)()
    t = Tensor(_f32(rng, 3, 4))
    before = t.numpy().copy()
    out.update({"clamp": clamp(t, -0.5, 0.5), "clamp_min": t.clamp(min=0.0),
                "clamp_max": t.clamp(max=0.2), "clamp_ints": Tensor([-3, 0, 5]).clamp(-1, 2),
                "unchanged": np.array_equal(before, t.numpy())})
    return out


def case_edge_values(rng):
    """x / 0, 0 ** -1, (-1) ** 0.5, log(0), exp(+-1000), erf(+-inf): inf and nan, no errors."""
    from tinytorch.tensor import Tensor

    return {"div0": Tensor([1.0, -1.0, 0.0]) / 0.0, "pow_neg": Tensor([0.0, -1.0]) ** -1.0,
            "pow_half": Tensor([-1.0, np.inf]) ** 0.5, "overflow": Tensor([3.0e38]) ** 2.0,
            "log": Tensor([0.0, 1.0]).log(), "sqrt": Tensor([-1.0, 4.0]).sqrt(),
            "exp": Tensor([1000.0, -1000.0]).exp(), "erf": Tensor([-np.inf, 0.0, np.inf]).erf(),
            "int_exp": Tensor([0, 1, 2]).exp()}


def case_reductions(rng):
    """sum mean amax amin over None, 0, 1, -1, (0, 2), keepdim or not; int sums stay int64."""
    from tinytorch.tensor import Tensor

    t = Tensor(_f32(rng, 2, 3, 4))
    out = {}
    for i, dim in enumerate((None, 0, 1, -1, (0, 2))):
        for keepdim in (False, True):
            for name in ("sum", "mean", "amax", "amin"):
                out[f"{name}_{i}_{int(keepdim)}"] = getattr(t, name)(dim=dim, keepdim=keepdim)
    out["sum_int"] = Tensor([1, 2, 3]).sum()
    out["sum_bool"] = Tensor([True, True, False]).sum()
    out["amax_int"] = Tensor([[1, 5], [7, 2]]).amax(1)
    return out


def case_mean_of_ints_raises(rng):
    """mean of an int64 tensor raises DTypeError."""
    from tinytorch.tensor import Tensor

    Tensor([1, 2]).mean()


case_mean_of_ints_raises.raises = "DTypeError"


def case_argmax_argmin(rng):
    """argmax, argmin (dims, keepdim; ties go to the first); max/min(dim) values and indices."""
    from tinytorch.tensor import Tensor

    t = Tensor(_f32(rng, 3, 5))
    ties = Tensor([[1.0, 5.0, 5.0], [7.0, 2.0, 7.0]])
    out = {"argmax_all": t.argmax(), "argmin_all": t.argmin(), "ties_argmax": ties.argmax(dim=1),
           "ties_min_indices": ties.min(dim=1).indices, "ties_max_indices": ties.max(dim=1).indices,
           "max_values": ties.max(dim=0).values, "min_values": ties.min(dim=1, keepdim=True).values,
           "max_all": Tensor([[1, 5], [7, 2]]).max(), "min_all": ties.min()}
    for dim in (0, 1, -1):
        for keepdim in (False, True):
            out[f"argmax_{dim + 1}_{int(keepdim)}"] = t.argmax(dim=dim, keepdim=keepdim)
            out[f"argmin_{dim + 1}_{int(keepdim)}"] = t.argmin(dim=dim, keepdim=keepdim)
    return out




def case_matmul_shapes(rng):
    """matmul of 1-d, 2-d and batched operands (broadcast batch), float32 and float64."""
    from tinytorch.tensor import Tensor, matmul

    pairs = {"mm": ((2, 3), (3, 4)), "mv": ((2, 3), (3,)), "vm": ((3,), (3, 4)), "vv": ((3,), (3,)),
             "bmm": ((5, 2, 3), (5, 3, 4)), "bcast": ((2, 1, 2, 3), (4, 3, 2))}
    out = {name: Tensor(_f32(rng, *sa)) @ Tensor(_f32(rng, *sb))
           for name, (sa, sb) in pairs.items()}
    a64 = rng.standard_normal((3, 4))
    out["f64"] = matmul(Tensor(a64), Tensor(a64.T))
    out["int"] = Tensor(np.arange(6).reshape(2, 3)) @ Tensor(np.arange(6).reshape(3, 2))
    out["array_left"] = np.ones((2, 3), dtype=np.float32) @ Tensor(_f32(rng, 3, 2))
    return out


case_matmul_shapes.tolerance = (1e-5, 1e-5)


def case_matmul_inner_dims_differ(rng):
    """(2, 3) @ (4, 5) raises ShapeError."""
    from tinytorch.tensor import Tensor

    Tensor(_f32(rng, 2, 3)) @ Tensor(_f32(rng, 4, 5))


case_matmul_inner_dims_differ.raises = "ShapeError"


def case_matmul_mixed_dtypes(rng):
    """float32 @ float64 raises DTypeError."""
    from tinytorch.tensor import Tensor

    Tensor(_f32(rng, 2, 3)) @ Tensor(rng.standard_normal((3, 2)))


case_matmul_mixed_dtypes.raises = "DTypeError"


def case_shape_ops(rng):
    """reshape, view, transpose, T, permute, flatten, squeeze, unsqueeze; strides, contiguity."""
    from tinytorch.tensor import Tensor

    x = Tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    views = {"x": x, "transpose": x.transpose(0, 2), "permute": x.permute(1, 0, 2),
             "slice": x[:, ::2], "contiguous": x.transpose(0, 2).contiguous(),
             "expand": Tensor([[1.0], [2.0]]).expand(2, 3)}
    strides = {f"stride_{k}": np.array(v.stride()) for k, v in views.items()}
    strides.update({f"contiguous_{k}": v.is_contiguous() for k, v in views.items()})
    shapes = {"reshape": x.reshape(4, -1), "view": x.view(6, 4), "transpose": x.transpose(0, 2),
              "permute": x.permute(2, 0, 1), "flatten": x.flatten(1), "flatten_all": x.flatten(),
              "unsqueeze": x.unsqueeze(1), "squeeze": x.unsqueeze(0).unsqueeze(-1).squeeze(),
              "squeeze_dim": Tensor(np.zeros((1, 3, 1))).squeeze(0), "T": x[0].T, "t": x[1].t()}
    return strides | shapes


def case_view_of_non_contiguous_raises(rng):
    """view(6) of a transposed (2, 3) tensor raises ShapeError (reshape would copy)."""
    from tinytorch.tensor import Tensor

    Tensor(_f32(rng, 2, 3)).T.view(6)


case_view_of_non_contiguous_raises.raises = "ShapeError"


def case_indexing(rng):
    """Basic, negative-step, integer-tensor, bool-mask and mixed indexing; setitem writes."""
    from tinytorch.tensor import Tensor

    x = Tensor(_f32(rng, 3, 4, 5))
    out = {"int": x[1], "slice": x[1:, ::2], "neg_step": x[::-1, 0], "ellipsis": x[..., 2],
           "newaxis": x[None, 0], "tensor_index": x[Tensor([2, 0, 2])],
           "mixed": x[0, Tensor([1, 3]), 1:3], "mask": x[x > 0.5]}
    t = Tensor(np.zeros((2, 3), dtype=np.float32))
    t[0] = 1.0
    t[1, Tensor([0, 2])] = Tensor([5.0, 6.0])
    t[t > 5.5] = -1.0
    out["setitem"] = t
    return out


def case_index_out_of_bounds(rng):
    """x[5] of a (3, 4, 5) tensor raises IndexError."""
    from tinytorch.tensor import Tensor

    Tensor(_f32(rng, 3, 4, 5))[5]


case_index_out_of_bounds.raises = "IndexError"


def case_inplace_ops(rng):
    """add_ sub_ mul_ div_ clamp_ zero_ fill_ copy_ and += write into the same tensor, and views."""
    from tinytorch.tensor import Tensor

    a = _f32(rng, 2, 3)
    t = Tensor(a.copy())
    alias = t
    t += 1
    t *= Tensor(rng.uniform(0.5, 2.0, 3).astype(np.float32))
    t.sub_(0.5).div_(2.0)
    out = {"ops": t.numpy().copy(), "same_object": alias is t}
    t.clamp_(-0.3, 0.3)
    out["clamp"] = t.numpy().copy()
    base = Tensor(np.zeros((2, 3), dtype=np.float32))
    base.T.add_(1.0)  # through a view
    base[1].mul_(3.0)
    out["through_views"] = base
    i = Tensor([0, 0])
    i.copy_(Tensor([1.7, -2.2]))  # cast to the target's dtype
    out["copy_cast"] = i
    out["fill"] = Tensor(np.ones(3, np.float32)).fill_(2.5)
    out["zero"] = Tensor(np.ones(3, np.float32)).zero_()
    return out


def case_join_and_split(rng):
    """cat and stack along dims; split by size and sections; chunk as PyTorch sizes them."""
    from tinytorch.tensor import Tensor, cat, chunk, split, stack

    a, b = Tensor(_f32(rng, 2, 3)), Tensor(_f32(rng, 2, 3))
    x = Tensor(np.arange(10, dtype=np.float32))
    out = {"cat0": cat([a, b]), "cat1": cat([a, b], dim=1), "stack0": stack([a, b]),
           "stack_last": stack([a, b], dim=-1),
           "cat_promote": cat([Tensor([1, 2]), Tensor([0.5])])}
    for i, part in enumerate(split(x, 4)):
        out[f"split4_{i}"] = part
    for i, part in enumerate(split(x, [3, 7])):
        out[f"sections_{i}"] = part
    out["chunk_sizes"] = np.array([len(c.numpy()) for c in chunk(Tensor(np.arange(6.0)), 4)])
    return out




def case_layout_ops(rng):
    """expand, pad (last dim first, negative crops), flip, clone, masked_fill, tril, triu."""
    from tinytorch.tensor import Tensor, masked_fill, pad, tril, triu

    x = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    m = Tensor(_f32(rng, 4, 4))
    return {"expand": Tensor([[1.0], [2.0]]).expand(2, 3), "expand_new": x.expand(4, -1, 3),
            "pad": pad(x, (1, 0)), "pad_value": pad(x, (0, 1, 1, 0), value=9.0),
            "pad_crop": pad(x, (-1, 1)), "pad_int": pad(Tensor([1, 2]), (1, 1), value=7),
            "flip": x.flip(0, 1), "clone": x.clone(),
            "masked_fill": masked_fill(m, m > 0, -1e9), "tril": tril(m), "triu1": triu(m, 1),
            "tril_neg": m.tril(-1)}


def case_statistics(rng):
    """var and std (correction 1 and 0), of a large mean exactly, and a stable logsumexp."""
    from tinytorch.tensor import Tensor, logsumexp

    x = Tensor(rng.standard_normal((3, 5)))
    big = Tensor(np.array([1e8 + 1.0, 1e8 + 2.0, 1e8 + 3.0]))
    extreme = Tensor(np.array([[1e4, 1e4], [-1e4, 0.0]], dtype=np.float32))
    return {"var": x.var(), "var_dim": x.var(dim=1), "var_pop": x.var(dim=0, correction=0),
            "std": x.std(dim=1, keepdim=True), "var_big_mean": big.var(),
            "logsumexp": logsumexp(x, dim=1), "logsumexp_extreme": logsumexp(extreme, dim=1)}


def case_creation(rng):
    """zeros, ones, full, eye, arange, linspace, zeros_like, ones_like: values and dtypes."""
    import tinytorch.tensor as tt

    x = tt.Tensor(np.ones((2, 2), np.float64))
    return {"zeros": tt.zeros(2, 3), "ones": tt.ones((2, 3), dtype=np.int64),
            "full_float": tt.full((2,), 1.5), "full_int": tt.full(3, 7),
            "full_bool": tt.full((2,), True), "eye": tt.eye(3), "eye_rect": tt.eye(2, 4),
            "arange": tt.arange(5), "arange_float": tt.arange(0.0, 1.0, 0.25),
            "arange_step": tt.arange(10, 0, -3), "linspace": tt.linspace(0.0, 1.0, 5),
            "zeros_like": tt.zeros_like(x), "ones_like": tt.ones_like(x, dtype=np.int64)}


def case_manual_seed_reproducible(rng):
    """manual_seed makes randn, rand and randint repeat; shapes, dtypes and ranges are right."""
    import tinytorch.tensor as tt

    tt.manual_seed(42)
    first = [tt.randn(3, 4), tt.rand(5), tt.randint(0, 10, (6,)), tt.randn(2, dtype=np.float64)]
    tt.manual_seed(42)
    second = [tt.randn(3, 4), tt.rand(5), tt.randint(0, 10, (6,)), tt.randn(2, dtype=np.float64)]
    tt.manual_seed(43)
    other = tt.randn(3, 4)
    pairs = zip(first, second, strict=True)
    return {"repeats": all(np.array_equal(a.numpy(), b.numpy()) for a, b in pairs),
            "differs": not np.array_equal(first[0].numpy(), other.numpy()),
            "shapes": np.array([s for t in first for s in t.shape]),
            "dtypes_ok": [t.dtype for t in first] == [np.float32, np.float32, np.int64, np.float64],
            "rand_in_range": bool(((first[1].numpy() >= 0) & (first[1].numpy() < 1)).all()),
            "randint_in_range": bool(((first[2].numpy() >= 0) & (first[2].numpy() < 10)).all())}


def case_save_load_round_trip(rng):
    """save then load keeps keys in order, dtypes, shapes and values (npz, no pickle)."""
    import os
    import tempfile

    from tinytorch.tensor import Tensor, load, save

    state = {"0.weight": Tensor(_f32(rng, 2, 3)), "0.bias": Tensor(rng.standard_normal(2)),
             "steps": Tensor(np.array([3, -4])), "mask": Tensor(np.array([[True, False]])),
             "scalar": Tensor(np.float32(2.5))}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.npz")
        save(state, path)
        back = load(path)
    out = {f"k{i}_{key.replace('.', '_')}": value for i, (key, value) in enumerate(back.items())}
    out["same_keys"] = list(back) == list(state)
    return out


def case_conversions(rng):
    """item, tolist, numpy, float(), int(), len, size(), numel, to/float/double/long."""
    from tinytorch.tensor import Tensor

    x = Tensor(_f32(rng, 3, 2))
    return {"item": x[1, 1].item(), "float": float(Tensor([2.5])), "int": int(Tensor(7)),
            "tolist": np.array(x.tolist()), "len": len(x), "size": np.array(x.size()),
            "size1": x.size(1), "numel": x.numel(), "double": x.double(), "long": x.long(),
            "float32": Tensor([1, 2]).float(), "to": x.to(np.float64), "nbytes": x.nbytes,
            "element_size": x.element_size()}

