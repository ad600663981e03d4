"""Benchmark: what grading costs, per student and module, and a class's throughput.

Grades a generated class of N students, each handing in tt-activations (half
of them the reference, half the unfilled starter), with `nox -s grade --
--class ... --only-tests --no-torch`, once with `--jobs 1` and once with
`--jobs 2`, each in a fresh nox envdir (so the reference chain and its wheels
are built inside the timing, once per run, as a real class run does). Reports
seconds per student-module and students per minute. The target (issue 8):
at most 20 s per student and module with `--only-tests`.

No PyTorch ratio here: grading has no PyTorch counterpart.

    python benchmarks/grade_class.py [--students 4] [--report FILE.json]

Needs nox (with uv) in the running Python, and bubblewrap for the sandbox.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "milestones"))
from course_tools import starters  # noqa: E402
from course_tools.manifest import load  # noqa: E402
from harness import write_json_atomic  # noqa: E402

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-activations"
TARGET_S = 20.0  # per student and module, --only-tests
DIST = "tt-activations"


def make_class(folder: Path, n: int) -> None:
    course = load()
    for i in range(n):
        dest = folder / f"student{i:02d}" / DIST
        if i % 2:
            starters.write_starter(course, DIST, dest, source=REPO / "packages" / DIST)
        else:
            shutil.copytree(REPO / "packages" / DIST, dest,
                            ignore=shutil.ignore_patterns("__pycache__"))


def run(folder: Path, jobs: int, work: Path) -> tuple[float, dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(REPO / "noxfile.py"), "--envdir",
         str(work / f"nox{jobs}"), "-s", "grade", "--", "--class", str(folder), "--jobs",
         str(jobs), "--only-tests", "--no-torch", "--report", str(work / f"book{jobs}")],
        capture_output=True, text=True, env=env, cwd=work, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"grading failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}"
                         f"{proc.stderr[-3000:]}")
    book = json.loads((work / f"book{jobs}" / "gradebook.json").read_text())
    return seconds, book


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=4)
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_class(work / "class", args.students)
        rows = {}
        for jobs in (1, 2):
            seconds, book = run(work / "class", jobs, work)
            scores = sorted(r["total"] for r in book["students"])
            rows[jobs] = {"seconds": round(seconds, 1),
                          "per_student_module_s": round(seconds / args.students, 2),
                          "students_per_minute": round(60 * args.students / seconds, 2),
                          "scores": scores}
            print(f"--jobs {jobs}: {args.students} students in {seconds:.1f} s: "
                  f"{seconds / args.students:.1f} s a student-module (target <= {TARGET_S:g}), "
                  f"{60 * args.students / seconds:.1f} students a minute; scores {scores}")
    passed = rows[1]["per_student_module_s"] <= TARGET_S
    result = {"benchmark": "grade_class_only_tests", "students": args.students,
              "module": DIST, "runs": rows, "target_s": TARGET_S, "passed": passed,
              "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}
    if args.report:
        write_json_atomic(args.report, result)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
