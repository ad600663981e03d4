"""The leaderboard page in a real headless browser: Debian's chromium, driven by Selenium.

The page is written as the instructor gets it (`write_leaderboard` into a folder), opened by
its file:// URL with the network unused, and then
- a screenshot is taken and saved beside the page: a PNG of the window's size whose pixels
  are not all one colour (decoded by the browser itself, so no image library is needed) and
  in which the winners' badge colour appears;
- clicking the latency header sorts the rows by the measured latency (numerically: 9.25 ms,
  9.5 ms, 33 ms, 100 ms, an order that no text comparison gives), refused submissions last;
  a second click reverses the order, refused rows still last; `aria-sort` says which way,
  on that header only;
- the file-size header sorts by the raw byte count, not by the "812 kB" / "1.20 MB" text;
- the name header sorts alphabetically, refused rows last;
- each winner's badges are displayed, and with a size on screen.

Where Selenium is not installed, or chromium / chromedriver are missing or cannot start,
the tests skip with the reason (CI installs them: `.ci/run` adds Debian's `chromium` and
`chromium-driver`, the `tests` session adds `selenium`). Selenium Manager is never asked for
a driver: the Service is given chromedriver's path, so nothing is downloaded.
"""

from __future__ import annotations

import base64
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.requires("tt-competition")

BADGE_RGB = (0xF5, 0xC4, 0x00)  # the badge colour of the page's stylesheet
WINDOW = (1280, 1000)

# name, latency ms, file bytes, events won; the board order is not the order of any column
SCORED = [
    ("delta", 100.0, 1_200_000, ()),
    ("Alpha", 9.5, 812_000, ("fastest",)),
    ("charlie", 9.25, 45_000, ("smallest", "accuracy")),
    ("bravo", 33.0, 3_500_000, ()),
]
REFUSED = [("<script>x</script>", "spec.json: unknown layer 'Evil'"),
           ("aardvark", "weights.npz holds a pickle (object array)")]


def board() -> dict[str, Any]:
    """A leaderboard document built by hand, following the contract (api11.md)."""
    number = {"type": "number"}
    rows: list[dict[str, Any]] = [
        {"name": n, "author": "", "status": "refused", "reason": why, "accuracy": None,
         "latency_ms": None, "latency_iqr_ms": None, "file_bytes": None,
         "peak_memory_bytes": None, "all_around_rank": None, "events_won": []}
        for n, why in REFUSED[:1]]
    for rank, (name, latency, size, won) in enumerate(SCORED, start=1):
        rows.append({"name": name, "author": f"student {rank}", "status": "scored",
                     "reason": None, "accuracy": 90.0 + rank, "latency_ms": latency,
                     "latency_iqr_ms": latency / 10, "file_bytes": size,
                     "peak_memory_bytes": 2 * size + 1000, "all_around_rank": rank,
                     "events_won": list(won)})
    rows += [{**rows[0], "name": n, "reason": why} for n, why in REFUSED[1:]]
    return {
        "format": "tinytorch-leaderboard/1", "task": "digits",
        "generated": "2026-11-30T17:00:00Z",
        "machine": {"cpu": "test CPU", "load_average": [0.1, 0.2, 0.3], "blas_threads": 1},
        "columns": [
            {"key": "name", "title": "Submission", "type": "text"},
            {"key": "author", "title": "Author", "type": "text"},
            {"key": "accuracy", "title": "Accuracy", **number, "better": "higher", "unit": "%"},
            {"key": "latency_ms", "title": "Latency", **number, "better": "lower",
             "unit": "ms"},
            {"key": "latency_iqr_ms", "title": "Latency IQR", **number, "better": "lower",
             "unit": "ms"},
            {"key": "file_bytes", "title": "File size", **number, "better": "lower",
             "unit": "B"},
            {"key": "peak_memory_bytes", "title": "Peak memory", **number, "better": "lower",
             "unit": "B"},
            {"key": "all_around_rank", "title": "All-around rank", **number,
             "better": "lower"},
        ],
        "rows": rows,
        "events": [
            {"id": "fastest", "title": "Fastest inference", "rule": "lowest median latency",
             "winner": "Alpha"},
            {"id": "smallest", "title": "Smallest model", "rule": "fewest bytes",
             "winner": "charlie"},
            {"id": "accuracy", "title": "Best accuracy within 10 MB and 100 ms",
             "rule": "highest accuracy", "winner": "charlie"},
        ],
    }


