"""GradScaler: dynamic loss scaling, with PyTorch's `torch.amp.GradScaler` semantics.

float16's smallest positive (subnormal) number is 6e-8; many gradients of a
float16 network are smaller and would become exactly zero on the way back.
Multiplying the loss by a large `scale` S multiplies every gradient by S
(backward is linear), lifting them into float16's range; the optimizer must
then see the gradients divided by S again, in float32, before it steps.

Too large an S overflows instead: some gradient becomes inf or nan. Then
that step is *skipped* (the weights keep their values) and S is halved.
After `growth_interval` steps in a row without inf/nan, S is doubled, so it
keeps probing for the largest scale that does not overflow. The loop:

    scaler = GradScaler()
    for x, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        scaler.scale(loss).backward()    # gradients are S times too big
        scaler.step(optimizer)           # unscale, check for inf/nan, step or skip
        scaler.update()                  # halve S after an overflow, or double it

`unscale_(optimizer)` may be called first (before clipping gradients, which
must see their true size); `step` then does not unscale again.

Defaults as PyTorch: init_scale 2**16, growth_factor 2, backoff_factor 0.5,
growth_interval 2000. The scale is kept as a float32 number, as PyTorch
keeps it in a float32 tensor, so the sequence of scales is PyTorch's
exactly. Cost per step: one pass over every gradient (multiply and check).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from tinytorch.optimizers import Optimizer
from tinytorch.tensor import Tensor

_READY, _UNSCALED, _STEPPED = "ready", "unscaled", "stepped"


def _grad_array(p: Tensor) -> np.ndarray | None:
    g = p.grad
    if g is None:
        return None
    return g if isinstance(g, np.ndarray) else g.data


class GradScaler:
    """Dynamic loss scaling (see the module docstring); `enabled=False` makes it a no-op."""

    def __init__(self, init_scale: float = 2.0**16, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True) -> None:
        if not (isinstance(init_scale, (int, float)) and np.isfinite(init_scale)
                and init_scale > 0):
            raise ValueError(f"GradScaler: init_scale must be a finite number > 0, "
                             f"got {init_scale!r}")
        if not (isinstance(growth_factor, (int, float)) and growth_factor > 1.0):
            raise ValueError(f"GradScaler: growth_factor must be > 1, got {growth_factor!r}")
        if not (isinstance(backoff_factor, (int, float)) and 0.0 < backoff_factor < 1.0):
            raise ValueError(f"GradScaler: backoff_factor must be in (0, 1), "
                             f"got {backoff_factor!r}")
        if isinstance(growth_interval, bool) or not isinstance(growth_interval, int) \
                or growth_interval < 1:
            raise ValueError(f"GradScaler: growth_interval must be an int >= 1, "
                             f"got {growth_interval!r}")
        self._enabled = bool(enabled)
        self._scale = np.float32(init_scale)
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._growth_tracker = 0
        self._per_optimizer: dict[int, dict[str, Any]] = {}

    # ------------------------------------------------------------ the loop

    def scale(self, outputs: Tensor) -> Tensor:
        """`outputs * scale` (a Tensor, in the graph); `outputs` itself when disabled."""
        if not self._enabled:
            return outputs
        if not isinstance(outputs, Tensor):
            raise TypeError(f"GradScaler.scale: expected a Tensor loss, got "
                            f"{type(outputs).__name__}")
        ### BEGIN SOLUTION
        return outputs * float(self._scale)
        ### END SOLUTION

    def _state(self, optimizer: Optimizer) -> dict[str, Any]:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"GradScaler: expected an Optimizer, got {type(optimizer).__name__}")
        return self._per_optimizer.setdefault(id(optimizer), {"stage": _READY,
                                                               "found_inf": False})

    def unscale_(self, optimizer: Optimizer) -> None:
        """Divide the gradients of `optimizer`'s parameters by the scale, in place; note inf/nan.

        At most once per optimizer between two `update()` calls (RuntimeError).
        """
        if not self._enabled:
            return
        state = self._state(optimizer)
        if state["stage"] == _UNSCALED:
            raise RuntimeError("GradScaler.unscale_: unscale_() has already been called on "
                               "this optimizer since the last update()")
        if state["stage"] == _STEPPED:
            raise RuntimeError("GradScaler.unscale_: unscale_() is being called after step()")
        ### BEGIN SOLUTION
        inv_scale = np.float32(1.0 / float(self._scale))  # PyTorch: in float64, then float32
        found_inf = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                g = _grad_array(p)
                if g is None:
                    continue
                if g.dtype == np.float16:
                    raise ValueError("GradScaler.unscale_: attempting to unscale float16 "
                                     "gradients; keep float32 master weights "
                                     "(MixedPrecision does)")
                with np.errstate(all="ignore"):
                    np.multiply(g, inv_scale, out=g, casting="unsafe")
                found_inf = found_inf or not bool(np.isfinite(g).all())
        state["found_inf"] = found_inf
        state["stage"] = _UNSCALED
        ### END SOLUTION

    def step(self, optimizer: Optimizer, *args: Any, **kwargs: Any) -> Any:
        """Unscale (unless done), then `optimizer.step()` unless a gradient is inf/nan.

        Returns what `optimizer.step` returned, or None when the step was skipped.
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        state = self._state(optimizer)
        if state["stage"] == _STEPPED:
            raise RuntimeError("GradScaler.step: step() has already been called since the "
                               "last update()")
        ### BEGIN SOLUTION
        if state["stage"] == _READY:
            self.unscale_(optimizer)
        result = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = _STEPPED
        return result
        ### END SOLUTION

    def update(self, new_scale: float | None = None) -> None:
        """Back off after an inf/nan, grow after `growth_interval` clean steps; forget the step.

        `new_scale` sets the scale directly instead. RuntimeError when no
        optimizer was stepped or unscaled since the last update.
        """
        if not self._enabled:
            return
        ### BEGIN SOLUTION
        if new_scale is not None:
            if not (np.isfinite(new_scale) and new_scale > 0):
                raise ValueError(f"GradScaler.update: new_scale must be a finite number > 0, "
                                 f"got {new_scale!r}")
            self._scale = np.float32(new_scale)
        else:
            if not self._per_optimizer:
                raise RuntimeError("GradScaler.update: no inf checks were recorded before "
                                   "update(); call step(optimizer) (or unscale_) first")
            # the product in float64, rounded to float32 (PyTorch: float scale, double factor)
            if any(s["found_inf"] for s in self._per_optimizer.values()):
                self._scale = np.float32(float(self._scale) * self._backoff_factor)
                self._growth_tracker = 0
            elif self._growth_tracker + 1 == self._growth_interval:
                with np.errstate(over="ignore"):
                    grown = np.float32(float(self._scale) * self._growth_factor)
                if np.isfinite(grown):  # never grow into inf
                    self._scale = grown
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
        self._per_optimizer = {}
        ### END SOLUTION

    # ------------------------------------------------------------ state

    def get_scale(self) -> float:
        """The current scale (1.0 when disabled)."""
        return float(self._scale) if self._enabled else 1.0

    def is_enabled(self) -> bool:
        return self._enabled

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def state_dict(self) -> dict[str, Any]:
        """PyTorch's keys: scale, growth_factor, backoff_factor, growth_interval,
        _growth_tracker ({} when disabled)."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval,
                "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore `state_dict()`'s values; RuntimeError for an empty (disabled) one."""
        if not self._enabled:
            return
        if not isinstance(state_dict, dict) or not state_dict:
            raise RuntimeError("GradScaler.load_state_dict: the state dict is empty, "
                               "possibly because it was saved from a disabled GradScaler")
        missing = [k for k in ("scale", "growth_factor", "backoff_factor", "growth_interval",
                               "_growth_tracker") if k not in state_dict]
        if missing:
            raise KeyError(f"GradScaler.load_state_dict: missing keys {missing}")
        self._scale = np.float32(state_dict["scale"])
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._growth_tracker = int(state_dict["_growth_tracker"])
