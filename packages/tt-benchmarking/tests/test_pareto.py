"""pareto_front against the definition (brute force), its options and errors; plot_pareto
writes a PNG atomically with matplotlib and names the install without it."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from tinytorch.benchmarking import pareto_front, plot_pareto


def brute_force(points, minimize=(True, False)):
    """The definition: i is on the front when no j is as good on both axes, better on one."""
    cost = np.asarray(points, float) * [1 if m else -1 for m in minimize]
    front = [i for i in range(len(cost))
             if not any((cost[j] <= cost[i]).all() and (cost[j] < cost[i]).any()
                        for j in range(len(cost)))]
    return sorted(front, key=lambda i: (points[i][0], i))


def test_small_front_by_hand():
    points = [(1, 0.5), (2, 0.9), (3, 0.8), (0.5, 0.1), (2, 0.7)]
    assert pareto_front(points) == [3, 0, 1]  # (3, .8) and (2, .7) lose to (2, .9)


def test_equal_points_are_both_on_the_front_and_ties_on_x_judged():
    points = [(1, 1), (1, 1), (1, 0), (2, 2), (2, 2), (0, 0)]
    assert pareto_front(points) == [5, 0, 1, 3, 4]
    assert pareto_front([]) == []


@pytest.mark.parametrize("minimize", [(True, False), (True, True), (False, False),
                                      (False, True)])
def test_random_points_match_the_definition(minimize):
    rng = np.random.default_rng(7)
    for _ in range(20):
        points = np.round(rng.random((30, 2)) * 6).tolist()  # many ties
        assert pareto_front(points, minimize) == brute_force(points, minimize)


def test_errors():
    with pytest.raises(ValueError, match="NaN at rows \\[1\\]"):
        pareto_front([(1, 2), (float("nan"), 1)])
    with pytest.raises(ValueError, match="pairs, got an array of shape \\(2, 3\\)"):
        pareto_front([(1, 2, 3), (4, 5, 6)])
    with pytest.raises(ValueError, match="minimize must be a pair of bools"):
        pareto_front([(1, 2)], minimize=(1, 0))


def test_plot_without_matplotlib_names_the_install(monkeypatch, tmp_path):
    for name in [m for m in sys.modules if m.split(".")[0] == "matplotlib"] + [
            "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plot_pareto([(1, 2), (2, 3)], tmp_path / "p.png")
    assert list(tmp_path.iterdir()) == []


def test_plot_writes_a_png_atomically(tmp_path):
    pytest.importorskip("matplotlib")
    path = plot_pareto([(1, 0.5), (2, 0.9), (3, 0.8)], tmp_path / "sub" / "front.png",
                       labels=["a", "b", "c"], title="t")
    assert path == tmp_path / "sub" / "front.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["front.png"]  # no temp file left


def test_plot_errors(tmp_path):
    with pytest.raises(ValueError, match="2 labels for 3 points"):
        plot_pareto([(1, 2), (2, 3), (3, 4)], tmp_path / "p.png", labels=["a", "b"])
    with pytest.raises(ValueError, match=r"must end in \.png"):
        plot_pareto([(1, 2)], tmp_path / "p.jpg")
