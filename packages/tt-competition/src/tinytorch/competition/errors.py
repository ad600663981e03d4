"""`SubmissionError`: why a submission was refused, in words a student can act on."""

from __future__ import annotations


class SubmissionError(ValueError):
    """A submission the scorer will not run, with the reason.

    `reason` is the sentence shown on the leaderboard's refused row (it names
    the file, layer, argument, key or shape at fault); `submission` is the
    submission's directory (or None when not known).
    """

    def __init__(self, reason: str, submission: object = None) -> None:
        self.reason = reason
        self.submission = None if submission is None else str(submission)
        where = f"{self.submission}: " if self.submission else ""
        super().__init__(f"{where}{reason}")