def write_page(out: Path) -> Path:
    """The page as the instructor gets it: write_leaderboard's leaderboard.html."""
    from tinytorch.competition import write_leaderboard

    paths = write_leaderboard(board(), out)
    assert paths["html"] == out / "leaderboard.html"
    return paths["html"]


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """A headless chromium, or a skip that says exactly what is missing."""
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed (pip install selenium)")
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if browser is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium chromium-driver)")
    if chromedriver is None:
        pytest.skip("no chromedriver on PATH (Debian: apt-get install chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-extensions",
                "--no-first-run", f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(arg)  # --no-sandbox: chromium refuses to run as root without it
    try:
        drv = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    except WebDriverException as exc:
        first = (exc.msg or str(exc)).strip().splitlines()[0]
        pytest.skip(f"chromium ({browser}) could not start through {chromedriver}: {first}")
    drv.set_page_load_timeout(30)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture
def page(driver: Any, tmp_path: Path) -> Any:
    path = write_page(tmp_path)
    driver.get(path.resolve().as_uri())
    assert driver.title == "TinyTorch leaderboard: digits"
    return driver


def header(drv: Any, key: str) -> Any:
    return drv.find_element("css selector", f'#leaderboard th[data-key="{key}"]')


def click(drv: Any, key: str) -> None:
    header(drv, key).find_element("tag name", "button").click()


def table(drv: Any) -> list[dict[str, Any]]:
    """The body rows as the browser now orders them: name, status and raw sort values."""
    return drv.execute_script("""
        return Array.prototype.map.call(
            document.querySelectorAll('#leaderboard tbody tr'), function (tr) {
                var values = Array.prototype.map.call(tr.cells, function (td) {
                    return td.getAttribute('data-value'); });
                return {name: tr.cells[0].querySelector('.text').textContent,
                        status: tr.getAttribute('data-status'), values: values};
            });""")


def aria(drv: Any) -> dict[str, str]:
    return {th.get_attribute("data-key"): th.get_attribute("aria-sort")
            for th in drv.find_elements("css selector", "#leaderboard th")}


def column(key: str) -> int:
    return [c["key"] for c in board()["columns"]].index(key)


def scored_values(rows: list[dict[str, Any]], key: str) -> list[float]:
    return [float(r["values"][column(key)]) for r in rows if r["status"] == "scored"]


def refused_last(rows: list[dict[str, Any]]) -> bool:
    statuses = [r["status"] for r in rows]
    return statuses == ["scored"] * len(SCORED) + ["refused"] * len(REFUSED)


def test_screenshot_is_a_real_picture_of_the_page(page: Any, tmp_path: Path) -> None:
    png = page.get_screenshot_as_png()
    shot = tmp_path / "leaderboard.png"
    shot.write_bytes(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert width >= 800 and height >= 600, (width, height)
    assert shot.stat().st_size > 10_000
    # decode it with the browser's own PNG decoder: count colours, look for the badge colour
    stats = page.execute_async_script("""
        var done = arguments[arguments.length - 1], target = arguments[1];
        var img = new Image();
        img.onerror = function () { done({error: 'the screenshot does not decode'}); };
        img.onload = function () {
            var c = document.createElement('canvas');
            c.width = img.width; c.height = img.height;
            var g = c.getContext('2d'); g.drawImage(img, 0, 0);
            var d = g.getImageData(0, 0, c.width, c.height).data, seen = {}, n = 0, badge = 0;
            for (var i = 0; i < d.length; i += 4) {
                var k = d[i] + ',' + d[i + 1] + ',' + d[i + 2];
                if (!(k in seen)) { seen[k] = 1; n++; }
                if (Math.abs(d[i] - target[0]) + Math.abs(d[i + 1] - target[1])
                    + Math.abs(d[i + 2] - target[2]) < 12) { badge++; }
            }
            done({width: c.width, height: c.height, colours: n, badge: badge});
        };
        img.src = 'data:image/png;base64,' + arguments[0];
    """, base64.b64encode(png).decode("ascii"), list(BADGE_RGB))
    assert "error" not in stats, stats
    assert (stats["width"], stats["height"]) == (width, height)
    assert stats["colours"] > 20, f"the screenshot is nearly one colour: {stats}"
    assert stats["badge"] > 100, f"no winner badge visible in the screenshot: {stats}"


def test_latency_header_sorts_numerically_and_refused_rows_stay_last(page: Any) -> None:
    assert set(aria(page).values()) == {"none"}
    click(page, "latency_ms")
    rows = table(page)
    assert [r["name"] for r in rows][:len(SCORED)] == ["charlie", "Alpha", "bravo", "delta"]
    assert scored_values(rows, "latency_ms") == [9.25, 9.5, 33.0, 100.0]
    assert refused_last(rows)
    assert aria(page)["latency_ms"] == "ascending"
    assert [k for k, v in aria(page).items() if v != "none"] == ["latency_ms"]

    click(page, "latency_ms")
    rows = table(page)
    assert scored_values(rows, "latency_ms") == [100.0, 33.0, 9.5, 9.25]
    assert refused_last(rows)
    assert [r["name"] for r in rows][len(SCORED):] == [n for n, _ in REFUSED]
    assert aria(page)["latency_ms"] == "descending"


def test_sizes_sort_by_the_raw_bytes_not_the_text(page: Any) -> None:
    click(page, "file_bytes")
    rows = table(page)
    assert scored_values(rows, "file_bytes") == [45_000, 812_000, 1_200_000, 3_500_000]
    texts = [td.text for td in page.find_elements(
        "css selector", f"#leaderboard tbody tr.scored td:nth-child({column('file_bytes') + 1})")]
    assert texts == ["45.0 kB", "812 kB", "1.20 MB", "3.50 MB"]
    assert refused_last(rows)


def test_name_header_sorts_text_and_refused_rows_stay_last(page: Any) -> None:
    click(page, "name")
    rows = table(page)
    names = [r["name"] for r in rows]
    assert names[:len(SCORED)] == sorted((n for n, *_ in SCORED), key=str.lower)
    assert refused_last(rows)
    assert aria(page)["name"] == "ascending"
    click(page, "name")
    names = [r["name"] for r in table(page)]
    assert names[:len(SCORED)] == sorted((n for n, *_ in SCORED), key=str.lower, reverse=True)
    assert aria(page)["name"] == "descending"


def test_winners_badges_are_visible(page: Any) -> None:
    expected = {name: list(won) for name, _, _, won in SCORED}
    for tr in page.find_elements("css selector", "#leaderboard tbody tr"):
        name = tr.find_element("css selector", ".text").text
        badges = tr.find_elements("css selector", ".badge")
        assert [b.get_attribute("data-event") for b in badges] == expected.get(name, [])
        for badge in badges:
            assert badge.is_displayed()
            assert badge.size["width"] > 20 and badge.size["height"] > 8
    refused = page.find_elements("css selector", "#leaderboard tbody tr.refused td.reason")
    assert [td.text for td in refused] == [f"refused: {why}" for _, why in REFUSED]
    assert page.execute_script("return document.scripts.length") == 1  # the name stayed text
