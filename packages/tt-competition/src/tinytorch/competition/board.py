"""The leaderboard: one JSON document, written as leaderboard.json, .md and .html.

`leaderboard(results, task)` turns a class's results into the document the
HTML page (`html.render_html`) and the Markdown table are made from:
format, task, generation time (UTC), the machine the numbers were measured
on (CPU, load average, BLAS threads), the columns (key, title, type, which
way is better, unit), one row per submission (scored rows in all-around
order, then refused rows with their reasons and null metrics) and the
events with their rules and winners. Accuracy is in percent in the rows
(97.5 means 97.5%); every number comes from `Score`, i.e. from measurement.

`write_leaderboard(board, out_dir)` writes the three files atomically and
returns their paths.
"""

from __future__ import annotations

import json
import math
import platform
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any

from tinytorch.benchmarking import machine_info

from .events import EVENTS, Limits, all_around_order, winners
from .files import write_text_atomic
from .html import FORMAT, render_html
from .result import Result
from .tasks import TASKS


def _column(key: str, title: str, kind: str = "number", better: str | None = None,
            unit: str | None = None) -> dict[str, Any]:
    column: dict[str, Any] = {"key": key, "title": title, "type": kind}
    if better:
        column["better"] = better
    if unit:
        column["unit"] = unit
    return column


def columns(task: str) -> list[dict[str, Any]]:
    """The leaderboard's columns for `task` (TinyGPT adds its loss)."""
    out = [_column("name", "Submission", "text"), _column("author", "Author", "text"),
           _column("accuracy", "Accuracy", better="higher", unit="%")]
    if TASKS[task].kind == "text":
        out.append(_column("loss", "Loss", better="lower", unit="nats"))
    out += [_column("latency_ms", "Latency" + (" per token" if TASKS[task].kind == "text"
                                               else ""), better="lower", unit="ms"),
            _column("latency_iqr_ms", "Latency IQR", better="lower", unit="ms"),
            _column("file_bytes", "File size", better="lower", unit="B"),
            _column("peak_memory_bytes", "Peak memory", better="lower", unit="B"),
            _column("all_around_rank", "All-around rank", better="lower")]
    return out


def cpu_name() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _row(r: Result, place: dict[str, int], won: list[str]) -> dict[str, Any]:
    s = r.score
    return {"id": r.id, "name": r.name, "author": r.author, "status": r.status,
            "reason": r.reason,
            "accuracy": None if s is None else 100 * s.accuracy,
            "loss": None if s is None or s.loss is None or not math.isfinite(s.loss) else s.loss,
            "latency_ms": None if s is None else s.latency_ms,
            "latency_iqr_ms": None if s is None else s.latency_iqr_ms,
            "latency_reliable": None if s is None else s.latency_reliable,
            "file_bytes": None if s is None else s.file_bytes,
            "peak_memory_bytes": None if s is None else s.peak_memory_bytes,
            "all_around_rank": place.get(r.id), "events_won": won}


def leaderboard(results: list[Result], task: str, floor: float | None = None,
                max_mb: float = 10.0, max_ms: float = 100.0) -> dict[str, Any]:
    """The leaderboard document of a class's `results` on `task` (see the module docstring)."""
    ### BEGIN SOLUTION
    if task not in TASKS:
        raise ValueError(f"leaderboard: unknown task {task!r}; tasks: {', '.join(TASKS)}")
    limits = Limits(TASKS[task].floor if floor is None else floor, max_mb, max_ms)
    won_by = winners(results, limits)
    place = all_around_order(results, limits)
    ordered = sorted((r for r in results if r.scored), key=lambda r: place[r.id])
    ordered += [r for r in results if not r.scored]
    machine = machine_info()
    return {
        "format": FORMAT, "task": task,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpu": cpu_name(), "cores": machine.cpus,
                    "load_average": list(machine.load_average or []),
                    "blas_threads": machine.blas_threads},
        "limits": {"floor": 100 * limits.floor, "max_mb": max_mb, "max_ms": max_ms},
        "columns": columns(task),
        "rows": [_row(r, place, [e.id for e in EVENTS if won_by[e.id] is r]) for r in ordered],
        "events": [{"id": e.id, "title": e.title_for(limits), "rule": e.rule_for(limits),
                    "winner": None if won_by[e.id] is None else won_by[e.id].name}
                   for e in EVENTS],
    }
    ### END SOLUTION


def _cell(value: Any, column: dict[str, Any]) -> str:
    if value is None:
        return "-"
    if column.get("unit") == "%":
        return f"{value:.2f}%"
    if column.get("unit") == "B":
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    # Names and reasons come from students: as text, never as Markdown's inline HTML.
    return escape(str(value), quote=False).replace("|", "\\|").replace("\n", " ")


def markdown(board: dict[str, Any]) -> str:
    """The leaderboard as Markdown: the table, refused submissions, the events and winners."""
    cols = [c for c in board["columns"] if c["key"] != "latency_iqr_ms"]
    head = [c["title"] + (f" ({c['unit']})" if c.get("unit") else "") for c in cols]
    lines = [f"# Leaderboard: {board['task']}", "",
             "| " + " | ".join([*head, "Events won"]) + " |",
             "|" + "---|" * (len(head) + 1)]
    for row in board["rows"]:
        if row["status"] != "scored":
            continue
        cells = [_cell(row[c["key"]], c) for c in cols]
        if row.get("latency_iqr_ms") is not None:
            i = [c["key"] for c in cols].index("latency_ms")
            cells[i] += f" (IQR {row['latency_iqr_ms']:.2g})"
        lines.append("| " + " | ".join([*cells, ", ".join(row["events_won"]) or "-"]) + " |")
    refused = [r for r in board["rows"] if r["status"] != "scored"]
    if refused:
        lines += ["", "Refused:", ""]
        lines += [f"- {_cell(r['name'], {})}: {_cell(r['reason'], {})}" for r in refused]
    lines += ["", "| Event | Winner | Rule |", "|---|---|---|"]
    lines += [f"| {e['title']} | {_cell(e['winner'], {})} | {e['rule']} |"
              for e in board["events"]]
    m = board["machine"]
    load = " ".join(f"{x:.2f}" for x in m["load_average"]) or "unknown"
    lines += ["", f"Measured {board['generated']} on {m['cpu']} ({m.get('cores', '?')} cores), "
                  f"load average {load}, {m['blas_threads']} BLAS thread(s)."]
    return "\n".join(lines) + "\n"


def write_leaderboard(board: dict[str, Any], out_dir: str | Path) -> dict[str, Path]:
    """Write leaderboard.json, leaderboard.md and leaderboard.html (atomically) to `out_dir`."""
    ### BEGIN SOLUTION
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {"json": write_text_atomic(out / "leaderboard.json", json.dumps(board, indent=2)
                                      + "\n"),
            "md": write_text_atomic(out / "leaderboard.md", markdown(board)),
            "html": write_text_atomic(out / "leaderboard.html", render_html(board))}
    ### END SOLUTION
