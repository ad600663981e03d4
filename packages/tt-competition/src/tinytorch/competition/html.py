"""The leaderboard as one static HTML page: `render_html(board) -> str`.

The page is what a class looks at after the instructor scores every
submission, so it must open anywhere, offline, years later: ONE file with its
CSS and a few lines of vanilla JavaScript inline, no network, no fonts, no
libraries. It shows

- a table with one column per entry of `board["columns"]`; clicking a header
  sorts by it (numbers numerically, text alphabetically; a second click
  reverses; the header's `aria-sort` says which way). Rows without a value
  and refused submissions always stay at the bottom, whichever way you sort;
- each number human-readable (`1.23 MB`, `0.412 ms`, `97.50%`) while the
  sort uses the raw measurement kept in the cell's `data-value` attribute,
  so `900 kB` sorts below `1.2 MB`;
- a badge in the row of each event's winner, one per event won, and an
  events section with each event's rule and winner;
- the machine the numbers were measured on and when.

Every string that comes from the board is HTML-escaped: submission names and
authors are written by students, and a name like `<script>` must show as
text, never run. No board data is ever placed inside the script.

Cost: linear in the number of rows; a class of a few hundred submissions is a
page of some hundred kilobytes.
"""

from __future__ import annotations

import math
from html import escape
from string import Template
from typing import Any

FORMAT = "tinytorch-leaderboard/1"
_BYTE_UNITS = ("B", "kB", "MB", "GB", "TB")
_MISSING = "\u2014"  # an em dash where a value is null


def _rounded(value: float, digits: int) -> float:
    """`value` rounded to `digits` significant digits (0: to an integer)."""
    return float(round(value)) if digits == 0 else float(f"{value:.{digits}g}")


def _significant(value: float, digits: int) -> str:
    """`value` in fixed notation with `digits` significant digits (never 1e+03)."""
    shown = _rounded(value, digits)
    if shown == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(shown))))
    return f"{value:,.{decimals}f}"


def human_bytes(n: float) -> str:
    """A byte count for people: 512 B, 1.23 kB, 45.6 MB (decimal units: 1 MB = 10**6 B).

    Decimal units match the competition's limits ("within 10 MB") and the file
    sizes that operating systems show; the exact count stays in the page.
    """
    ### BEGIN SOLUTION
    value = float(n)
    unit = 0
    # compare the value as SHOWN, so 999,999 B reads "1.00 MB", not "1,000 kB"
    while unit < len(_BYTE_UNITS) - 1 and abs(_rounded(value, 0 if unit == 0 else 3)) >= 1000:
        value /= 1000
        unit += 1
    if unit == 0:
        return f"{round(value)} B"
    return f"{_significant(value, 3)} {_BYTE_UNITS[unit]}"
    ### END SOLUTION


def _is_bytes(column: dict[str, Any]) -> bool:
    return column.get("unit") in ("B", "bytes") or str(column["key"]).endswith("_bytes")


def format_value(value: Any, column: dict[str, Any]) -> str:
    """How one cell's value reads: the column's unit decides (bytes, %, ms, plain numbers).

    `None` (and a non-finite number) is shown as a dash; a percentage is
    already in percent (97.5 means 97.5%).
    """
    ### BEGIN SOLUTION
    if column.get("type") != "number":
        return "" if value is None else str(value)
    if not _is_number(value):
        return _MISSING
    unit = column.get("unit") or ""
    if _is_bytes(column):
        return human_bytes(value)
    if unit == "%":
        return f"{value:.2f}%"
    if float(value).is_integer() and not unit:
        return f"{int(value):,}"
    text = _significant(float(value), 3)
    return f"{text} {unit}" if unit else text
    ### END SOLUTION


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _check(board: Any) -> None:
    """Refuse a board that does not follow the leaderboard document's contract."""
    if not isinstance(board, dict):
        raise TypeError(f"render_html: board must be a dict, got {type(board).__name__}")
    if board.get("format") != FORMAT:
        raise ValueError(f"render_html: board format is {board.get('format')!r}, "
                         f"expected {FORMAT!r}")
    for key in ("columns", "rows", "events"):
        if not isinstance(board.get(key), list):
            raise ValueError(f"render_html: board[{key!r}] must be a list")
    for i, column in enumerate(board["columns"]):
        if not isinstance(column, dict) or "key" not in column or "title" not in column:
            raise ValueError(f"render_html: columns[{i}] needs 'key' and 'title'")
        if column.get("type") not in ("text", "number"):
            raise ValueError(f"render_html: column {column['key']!r} has type "
                             f"{column.get('type')!r}, expected 'text' or 'number'")
    for i, row in enumerate(board["rows"]):
        if not isinstance(row, dict):
            raise ValueError(f"render_html: rows[{i}] must be a dict")


