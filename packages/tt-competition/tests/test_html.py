"""render_html without a browser: the page's structure, escaping, number formats, winners,
refused rows, and that it is self-contained. (The sorting runs in a real browser in
integration/part4/test_leaderboard_browser.py.)

The boards are built by hand here, following the leaderboard document's contract.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from tinytorch.competition import render_html

EVIL = '<script>alert("pwned")</script>'


def columns() -> list[dict]:
    return [
        {"key": "name", "title": "Submission", "type": "text"},
        {"key": "accuracy", "title": "Accuracy", "type": "number", "better": "higher",
         "unit": "%"},
        {"key": "latency_ms", "title": "Latency", "type": "number", "better": "lower",
         "unit": "ms"},
        {"key": "file_bytes", "title": "File size", "type": "number", "better": "lower",
         "unit": "B"},
        {"key": "all_around_rank", "title": "All-around rank", "type": "number",
         "better": "lower"},
    ]


def scored(name: str, accuracy: float, latency: float, size: int, rank: int,
           won: tuple[str, ...] = (), author: str = "") -> dict:
    return {"name": name, "author": author, "status": "scored", "reason": None,
            "accuracy": accuracy, "latency_ms": latency, "file_bytes": size,
            "all_around_rank": rank, "events_won": list(won)}


def refused(name: str, reason: str) -> dict:
    return {"name": name, "author": "", "status": "refused", "reason": reason,
            "accuracy": None, "latency_ms": None, "file_bytes": None,
            "all_around_rank": None, "events_won": []}


def board(rows: list[dict], events: list[dict] | None = None) -> dict:
    return {
        "format": "tinytorch-leaderboard/1", "task": "digits",
        "generated": "2026-11-30T17:00:00Z",
        "machine": {"cpu": "Test CPU 3000", "load_average": [0.5, 1.25, 2.0],
                    "blas_threads": 1},
        "columns": columns(), "rows": rows,
        "events": events if events is not None else [
            {"id": "fastest", "title": "Fastest inference", "rule": "lowest median latency",
             "winner": "quick"},
            {"id": "smallest", "title": "Smallest model", "rule": "fewest file bytes",
             "winner": "quick"},
            {"id": "accuracy", "title": "Best accuracy", "rule": "highest accuracy within "
             "10 MB and 100 ms", "winner": None},
        ],
    }


class Page(HTMLParser):
    """Just enough of the page: header cells, body rows and cells, the events list."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headers: list[dict] = []
        self.rows: list[dict] = []
        self.events: list[dict] = []
        self.tags: list[str] = []
        self._cell: dict | None = None
        self._event: dict | None = None
        self._section = ""
        self._in_badge = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "th" and self._section == "thead":
            self._cell = {"attrs": a, "text": ""}
            self.headers.append(self._cell)
        elif tag == "tr" and self._section == "tbody":
            self.rows.append({"attrs": a, "cells": []})
        elif tag == "td":
            self._cell = {"attrs": a, "text": "", "badges": [], "name": ""}
            self.rows[-1]["cells"].append(self._cell)
        elif tag == "span" and a.get("class") == "badge":
            self._in_badge = True
            self._cell["badges"].append(a.get("data-event"))
        elif tag == "span" and a.get("class") == "text":
            self._cell["name_next"] = True
        elif tag == "li" and "data-event" in a:
            self._event = {"id": a["data-event"], "text": ""}
            self.events.append(self._event)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "span":
            self._in_badge = False
        elif tag == "li":
            self._event = None
        elif tag in ("thead", "tbody"):
            self._section = ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data
            if self._cell.pop("name_next", False):
                self._cell["name"] = data
        if self._event is not None:
            self._event["text"] += data


def names(page: Page) -> list[str]:
    return [row["cells"][0]["name"] for row in page.rows]


def test_one_header_per_column_in_order_sortable_and_unsorted() -> None:
    page = Page(render_html(board([scored("a", 90.0, 1.0, 1000, 1)])))
    assert [h["attrs"]["data-key"] for h in page.headers] == [c["key"] for c in columns()]
    assert [h["attrs"]["data-type"] for h in page.headers] == [
        "text", "number", "number", "number", "number"]
    assert all(h["attrs"]["aria-sort"] == "none" for h in page.headers)
    assert page.headers[2]["text"].startswith("Latency (ms)")
    assert "lower is better" in page.headers[2]["text"]
    assert page.tags.count("button") == len(columns())  # every header is clickable
    assert page.tags.count("table") == 1


