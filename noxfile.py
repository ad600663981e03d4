"""The sessions of TinyTorch, all driven by course.toml (the code is in tools/course_tools).

    nox -s part1 [-- --use tt-autograd=../my-autograd] [--full]   a part: chain, tests, milestones
    nox -s tt-autograd                                              a module: its prefix and tests
    nox -s tests [-- --no-torch]                                    everything CI runs
    nox -s lint                                                     ruff + the contract check
    nox -s build                                                    wheels/sdists in dist/, twine
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

import nox
from course_tools import sessions
from course_tools.manifest import load

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
