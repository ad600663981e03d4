"""Differential cases of tt-autograd (module 07): gradients of small float64 graphs.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
A graph's output is reduced against a random weight (`(out * w).sum()`), so
every element of every gradient counts. Tolerance (1e-9, 1e-12): float64
gradients by other, equally right formulas differ by about 1e-15. Public
API only: tinytorch.autograd and the earlier modules (tensor, activations,
layers, losses, optimizers).
"""

import math

import numpy as np


def _leaf(rng, *shape, low=-1.0, high=1.0):
    from tinytorch.tensor import Tensor

    return Tensor(np.asarray(rng.uniform(low, high, shape)), requires_grad=True)


def _grads(rng, fn, *inputs):
    """Backward of `(fn(*inputs) * w).sum()` for a random w: the output and each input's grad."""
    from tinytorch.tensor import Tensor

    out = fn(*inputs)
    (out * Tensor(rng.standard_normal(out.shape))).sum().backward()
    result = {"out": out.detach()}
    for i, x in enumerate(inputs):
        result[f"grad{i}"] = x.grad if x.grad is not None else np.array(np.nan)
    return result


def _prefixed(prefix, results):
    return {f"{prefix}_{k}": v for k, v in results.items()}


def case_binary_ops_broadcasting(rng):
    """Gradients of + - * / ** and maximum when operands broadcast, incl. 0-d ones."""
    from tinytorch.tensor import maximum

    ops = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "maximum": maximum}
    shapes = [((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 1, 4), (3, 1)), ((), (3, 4))]
    out = {}
    for name, fn in ops.items():
        for i, (sa, sb) in enumerate(shapes):
            a, b = _leaf(rng, *sa, low=0.5, high=2.0), _leaf(rng, *sb, low=0.6, high=2.1)
            out.update(_prefixed(f"{name}{i}", _grads(rng, fn, a, b)))
    return out


case_binary_ops_broadcasting.tolerance = (1e-9, 1e-12)


def case_python_scalars_either_side(rng):
    """Gradients of x + 1.5, 1.5 - x, x * 1.5, 1.5 / x, x ** 1.5, 2.0 ** x."""
    fns = {"radd": lambda a: 1.5 + a, "rsub": lambda a: 1.5 - a, "mul": lambda a: a * 1.5,
           "rdiv": lambda a: 1.5 / a, "pow": lambda a: a ** 1.5, "rpow": lambda a: 2.0 ** a}
    out = {}
    for name, fn in fns.items():
        out.update(_prefixed(name, _grads(rng, fn, _leaf(rng, 3, 4, low=0.5, high=2.0))))
    return out


case_python_scalars_either_side.tolerance = (1e-9, 1e-12)


def case_pow_edges_and_maximum_ties(rng):
    """0 ** 0, 0 ** 2, tensor exponents (log of the base); maximum ties split the gradient."""
    from tinytorch.tensor import Tensor, maximum

    base = Tensor(np.array([0.0, 1.0, 2.0, 0.0]), requires_grad=True)
    expo = Tensor(np.array([0.0, 0.0, 1.0, 2.0]), requires_grad=True)
    (base ** expo).sum().backward()
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = Tensor(np.array([1.0, 3.0, 2.0]), requires_grad=True)
    maximum(a, b).sum().backward()
    return {"base": base.grad, "expo": expo.grad, "a": a.grad, "b": b.grad}


def case_unary_ops(rng):
    """Gradients of exp log sqrt sin cos abs tanh erf neg clamp; abs at 0 and clamp bounds."""
    from tinytorch.tensor import Tensor

    fns = {"exp": lambda a: a.exp(), "log": lambda a: a.log(), "sqrt": lambda a: a.sqrt(),
           "sin": lambda a: a.sin(), "cos": lambda a: a.cos(), "abs": lambda a: a.abs(),
           "tanh": lambda a: a.tanh(), "erf": lambda a: a.erf(), "neg": lambda a: -a,
           "clamp": lambda a: a.clamp(0.8, 1.5)}
    out = {}
    for name, fn in fns.items():
        out.update(_prefixed(name, _grads(rng, fn, _leaf(rng, 3, 4, low=0.5, high=2.0))))
    edge = Tensor(np.array([-1.0, 0.0, 0.5, 1.0, 2.0]), requires_grad=True)
    (edge.abs() + edge.clamp(0.0, 1.0)).sum().backward()
    out["edges"] = edge.grad
    return out


