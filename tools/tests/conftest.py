"""Tests of the course tooling (tools/course_tools): put tools/ on sys.path.

`fake_repo` builds a small, valid TinyTorch-shaped repository in tmp_path (a
three-module course: tt-alpha, tt-beta, tt-gamma) that a test then breaks in
one place.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1]
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

COURSE = """
[course]
name = "Mini"
namespace = "tinytorch"

[[module]]
number = 1
dist = "tt-alpha"
name = "alpha"
part = 1
summary = "first"

[[module]]
number = 2
dist = "tt-beta"
name = "beta"
part = 1
summary = "second"

[[module]]
number = 3
dist = "tt-gamma"
name = "gamma"
part = 2
summary = "third"

[part.1]
title = "One"
through = 2

[part.2]
title = "Two"
through = 3

[[milestone]]
name = "demo"
title = "A demo"
requires = 2
metric = "accuracy"
target = 1.0
"""

PYPROJECT = """
[build-system]
requires = ["hatchling>=1.26"]
build-backend = "hatchling.build"

[project]
name = "{dist}"
dynamic = ["version"]
keywords = ["tinytorch", "tinytorch-reference"]
requires-python = ">=3.10"
dependencies = [{deps}]

[tool.hatch.version]
path = "src/tinytorch/{name}/__about__.py"

[tool.hatch.build.targets.wheel]
packages = ["src/tinytorch"]
"""


class FakeRepo:
    """A valid mini repository; `write`, `remove` and `deps` break it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.write("course.toml", COURSE)
        self.package("alpha", [], {"core.py": "class Alpha:\n    pass\n"},
                     "from .core import Alpha\n", ["Alpha"],
                     {"test_alpha.py": "from tinytorch.alpha import Alpha\n\n"
                                       "def test_it():\n    assert Alpha\n"})
        self.package("beta", ["tt-alpha>=0.1,<0.2"],
                     {"net.py": "import numpy as np\nfrom tinytorch.alpha import Alpha\n\n"
                                "class Beta(Alpha):\n    zero = np.zeros(1)\n"},
                     "from .net import Beta\n", ["Beta"],
                     {"test_beta.py": "import numpy\nfrom tinytorch.alpha import Alpha\n"
                                      "from tinytorch.beta import Beta\n\n"
                                      "def test_it():\n    assert issubclass(Beta, Alpha)\n"})
        self.package("gamma", ["tt-beta>=0.1,<0.2"],
                     {"model.py": "import tinytorch.beta as tb\n\n"
                                  "class Gamma(tb.Beta):\n    pass\n"},
                     "from .model import Gamma\n", ["Gamma"],
                     {"test_gamma.py": "from tinytorch.gamma import Gamma\n"})
        self.write("integration/part1/test_chain.py", "from tinytorch.beta import Beta\n")
        self.write("milestones/demo.py", "from tinytorch.beta import Beta\n")

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def deps(self, name: str, deps: list[str]) -> None:
        quoted = ", ".join(f'"{d}"' for d in ["numpy>=1.24", *deps])
        self.write(f"packages/tt-{name}/pyproject.toml",
                   PYPROJECT.format(dist=f"tt-{name}", name=name, deps=quoted))

    def package(self, name: str, deps: list[str], files: dict[str, str], init: str,
                all_names: list[str], tests: dict[str, str]) -> None:
        base = f"packages/tt-{name}"
        self.deps(name, deps)
        self.write(f"{base}/README.md", f"# tt-{name}\n")
        self.write(f"{base}/CHANGELOG.md", "# Changelog\n")
        src = f"{base}/src/tinytorch/{name}"
        self.write(f"{src}/__about__.py", '__version__ = "0.1.0"\n')
        self.write(f"{src}/__init__.py",
                   init + "from .__about__ import __version__\n\n"
                   f"__all__ = {[*all_names, '__version__']!r}\n")
        for rel, text in files.items():
            self.write(f"{src}/{rel}", text)
        for rel, text in tests.items():
            self.write(f"{base}/tests/{rel}", text)


@pytest.fixture
def fake_repo(tmp_path: Path) -> FakeRepo:
    return FakeRepo(tmp_path / "repo")
