"""A module's score: the weighted evidence of course.toml's `[grading]` table.

Four kinds of evidence, each a fraction in [0, 1]: the module's reference
tests, its differential cases, its part's integration tests, and the
milestones it unlocks. Their weights live in course.toml and add up to 1.
A kind that did not run (None) gives its weight to the others in proportion,
so a `--only-tests` grade is tests and cases alone. The formula used is part
of every report, so a student can recompute the score by hand.

Corroboration. Tests, integration tests and milestones run in the student's
process, where a package can forge them (it can, say, behave correctly only
when it sees the reference tests in `sys.argv`). The differential cases are
checked outside it. So in-process evidence counts only when the cases back
it: a fraction more than `corroboration` (course.toml) above the cases'
fraction is not believed and counts as 0, and the report says so. (Cutting
it down to the cases' fraction instead would still pay a forger more than
an honest starter, whose own tests are lower than its cases.) An honest
package's tests and cases measure the same functions and stay close.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .manifest import REPO
from .options import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KINDS = ("tests", "cases", "integration", "milestones")
IN_PROCESS = ("tests", "integration", "milestones")


def weights(course_toml: Path = REPO / "course.toml") -> dict[str, float]:
    """course.toml's `[grading]`, checked: the four weights (>= 0, adding up to 1) and
    `corroboration` (in [0, 1])."""
    table = tomllib.loads(course_toml.read_text(encoding="utf-8")).get("grading")
    where = f"{course_toml}: [grading]"
    names = (*KINDS, "corroboration")
    if not isinstance(table, dict):
        raise UsageError(f"{where} is missing: it gives {', '.join(names)}")
    if set(table) != set(names):
        raise UsageError(f"{where} must give exactly {', '.join(names)}; it gives "
                         f"{', '.join(sorted(table)) or 'nothing'}")
    margin = table["corroboration"]
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not 0 <= margin <= 1:
        raise UsageError(f"{where}: corroboration = {margin!r}: give a number in [0, 1]")
    out = {"corroboration": float(margin)}
    for kind in KINDS:
        value = table[kind]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise UsageError(f"{where}: {kind} = {value!r}: give a number >= 0")
        out[kind] = float(value)
    total = sum(out[k] for k in KINDS)
    if abs(total - 1) > 1e-9:
        raise UsageError(f"{where}: the weights add up to {total:g}, not 1")
    return out


def corroborate(parts: dict[str, float | None], margin: float
                ) -> tuple[dict[str, float | None], list[str]]:
    """In-process fractions counted as 0 where they exceed the cases' fraction by > margin."""
    cases = parts.get("cases")
    if cases is None:
        return dict(parts), []
    out, notes = dict(parts), []
    for kind in IN_PROCESS:
        value = out.get(kind)
        if value is not None and value > cases + margin:
            out[kind] = 0.0
            notes.append(f"{kind} {value:.3g} not corroborated by the differential cases "
                         f"({cases:.3g}, more than {margin:g} below): not believed, counted as 0")
    return out, notes


def combine(parts: dict[str, float | None], w: dict[str, float]) -> tuple[float, str]:
    """(score, formula) from the fractions that ran; weights renormalised over them."""
    ran = {k: v for k, v in parts.items() if v is not None and w.get(k, 0) > 0}
    total = sum(w[k] for k in ran)
    if not ran or total == 0:
        return 0.0, "nothing ran: score 0"
    terms = [(w[k] / total, k, v) for k, v in ran.items()]
    value = round(sum(weight * v for weight, _, v in terms), 4)
    formula = " + ".join(f"{weight:.3g} x {k} {v:.3g}" for weight, k, v in terms)
    return value, f"{formula} = {value:g}"


def describe(w: dict[str, float]) -> str:
    """The rule in one sentence, for the top of a report."""
    kinds = ", ".join(f"{w[k]:g} {k}" for k in KINDS)
    return (f"score = weighted evidence ({kinds}; course.toml [grading]), each a fraction "
            "passed; a kind that did not run gives its weight to the others in proportion; "
            "tests, integration and milestones more than "
            f"{w['corroboration']:g} above the differential cases are not believed (0); "
            "0 when the package is refused, or does not build, install or import")