case_unary_ops.tolerance = (1e-9, 1e-12)


def case_where(rng):
    """where with a broadcast (4,) condition sends each gradient to the chosen side only."""
    from tinytorch.tensor import Tensor, where

    cond = Tensor(np.array([True, False, True, False]))
    return _grads(rng, lambda a, b: where(cond, a, b), _leaf(rng, 3, 4), _leaf(rng, 3, 1))


case_where.tolerance = (1e-9, 1e-12)


def case_reductions(rng):
    """Gradients of sum, mean, amax, amin, var, std, logsumexp over dims, keepdim or not."""
    fns = {"sum": lambda a: a.sum(dim=1), "sum_all": lambda a: a.sum(),
           "mean": lambda a: a.mean(dim=(0, 2), keepdim=True), "amax": lambda a: a.amax(dim=-1),
           "amin": lambda a: a.amin(dim=0, keepdim=True), "var": lambda a: a.var(dim=1),
           "var_c0": lambda a: a.var(correction=0), "std": lambda a: a.std(dim=(0, 2)),
           "logsumexp": lambda a: (a * 30).logsumexp(1)}
    out = {}
    for name, fn in fns.items():
        out.update(_prefixed(name, _grads(rng, fn, _leaf(rng, 2, 3, 4))))
    return out


case_reductions.tolerance = (1e-9, 1e-12)


def case_max_ties_and_max_dim(rng):
    """amax ties split the gradient evenly; max(dim).values sends it to the index only."""
    from tinytorch.tensor import Tensor

    x = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), requires_grad=True)
    x.amax(dim=1).sum().backward()
    y = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), requires_grad=True)
    y.max(dim=1).values.sum().backward()
    z = Tensor(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), requires_grad=True)
    z.min().backward()
    return {"amax_ties": x.grad, "max_dim": y.grad, "min_all_ties": z.grad}


def case_matmul(rng):
    """Gradients of matmul: matrix, matrix-vector, vector-matrix, dot, batched, broadcast batch."""
    shapes = {"mm": ((2, 3), (3, 4)), "mv": ((2, 3), (3,)), "vm": ((3,), (3, 4)),
              "vv": ((3,), (3,)), "bmm": ((5, 2, 3), (5, 3, 4)),
              "bcast": ((2, 1, 2, 3), (4, 3, 2))}
    out = {}
    for name, (sa, sb) in shapes.items():
        out.update(_prefixed(name, _grads(rng, lambda a, b: a @ b, _leaf(rng, *sa),
                                          _leaf(rng, *sb))))
    return out


case_matmul.tolerance = (1e-9, 1e-12)


def case_shape_ops(rng):
    """Gradients of reshape, view, transpose, permute, flatten, squeeze, unsqueeze, expand, T."""
    fns = {"reshape": lambda a: a.reshape(4, -1), "view": lambda a: a.view(6, 4),
           "transpose": lambda a: a.transpose(0, 2), "permute": lambda a: a.permute(2, 0, 1),
           "flatten": lambda a: a.flatten(1), "unsqueeze": lambda a: a.unsqueeze(1) * 2.0,
           "squeeze": lambda a: a[:, :1].squeeze(1),
           "expand": lambda a: a[:, :, :1].expand(2, 3, 5),
           "T": lambda a: a[0].T @ a[1]}
    out = {}
    for name, fn in fns.items():
        out.update(_prefixed(name, _grads(rng, fn, _leaf(rng, 2, 3, 4))))
    return out


case_shape_ops.tolerance = (1e-9, 1e-12)