def _attr(value: Any) -> str:
    return escape(str(value), quote=True)


def _header(column: dict[str, Any]) -> str:
    better = column.get("better")
    hint = f'<span class="hint">{_attr(better)} is better</span>' if better else ""
    # a byte column shows kB / MB per cell, so its header names no unit
    unit = (f" ({_attr(column['unit'])})" if column.get("unit") and not _is_bytes(column)
            else "")
    align = ' class="num"' if column["type"] == "number" else ""
    return (f'<th scope="col"{align} aria-sort="none" data-key="{_attr(column["key"])}" '
            f'data-type="{_attr(column["type"])}"><button type="button">'
            f'{_attr(column["title"])}{unit}</button>{hint}</th>')


def _badges(row: dict[str, Any], titles: dict[str, str]) -> str:
    won = row.get("events_won") or []
    if not won:
        return ""
    return '<span class="badges">' + "".join(
        f'<span class="badge" data-event="{_attr(e)}" title="winner: {_attr(titles.get(e, e))}"'
        f'>&#9733; {_attr(titles.get(e, e))}</span>' for e in won) + "</span>"


def _cell(row: dict[str, Any], column: dict[str, Any], extra: str = "") -> str:
    """One `<td>`: the shown text, the raw sort value in `data-value`, and `extra` markup."""
    value = row.get(column["key"])
    if column["type"] == "number":
        raw = repr(float(value)) if _is_number(value) else ""
        exact = (f' title="{int(value):,} bytes"'
                 if _is_bytes(column) and _is_number(value) else "")
        if column["key"] == "latency_ms" and row.get("latency_reliable") is False:
            extra += ('<abbr class="unsteady" title="the machine was not quiet while this '
                      'was timed: the spread is large">*</abbr>')
        return (f'<td class="num" data-value="{raw}"{exact}>'
                f"{_attr(format_value(value, column))}{extra}</td>")
    text = "" if value is None else str(value)
    return f'<td data-value="{_attr(text)}"><span class="text">{_attr(text)}</span>{extra}</td>'


def _row(index: int, row: dict[str, Any], columns: list[dict[str, Any]],
         titles: dict[str, str]) -> str:
    """One `<tr>`; the first cell also holds the author (without an author column) and the
    badges; a refused row keeps its leading text cells, then its reason spans the rest."""
    status = "refused" if row.get("status") == "refused" else "scored"
    classes = [status] + (["winner"] if row.get("events_won") else [])
    first = ""
    if row.get("author") and not any(c["key"] == "author" for c in columns):
        first += f'<span class="author">{_attr(row["author"])}</span>'
    first += _badges(row, titles)
    shown = columns
    if status == "refused":
        shown = columns[:1]
        while len(shown) < len(columns) and columns[len(shown)]["type"] == "text":
            shown = columns[:len(shown) + 1]
    cells = [_cell(row, c, first if i == 0 else "") for i, c in enumerate(shown)]
    if len(shown) < len(columns):
        reason = row.get("reason") or "no reason given"
        cells.append(f'<td class="reason" colspan="{len(columns) - len(shown)}">'
                     f"refused: {_attr(reason)}</td>")
    return (f'<tr class="{" ".join(classes)}" data-status="{status}" data-index="{index}">'
            f'{"".join(cells)}</tr>')


def _events(events: list[dict[str, Any]]) -> str:
    items = []
    for event in events:
        winner = event.get("winner")
        who = (f'<strong class="event-winner">{_attr(winner)}</strong>' if winner
               else '<em>no submission qualified</em>')
        items.append(f'<li data-event="{_attr(event.get("id", ""))}"><h3>'
                     f'{_attr(event.get("title", event.get("id", "")))}</h3>'
                     f'<p class="rule">{_attr(event.get("rule", ""))}</p>'
                     f"<p>Winner: {who}</p></li>")
    return "".join(items)


def _machine(board: dict[str, Any]) -> str:
    machine = board.get("machine") or {}
    parts = []
    if machine.get("cpu"):
        cores = f" ({machine['cores']} cores)" if machine.get("cores") else ""
        parts.append(f"CPU {machine['cpu']}{cores}")
    load = machine.get("load_average")
    if isinstance(load, (list, tuple)) and load:
        parts.append("load average " + " / ".join(
            f"{x:.2f}" if _is_number(x) else str(x) for x in load))
    if machine.get("blas_threads") is not None:
        parts.append(f"BLAS threads {machine['blas_threads']}")
    parts.append(f"generated {board.get('generated') or 'at an unknown time'}")
    return _attr("Measured on this machine: " + "; ".join(parts))


