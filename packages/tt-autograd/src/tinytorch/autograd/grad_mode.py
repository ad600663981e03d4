"""Grad mode: a switch that tells the engine whether to record graph nodes.

During training every primitive on a tensor that requires a gradient records a
node (the op, its inputs, the arrays its backward rule needs). During
evaluation, inference or an optimizer's parameter update that graph is pure
waste: it keeps every intermediate array alive until it is freed. `no_grad`
turns recording off for a block of code, so outputs come back as plain tensors
(`requires_grad=False`, no `grad_fn`) and no memory is kept for a backward pass.

The flag is per thread, like PyTorch's, so one thread evaluating under
`no_grad` never changes what another thread records.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_state = threading.local()


def is_grad_enabled() -> bool:
    """True when new operations record a graph (the default), False under `no_grad`."""
    ### BEGIN SOLUTION
    return getattr(_state, "enabled", True)
    ### END SOLUTION


def _set_enabled(mode: bool) -> None:
    _state.enabled = bool(mode)


class _GradModeContext:
    """Base of the grad-mode switches: a context manager that also decorates.

    Entering sets the mode and remembers the previous one; leaving restores it,
    so switches nest (`enable_grad` inside `no_grad` inside `enable_grad`...).
    As a decorator, `@no_grad()` or `@no_grad`, the whole call of the function
    runs in that mode (methods work too: the result is a plain function).
    """

    _mode: bool = True

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        self = super().__new__(cls)
        if func is None:
            return self
        self.__init__()
        return self(func)  # used bare, `@no_grad`: return the wrapped function

    def __init__(self, func: Callable[..., Any] | None = None) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> None:
        ### BEGIN SOLUTION
        self._previous.append(is_grad_enabled())
        _set_enabled(self._mode)
        ### END SOLUTION

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        ### BEGIN SOLUTION
        _set_enabled(self._previous.pop())
        ### END SOLUTION

    def __call__(self, func: F) -> F:
        """Decorate `func` so that each call runs in this mode."""
        if not callable(func):
            raise TypeError(f"{type(self).__name__}() decorates a function, got {func!r}")
        cls = type(self)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with cls():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):  # PyTorch's lower-case name
    """Turn graph recording off: `with no_grad(): ...` or `@no_grad()` / `@no_grad`.

    Inside, operations give tensors with `requires_grad=False` and no
    `grad_fn`, even when their inputs require a gradient. Use it for
    evaluation, inference and parameter updates. Saves the memory of every
    intermediate array a backward pass would otherwise keep.
    """

    _mode = False


class enable_grad(_GradModeContext):  # PyTorch's lower-case name
    """Turn graph recording back on inside a `no_grad` block (or decorate a function)."""

    _mode = True


class set_grad_enabled(_GradModeContext):  # PyTorch's lower-case name
    """Set grad mode to `mode`: as a call (`set_grad_enabled(False)`) or a context manager.

    Called on its own it switches the mode at once (and for good); used in a
    `with` statement it restores the previous mode on exit, which lets code
    write `with set_grad_enabled(is_training): ...`.
    """

    def __new__(cls, mode: bool) -> set_grad_enabled:
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self._mode = bool(mode)
        self._previous.append(is_grad_enabled())
        _set_enabled(self._mode)

    def __enter__(self) -> None:  # the mode was already set in __init__
        pass

    def __call__(self, func: Any) -> Any:
        raise TypeError("set_grad_enabled(mode) is a context manager, not a decorator")
