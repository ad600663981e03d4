"""The scorer's command line: `python -m tinytorch.competition score ...`.

    python -m tinytorch.competition score --submissions DIR --hidden-test FILE
        [--jobs N] [--out DIR] [--task T] [--floor F] [--max-mb N] [--max-ms N]
        [--max-bytes N] [--repeats N]

Prints the leaderboard as Markdown and writes leaderboard.json, .md and
.html to --out (default: the submissions directory). Exit status: 0 when
at least one submission was scored, 1 when none was (all refused, or no
submissions), 2 for a usage error or an unreadable hidden test.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .board import leaderboard, write_leaderboard
from .classroom import infer_task, score_class, submission_dirs
from .submission import DEFAULT_MAX_BYTES
from .tasks import TASKS


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tinytorch.competition",
                                description="Score a class's competition submissions.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("score", help="score every submission directory on a hidden test")
    s.add_argument("--submissions", required=True, type=Path,
                   help="a directory holding one directory per submission")
    s.add_argument("--hidden-test", required=True, type=Path,
                   help="the hidden test: .npz (images, labels) or .txt (tinygpt)")
    s.add_argument("--jobs", type=int, default=1, help="processes for loading and accuracy")
    s.add_argument("--out", type=Path, default=None,
                   help="where the leaderboard files go (default: --submissions)")
    s.add_argument("--task", choices=list(TASKS), default=None,
                   help="the task (default: inferred from the hidden test)")
    s.add_argument("--floor", type=float, default=None,
                   help="accuracy floor, a fraction (default: the task's, e.g. digits 0.90)")
    s.add_argument("--max-mb", type=float, default=10.0, help="size limit of best-accuracy")
    s.add_argument("--max-ms", type=float, default=100.0, help="latency limit of best-accuracy")
    s.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help="refuse submissions larger than this (bytes)")
    s.add_argument("--repeats", type=int, default=20, help="timed runs per submission")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status."""
    args = parser().parse_args(argv)
    if args.jobs < 1 or args.repeats < 6 or args.max_bytes < 1:
        print("error: --jobs must be >= 1, --repeats >= 6, --max-bytes >= 1", file=sys.stderr)
        return 2
    if args.floor is not None and not 0 <= args.floor <= 1:
        print(f"error: --floor is a fraction in [0, 1], got {args.floor}", file=sys.stderr)
        return 2
    try:
        if not args.submissions.is_dir():
            raise ValueError(f"{args.submissions} is not a directory of submissions")
        task = args.task or infer_task(args.hidden_test, submission_dirs(args.submissions))
        results = score_class(args.submissions, args.hidden_test, jobs=args.jobs, task=task,
                              max_bytes=args.max_bytes, repeats=args.repeats)
    except ValueError as error:  # no such directory, an unreadable hidden test
        print(f"error: {error}", file=sys.stderr)
        return 2
    board = leaderboard(results, task, args.floor, args.max_mb, args.max_ms)
    paths = write_leaderboard(board, args.out or args.submissions)
    print(Path(paths["md"]).read_text(encoding="utf-8"), end="")
    print(f"written: {', '.join(str(p) for p in paths.values())}")
    return 0 if any(r.scored for r in results) else 1

