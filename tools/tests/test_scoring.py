"""The score: course.toml's weights, renormalised over what ran, and corroboration by the cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from course_tools import scoring
from course_tools.options import UsageError

GOOD = "[grading]\ntests = 0.4\ncases = 0.4\nintegration = 0.1\nmilestones = 0.1\n" \
       "corroboration = 0.25\n"


def test_the_course_weights_are_valid() -> None:
    w = scoring.weights()
    assert abs(sum(w[k] for k in scoring.KINDS) - 1) < 1e-9 and 0 <= w["corroboration"] <= 1


@pytest.mark.parametrize(("text", "message"), [
    ("", "is missing"),
    (GOOD.replace("cases = 0.4\n", ""), "must give exactly"),
    (GOOD.replace("cases = 0.4", "cases = 0.5"), "add up to 1.1"),
    (GOOD.replace("tests = 0.4", 'tests = "a lot"'), "give a number >= 0"),
    (GOOD.replace("corroboration = 0.25", "corroboration = 2"), "in [0, 1]"),
])
def test_bad_weights_are_named(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(UsageError, match=message.replace("[", r"\[")):
        scoring.weights(tmp_path / "course.toml")


def test_combine_renormalises_over_what_ran_and_prints_the_formula(tmp_path: Path) -> None:
    (tmp_path / "course.toml").write_text(GOOD)
    w = scoring.weights(tmp_path / "course.toml")
    value, formula = scoring.combine({"tests": 1.0, "cases": 0.5, "integration": None,
                                      "milestones": None}, w)
    assert value == 0.75 and formula == "0.5 x tests 1 + 0.5 x cases 0.5 = 0.75"
    assert scoring.combine(dict.fromkeys(scoring.KINDS), w)[0] == 0.0


def test_in_process_evidence_counts_only_as_far_as_the_cases_back_it() -> None:
    forged = {"tests": 1.0, "cases": 0.1, "integration": 1.0, "milestones": 1.0}
    parts, notes = scoring.corroborate(forged, 0.25)
    assert parts == {"tests": 0.0, "cases": 0.1, "integration": 0.0, "milestones": 0.0}
    assert len(notes) == 3 and "not corroborated" in notes[0]
    honest = {"tests": 0.9, "cases": 0.75, "integration": 1.0, "milestones": None}
    assert scoring.corroborate(honest, 0.25) == (honest, [])
    no_cases = {"tests": 1.0, "cases": None, "integration": None, "milestones": None}
    assert scoring.corroborate(no_cases, 0.25) == (no_cases, [])
