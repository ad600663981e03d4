"""Module: the base class of every layer and model, and its bookkeeping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np
from tinytorch.tensor import Tensor

from .parameter import Parameter


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(..., strict=False)` could not match, in model order."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _indent(text: str, spaces: int = 2) -> str:
    """Indent every line of `text` but the first (for nested reprs)."""
    lines = text.split("\n")
    return "\n".join(lines[:1] + [" " * spaces + line for line in lines[1:]])


def _check_name(owner: Module, name: Any, kind: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{type(owner).__name__}: {kind} name must be a str, got {name!r}")
    if name == "" or "." in name:
        raise KeyError(
            f"{type(owner).__name__}: {kind} name must be non-empty and contain no '.', "
            f"got {name!r}"
        )


class Module:
    """Base class of layers and models: a callable that owns Parameters and sub-Modules.

    A subclass calls `super().__init__()`, assigns its Parameters and
    sub-Modules as attributes, and defines `forward`:

        class MLP(Module):
            def __init__(self):
                super().__init__()
                self.hidden = Linear(2, 8)
                self.out = Linear(8, 1)

            def forward(self, x):
                return self.out(relu(self.hidden(x)))

    Assignment does the bookkeeping: `__setattr__` files a `Parameter` under
    `_parameters` and a `Module` under `_modules`, in assignment order, so
    `parameters()` can walk the whole tree for an optimizer, `state_dict()`
    can name every weight (`"hidden.weight"`), and `train()`/`eval()` reach
    every sub-Module. Plain callables (such as the activation objects
    `ReLU()`) can be registered as children with `add_module`: they show up
    in `repr` and `children()`, and are skipped by everything that needs a
    Module (parameters, train/eval).

    Cost: the walks are linear in the number of modules and parameters;
    `state_dict` copies every array (a checkpoint must not change when
    training continues).
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    # ----------------------------------------------------------- registration

    def _check_init(self) -> None:
        """A clear error for assignments made before `Module.__init__` ran."""
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: cannot assign parameters, buffers or modules "
                f"before Module.__init__() is called (call super().__init__() first)"
            )

    def _forget(self, name: str, keep: str) -> None:
        """Remove `name` from the instance dict and every registry but `keep`.

        The registry `name` is about to be stored in keeps its entry, so a
        re-assigned parameter keeps its place in the order.
        """
        self.__dict__.pop(name, None)
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry != keep:
                self.__dict__[registry].pop(name, None)
        if keep != "_buffers":
            self.__dict__["_non_persistent"].discard(name)

    def __setattr__(self, name: str, value: Any) -> None:
        ### BEGIN SOLUTION
        if isinstance(value, Parameter):
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self.add_module(name, value)
        elif "_parameters" in self.__dict__ and name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {type(value).__name__} to "
                    f"parameter {name!r} (a Parameter or None is required)"
                )
            self._parameters[name] = None
        elif "_modules" in self.__dict__ and name in self._modules:
            if value is not None and not callable(value):
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {type(value).__name__} to "
                    f"child module {name!r} (a Module, a callable or None is required)"
                )
            self._modules[name] = value
        elif "_buffers" in self.__dict__ and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {type(value).__name__} to "
                    f"buffer {name!r} (a Tensor or None is required)"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)
        ### END SOLUTION

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: registered things live in the
        # registries, not in the instance dict, so there is one source of truth.
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                del d[registry][name]
                d["_non_persistent"].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        for registry in ("_parameters", "_buffers", "_modules"):
            names.update(self.__dict__.get(registry, {}))
        return sorted(names)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` (or None, a placeholder such as a disabled bias) as `name`."""
        ### BEGIN SOLUTION
        _check_name(self, name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"{type(self).__name__}: cannot register {type(param).__name__} as "
                f"parameter {name!r} (a Parameter or None is required)"
            )
        self._check_init()
        self._forget(name, keep="_parameters")
        self._parameters[name] = param
        ### END SOLUTION

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a Tensor that is state but not learned (a BatchNorm running mean).

        Buffers are saved by `state_dict` (unless `persistent=False`) and are
        not returned by `parameters()`, so no optimizer touches them.
        """
        _check_name(self, name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"{type(self).__name__}: cannot register {type(tensor).__name__} as "
                f"buffer {name!r} (a Tensor or None is required)"
            )
        self._check_init()
        self._forget(name, keep="_buffers")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | Callable[..., Any] | None) -> None:
        """Register `module` as the child `name` (a Module, a plain callable, or None)."""
        ### BEGIN SOLUTION
        _check_name(self, name, "module")
        if module is not None and not callable(module):
            raise TypeError(
                f"{type(self).__name__}: cannot add {type(module).__name__} as child "
                f"module {name!r} (a Module, a callable or None is required)"
            )
        self._check_init()
        self._forget(name, keep="_modules")
        self._modules[name] = module
        ### END SOLUTION

    # ------------------------------------------------------------------ walks

    def named_children(self) -> Iterator[tuple[str, Any]]:
        """Direct children as (name, child), in registration order, each once."""
        seen: set[int] = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Any]:
        """Direct children, in registration order, each once."""
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Any]]:
        """This module and every descendant as (dotted name, module), depth first, each once.

        The module itself comes first with name `prefix` ("" by default).
        """
        ### BEGIN SOLUTION
        seen: set[int] = set()

        def walk(module: Any, name: str) -> Iterator[tuple[str, Any]]:
            if id(module) in seen:
                return
            seen.add(id(module))
            yield name, module
            if isinstance(module, Module):
                for child_name, child in module._modules.items():
                    if child is not None:
                        yield from walk(child, f"{name}.{child_name}" if name else child_name)

        yield from walk(self, prefix)
        ### END SOLUTION

    def modules(self) -> Iterator[Any]:
        """This module and every descendant, depth first, each once."""
        for _, module in self.named_modules():
            yield module

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Every Parameter as (dotted name, parameter): `"0.weight"`, `"hidden.bias"`.

        A Parameter shared by two modules (tied weights) is yielded once,
        under the first name found, so an optimizer updates it once per step.
        With `recurse=False` only this module's own parameters are listed.
        """
        ### BEGIN SOLUTION
        seen: set[int] = set()
        owners = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for owner_name, owner in owners:
            if not isinstance(owner, Module):
                continue
            for name, param in owner._parameters.items():
                if param is None or id(param) in seen:
                    continue
                seen.add(id(param))
                yield (f"{owner_name}.{name}" if owner_name else name), param
        ### END SOLUTION

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every Parameter of this module and its descendants, each once."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """Every buffer as (dotted name, tensor), each once."""
        seen: set[int] = set()
        owners = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for owner_name, owner in owners:
            if not isinstance(owner, Module):
                continue
            for name, buf in owner._buffers.items():
                if buf is None or id(buf) in seen:
                    continue
                seen.add(id(buf))
                yield (f"{owner_name}.{name}" if owner_name else name), buf

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer of this module and its descendants, each once."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def apply(self, fn: Callable[[Any], Any]) -> Module:
        """Call `fn` on every descendant module and then on this one (custom init); return self."""
        for child in self.children():
            if isinstance(child, Module):
                child.apply(fn)
            else:
                fn(child)
        fn(self)
        return self

    # ------------------------------------------------------------ mode, grads

    def train(self, mode: bool = True) -> Module:
        """Set training mode (`mode=True`) or evaluation mode here and in every child; return self.

        Layers such as Dropout and BatchNorm read `self.training` to behave
        differently while training and while evaluating.
        """
        ### BEGIN SOLUTION
        if not isinstance(mode, bool):
            raise TypeError(f"{type(self).__name__}.train: mode must be a bool, got {mode!r}")
        self.training = mode
        for child in self.children():
            if isinstance(child, Module):
                child.train(mode)
        return self
        ### END SOLUTION

    def eval(self) -> Module:
        """Evaluation mode: the same as `train(False)`; return self."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients of every parameter before the next backward pass.

        Gradients accumulate (add up) across backward passes, so a training
        loop clears them once per step. By default they become None, as in
        PyTorch, which frees their memory; `set_to_none=False` fills them
        with zeros instead.
        """
        ### BEGIN SOLUTION
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad = Tensor(np.zeros_like(param.data))
        ### END SOLUTION

    # ------------------------------------------------------------- forward

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of the module; every subclass defines it."""
        raise NotImplementedError(
            f"{type(self).__name__}: subclasses of Module must define forward()"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # --------------------------------------------------------- state dicts

    def _state_items(self) -> Iterator[tuple[str, Tensor]]:
        """Every saved tensor under every name it has (no dedup: tied weights appear twice)."""
        for owner_name, owner in self._named_modules_all():
            for name, param in owner._parameters.items():
                if param is not None:
                    yield (f"{owner_name}.{name}" if owner_name else name), param
            for name, buf in owner._buffers.items():
                if buf is not None and name not in owner._non_persistent:
                    yield (f"{owner_name}.{name}" if owner_name else name), buf

    def _named_modules_all(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """Every Module under every path that reaches it (a shared module appears twice)."""
        yield prefix, self
        for name, child in self._modules.items():
            if isinstance(child, Module):
                yield from child._named_modules_all(f"{prefix}.{name}" if prefix else name)

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter and persistent buffer, as {dotted name: NumPy array}.

        The arrays are copies: training further does not change a saved
        state. Save it with `np.savez`, restore it with `load_state_dict`.
        """
        ### BEGIN SOLUTION
        return {name: tensor.data.copy() for name, tensor in self._state_items()}
        ### END SOLUTION

    def load_state_dict(self, state_dict: dict[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy the arrays of `state_dict` into this module's parameters and buffers, in place.

        Every check runs before anything is copied, so a failed load leaves
        the module unchanged. A shape mismatch is always an error (naming
        the key and both shapes). With `strict=True` (the default), keys the
        module lacks (unexpected) or has but `state_dict` lacks (missing) are
        errors too; with `strict=False` they are returned as
        `IncompatibleKeys(missing_keys, unexpected_keys)` and the rest loads.
        Values may be NumPy arrays or Tensors; they are cast to the dtype of
        the parameter they replace.
        """
        ### BEGIN SOLUTION
        if not isinstance(state_dict, dict):
            raise TypeError(
                f"{type(self).__name__}.load_state_dict: expected a dict of arrays, "
                f"got {type(state_dict).__name__}"
            )
        targets = dict(self._state_items())
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        problems: list[str] = []
        arrays: dict[str, np.ndarray] = {}
        for key, target in targets.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            array = value.data if isinstance(value, Tensor) else np.asarray(value)
            if array.dtype.kind not in "biuf":
                problems.append(f"value for {key!r} is not numeric (dtype {array.dtype})")
            elif array.shape != target.shape:
                problems.append(
                    f"size mismatch for {key!r}: shape {array.shape} in the state dict, "
                    f"shape {target.shape} in the model"
                )
            else:
                arrays[key] = array
        if strict:
            if missing:
                problems.insert(0, "missing key(s): " + ", ".join(repr(k) for k in missing))
            if unexpected:
                problems.insert(
                    1 if missing else 0,
                    "unexpected key(s): " + ", ".join(repr(k) for k in unexpected),
                )
        if problems:
            raise RuntimeError(
                f"{type(self).__name__}.load_state_dict: error(s) loading the state dict:\n  "
                + "\n  ".join(problems)
            )
        for key, array in arrays.items():
            targets[key].data[...] = array
        return IncompatibleKeys(missing, unexpected)
        ### END SOLUTION

    # ----------------------------------------------------------------- repr

    def extra_repr(self) -> str:
        """The one-line settings shown inside `repr` (`in_features=2, ...`); override it."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, child in self._modules.items():
            lines.append(f"({name}): {_indent(repr(child))}")
        if not lines:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not self._modules:
            return f"{type(self).__name__}({lines[0]})"
        return type(self).__name__ + "(\n  " + "\n  ".join(lines) + "\n)"
