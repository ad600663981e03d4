"""Function: custom primitives with a hand-written backward."""

import numpy as np
import pytest
from tinytorch.autograd import Function, GradcheckError, gradcheck, no_grad
from tinytorch.tensor import Tensor
from tt_testing import assert_close


def t(*shape, seed=0):
    data = np.asarray(np.random.default_rng(seed).uniform(-1.0, 1.0, shape))
    return Tensor(data, requires_grad=True)


class ScaledCube(Function):
    """out = scale * x**3 + y (y broadcast over rows): NumPy in, NumPy out."""

    @staticmethod
    def forward(ctx, x, y, scale):
        assert isinstance(x, np.ndarray) and isinstance(y, np.ndarray)
        ctx.save_for_backward(x)
        ctx.scale = scale
        return scale * x**3 + y

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        gx = 3 * ctx.scale * x**2 * grad if ctx.needs_input_grad[0] else None
        gy = grad.sum(axis=0) if ctx.needs_input_grad[1] else None
        return gx, gy, None


class WrongShape(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad.sum(axis=0)  # forgot that x is 2-D


class WrongRule(Function):
    """out = x**2, with the derivative off by a factor of 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return x * grad


class TooMany(Function):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


def test_custom_function_gradcheck():
    x, y = t(3, 4), t(4, seed=1)
    assert gradcheck(lambda a, b: ScaledCube.apply(a, b, 0.5), (x, y))


def test_custom_function_values_and_grads():
    x, y = t(3, 4), t(4, seed=1)
    out = ScaledCube.apply(x, y, 2.0)
    assert isinstance(out, Tensor) and out.requires_grad and out.grad_fn is not None
    assert_close(out, 2.0 * x.data**3 + y.data)
    (out * 1.0).sum().backward()
    assert_close(x.grad, 6.0 * x.data**2)
    assert_close(y.grad, np.full(4, 3.0))


def test_custom_function_composes_with_primitives():
    x = t(2, 3)
    y = Tensor(np.zeros(3))  # a constant: needs_input_grad[1] is False
    out = (ScaledCube.apply(x.tanh(), y, 1.0) * x).sum()
    out.backward()
    th = np.tanh(x.data)
    assert_close(x.grad, th**3 + 3 * th**2 * (1 - th**2) * x.data)
    assert y.grad is None


def test_custom_function_under_no_grad():
    x, y = t(3), t(3, seed=1)
    with no_grad():
        out = ScaledCube.apply(x, y, 1.0)
    assert not out.requires_grad and out.grad_fn is None


def test_wrong_shape_gradient_names_function_and_input():
    x = t(3, 4)
    out = WrongShape.apply(x)
    with pytest.raises(RuntimeError, match=r"WrongShape.*input 0.*\(3, 4\)"):
        out.sum().backward()


def test_wrong_number_of_gradients():
    out = TooMany.apply(t(3))
    with pytest.raises(RuntimeError, match=r"TooMany.*2 gradients.*1"):
        out.sum().backward()


def test_saved_tensors_freed_after_backward():
    x, y = t(2, 3), t(3, seed=1)
    out = ScaledCube.apply(x, y, 1.0).sum()
    out.backward()
    with pytest.raises(RuntimeError, match="second time"):
        out.backward()


def test_gradcheck_detects_a_wrong_backward():
    x = t(3, 2)
    with pytest.raises(GradcheckError, match=r"input 0.*max abs difference") as info:
        gradcheck(WrongRule.apply, (x,))
    assert "numeric" in str(info.value) and "analytic" in str(info.value)
    assert gradcheck(WrongRule.apply, (x,), raise_exception=False) is False


def test_gradcheck_names_the_wrong_input():
    class WrongSecond(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, grad):
            _, b = ctx.saved_tensors
            return grad * b, grad * b  # the second one should be grad * a

    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(WrongSecond.apply, (t(4), t(4, seed=1)))


def test_gradcheck_requires_float64():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    with pytest.raises(TypeError, match="float64"):
        gradcheck(lambda a: a * 2.0, (x,))


def test_gradcheck_leaves_grads_untouched():
    x = t(3)
    (x * 3.0).sum().backward()
    before = x.grad.data.copy()
    assert gradcheck(lambda a: a.exp(), (x,))
    assert_close(x.grad, before)


def test_gradcheck_skips_inputs_without_grad_and_non_tensors():
    x, c = t(3), Tensor(np.ones(3))
    assert gradcheck(lambda a, b, k: a * b * k, (x, c, 2.0))


def test_gradcheck_with_several_outputs():
    x, y = t(3), t(3, seed=1)
    assert gradcheck(lambda a, b: (a * b, (a - b).exp()), (x, y))
    assert not gradcheck(lambda a: (a * 2.0, WrongRule.apply(a)), (x,), raise_exception=False)


class Blocked(Function):
    """Identity forward whose backward sends no gradient (returns None)."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return None


def test_none_gradient_is_treated_as_zero():
    x = t(3)
    y = x.exp()
    (Blocked.apply(y) * 5.0 + y).sum().backward()  # only the direct path counts
    assert_close(x.grad, np.exp(x.data))
    z = t(3)
    (Blocked.apply(z.exp()) * 2.0).sum().backward()  # nothing arrives at z
    assert z.grad is None


def test_function_primitives_are_reported_to_op_observers():
    from tinytorch.tensor import observe_ops

    class Twice(Function):
        @staticmethod
        def forward(ctx, x, *, factor):
            return x * factor

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    x = Tensor(np.ones((2, 3)), requires_grad=True)
    seen = []
    with observe_ops(seen.append):
        y = Twice.apply(x, factor=2.0)
    assert [e.op for e in seen] == ["Twice"]
    assert seen[0].inputs[0] is x.data and seen[0].output is y.data
    assert seen[0].attrs == {"factor": 2.0} and seen[0].seconds >= 0
