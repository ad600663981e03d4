"""`Result`: one row of a class's scoring: a scored submission, or a refused one with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .scoring import Score


@dataclass
class Result:
    """`id` is the submission's directory name (unique in a class); `name` its spec's name."""

    id: str
    name: str
    author: str
    status: str  # "scored" | "refused"
    reason: str | None = None
    score: Score | None = None

    @property
    def scored(self) -> bool:
        return self.status == "scored" and self.score is not None

    def metric(self, key: str) -> Any:
        """A measured value by name (None when refused)."""
        return None if self.score is None else getattr(self.score, key)
