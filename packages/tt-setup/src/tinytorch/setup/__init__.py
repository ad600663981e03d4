"""tinytorch.setup: the course map (course.toml) and the `tito` CLI.

`load_course()` reads the module chain, parts and milestones; `main(argv)` is
`tito` (status, doctor, milestones).
"""

from .__about__ import __version__
from .cli import main
from .course import Course, CourseError, Milestone, Module, Part, load_course, parse_course
from .installed import InstalledPackage, Source, find_installed
from .versions import admits

__all__ = [
    "Course",
    "CourseError",
    "InstalledPackage",
    "Milestone",
    "Module",
    "Part",
    "Source",
    "__version__",
    "admits",
    "find_installed",
    "load_course",
    "main",
    "parse_course",
]