def render_html(board: dict[str, Any]) -> str:
    """The leaderboard document (format `tinytorch-leaderboard/1`) as one static HTML page.

    Scored rows come first in the board's own order, refused ones after them
    with their reason. Raises ValueError (TypeError for a non-dict) naming
    what in the board breaks the contract.
    """
    _check(board)
    columns = board["columns"]
    titles = {str(e.get("id")): str(e.get("title") or e.get("id")) for e in board["events"]
              if isinstance(e, dict)}
    rows = sorted(enumerate(board["rows"]), key=lambda ir: ir[1].get("status") == "refused")
    task = _attr(board.get("task", ""))
    body = "".join(_row(i, r, columns, titles) for i, r in rows)
    return _PAGE.substitute(
        task=task,
        machine=_machine(board),
        head="".join(_header(c) for c in columns),
        body=body,
        nrows=len(board["rows"]),
        events=_events([e for e in board["events"] if isinstance(e, dict)]),
        css=_CSS,
        js=_JS,
    )


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; background: #fff; }
h1 { margin-bottom: .2rem; }
.machine { color: #555; font-size: .9rem; }
table { border-collapse: collapse; margin: 1rem 0; min-width: 60%; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .7rem; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0;
  cursor: pointer; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
th .hint { display: block; font-weight: 400; font-size: .75rem; color: #666; }
thead th { background: #f1f3f7; position: sticky; top: 0; }
tr.winner { background: #fff8dc; }
tr.refused { color: #777; background: #f7f7f7; }
td.reason { font-style: italic; color: #a33; }
.unsteady { color: #a33; text-decoration: none; cursor: help; }
.author, .badges { display: block; font-size: .8rem; color: #666; }
.badge { display: inline-block; margin: .15rem .3rem 0 0; padding: .05rem .45rem;
  border-radius: .8rem; background: #f5c400; color: #222; font-size: .75rem; font-weight: 600; }
.events { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.events li { border: 1px solid #ddd; border-radius: .4rem; padding: .2rem 1rem; width: 18rem; }
.events h3 { margin: .5rem 0 .2rem; font-size: 1rem; }
.rule { color: #444; font-size: .9rem; }
"""

# Sorting: rows with a value first (ordered by it), then scored rows without one,
# then refused rows; the last two keep the board's order whichever way one sorts.
_JS = """
(function () {
  var table = document.getElementById("leaderboard");
  var tbody = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function sortBy(th) {
    var col = headers.indexOf(th);
    var numeric = th.getAttribute("data-type") === "number";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    headers.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(tbody.rows);
    function key(tr) {
      var refused = tr.getAttribute("data-status") === "refused";
      var cell = refused ? null : tr.cells[col];
      var raw = cell ? cell.getAttribute("data-value") : "";
      var value = numeric ? parseFloat(raw) : raw;
      var missing = refused ? 2 : ((numeric ? isNaN(value) : raw === "") ? 1 : 0);
      return {group: missing, value: value, index: +tr.getAttribute("data-index")};
    }
    var keyed = rows.map(function (tr) { return {tr: tr, k: key(tr)}; });
    keyed.sort(function (a, b) {
      if (a.k.group !== b.k.group) { return a.k.group - b.k.group; }
      if (a.k.group === 0) {
        var c = numeric ? a.k.value - b.k.value
          : a.k.value.localeCompare(b.k.value, undefined, {numeric: true, sensitivity: "base"});
        if (c !== 0) { return dir * c; }
      }
      return a.k.index - b.k.index;
    });
    keyed.forEach(function (x) { tbody.appendChild(x.tr); });
  }
  headers.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () { sortBy(th); });
  });
})();
"""

_PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TinyTorch leaderboard: ${task}</title>
<style>${css}</style>
</head>
<body>
<h1>TinyTorch leaderboard: ${task}</h1>
<p class="machine" id="machine">${machine}</p>
<p>${nrows} submission(s). Click a column's header to sort by it; click again to reverse.
Refused submissions stay at the bottom with their reason.</p>
<table id="leaderboard">
<thead><tr>${head}</tr></thead>
<tbody>${body}</tbody>
</table>
<h2>Events</h2>
<ul class="events" id="events">${events}</ul>
<script>${js}</script>
</body>
</html>
""")
