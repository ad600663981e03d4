"""`Optimizer`: the base class every update rule (SGD, Adam, AdamW) extends.

An optimizer holds *parameter groups*: lists of tensors that share options
(`lr`, `momentum`, ...). One model can train its backbone and its head with
different learning rates by passing two groups:

    SGD([{"params": body.parameters()}, {"params": head.parameters(), "lr": 0.1}], lr=0.01)

Options missing from a group are taken from the optimizer's `defaults`.

Per-parameter *state* (momentum buffers, Adam moments) is created lazily on
the first `step()` and kept in `self.state`, keyed by `id(param)` (tensors
compare elementwise, so they cannot be dictionary keys themselves).

Memory: the state costs 1x (SGD with momentum) to 3x (Adam with amsgrad) the
parameters; two scratch buffers as large as the largest parameter are shared
by all parameters of one dtype, so a step allocates no array of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from tinytorch.tensor import Tensor

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]


def grad_array(owner: str, index: int, p: Tensor) -> np.ndarray:
    """The NumPy array of `p.grad` (a Tensor, or an array), checked against `p`'s shape."""
    g = p.grad
    g = g if isinstance(g, np.ndarray) else g.data
    if g.shape != p.data.shape:
        raise ValueError(
            f"{owner}.step: parameter {index} has shape {tuple(p.data.shape)} "
            f"but its .grad has shape {tuple(g.shape)}"
        )
    return g


