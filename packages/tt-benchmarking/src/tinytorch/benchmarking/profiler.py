"""`Profiler`: what a model call costs, op by op: FLOPs, live memory, time, parameters.

    with Profiler(model) as prof:
        loss = lm_loss(model(x), y)      # any call: a forward, a whole training step
    print(prof.table())                  # or prof.report(), a dict

How it sees the ops: tt-tensor reports every primitive to its op observers
(`observe_ops`): tensor primitives from `apply`, and custom primitives
(convolution, attention, LayerNorm, the fused loss) from tt-autograd's
`Function.apply`, under their class name. For each event the profiler adds

- its FLOPs, by the formula for its op (`flops.py`, PyTorch's
  `FlopCounterMode` convention: matrix products, convolution and attention;
  every other op 0);
- its forward time, measured by the primitive around its NumPy work;
- its output's memory, if new, to the live bytes (`memory.py`: views count
  once with their base; a weak reference's callback subtracts a buffer when
  it is freed).

What it does not see, by design of the observers: the backward pass
(backward rules call NumPy directly, not `apply`), in-place ops (`add_`,
the optimizer's updates), and work done in NumPy outside primitives. Their
time is in the wall time of the block, shown as the row "(not observed)":
the block's wall time minus the observed ops' time. So FLOPs are those of
the observed (forward) primitives; for a training step, backward adds
about twice the forward's matrix FLOPs, uncounted here.

Cost while profiling: per primitive two clock reads and an `OpEvent` (made
by the observers) and one observer call with, for a new output buffer, one
weak reference: microseconds per primitive, which matters for a model of
many tiny ops and not for one of large matmuls (measured in benchmarks/
profiler_overhead.py and shown on the guide page). Nothing is kept of the events but per-op totals.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any

from tinytorch.layers import Module
from tinytorch.tensor import PRIMITIVES, OpEvent, observe_ops

from .flops import flops_of, has_flop_formula
from .memory import LiveMemory
from .text_table import format_table

NOT_OBSERVED = "(not observed)"


class Profiler:
    """A context manager that adds up FLOPs, live memory and time per op while it is open.

    `model` (optional) is the `Module` whose parameters are reported (each
    shared parameter once, counted when the Profiler is made); a model
    without parameters is a ValueError
    naming its class, anything that is not a Module a TypeError. The block
    may call anything; every primitive that runs inside it is counted. A
    Profiler can be opened again: each block starts from zero.
    """

    def __init__(self, model: Module | None = None) -> None:
        if model is not None and not isinstance(model, Module):
            raise TypeError(f"Profiler: model must be a tinytorch.layers.Module or None, "
                            f"got {type(model).__name__}")
        self.model = model
        self._parameters = self._count_parameters(model) if model is not None else None
        self._ops: dict[str, list[Any]] = {}  # op -> [calls, seconds, flops]
        self._memory = LiveMemory()
        self._wall = 0.0
        self._live_at_exit = 0
        self._state = "new"  # new -> open -> closed
        self._watch: Any = None
        self._start = 0.0

    @staticmethod
    def _count_parameters(model: Module) -> dict[str, int]:
        """Parameters, their bytes and tensors, each shared Parameter once."""
        ### BEGIN SOLUTION
        seen: dict[int, Any] = {}
        for p in model.parameters():
            seen.setdefault(id(p), p)
        if not seen:
            raise ValueError(
                f"Profiler: {type(model).__name__} has no parameters, so there is nothing "
                "to report about its size; pass the model that owns the weights, or "
                "Profiler() without a model to profile the call alone")
        return {"count": sum(int(p.data.size) for p in seen.values()),
                "bytes": sum(int(p.data.nbytes) for p in seen.values()),
                "tensors": len(seen)}
        ### END SOLUTION

    # -- the block ------------------------------------------------------------
    def __enter__(self) -> Profiler:
        if self._state == "open":
            raise RuntimeError("Profiler: this profiler is already open (nested use of one "
                               "Profiler); make a second Profiler to nest")
        self._ops, self._memory, self._state = {}, LiveMemory(), "open"
        self._watch = observe_ops(self._observe)
        self._watch.__enter__()
        self._start = time.perf_counter()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._wall = time.perf_counter() - self._start
        self._watch.__exit__(kind, error, trace)
        self._live_at_exit = self._memory.current
        self._memory.close()
        self._state = "closed"

    def _observe(self, event: OpEvent) -> None:
        """Add one primitive's calls, time, FLOPs and output memory to the totals."""
        ### BEGIN SOLUTION
        totals = self._ops.get(event.op)
        if totals is None:
            totals = self._ops[event.op] = [0, 0.0, 0]
        totals[0] += 1
        totals[1] += event.seconds
        totals[2] += flops_of(event)
        self._memory.add(event.output, event.inputs)
        ### END SOLUTION

    # -- the results ----------------------------------------------------------
    def _check_closed(self, what: str) -> None:
        if self._state != "closed":
            raise RuntimeError(f"Profiler.{what}: nothing to report yet; call it after the "
                               "`with Profiler(...) as prof:` block has ended")

    def report(self) -> dict[str, Any]:
        """Everything measured in the last block, as plain numbers.

        Keys: `model` (class name or None); `parameters` ({count, bytes,
        tensors} or None); `flops` ({total, by_op}); `memory` ({peak_bytes,
        live_at_exit_bytes, allocated_bytes, buffers}); `time` ({wall_ms,
        observed_ms, not_observed_ms}); `ops`, one dict per op (op, calls,
        total_ms, share of the wall time, flops, has_formula), slowest
        first; `no_formula`, the custom primitives (not tt-tensor's) that
        ran and have no FLOP formula, so counted 0.
        """
        self._check_closed("report")
        ### BEGIN SOLUTION
        wall_ms = 1e3 * self._wall
        ops = [{"op": op, "calls": calls, "total_ms": 1e3 * seconds,
                "share": (1e3 * seconds / wall_ms) if wall_ms > 0 else 0.0,
                "flops": flops, "has_formula": has_flop_formula(op)}
               for op, (calls, seconds, flops) in self._ops.items()]
        ops.sort(key=lambda row: (-row["total_ms"], row["op"]))
        observed_ms = sum(row["total_ms"] for row in ops)
        flops_total = sum(row["flops"] for row in ops)
        return {
            "model": None if self.model is None else type(self.model).__name__,
            "parameters": None if self._parameters is None else dict(self._parameters),
            "flops": {"total": flops_total, "by_op": {r["op"]: r["flops"] for r in ops}},
            "memory": {"peak_bytes": self._memory.peak,
                       "live_at_exit_bytes": self._live_at_exit,
                       "allocated_bytes": self._memory.allocated,
                       "buffers": self._memory.buffers},
            "time": {"wall_ms": wall_ms, "observed_ms": observed_ms,
                     "not_observed_ms": max(0.0, wall_ms - observed_ms)},
            "ops": ops,
            "no_formula": sorted(r["op"] for r in ops
                                 if not r["has_formula"] and r["op"] not in PRIMITIVES),
        }
        ### END SOLUTION

    def table(self, top: int | None = None) -> str:
        """The report as text: a summary, then one line per op (the `top` slowest, or all)."""
        if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
            raise ValueError(f"Profiler.table: top must be a positive int or None, got {top!r}")
        r = self.report()
        lines = []
        if r["parameters"] is not None:
            p = r["parameters"]
            lines.append(f"model {r['model']}: {p['count']:,} parameters in {p['tensors']} "
                         f"tensors, {_bytes(p['bytes'])}")
        mem = r["memory"]
        lines.append(f"FLOPs (observed primitives): {_flops(r['flops']['total'])}; peak live "
                     f"tensor memory {_bytes(mem['peak_bytes'])} (live at the end "
                     f"{_bytes(mem['live_at_exit_bytes'])}, {mem['buffers']} buffers made)")
        t = r["time"]
        lines.append(f"wall time {t['wall_ms']:.2f} ms, of which {t['observed_ms']:.2f} ms in "
                     "observed primitives")
        shown = r["ops"] if top is None else r["ops"][:top]
        body = [[row["op"], str(row["calls"]), f"{row['total_ms']:.3f}",
                 f"{100 * row['share']:.1f}%", _flops(row["flops"]) if row["flops"] else "0"]
                for row in shown]
        hidden = r["ops"][len(shown):]
        if hidden:
            rest = sum(row["total_ms"] for row in hidden)
            body.append([f"({len(hidden)} more ops)", str(sum(x["calls"] for x in hidden)),
                         f"{rest:.3f}", f"{100 * rest / t['wall_ms']:.1f}%" if t["wall_ms"]
                         else "0.0%", _flops(sum(x["flops"] for x in hidden))])
        share = t["not_observed_ms"] / t["wall_ms"] if t["wall_ms"] else 0.0
        body.append([NOT_OBSERVED, "-", f"{t['not_observed_ms']:.3f}", f"{100 * share:.1f}%",
                     "-"])
        lines.append(format_table(["op", "calls", "total ms", "share", "FLOPs"], body))
        if r["no_formula"]:
            lines.append("no FLOP formula (counted 0): " + ", ".join(r["no_formula"]))
        return "\n".join(lines)


def _bytes(n: int) -> str:
    """Bytes in the largest unit that keeps a number >= 1 (binary: KiB = 1024 bytes)."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.2f} {unit}"
        value /= 1024
    return f"{value:.2f} GiB"  # pragma: no cover


def _flops(n: int) -> str:
    """A FLOP count with an SI prefix: 1.23 GFLOP."""
    for scale, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= scale:
            return f"{n / scale:.3g} {prefix}FLOP"
    return f"{n} FLOP"