def test_rows_keep_the_boards_order_with_refused_rows_last() -> None:
    rows = [refused("broken", "weights.npz holds a pickle"),
            scored("first", 99.0, 5.0, 2000, 1), scored("second", 80.0, 1.0, 500, 2),
            refused("too-big", "over the size limit")]
    page = Page(render_html(board(rows)))
    assert names(page) == ["first", "second", "broken", "too-big"]
    assert [r["attrs"]["data-status"] for r in page.rows] == [
        "scored", "scored", "refused", "refused"]
    assert [r["attrs"]["data-index"] for r in page.rows] == ["1", "2", "0", "3"]


def test_refused_rows_show_their_reason_and_no_metrics() -> None:
    page = Page(render_html(board([scored("ok", 90.0, 1.0, 100, 1),
                                   refused("bad", "unknown layer 'Evil'")])))
    row = page.rows[1]
    assert len(row["cells"]) == 2
    assert row["cells"][1]["text"] == "refused: unknown layer 'Evil'"
    assert row["cells"][1]["attrs"]["colspan"] == str(len(columns()) - 1)
    assert "refused" in row["attrs"]["class"].split()


def test_an_author_column_is_its_own_cell_also_in_refused_rows() -> None:
    b = board([scored("ok", 90.0, 1.0, 100, 1, author="Ada"),
               {**refused("bad", "bad JSON"), "author": "Bob"}])
    b["columns"].insert(1, {"key": "author", "title": "Author", "type": "text"})
    page = Page(render_html(b))
    ok, bad = page.rows
    assert [c["text"] for c in ok["cells"][:2]] == ["ok", "Ada"]  # not repeated under the name
    assert [c["attrs"]["data-value"] for c in bad["cells"][:2]] == ["bad", "Bob"]
    assert bad["cells"][2]["text"] == "refused: bad JSON"
    assert bad["cells"][2]["attrs"]["colspan"] == str(len(b["columns"]) - 2)


def test_without_an_author_column_the_author_shows_under_the_name() -> None:
    page = Page(render_html(board([scored("ok", 90.0, 1.0, 100, 1, author="Ada")])))
    assert page.rows[0]["cells"][0]["text"] == "okAda"


def test_an_unsteady_latency_is_marked() -> None:
    steady, unsteady = scored("s", 90.0, 1.0, 100, 1), scored("u", 90.0, 2.0, 100, 2)
    steady["latency_reliable"], unsteady["latency_reliable"] = True, False
    text = render_html(board([steady, unsteady]))
    page = Page(text)
    assert page.rows[0]["cells"][2]["text"] == "1.00 ms"
    assert page.rows[1]["cells"][2]["text"] == "2.00 ms*"
    assert text.count('class="unsteady"') == 1


def test_numbers_are_human_readable_and_sort_by_the_raw_value() -> None:
    rows = [scored("x", 97.5, 0.41234, 1_234_567, 3), scored("y", 100.0, 1234.5, 999_999, 1),
            scored("z", 0.0, 12.0, 1000, 2), scored("w", 50.0, 0.5, 512, 4)]
    page = Page(render_html(board(rows)))
    cells = {row["cells"][0]["name"]: row["cells"] for row in page.rows}
    x = cells["x"]
    assert [c["text"] for c in x[1:]] == ["97.50%", "0.412 ms", "1.23 MB", "3"]
    assert [float(c["attrs"]["data-value"]) for c in x[1:]] == [97.5, 0.41234, 1_234_567, 3]
    assert x[3]["attrs"]["title"] == "1,234,567 bytes"
    assert [c["text"] for c in cells["y"][1:]] == ["100.00%", "1,234 ms", "1.00 MB", "1"]
    assert [c["text"] for c in cells["z"][1:3]] == ["0.00%", "12.0 ms"]
    assert cells["z"][3]["text"] == "1.00 kB"
    assert cells["w"][3]["text"] == "512 B"


def test_a_null_metric_of_a_scored_row_is_a_dash_with_an_empty_sort_value() -> None:
    row = scored("partial", 90.0, 1.0, 100, 1)
    row["latency_ms"] = None
    del row["all_around_rank"]  # a missing key reads as null too
    page = Page(render_html(board([row])))
    cells = page.rows[0]["cells"]
    assert cells[2]["text"] == "\u2014" and cells[2]["attrs"]["data-value"] == ""
    assert cells[4]["text"] == "\u2014" and cells[4]["attrs"]["data-value"] == ""


