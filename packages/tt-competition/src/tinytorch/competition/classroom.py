"""`score_class`: score every submission of a class, in parallel where it is safe to.

    results = score_class("submissions/", "hidden/digits_test.npz", jobs=2)

Every directory under `submissions_dir` is one submission (sorted by name;
files at the top level are ignored). Two phases:

1. In parallel (`jobs` worker processes, `ProcessPoolExecutor`): load each
   submission (all of `load_submission`'s checks) and measure its accuracy,
   file bytes and peak memory. Each worker returns plain data, never a
   model. With `jobs=1` this runs in this process.
2. One at a time, in this process: load each good submission again (cheap)
   and time it. Latency is the one measure that other work on the machine
   disturbs, so nothing else of the scorer runs meanwhile.

A refused submission, an exception while scoring, or a worker process that
dies (a crash kills the whole pool; the submissions it was running are then
retried alone, each in a fresh one-process pool) becomes that submission's
refused `Result` with the reason; the rest are still scored.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np

from .errors import SubmissionError
from .result import Result
from .scoring import Score, score_quality, score_speed
from .submission import DEFAULT_MAX_BYTES, load_submission
from .tasks import TASKS, HiddenTest, load_hidden_test


def _refused(path: Path, reason: str, spec: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": path.name, "name": (spec or {}).get("name", path.name),
            "author": (spec or {}).get("author", ""), "status": "refused", "reason": reason}


def quality_job(path: str, hidden_test: str | HiddenTest, task: str,
                max_bytes: int) -> dict[str, Any]:
    """Phase 1 for one submission, as plain data (it runs in a worker process).

    hidden_test: the loaded test (serial scoring reads the file once), or its
    path (a worker process reads it itself).
    """
    path_ = Path(path)
    spec = None
    try:
        submission = load_submission(path_, max_bytes)
        spec = submission.spec
        test = (hidden_test if isinstance(hidden_test, HiddenTest)
                else load_hidden_test(hidden_test, task))
        score = score_quality(submission, test)
    except SubmissionError as error:
        return _refused(path_, error.reason, spec)
    except Exception as error:  # the scorer must go on: this row says what broke
        return _refused(path_, f"scoring failed: {type(error).__name__}: {error}", spec)
    return {"id": path_.name, "name": spec["name"], "author": spec["author"],
            "status": "scored", "reason": None, "score": score.as_dict()}


def _run_parallel(paths: list[Path], args: tuple[Any, ...], jobs: int) -> list[dict[str, Any]]:
    """quality_job for every path in `jobs` processes; a dead worker's jobs retried alone."""
    out: dict[int, dict[str, Any]] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {i: pool.submit(quality_job, str(p), *args) for i, p in enumerate(paths)}
        for i, future in futures.items():
            try:
                out[i] = future.result()
            except BrokenProcessPool:
                pass  # retried alone below
    for i, path in enumerate(paths):
        if i in out:
            continue
        try:
            with ProcessPoolExecutor(max_workers=1) as alone:
                out[i] = alone.submit(quality_job, str(path), *args).result()
        except BrokenProcessPool:
            out[i] = _refused(path, "the scorer's worker process died while scoring this "
                                    "submission (a crash, or it ran out of memory)")
    return [out[i] for i in range(len(paths))]


def submission_dirs(root: Path) -> list[Path]:
    """The submission directories under `root`, sorted by name (hidden ones skipped)."""
    return sorted(p for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith("."))


def infer_task(hidden_test: str | Path, submissions: list[Path]) -> str:
    """The task of a hidden test file, when the instructor does not say (`task=`).

    A .txt is tinygpt; 8 x 8 images are digits; 28 x 28 images are mnist or
    fashion-mnist, whichever more submissions declare (mnist on a tie).
    """
    if Path(hidden_test).suffix.lower() == ".txt":
        return "tinygpt"
    try:
        with np.load(hidden_test, allow_pickle=False) as data:
            size = tuple(data["images"].shape[-2:])
    except Exception as error:
        raise ValueError(f"hidden test {hidden_test}: cannot read its images ({error})") \
            from None
    matching = [name for name, t in TASKS.items() if t.size == size]
    if not matching:
        raise ValueError(f"hidden test {hidden_test}: images of size {size} fit no task")
    votes = dict.fromkeys(matching, 0)
    for path in submissions:
        try:
            declared = json.loads((path / "spec.json").read_text(encoding="utf-8")).get("task")
        except Exception:  # a broken spec is refused later; it just has no vote
            continue
        if declared in votes:
            votes[declared] += 1
    return max(matching, key=lambda t: votes[t])  # first (mnist before fashion-mnist) on ties


def score_class(submissions_dir: str | Path, hidden_test: str | Path, jobs: int = 1,
                task: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                repeats: int = 20) -> list[Result]:
    """Score every submission directory under `submissions_dir` on the hidden test."""
    ### BEGIN SOLUTION
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"score_class: jobs must be a positive int, got {jobs!r}")
    root = Path(submissions_dir)
    if not root.is_dir():
        raise ValueError(f"score_class: {root} is not a directory of submissions")
    paths = submission_dirs(root)
    task = task or infer_task(hidden_test, paths)
    if task not in TASKS:
        raise ValueError(f"score_class: unknown task {task!r}; tasks: {', '.join(TASKS)}")
    test: HiddenTest = load_hidden_test(hidden_test, task)  # a bad file fails here, once
    if jobs == 1 or len(paths) < 2:
        rows = [quality_job(str(p), test, task, max_bytes) for p in paths]
    else:
        rows = _run_parallel(paths, (str(hidden_test), task, max_bytes),
                             min(jobs, len(paths), os.cpu_count() or 1))
    results = []
    for path, row in zip(paths, rows, strict=True):
        score = Score(**row.pop("score")) if "score" in row else None
        result = Result(**row, score=score)
        if result.scored:
            try:
                submission = load_submission(path, max_bytes)
                score_speed(submission, test, result.score, repeats)
            except Exception as error:
                reason = error.reason if isinstance(error, SubmissionError) else (
                    f"timing failed: {type(error).__name__}: {error}")
                result = Result(result.id, result.name, result.author, "refused", reason)
        results.append(result)
    return results
    ### END SOLUTION
