"""`score_submission`: every number of a submission measured here, none read from it.

A `Score` holds what the scorer measured: accuracy on the hidden test (and
TinyGPT's loss in nats), median batch-1 latency and its IQR, the file bytes
of spec.json + weights.npz, and peak memory (see `measure.py`). Nothing in
the submission can set them: spec.json may hold only the keys of the
format (a claimed "accuracy" is refused by `validate_spec`), and the scorer
reads only the model's layers and weights from it.

Scoring is split in two so that `score_class` can run the slow, quiet
part in parallel and the timing part alone: `score_quality` (accuracy,
loss, file bytes, peak memory) and `score_speed` (latency).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import SubmissionError
from .measure import check_runs, latency, peak_memory
from .submission import Submission
from .tasks import HiddenTest, image_accuracy, load_hidden_test, text_accuracy


@dataclass
class Score:
    """What the scorer measured for one submission (accuracy a fraction in [0, 1])."""

    task: str
    accuracy: float
    loss: float | None  # TinyGPT: mean cross-entropy in nats; None for images
    file_bytes: int
    peak_memory_bytes: int
    latency_ms: float | None = None  # per image, or per generated token
    latency_iqr_ms: float | None = None
    latency_reliable: bool | None = None  # was the machine quiet enough while timing?

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def hidden_test_for(submission: Submission, hidden_test: str | Path | HiddenTest) -> HiddenTest:
    """The hidden test, loaded for the submission's task; a task mismatch is refused."""
    if not isinstance(hidden_test, HiddenTest):
        hidden_test = load_hidden_test(hidden_test, submission.task)
    if hidden_test.task != submission.task:
        raise SubmissionError(f"the submission is for task {submission.task!r} but the hidden "
                              f"test is for {hidden_test.task!r}", submission.path)
    return hidden_test


def score_quality(submission: Submission, hidden_test: str | Path | HiddenTest) -> Score:
    """Accuracy (and loss), file bytes and peak memory; latency left None."""
    ### BEGIN SOLUTION
    test = hidden_test_for(submission, hidden_test)
    check_runs(submission, test)
    if test.text is None:
        accuracy, loss = image_accuracy(submission.model, test), None
    else:
        accuracy, loss = text_accuracy(submission.model[0], submission.spec["vocab"], test.text)
    return Score(submission.task, accuracy, loss, submission.file_bytes,
                 peak_memory(submission, test))
    ### END SOLUTION


def score_speed(submission: Submission, hidden_test: str | Path | HiddenTest, score: Score,
                repeats: int = 20) -> Score:
    """Fill in the latency of `score` (median, IQR, reliable); return it."""
    test = hidden_test_for(submission, hidden_test)
    score.latency_ms, score.latency_iqr_ms, score.latency_reliable = latency(
        submission, test, repeats)
    return score


def score_submission(submission: Submission, hidden_test: str | Path | HiddenTest,
                     repeats: int = 20) -> Score:
    """Measure everything about one loaded submission on the hidden test."""
    ### BEGIN SOLUTION
    test = hidden_test_for(submission, hidden_test)
    return score_speed(submission, test, score_quality(submission, test), repeats)
    ### END SOLUTION