class Optimizer:
    """Base class: parameter groups, lazy state, `zero_grad`, `state_dict`.

    Subclasses implement `_validate(group)` (reject bad options with a clear
    message) and `_update(p, g, group, state)`, which changes the array
    `p` in place given the gradient array `g`.
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        ### BEGIN SOLUTION
        name = type(self).__name__
        if isinstance(params, (Tensor, np.ndarray)):
            raise TypeError(
                f"{name}: params must be an iterable of Tensors or of dicts, got a single "
                f"{type(params).__name__}; pass [tensor] or model.parameters()"
            )
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[int, dict[str, Any]] = {}
        self._scratch: dict[np.dtype, list[np.ndarray]] = {}
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)
        ### END SOLUTION

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        return "\n".join([*lines, ")"])

    def _validate(self, group: dict[str, Any]) -> None:
        """Raise ValueError for an invalid option of `group` (subclasses)."""

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Append a group: a dict with "params" and optional per-group options.

        Missing options are filled from `defaults`; a parameter may belong to
        one group only.
        """
        ### BEGIN SOLUTION
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(
                f"{name}.add_param_group: a group must be a dict, got {type(param_group).__name__}"
            )
        if "params" not in param_group:
            raise ValueError(f"{name}.add_param_group: the group has no 'params' key")
        group = dict(param_group)
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{name}: parameter {i} of group {len(self.param_groups)} is a "
                    f"{type(p).__name__}, not a Tensor"
                )
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{name}: a parameter appears twice in the same group")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        group["params"] = params
        for key, default in self.defaults.items():
            group.setdefault(key, default)
        self._validate(group)
        self.param_groups.append(group)
        ### END SOLUTION

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients before the next backward pass.

        `set_to_none=True` (the default) drops them (`p.grad = None`), which
        frees their memory and lets `step` skip parameters that get no new
        gradient; `False` fills the existing arrays with zeros in place.
        """
        ### BEGIN SOLUTION
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    g = p.grad
                    (g if isinstance(g, np.ndarray) else g.data).fill(0)
        ### END SOLUTION

    def _buffers(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Two scratch arrays shaped and typed like `p`, views of shared buffers.

        They grow to the largest parameter of each dtype once; later steps
        reuse them, so an update allocates nothing.
        """
        bufs = self._scratch.get(p.dtype)
        if bufs is None or bufs[0].size < p.size:
            bufs = [np.empty(p.size, dtype=p.dtype), np.empty(p.size, dtype=p.dtype)]
            self._scratch[p.dtype] = bufs
        return bufs[0][: p.size].reshape(p.shape), bufs[1][: p.size].reshape(p.shape)

    def _direction(
        self, p: np.ndarray, g: np.ndarray, maximize: bool, wd: float
    ) -> np.ndarray:
        """The gradient actually followed: `+-g + wd * p` (`-g` to maximize; L2 penalty).

        Returns `g` itself when there is nothing to add (no copy), otherwise
        the first scratch buffer.
        """
        ### BEGIN SOLUTION
        if not maximize and wd == 0:
            return g
        d, tmp = self._buffers(p)
        if maximize:
            np.negative(g, out=d)
        else:
            np.copyto(d, g, casting="same_kind")
        if wd != 0:
            np.multiply(p, wd, out=tmp)
            d += tmp
        return d
        ### END SOLUTION

    def _update(
        self, p: np.ndarray, g: np.ndarray, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        """Change `p` in place from gradient `g` (subclasses)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _update")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return `closure()` if given.

        The closure (re-evaluate the model and return the loss) exists for
        optimizers that need several evaluations per step; SGD and Adam only
        call it once, before updating.
        """
        ### BEGIN SOLUTION
        loss = closure() if closure is not None else None
        name = type(self).__name__
        index = 0
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    g = grad_array(name, index, p)
                    state = self.state.setdefault(id(p), {})
                    self._update(p.data, g, group, state)
                index += 1
        return loss
        ### END SOLUTION

    def state_dict(self) -> dict[str, Any]:
        """A snapshot to save: `{"state": {index: {...}}, "param_groups": [...]}`.

        Parameters are named by their position across the groups (0, 1, ...),
        not by object, so the dict can be loaded into a freshly built model.
        Arrays are copies: training on does not change a saved snapshot.
        """
        ### BEGIN SOLUTION
        state: dict[int, dict[str, Any]] = {}
        groups = []
        index = 0
        for group in self.param_groups:
            saved = {k: v for k, v in group.items() if k != "params"}
            saved["params"] = list(range(index, index + len(group["params"])))
            groups.append(saved)
            for p in group["params"]:
                if id(p) in self.state:
                    state[index] = {
                        k: v.copy() if isinstance(v, np.ndarray) else v
                        for k, v in self.state[id(p)].items()
                    }
                index += 1
        return {"state": state, "param_groups": groups}
        ### END SOLUTION

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a `state_dict()`: options of each group and per-parameter state.

        Checks that the number of groups, the number of parameters in each
        and the shape of every saved array match this optimizer's parameters,
        naming the first difference.
        """
        ### BEGIN SOLUTION
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError(f"{name}: expected a dict with 'state' and 'param_groups' keys")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}: the saved state has {len(saved_groups)} parameter group(s), "
                f"this optimizer has {len(self.param_groups)}"
            )
        by_index: dict[int, Tensor] = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups, strict=True)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}: parameter group {i} has {len(saved['params'])} parameter(s) "
                    f"in the saved state and {len(group['params'])} here"
                )
            for idx, p in zip(saved["params"], group["params"], strict=True):
                by_index[int(idx)] = p
        new_state: dict[int, dict[str, Any]] = {}
        for idx, entries in state_dict["state"].items():
            if int(idx) not in by_index:
                raise ValueError(f"{name}: saved state for parameter {idx}, which no group holds")
            p = by_index[int(idx)]
            restored = {}
            for key, value in entries.items():
                if isinstance(value, np.ndarray) and key != "step":
                    if value.shape != p.data.shape:
                        raise ValueError(
                            f"{name}: saved {key!r} of parameter {idx} has shape "
                            f"{tuple(value.shape)}, the parameter has shape {tuple(p.data.shape)}"
                        )
                    value = np.array(value, dtype=p.data.dtype, copy=True)
                elif isinstance(value, np.ndarray):  # a step count saved as an array
                    value = value.item()
                restored[key] = value
            new_state[id(p)] = restored
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            options = {k: v for k, v in saved.items() if k != "params"}
            candidate = {**group, **options}
            self._validate(candidate)
            group.update(options)
        self.state = new_state
        ### END SOLUTION