def case_indexing(rng):
    """Gradients of basic, negative-step, integer (repeats add up), mask and gather indexing."""
    from tinytorch.tensor import Tensor

    mask = np.array([[True, False, False, True]] * 3)
    rows, cols = np.arange(3), np.array([3, 0, 3])
    fns = {"basic": lambda a: a[1:, ::2], "neg_step": lambda a: a[::-1, 1:3],
           "none_ellipsis": lambda a: a[None, ..., 1], "repeated": lambda a: a[[0, 2, 0, 0]],
           "pairs": lambda a: a[np.array([0, 0, 2]), np.array([1, 1, 3])],
           "mask": lambda a: a[mask], "gather": lambda a: a[rows, cols],
           "tensor_index": lambda a: a[Tensor(np.array([1, 1, 2]))]}
    out = {}
    for name, fn in fns.items():
        out.update(_prefixed(name, _grads(rng, fn, _leaf(rng, 3, 4))))
    return out


case_indexing.tolerance = (1e-9, 1e-12)


def case_join_and_layout(rng):
    """Gradients of cat, stack, split, chunk, pad (with a crop), flip, clone, masked_fill, tril."""
    import tinytorch.tensor as tt

    mask = np.array([[True, False, False, True]])
    fns = {"cat": lambda a, b: tt.cat([a, b, a], 1), "stack": lambda a, b: tt.stack([a, b], -1),
           "split": lambda a, b: a.split([1, 3], 1)[1] * b.split(2, 1)[0].sum(),
           "chunk": lambda a, b: a.chunk(3, 0)[0] - 2 * b.chunk(3, 0)[2][:1],
           "pad": lambda a, b: tt.pad(a, (1, -1, 2, 0), value=5.0) ** 2 + tt.pad(b, (0, 0, 2, 0)),
           "flip": lambda a, b: a.flip(0, 1) * b, "clone": lambda a, b: a.clone() * b,
           "masked_fill": lambda a, b: a.masked_fill(mask, 2.0) * b,
           "tril_triu": lambda a, b: a.tril(-1) + b.triu(1)}
    out = {}
    for name, fn in fns.items():
        out.update(_prefixed(name, _grads(rng, fn, _leaf(rng, 3, 4), _leaf(rng, 3, 4))))
    return out


case_join_and_layout.tolerance = (1e-9, 1e-12)


def case_engine_accumulation(rng):
    """A node used twice, a diamond graph, two backward calls accumulating, an explicit gradient."""
    from tinytorch.tensor import Tensor

    a = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    b = a + a
    (b * b).sum().backward()
    x = Tensor(np.array(2.0), requires_grad=True)
    y = x * 3.0
    (y.exp() + y * y + y).backward()
    acc = _leaf(rng, 2, 3)
    (acc * 2.0).sum().backward()
    (acc * acc).sum().backward()
    explicit = _leaf(rng, 2, 3)
    (explicit * 2.0).backward(Tensor(np.arange(6.0).reshape(2, 3)))
    one = _leaf(rng, 1, 1)
    (one * 3.0).backward()  # one element: the gradient 1 is implicit
    leaf = Tensor(np.array(2.0), requires_grad=True)
    leaf.backward()
    return {"twice": a.grad, "diamond": x.grad, "accumulated": acc.grad,
            "explicit": explicit.grad, "one_element": one.grad, "leaf": leaf.grad}


case_engine_accumulation.tolerance = (1e-9, 1e-12)


def case_engine_what_gets_grads(rng):
    """Intermediates and constants get no .grad; a float32 leaf gets a float32 grad; no sharing."""
    from tinytorch.tensor import Tensor

    x, c = _leaf(rng, 3), Tensor(np.ones(3))
    y = x * 2.0
    (y * c).sum().backward()
    f32 = Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    (f32 * Tensor(np.ones((2, 3)))).sum().backward()
    a, b = _leaf(rng, 3), _leaf(rng, 3)
    (a + b).sum().backward()
    a.grad.numpy()[0] = 100.0
    return {"intermediate_none": y.grad is None, "constant_none": c.grad is None,
            "x_grad": x.grad, "f32_grad": f32.grad, "not_shared": b.grad.numpy()[0] == 1.0,
            "is_leaf": np.array([x.is_leaf, y.is_leaf]), "y_requires_grad": y.requires_grad}


