"""Differential cases of tt-setup (module 01): the version ranges and the course-map parser.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Only the pure parts of the public API have cases (`admits`, `parse_course`):
`load_course`, `find_installed` and the `tito` CLI read the environment the
package is installed in, which differs between the student's and the
reference's sandbox, and are left to the module's tests.
"""

import numpy as np

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
name = "first_light"
title = "First light"
requires = 2
metric = "accuracy"
target = 0.9
data_targets = { other = 0.5 }
"""


def _text(values):
    return np.frombuffer("|".join(values).encode(), dtype=np.uint8)


def case_admits(rng):
    """admits: ranges, pre-releases below their bound, local labels, wildcards, ~=, post."""
    from tinytorch.setup import admits

    table = [(">=0.1,<0.2", "0.1.0"), (">=0.1,<0.2", "0.1.7"), (">=0.1,<0.2", "0.2.0"),
             (">=0.1,<0.2", "0.2.0a1"), (">=0.1,<0.2", "0.0.9"), (">=0.1,<0.2", "0.1.0+local"),
             ("==0.1.*", "0.1.5"), ("!=0.1.*", "0.1.5"), ("~=0.1.2", "0.1.9"),
             ("~=0.1.2", "0.2.0"), ("==0.1", "0.1.0"), (">0.1", "0.1.post1"),
             (">=1.24", "2.4.6"), ("", "7.0"), ("<0.2", "0.2.0.dev0"), (">=0.2rc1", "0.2.0"),
             ("<=1.0", "1.0.post2"), (">=0.1, <0.3", "0.2.9")]
    return np.array([admits(spec, version) for spec, version in table])


def case_admits_bad_version(rng):
    """admits('>=0.1', 'banana') raises ValueError."""
    from tinytorch.setup import admits

    admits(">=0.1", "banana")


case_admits_bad_version.raises = "ValueError"


def case_parse_course(rng):
    """parse_course of a 3-module course: modules, parts and their prefixes, milestones."""
    from tinytorch.setup import parse_course

    course = parse_course(COURSE)
    return {"numbers": np.array([m.number for m in course.modules]),
            "dists": _text(m.dist for m in course.modules),
            "import_names": _text(m.import_name for m in course.modules),
            "parts": np.array([m.part for m in course.modules]),
            "through": np.array([p.through for p in course.parts]),
            "part2_new": _text(m.dist for m in course.part(2).new_modules),
            "prefix": _text(m.name for m in course.modules_through("tt-beta")),
            "unlocked": len(course.milestones_unlocked_by(2)),
            "requires": course.milestone("first_light").requires,
            "target": course.milestone("first_light").target,
            "data_target": course.milestone("first_light").data_targets["other"]}


def case_parse_course_inconsistent(rng):
    """parse_course of a module numbered 5 where 2 is expected raises CourseError."""
    from tinytorch.setup import parse_course

    parse_course(COURSE.replace("number = 2", "number = 5"), source="broken.toml")


case_parse_course_inconsistent.raises = "CourseError"
