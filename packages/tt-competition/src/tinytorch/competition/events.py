"""The events of the competition, their rules, and how a winner is picked.

Each event ranks the scored submissions by one rule (accuracy a fraction,
latency the median batch-1 ms, size the bytes of spec.json + weights.npz,
memory the peak bytes of `measure.py`); the first is the winner, None when
no submission qualifies. The floor is the task's accuracy floor
(`tasks.TASKS`, overridable): a model that guesses is fast and small, so
the speed, size and memory events only rank submissions at or above it.

- best-accuracy, "Best accuracy within 10 MB and 100 ms": the highest
  accuracy with file bytes <= max_mb * 10**6 and latency <= max_ms; a tie
  goes to the lower latency.
- fastest, "Fastest inference": the lowest median latency with accuracy >=
  floor; a tie goes to the higher accuracy.
- smallest, "Smallest model": the fewest file bytes with accuracy >= floor;
  a tie goes to the higher accuracy.
- accuracy-per-size, "Best accuracy for its size": the highest
  accuracy / log10(file bytes); a tie goes to the smaller file.
- lowest-memory, "Lowest peak memory": the lowest peak memory with accuracy
  >= floor; a tie goes to the higher accuracy.
- all-around, "All-around": the lowest mean of four ranks (accuracy,
  latency, file bytes, peak memory; rank 1 the best, ties share the mean of
  their places) with accuracy >= floor; a tie goes to the higher accuracy.

accuracy / log10(bytes): a model 10x smaller may lose 1/log10(bytes) of its
accuracy, about a tenth at 10 kB, and still tie. Every submission with a
score takes part in the all-around rank.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .result import Result


@dataclass(frozen=True)
class Limits:
    """The constraints of the events: accuracy floor (fraction), MB (10**6 bytes) and ms."""

    floor: float
    max_mb: float = 10.0
    max_ms: float = 100.0


@dataclass(frozen=True)
class Event:
    """An event: id, title, rule text (with {floor}, {max_mb}, {max_ms}) and its ranking."""

    id: str
    title: str
    rule: str
    eligible: Callable[[Result, Limits], bool]
    key: Callable[[Result, dict[str, float]], tuple[float, ...]]  # smallest wins

    def title_for(self, limits: Limits) -> str:
        return self.title.format(**_values(limits))

    def rule_for(self, limits: Limits) -> str:
        return self.rule.format(**_values(limits))


def _values(limits: Limits) -> dict[str, str]:
    return {"floor": f"{100 * limits.floor:g}%", "max_mb": f"{limits.max_mb:g}",
            "max_ms": f"{limits.max_ms:g}"}


def _above_floor(r: Result, limits: Limits) -> bool:
    return r.score.accuracy >= limits.floor


def _fast_enough(r: Result, limits: Limits) -> bool:
    return _above_floor(r, limits) and r.score.latency_ms is not None


def _within(r: Result, limits: Limits) -> bool:
    return (r.score.file_bytes <= limits.max_mb * 1e6
            and r.score.latency_ms is not None and r.score.latency_ms <= limits.max_ms)


def accuracy_per_size(accuracy: float, file_bytes: int) -> float:
    """accuracy / log10(bytes): the event 'best accuracy for its size'."""
    return accuracy / math.log10(max(file_bytes, 10))


EVENTS: tuple[Event, ...] = (
    Event("best-accuracy", "Best accuracy within {max_mb} MB and {max_ms} ms",
          "Highest accuracy among submissions of at most {max_mb} MB (spec.json + weights.npz, "
          "1 MB = 10^6 bytes) with a median batch-1 latency of at most {max_ms} ms; "
          "a tie goes to the lower latency.",
          _within, lambda r, _: (-r.score.accuracy, r.score.latency_ms, r.id)),
    Event("fastest", "Fastest inference",
          "Lowest median batch-1 latency (for TinyGPT: ms per generated token) among "
          "submissions with accuracy of at least {floor}; a tie goes to the higher accuracy.",
          _fast_enough, lambda r, _: (r.score.latency_ms, -r.score.accuracy, r.id)),
    Event("smallest", "Smallest model",
          "Fewest bytes of spec.json + weights.npz among submissions with accuracy of at least "
          "{floor}; a tie goes to the higher accuracy.",
          _above_floor, lambda r, _: (r.score.file_bytes, -r.score.accuracy, r.id)),
    Event("accuracy-per-size", "Best accuracy for its size",
          "Highest accuracy / log10(file bytes), accuracy as a fraction; a tie goes to the "
          "smaller file.",
          lambda r, limits: True,
          lambda r, _: (-accuracy_per_size(r.score.accuracy, r.score.file_bytes),
                        r.score.file_bytes, r.id)),
    Event("lowest-memory", "Lowest peak memory",
          "Lowest peak memory (live tensor bytes of one batch-1 forward pass plus the model's "
          "arrays) among submissions with accuracy of at least {floor}; a tie goes to the "
          "higher accuracy.",
          _above_floor, lambda r, _: (r.score.peak_memory_bytes, -r.score.accuracy, r.id)),
    Event("all-around", "All-around",
          "Lowest mean of the four ranks by accuracy (higher is better), latency, file bytes "
          "and peak memory (lower is better), rank 1 the best and ties sharing the mean of "
          "their places, among submissions with accuracy of at least {floor} (the others are "
          "placed after them); a tie goes to the higher accuracy.",
          _above_floor, lambda r, mean_rank: (mean_rank[r.id], -r.score.accuracy, r.id)),
)


def ranks(values: list[float]) -> list[float]:
    """1-based ranks of `values`, smallest first; equal values share the mean of their places."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def mean_ranks(results: list[Result]) -> dict[str, float]:
    """{id: mean of the accuracy, latency, file-bytes and peak-memory ranks} of scored rows."""
    ### BEGIN SOLUTION
    scored = [r for r in results if r.scored]
    columns = [[-r.score.accuracy for r in scored],
               [r.score.latency_ms if r.score.latency_ms is not None else math.inf
                for r in scored],
               [r.score.file_bytes for r in scored],
               [r.score.peak_memory_bytes for r in scored]]
    per_column = [ranks(column) for column in columns]
    return {r.id: sum(col[i] for col in per_column) / len(per_column)
            for i, r in enumerate(scored)}
    ### END SOLUTION


def all_around_order(results: list[Result], limits: Limits) -> dict[str, int]:
    """{id: all-around place, 1 = best} of the scored rows (those below the floor last)."""
    means = mean_ranks(results)
    scored = sorted((r for r in results if r.scored),
                    key=lambda r: (not _above_floor(r, limits), *EVENTS[-1].key(r, means)))
    return {r.id: place for place, r in enumerate(scored, 1)}


def winners(results: list[Result], limits: Limits) -> dict[str, Result | None]:
    """{event id: the winning Result, or None when no scored submission qualifies}."""
    ### BEGIN SOLUTION
    means = mean_ranks(results)
    out: dict[str, Any] = {}
    for event in EVENTS:
        eligible = [r for r in results if r.scored and event.eligible(r, limits)]
        out[event.id] = min(eligible, key=lambda r, e=event: e.key(r, means), default=None)
    return out
    ### END SOLUTION