def case_backward_of_non_scalar(rng):
    """backward() of a (2, 3) output without a gradient raises RuntimeError."""
    (_leaf(rng, 2, 3) * 2.0).backward()


case_backward_of_non_scalar.raises = "RuntimeError"


def case_second_backward_through_freed_graph(rng):
    """A second backward through a graph already freed raises RuntimeError."""
    y = (_leaf(rng, 3).exp() * 2.0).sum()
    y.backward()
    y.backward()


case_second_backward_through_freed_graph.raises = "RuntimeError"


def case_retain_graph(rng):
    """backward(retain_graph=True) allows a second backward; the gradients add up."""
    from tinytorch.autograd import backward

    x, z = _leaf(rng, 3), _leaf(rng, 3)
    y = (x.exp() * 2.0).sum()
    backward(y, retain_graph=True)
    backward(y)
    w = (z.sin() * 3.0).sum()
    w.backward(retain_graph=True)
    w.backward()
    return {"x": x.grad, "z": z.grad}


case_retain_graph.tolerance = (1e-9, 1e-12)


def case_grad_modes(rng):
    """no_grad, enable_grad inside it, set_grad_enabled, and no_grad as a decorator."""
    from tinytorch.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

    x = _leaf(rng, 2)
    flags = [is_grad_enabled()]
    with no_grad():
        flags.append(is_grad_enabled())
        off = (x * 2.0).exp().sum()
        with enable_grad():
            flags.append(is_grad_enabled())
            on = x * 2.0
    with set_grad_enabled(False):
        flags.append(is_grad_enabled())
    flags.append(is_grad_enabled())

    @no_grad
    def decorated(t):
        return t * 3.0

    return {"flags": np.array(flags), "off": off.requires_grad, "on": on.requires_grad,
            "decorated": decorated(x).requires_grad, "after": (x * 2.0).requires_grad,
            "off_values": off}


