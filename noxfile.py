"""The sessions of TinyTorch, all driven by course.toml (the code is in tools/course_tools).

    nox -s part1 [-- --use tt-autograd=../my-autograd] [--full]   a part: chain, tests, milestones
    nox -s tt-autograd                                              a module: its prefix and tests
    nox -s tests [-- --no-torch]                                    everything CI runs
    nox -s lint                                                     ruff + the contract check
    nox -s build                                                    wheels/sdists in dist/, twine
    nox -s benchmark [-- --use tt-x=PATH] [-- --steps N]            benchmarks/, ratios to PyTorch
    nox -s starters -- tt-x ... | --part N | --all [--dest DIR]     write student starters
    nox -s grade -- --student DIR [--report PATH] [--full]          grade a student's packages
    nox -s compete -- --submissions DIR --hidden-test FILE [--jobs N] [--out DIR] [--use tt-x=PATH]
                                                                    score a class's competition
    nox -s release -- tt-x {patch|minor|major} [tt-y PART] [--dry-run] bump, ranges, build
    nox -s publish -- --repository-url URL [--dist DIR]             upload dist/, chain order
    nox -s isolated                                                 each package alone, its tests
    nox -s docs [-- --check]                                        write docs/modules/README.md
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

import nox
from course_tools import compete, isolated, publish, release, sessions
from course_tools.docs import docs_session
from course_tools.grade import grade_session
from course_tools.manifest import load
from course_tools.starters import starters_session

# uv creates venvs and installs in seconds; virtualenv + pip is the fallback.
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests"]

COURSE = load()

for _part in COURSE.parts:
    nox.session(name=f"part{_part.number}", default=False)(sessions.part_session(_part.number))

for _module in COURSE.modules:
    nox.session(name=_module.dist, default=False)(sessions.module_session(_module.dist))

nox.session(name="tests")(sessions.tests)
nox.session(name="lint")(sessions.lint)
nox.session(name="build", default=False)(sessions.build)
nox.session(name="benchmark", default=False)(sessions.benchmark)
nox.session(name="grade", default=False)(grade_session)
nox.session(name="compete", default=False)(compete.session)
nox.session(name="starters", default=False, venv_backend="none")(starters_session)
nox.session(name="release", default=False)(release.session)
nox.session(name="publish", default=False)(publish.session)
nox.session(name="isolated", default=False)(isolated.parametrized())
nox.session(name="docs", default=False, venv_backend="none")(docs_session)
