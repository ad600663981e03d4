"""no_grad, enable_grad, set_grad_enabled, is_grad_enabled."""

import threading

import numpy as np
import pytest
from tinytorch.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from tinytorch.tensor import Tensor


def leaf():
    return Tensor(np.array([1.0, 2.0]), requires_grad=True)


def test_grad_enabled_by_default():
    assert is_grad_enabled()


def test_no_grad_records_nothing():
    x = leaf()
    with no_grad():
        assert not is_grad_enabled()
        y = (x * 2.0).exp().sum()
    assert is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    with pytest.raises(RuntimeError):
        y.backward()


def test_no_grad_restores_mode_after_exception():
    with pytest.raises(ValueError), no_grad():
        raise ValueError("boom")
    assert is_grad_enabled()


def test_no_grad_as_decorator_with_and_without_call():
    @no_grad()
    def f(x):
        assert not is_grad_enabled()
        return x * 2.0

    @no_grad
    def g(x):
        """Docstring kept."""
        return x * 3.0

    x = leaf()
    assert not f(x).requires_grad
    assert not g(x).requires_grad
    assert g.__doc__ == "Docstring kept."
    assert is_grad_enabled()
    assert (x * 2.0).requires_grad


def test_no_grad_decorates_methods():
    class Model:
        scale = 2.0

        @no_grad
        def bare(self, x):
            return x * self.scale

        @no_grad()
        def called(self, x):
            return x * self.scale

    x = leaf()
    for out in (Model().bare(x), Model().called(x)):
        assert not out.requires_grad
        np.testing.assert_allclose(out.data, 2.0 * x.data)


def test_enable_grad_inside_no_grad_nests():
    x = leaf()
    with no_grad():
        with enable_grad():
            assert is_grad_enabled()
            y = x * 2.0
        assert not is_grad_enabled()
        z = x * 2.0
    assert y.requires_grad and y.grad_fn is not None
    assert not z.requires_grad


def test_enable_grad_decorator():
    @enable_grad()
    def f(x):
        return x * 2.0

    with no_grad():
        y = f(leaf())
    assert y.requires_grad


def test_set_grad_enabled():
    with set_grad_enabled(False):
        assert not is_grad_enabled()
    assert is_grad_enabled()
    set_grad_enabled(False)
    try:
        assert not is_grad_enabled()
    finally:
        set_grad_enabled(True)
    assert is_grad_enabled()


def test_grad_mode_is_per_thread():
    seen = []
    with no_grad():
        worker = threading.Thread(target=lambda: seen.append(is_grad_enabled()))
        worker.start()
        worker.join()
    assert seen == [True]


def test_parameter_update_under_no_grad():
    w = leaf()
    (w * w).sum().backward()
    with no_grad():
        w2 = w - 0.1 * w.grad
    assert not w2.requires_grad
    np.testing.assert_allclose(w2.data, w.data - 0.1 * 2 * w.data)