def _scaled_cube():
    """A custom Function: out = scale * x**3 + y (y broadcast over rows), NumPy in and out."""
    from tinytorch.autograd import Function

    class ScaledCube(Function):
        @staticmethod
        def forward(ctx, x, y, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return scale * x**3 + y

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            gx = 3 * ctx.scale * x**2 * grad if ctx.needs_input_grad[0] else None
            gy = grad.sum(axis=0) if ctx.needs_input_grad[1] else None
            return gx, gy, None

    return ScaledCube


def case_custom_function(rng):
    """A custom Function: values, gradients, composed with primitives, a constant input, no_grad."""
    from tinytorch.autograd import no_grad
    from tinytorch.tensor import Tensor

    cube = _scaled_cube()
    out = _prefixed("alone", _grads(rng, lambda a, b: cube.apply(a, b, 2.0),
                                    _leaf(rng, 3, 4), _leaf(rng, 4)))
    x, const = _leaf(rng, 2, 3), Tensor(np.zeros(3))
    (cube.apply(x.tanh(), const, 1.0) * x).sum().backward()
    out.update(composed=x.grad, const_none=const.grad is None)
    with no_grad():
        quiet = cube.apply(_leaf(rng, 3), _leaf(rng, 3), 1.0)
    out["no_grad_records_nothing"] = not quiet.requires_grad and quiet.grad_fn is None
    return out


case_custom_function.tolerance = (1e-9, 1e-12)


def case_function_wrong_gradient_shape(rng):
    """A Function whose backward returns a gradient of the wrong shape raises RuntimeError."""
    from tinytorch.autograd import Function

    class WrongShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad.sum(axis=0)  # forgot that x is 2-D

    WrongShape.apply(_leaf(rng, 3, 4)).sum().backward()


case_function_wrong_gradient_shape.raises = "RuntimeError"


def case_gradcheck_results(rng):
    """gradcheck passes right rules (several outputs too) and returns False for a wrong one."""
    from tinytorch.autograd import Function, gradcheck
    from tinytorch.tensor import Tensor

    class WrongRule(Function):  # out = x**2 with its derivative off by a factor of 2
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return x * grad

    x, y = _leaf(rng, 3, 2), _leaf(rng, 3, 2)
    x.grad = Tensor(np.ones((3, 2)))
    cube = _scaled_cube()
    return {"right": gradcheck(lambda a, b: cube.apply(a, b, 0.5), (x, _leaf(rng, 2))),
            "several": gradcheck(lambda a, b: (a * b, (a - b).exp()), (x, y)),
            "constants": gradcheck(lambda a, b, k: a * b * k, (x, Tensor(np.ones(2)), 2.0)),
            "wrong": gradcheck(WrongRule.apply, (x,), raise_exception=False),
            "grad_untouched": x.grad}


def case_gradcheck_wrong_rule_raises(rng):
    """gradcheck of a wrong backward rule raises GradcheckError."""
    from tinytorch.autograd import Function, gradcheck

    class WrongRule(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return x * grad

    gradcheck(WrongRule.apply, (_leaf(rng, 3, 2),))


case_gradcheck_wrong_rule_raises.raises = "GradcheckError"


def case_inplace_ops(rng):
    """A recorded chain of += *= -= /= clamp_ differentiates exactly; an SGD step under no_grad."""
    from tinytorch.autograd import no_grad

    def chain(x):
        y = x * 2.0
        y += 1.0
        y *= x
        y -= x.sum()
        y /= 3.0
        y.clamp_(-5.0, 5.0)
        return y

    out = _grads(rng, chain, _leaf(rng, 4, low=-2.0, high=2.0))
    p = _leaf(rng, 3)
    (p * p).sum().backward()
    with no_grad():
        p -= 0.1 * p.grad
    out.update(p=p.detach(), p_is_leaf=p.is_leaf and p.requires_grad)
    return out


case_inplace_ops.tolerance = (1e-9, 1e-12)


def case_inplace_change_of_a_saved_value(rng):
    """Changing in place a tensor that backward needs raises RuntimeError at backward."""
    from tinytorch.tensor import Tensor

    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    c = Tensor(np.array([3.0, 4.0]))
    y = c * x
    c += 1.0
    y.sum().backward()


case_inplace_change_of_a_saved_value.raises = "RuntimeError"


def case_leaf_inplace_without_no_grad(rng):
    """An in-place op on a leaf that requires grad, outside no_grad, raises RuntimeError."""
    _leaf(rng, 3).add_(1.0)


case_leaf_inplace_without_no_grad.raises = "RuntimeError"


def case_through_earlier_modules(rng):
    """Gradients of a float64 MLP (Linear, GELU, Softmax) under cross-entropy and MSE, then SGD."""
    from tinytorch.activations import gelu, log_softmax
    from tinytorch.layers import Linear, Sequential
    from tinytorch.losses import cross_entropy, mse_loss
    from tinytorch.optimizers import SGD
    from tinytorch.tensor import Tensor

    model = Sequential(Linear(5, 8, dtype=np.float64), gelu, Linear(8, 3, dtype=np.float64))
    model.load_state_dict({k: rng.standard_normal(v.shape) / math.sqrt(v.shape[-1])
                           for k, v in model.state_dict().items()})
    x = Tensor(rng.standard_normal((6, 5)))
    labels = rng.integers(0, 3, 6)
    loss = cross_entropy(model(x), labels, label_smoothing=0.1)
    loss = loss + mse_loss(log_softmax(model(x)), Tensor(rng.standard_normal((6, 3))))
    loss.backward()
    out = {f"grad_{i}": p.grad for i, p in enumerate(model.parameters())}
    out["loss"] = loss.detach()
    SGD(model.parameters(), lr=0.1, momentum=0.9).step()
    out.update({f"after_{i}": p.detach() for i, p in enumerate(model.parameters())})
    return out


case_through_earlier_modules.tolerance = (1e-9, 1e-12)
