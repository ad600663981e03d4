"""The grade report: JSON for machines, Markdown for the student and the instructor.

The Markdown starts with what the grade is worth: sandboxed or not, and the
checkout's proof. Then one row per module (tests, cases, integration,
milestones, score), then per module what went wrong by name: the failing
tests with their first assertion line, the differential cases that differ,
the limits that were hit, and the score's formula.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .evidence import Counts
from .files import write_atomic

MAX_DETAIL = 25  # failing tests or cases listed per module in the Markdown


def report_data(student: Path, options: Any, grades: Any, skipped: Any, started: str,
                seconds: float, scoring: str, sandbox: str) -> dict[str, Any]:
    """Everything graded, as plain JSON-able data. `sandbox`: "" or why it is not sandboxed."""
    def one(g: Any) -> dict[str, Any]:
        d = asdict(g)
        for key in ("tests", "integration"):
            counts = getattr(g, key)
            if counts is not None:
                d[key]["ran"] = counts.ran
        return d

    return {
        "student": str(student),
        "started": started,
        "seconds": round(seconds, 1),
        "sandboxed": not sandbox,
        "sandbox": sandbox or "bubblewrap: no network, own processes, read-only course files, "
                              "limits; student code runs as another user where possible",
        "options": {"full": options.full, "only_tests": options.only_tests,
                    "torch": options.torch, "pytest_args": options.pytest_args,
                    "timeout": options.timeout, "test_timeout": options.test_timeout,
                    "memory_gib": options.memory_gib},
        "scoring": scoring,
        "modules": [one(g) for g in grades],
        "skipped": [asdict(s) for s in skipped],
        "checkout_changes": [],
    }


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


def _milestones_cell(milestones: dict[str, dict[str, Any]]) -> str:
    cells = []
    for name, r in milestones.items():
        if r["status"] == "skipped":
            cells.append(f"{name} skipped")
            continue
        value = "?" if r.get("value") is None else f"{r['value']:.4g}"
        target = "?" if r.get("target") is None else f"{r['target']:.4g}"
        cells.append(f"{name} {'passed' if r['passed'] else 'FAILED'} {value}/{target}")
    return ", ".join(cells) or "-"


def _counts_cell(counts: dict[str, Any] | None) -> str:
    if counts is None:
        return "-"
    fields = {k: v for k, v in counts.items() if k != "ran"}
    return _cell(Counts(**fields).summary())


def _cases_cell(cases: dict[str, Any] | None) -> str:
    if not cases:
        return "-"
    return f"{cases['passed']}/{cases['total']}" + (f" [{cases['detail']}]" if cases["detail"]
                                                     else "")


def _header(data: dict[str, Any]) -> list[str]:
    if data["checkout_changes"]:
        first = ("**NO GRADE: grading changed the course's checkout** ("
                 + ", ".join(data["checkout_changes"][:10]) + "). Restore it and grade again.")
    elif not data["sandboxed"]:
        first = (f"**UNSANDBOXED: these grades are not tamper-proof** ({data['sandbox']}).")
    else:
        first = f"Sandboxed ({data['sandbox']}); the checkout was unchanged by grading."
    return [first, "", f"# Grades for {data['student']}", "",
            f"Started {data['started']}, {data['seconds']} s. {data['scoring']}.", ""]


def table(data: dict[str, Any]) -> str:
    """The report as Markdown: the header, one row per package, the details, the skipped."""
    lines = [*_header(data),
             "| module | tests passed/ran | cases | integration | milestones | score | "
             "reason / notes |",
             "|---|---|---|---|---|---|---|"]
    for g in data["modules"]:
        score_text = "-" if g["score"] is None else f"{g['score']:g}"
        why = "; ".join([g["reason"], *g["notes"]] if g["reason"] else g["notes"])
        if g["status"] != "graded":
            why = f"{g['status'].upper()}: {why}"
        lines.append(
            f"| {g['module']:02d} {g['dist']} | {_counts_cell(g['tests'])} | "
            f"{_cell(_cases_cell(g['cases']))} | {_counts_cell(g['integration'])} | "
            f"{_cell(_milestones_cell(g['milestones']))} | {score_text} | {_cell(why)} |"
        )
    if not data["modules"]:
        lines.append("| (no package of the course found) | | | | | | |")
    for g in data["modules"]:
        lines += _details(g)
    if data["skipped"]:
        lines += ["", "Skipped entries (not graded):", ""]
        lines += [f"- `{s['path']}`: {s['reason']}" for s in data["skipped"]]
    return "\n".join(lines) + "\n"


def _details(g: dict[str, Any]) -> list[str]:
    """What went wrong in one module, by name."""
    items = []
    if g["formula"]:
        items.append(f"score: {g['formula']}")
    items += [f"limit: {text}" for text in g["limits"]]
    for key in ("tests", "integration"):
        counts = g[key] or {}
        items += [f"{key}: {flag}" for flag in counts.get("flags", [])]
        items += [f"{key} failed: `{_cell(text)}`" for text in counts.get("failures", [])]
    items += [f"case differs: {_cell(text)}" for text in (g["cases"] or {}).get("differ", [])]
    if not items:
        return []
    shown = items[:MAX_DETAIL] + ([f"... and {len(items) - MAX_DETAIL} more (see the JSON)"]
                                  if len(items) > MAX_DETAIL else [])
    return ["", f"## {g['module']:02d} {g['dist']}", "", *[f"- {item}" for item in shown]]


def files_dir(base: Path) -> Path:
    """`PATH.files/`: what grading each package left (wheels, logs, JUnit XML, reports)."""
    return base.with_name(base.name + ".files")


def write_report(base: Path, data: dict[str, Any]) -> tuple[Path, Path, str]:
    """`base.json` and `base.md`; returns both paths and the table."""
    text = table(data)
    json_path, md_path = base.with_name(base.name + ".json"), base.with_name(base.name + ".md")
    write_atomic(json_path, json.dumps(data, indent=2) + "\n")
    write_atomic(md_path, text)
    return json_path, md_path, text
