"""The gpt_2018 milestone, run as a student runs it: as a script, on installed packages.

Its --quick run must reach course.toml's `"jargon --quick"` target (a loss:
at most the target) and write its report with samples and tokens per
second; the same seed gives the same numbers; `--test-data` scores a text
file the test writes (Windows line ends score as Unix ones); `--steps 0`
scores the untrained model, which is above target (exit 1); and bad input
is refused before training (exit 2, one line, no report): a file that is
not UTF-8 text, characters the character vocabulary lacks, `--epochs` with
`--steps`, and tiny-shakespeare when it cannot be downloaded or is not the real file
(tested on local files and file:// URLs, never the network).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from tinytorch.setup import load_course

pytestmark = pytest.mark.requires("tt-generation")

MILESTONES = Path(__file__).resolve().parents[2] / "milestones"
NAME = "gpt_2018"
TEST_TEXT = (":foo: /foo/\n\n[very common] Used very generally as a sample name for "
             "absolutely anything,\nesp. programs and files (esp. scratch files).\n\n"
             ":kluge: /klooj/\n\nA clever programming trick intended to solve a particular "
             "nasty case\nin an expedient, if not clear, manner.\n")
TIMING = ("seconds", "train_seconds", "tokens_per_second", "tokenize_seconds")


def milestone_module(name: str) -> ModuleType:
    if str(MILESTONES) not in sys.path:
        sys.path.append(str(MILESTONES))
    return importlib.import_module(name)


def run(folder: Path, *extra: str) -> tuple[int, dict, str]:
    report = folder / f"{NAME}-{len(list(folder.iterdir()))}.json"
    proc = subprocess.run([sys.executable, str(MILESTONES / f"{NAME}.py"), "--report",
                           str(report), *extra], capture_output=True, text=True, timeout=600)
    data = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, data, proc.stdout + proc.stderr


def untimed(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in TIMING}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, str]:
    return run(tmp_path_factory.mktemp("quick"), "--quick", "--seed", "0")


def test_gpt_2018_needs_the_whole_part() -> None:
    milestone = load_course().milestone(NAME)
    assert milestone.requires == load_course().part(3).through
    assert milestone.metric == "val_loss" and "jargon --quick" in milestone.data_targets


def test_quick_run_reaches_its_target(quick_run: tuple[int, dict, str]) -> None:
    code, report, out = quick_run
    assert code == 0, out
    target = load_course().milestone(NAME).data_targets["jargon --quick"]
    assert report["milestone"] == NAME and report["passed"] is True and report["quick"] is True
    assert report["metric"] == "val_loss" and report["target"] == target
    assert report["value"] <= target and "PASSED" in out
    assert report["value"] == round(report["val_loss"], 6)
    assert report["value"] < math.log(report["vocab_size"]) - 1.5  # far below guessing
    assert (report["n_layer"], report["n_embd"], report["tokenizer"]) == (2, 64, "char")
    assert report["val_chars"] == report["val_tokens"] - 1  # characters: one per token


def test_quick_run_reports_progress_and_samples(quick_run: tuple[int, dict, str]) -> None:
    _, report, out = quick_run
    assert "tokens/s" in out and report["tokens_per_second"] > 1000
    for key in ("sample_greedy", "sample_temperature"):
        assert report[key].startswith(":kluge:") and len(report[key]) == len(":kluge:") + 300
    assert report["sample_greedy"] != report["sample_temperature"]
    assert report["sample_greedy"] in out and report["sample_temperature"] in out


def test_same_seed_same_numbers_and_test_data_is_scored(tmp_path: Path) -> None:
    unix, windows = tmp_path / "unix.txt", tmp_path / "windows.txt"
    unix.write_bytes(TEST_TEXT.encode())
    windows.write_bytes(TEST_TEXT.replace("\n", "\r\n").encode())
    args = ("--quick", "--steps", "30", "--seed", "3", "--plot", str(tmp_path / "plot.png"))
    first = run(tmp_path, *args, "--test-data", str(unix))
    second = run(tmp_path, *args, "--test-data", str(windows))
    assert first[0] == 1 and "Traceback" not in first[2], first[2]  # 30 steps: above target
    a, b = untimed(first[1]), untimed(second[1])
    assert a == b and a["steps"] == 30 and a["seed"] == 3
    assert a["test_data_chars"] == len(TEST_TEXT) - 1
    assert 0.5 < a["test_data_loss"] < math.log(a["vocab_size"])
    if importlib.util.find_spec("matplotlib") is not None:
        assert (tmp_path / "plot.png").stat().st_size > 10000
    else:
        assert "matplotlib is not installed" in first[2]
        assert not (tmp_path / "plot.png").exists()


def test_untrained_model_is_above_target_and_fails(tmp_path: Path) -> None:
    code, report, out = run(tmp_path, "--quick", "--steps", "0")
    assert code == 1 and report["passed"] is False and "ABOVE TARGET" in out, out
    # small initial weights: close to guessing uniformly among the 96 characters
    assert report["val_loss"] == pytest.approx(math.log(96), abs=0.05)
    assert report["value"] > report["target"]


def test_bpe_scores_text_a_character_model_cannot(tmp_path: Path) -> None:
    text = tmp_path / "accents.txt"
    text.write_text("Caf\u00e9 cr\u00e8me: a kluge, na\u00efvely.\n", encoding="utf-8")
    code, report, out = run(tmp_path, "--tokenizer", "bpe", "--quick", "--steps", "5",
                            "--test-data", str(text))
    assert code == 1 and "Traceback" not in out, out
    assert report["tokenizer"] == "bpe" and report["vocab_size"] == 512
    assert 1.5 < report["chars_per_token"] < 3.0
    assert report["test_data_chars"] > 0 and math.isfinite(report["test_data_loss"])


def refused(tmp_path: Path, *args: str) -> str:
    """Run with `args`; assert exit 2, one line on stderr, no report, no training."""
    code, report, out = run(tmp_path, *args)
    assert code == 2 and not report, out
    assert "Traceback" not in out and "step " not in out
    return out.strip().splitlines()[-1]


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    (b"caf\xe9\n", "not UTF-8"),
    (b"PK\x03\x04\x00\x00", "NUL byte"),  # an .npz given by mistake
])
def test_test_data_that_is_not_text_is_refused(tmp_path: Path, content: bytes,
                                               expected: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    line = refused(tmp_path, "--quick", "--test-data", str(bad))
    assert "--test-data" in line and str(bad) in line and expected in line


def test_characters_outside_the_vocabulary_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "accents.txt"
    bad.write_text("plain line\nna\u00efve caf\u00e9\n", encoding="utf-8")
    line = refused(tmp_path, "--quick", "--test-data", str(bad))
    assert "'\u00ef' (U+00EF) at line 2, column 3" in line and "U+00E9" in line
    assert "--tokenizer bpe" in line


@pytest.mark.parametrize("args, expected", [
    (("--epochs", "1", "--steps", "5"), "give one"),
    (("--steps", "-1"), "must be 0 or more"),
    (("--tokenizer", "words"), "invalid choice"),
])
def test_bad_arguments_are_refused(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    assert expected in refused(tmp_path, "--quick", *args)


def test_shakespeare_offline_says_where_to_put_it(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    url = (tmp_path / "no-such-file.txt").as_uri()
    line = refused(tmp_path, "--data", "shakespeare", "--data-dir", str(folder),
                   "--data-url", url)
    assert url in line and str(folder) in line and "SHA-256" in line
    assert not folder.exists() or not any(folder.iterdir())  # nothing half-written kept


def test_shakespeare_with_a_wrong_checksum_is_discarded(tmp_path: Path) -> None:
    fake = tmp_path / "fake.txt"
    fake.write_text("First Citizen:\nBefore we proceed any further, hear me speak.\n")
    folder = tmp_path / "cache"
    line = refused(tmp_path, "--data", "shakespeare", "--data-dir", str(folder),
                   "--data-url", fake.as_uri())
    assert "SHA-256" in line and "discarded" in line
    assert not any(folder.iterdir())
    (folder / "input.txt").write_text("not tiny-shakespeare\n")  # a wrong file put by hand
    line = refused(tmp_path, "--data", "shakespeare", "--data-dir", str(folder))
    assert str(folder / "input.txt") in line and "delete the file" in line


def test_shakespeare_downloads_once_checked_then_reuses_the_file(tmp_path: Path) -> None:
    """The download path end to end on a local file:// URL whose checksum we know."""
    language = milestone_module("language")
    source = tmp_path / "source.txt"
    source.write_text("First Citizen:\nSpeak, speak.\n")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    folder = tmp_path / "cache"
    path = language.shakespeare(folder, source.as_uri(), sha)
    assert path == folder / "input.txt" and path.read_bytes() == source.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["input.txt"]  # no temporary left
    source.unlink()  # a second call must not download again
    assert language.shakespeare(folder, source.as_uri(), sha) == path
