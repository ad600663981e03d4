"""The events pick the right winners on hand-made results; the all-around formula."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from tinytorch.competition import (
    EVENTS,
    Limits,
    Result,
    Score,
    accuracy_per_size,
    leaderboard,
    markdown,
    mean_ranks,
    ranks,
    winners,
    write_leaderboard,
)


def row(name: str, accuracy: float, latency: float, size: int, memory: int) -> Result:
    score = Score("digits", accuracy, None, size, memory, latency, 0.01 * latency, True)
    return Result(name, name, "", "scored", None, score)


def results() -> list[Result]:
    return [
        row("accurate-but-big", 0.99, 50.0, 12_000_000, 9_000_000),  # over 10 MB
        row("good", 0.97, 2.0, 200_000, 300_000),
        row("fast-guess", 0.50, 0.1, 1_000, 2_000),  # below the 0.90 floor
        row("quick", 0.92, 0.5, 150_000, 250_000),
        row("tiny", 0.91, 3.0, 20_000, 90_000),
        row("slow", 0.98, 150.0, 100_000, 200_000),  # over 100 ms
        Result("broken", "broken", "", "refused", "spec.json: unknown layer 'Evil'"),
    ]


def test_each_event_has_its_winner() -> None:
    won = winners(results(), Limits(floor=0.90))
    assert {e: (r.name if r else None) for e, r in won.items()} == {
        "best-accuracy": "good",  # accurate-but-big is over 10 MB, slow over 100 ms
        "fastest": "quick",  # fast-guess is faster but under the floor
        "smallest": "tiny",
        # 0.91 / log10(20 000) = 0.212 beats slow's 0.98 / 5 = 0.196 and the guess's 0.5 / 3
        "accuracy-per-size": "tiny",
        "lowest-memory": "tiny",
        "all-around": "tiny",  # mean rank 3.25; fast-guess has 2.25 but is under the floor
    }
    assert [e.id for e in EVENTS] == list(won)


def test_limits_change_the_winners() -> None:
    won = winners(results(), Limits(floor=0.40, max_mb=20, max_ms=200))
    assert won["best-accuracy"].name == "accurate-but-big"
    assert won["fastest"].name == "fast-guess" and won["smallest"].name == "fast-guess"
    assert winners(results(), Limits(floor=1.0))["fastest"] is None  # nobody qualifies


def test_ranks_share_places_on_ties() -> None:
    assert ranks([3.0, 1.0, 2.0]) == [3.0, 1.0, 2.0]
    assert ranks([5, 1, 5, 0]) == [3.5, 2.0, 3.5, 1.0]


def test_all_around_is_the_mean_of_four_ranks() -> None:
    rs = results()
    means = mean_ranks(rs)
    # "quick": accuracy rank 4 of 6, latency 2, bytes 4, memory 4
    assert means["quick"] == pytest.approx((4 + 2 + 4 + 4) / 4)
    assert means["tiny"] == pytest.approx((5 + 4 + 2 + 2) / 4)
    assert means["fast-guess"] == pytest.approx((6 + 1 + 1 + 1) / 4)
    assert "broken" not in means


def test_all_around_ties_go_to_the_higher_accuracy() -> None:
    a = row("a", 0.95, 1.0, 2000, 1000)
    b = row("b", 0.96, 2.0, 1000, 2000)
    means = mean_ranks([a, b])
    assert means["a"] == means["b"] == 1.5
    assert winners([a, b], Limits(0.5))["all-around"].name == "b"
    assert winners([b, a], Limits(0.5))["all-around"].name == "b"


def test_accuracy_per_size_formula() -> None:
    assert accuracy_per_size(0.9, 10_000) == pytest.approx(0.9 / 4)
    assert accuracy_per_size(0.9, 1) == pytest.approx(0.9)  # no division by log10(1) = 0
    assert math.isfinite(accuracy_per_size(0.0, 0))


def test_the_leaderboard_document(tmp_path: Path) -> None:
    board = leaderboard(results(), "digits")
    assert board["format"] == "tinytorch-leaderboard/1" and board["task"] == "digits"
    assert [r["name"] for r in board["rows"]][-1] == "broken"
    refused = board["rows"][-1]
    assert refused["status"] == "refused" and refused["accuracy"] is None
    assert refused["reason"] == "spec.json: unknown layer 'Evil'"
    # all-around order; slow and quick tie at 3.5 (slow is more accurate); the guess is last
    assert [r["name"] for r in board["rows"]] == ["tiny", "slow", "quick", "good",
                                                  "accurate-but-big", "fast-guess", "broken"]
    assert [r["all_around_rank"] for r in board["rows"]] == [1, 2, 3, 4, 5, 6, None]
    assert board["rows"][0]["accuracy"] == pytest.approx(91.0)  # percent
    assert set(board["rows"][0]["events_won"]) == {"smallest", "accuracy-per-size",
                                                  "lowest-memory", "all-around"}
    assert board["rows"][2]["events_won"] == ["fastest"]
    keys = [c["key"] for c in board["columns"]]
    assert keys[0] == "name" and {"accuracy", "latency_ms", "latency_iqr_ms", "file_bytes",
                                  "peak_memory_bytes", "all_around_rank"} <= set(keys)
    events = {e["id"]: e for e in board["events"]}
    assert events["smallest"]["winner"] == "tiny" and "90%" in events["smallest"]["rule"]
    assert len(board["machine"]["load_average"]) in (0, 3)
    paths = write_leaderboard(board, tmp_path / "out")
    assert json.loads(paths["json"].read_text()) == board
    md = paths["md"].read_text()
    assert md == markdown(board) and "| tiny |" in md and "unknown layer 'Evil'" in md
    html = paths["html"].read_text()
    assert html.lstrip().lower().startswith("<!doctype html") and "quick" in html
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "leaderboard.html", "leaderboard.json", "leaderboard.md"]  # no temp files left


def test_a_floor_override() -> None:
    board = leaderboard(results(), "digits", floor=0.4)
    assert {e["id"]: e["winner"] for e in board["events"]}["fastest"] == "fast-guess"
    assert board["limits"]["floor"] == pytest.approx(40.0)


def test_markdown_shows_a_students_html_as_text() -> None:
    evil = Result("x", "<script>alert(1)</script> | col", "", "scored", None,
                  row("x", 0.95, 1.0, 1_000, 1_000).score)
    md = markdown(leaderboard([evil], "digits"))
    assert "<script>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| col" in md
