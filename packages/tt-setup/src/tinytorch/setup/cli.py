"""`tito`: the course's command line (status, doctor, milestones, template).

Each subcommand is one function that takes the course map and an output
stream and returns the exit code, so `main(argv)` is easy to test and the
console script is a thin wrapper. `template` also takes its arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from .__about__ import __version__
from .course import Course, CourseError, load_course
from .doctor import doctor
from .status import milestones, status
from .template import TemplateError, print_starter, write_starter

COMMANDS = {
    "status": (status, "the modules in order, what is installed, which milestones it unlocks"),
    "doctor": (doctor, "check Python, NumPy and every installed tt-* package; exit 1 if broken"),
    "milestones": (milestones, "the milestones: what each needs, its target, how to run it"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of `tito`."""
    parser = argparse.ArgumentParser(
        prog="tito", description="TinyTorch course tool: see where you are in the chain."
    )
    parser.add_argument("--version", action="version", version=f"tito (tt-setup) {__version__}")
    parser.add_argument(
        "--course", metavar="PATH", help="read this course.toml instead of the packaged one"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (_func, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, description=help_text)
    _template_parser(sub)
    return parser


def _template_parser(sub: argparse._SubParsersAction) -> None:
    """`tito template tt-NAME DEST [--source PATH] [--force]`."""
    text = "write a starter of a module: the reference with its solutions taken out"
    p = sub.add_parser("template", help=text, description=text)
    p.add_argument("module", metavar="tt-NAME", help="the module, e.g. tt-activations")
    p.add_argument("dest", metavar="DEST", help="the folder to write (new or empty)")
    p.add_argument("--source", metavar="PATH",
                   help="the reference: a package folder or an sdist (.tar.gz); default: "
                        "packages/tt-NAME of the checkout around the current directory")
    p.add_argument("--force", action="store_true", help="replace DEST even if not empty")


def template(course: Course, args: argparse.Namespace, out: TextIO) -> int:
    """Write the starter `args` ask for and say what to do next; 1 with the reason if not."""
    try:
        starter = write_starter(course, args.module, args.dest, args.source, args.force)
    except TemplateError as exc:
        print(f"tito template: {exc}", file=sys.stderr)
        return 1
    print_starter(course, starter, out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run `tito` with `argv` (default: the command line); return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        course = load_course(args.course)
    except CourseError as exc:
        print(f"tito: {exc}", file=sys.stderr)
        return 2
    if args.command == "template":
        return template(course, args, sys.stdout)
    func, _help = COMMANDS[args.command]
    return func(course, sys.stdout)


def run() -> None:
    """The console script: `main()`, quiet when the reader goes away (`tito status | head`)."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when flushing stdout at exit; point it at devnull.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)
