"""tinytorch.competition: the course's finale (the lead writes the final docstring).

Students optimise a model and submit it as data (spec.json naming known
layers + weights.npz); the instructor scores every submission on a hidden
test, re-measuring everything, and writes the leaderboard.

    from tinytorch.competition import save_submission, score_class, leaderboard
    save_submission(model, "submissions/ada", task="digits", name="tiny-mlp")
    results = score_class("submissions", "hidden/digits.npz", jobs=2)
    write_leaderboard(leaderboard(results, "digits"), "out")

or `python -m tinytorch.competition score --submissions DIR --hidden-test FILE`.
"""

from .__about__ import __version__
from .board import leaderboard, markdown, write_leaderboard
from .build import build_model, load_weights, save_submission
from .classroom import score_class
from .errors import SubmissionError
from .events import EVENTS, Event, Limits, accuracy_per_size, mean_ranks, ranks, winners
from .html import render_html
from .registry import LAYERS, LayerKind
from .result import Result
from .scoring import Score, score_submission
from .spec import FORMAT, validate_spec
from .submission import DEFAULT_MAX_BYTES, Submission, load_submission
from .tasks import TASKS, HiddenTest, Task, load_hidden_test

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EVENTS",
    "FORMAT",
    "LAYERS",
    "TASKS",
    "Event",
    "HiddenTest",
    "LayerKind",
    "Limits",
    "Result",
    "Score",
    "Submission",
    "SubmissionError",
    "Task",
    "__version__",
    "accuracy_per_size",
    "build_model",
    "leaderboard",
    "load_hidden_test",
    "load_submission",
    "load_weights",
    "markdown",
    "mean_ranks",
    "ranks",
    "render_html",
    "save_submission",
    "score_class",
    "score_submission",
    "validate_spec",
    "winners",
    "write_leaderboard",
]