def test_names_authors_reasons_and_events_are_escaped() -> None:
    rows = [scored(EVIL, 90.0, 1.0, 100, 1, won=("fastest",), author='Eve "&" <b>'),
            refused('<img src=x onerror="alert(1)">', "<iframe>")]
    events = [{"id": "fastest", "title": "<i>Fast</i>", "rule": "a < b && c > d",
               "winner": EVIL}]
    b = board(rows, events)
    b["machine"]["cpu"] = "<marquee>CPU</marquee>"
    text = render_html(b)
    assert text.count("<script") == 1  # only the page's own script
    for raw in ("<img", "<iframe", "<i>", "<marquee", "<b>"):
        assert raw not in text
    page = Page(text)
    assert page.rows[0]["cells"][0]["name"] == EVIL  # shown as text, exactly
    assert 'Eve "&" <b>' in page.rows[0]["cells"][0]["text"]
    assert page.rows[1]["cells"][1]["text"] == "refused: <iframe>"
    assert EVIL in page.events[0]["text"] and "a < b && c > d" in page.events[0]["text"]
    assert page.tags.count("script") == 1 and "img" not in page.tags


def test_winners_get_one_badge_per_event_won() -> None:
    rows = [scored("slow", 99.0, 50.0, 10_000, 2, won=("accuracy",)),
            scored("quick", 90.0, 0.2, 800, 1, won=("fastest", "smallest")),
            scored("nothing", 80.0, 3.0, 5_000, 3)]
    events = [{"id": "fastest", "title": "Fastest inference", "rule": "r1", "winner": "quick"},
              {"id": "smallest", "title": "Smallest model", "rule": "r2", "winner": "quick"},
              {"id": "accuracy", "title": "Best accuracy", "rule": "r3", "winner": "slow"}]
    page = Page(render_html(board(rows, events)))
    badges = {row["cells"][0]["name"]: row["cells"][0]["badges"] for row in page.rows}
    assert badges == {"slow": ["accuracy"], "quick": ["fastest", "smallest"], "nothing": []}
    classes = {row["cells"][0]["name"]: row["attrs"]["class"].split() for row in page.rows}
    assert "winner" in classes["quick"] and "winner" not in classes["nothing"]
    assert "Fastest inference" in page.rows[1]["cells"][0]["text"]


def test_events_section_lists_each_rule_and_winner() -> None:
    page = Page(render_html(board([scored("quick", 90.0, 0.2, 800, 1,
                                          won=("fastest", "smallest"))])))
    assert [e["id"] for e in page.events] == ["fastest", "smallest", "accuracy"]
    assert "lowest median latency" in page.events[0]["text"]
    assert "Winner: quick" in page.events[0]["text"]
    assert "highest accuracy within 10 MB and 100 ms" in page.events[2]["text"]
    assert "no submission qualified" in page.events[2]["text"]


def test_machine_line_and_generation_time_are_shown() -> None:
    b = board([scored("a", 90.0, 1.0, 100, 1)])
    b["machine"]["cores"] = 2
    text = render_html(b)
    assert "Test CPU 3000 (2 cores)" in text
    assert "load average 0.50 / 1.25 / 2.00" in text
    assert "BLAS threads 1" in text
    assert "2026-11-30T17:00:00Z" in text
    assert "<title>TinyTorch leaderboard: digits</title>" in text


def test_the_page_is_self_contained() -> None:
    text = render_html(board([scored("a", 90.0, 1.0, 100, 1), refused("b", "bad")]))
    assert text.startswith("<!DOCTYPE html>")
    for reference in ("http://", "https://", "<link", " src=", "@import", "url(", "@font-face"):
        assert reference not in text
    assert "<style>" in text and "<script>" in text


def test_an_empty_class_still_renders() -> None:
    page = Page(render_html(board([], events=[])))
    assert page.rows == [] and len(page.headers) == len(columns())


@pytest.mark.parametrize(("change", "error", "words"), [
    (lambda b: b.update(format="tinytorch-leaderboard/2"), ValueError, "format"),
    (lambda b: b.pop("rows"), ValueError, "rows"),
    (lambda b: b["columns"][1].update(type="float"), ValueError, "accuracy"),
    (lambda b: b["columns"][0].pop("key"), ValueError, "columns[0]"),
    (lambda b: b["rows"].append("not a row"), ValueError, "rows[1]"),
])
def test_a_board_that_breaks_the_contract_is_refused_by_name(change, error, words) -> None:
    b = board([scored("a", 90.0, 1.0, 100, 1)])
    change(b)
    with pytest.raises(error, match="render_html") as info:
        render_html(b)
    assert words in str(info.value)


def test_a_non_dict_board_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="render_html: board must be a dict, got list"):
        render_html([])
