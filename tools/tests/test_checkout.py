"""The proof that grading left the checkout as it was: a fingerprint before and after."""

from __future__ import annotations

from pathlib import Path

from course_tools.checkout import changes, fingerprint


def test_fingerprint_sees_every_change_and_ignores_what_tools_write(tmp_path: Path) -> None:
    (tmp_path / "packages" / "tt-x" / "tests").mkdir(parents=True)
    test = tmp_path / "packages" / "tt-x" / "tests" / "test_a.py"
    test.write_text("def test(): assert True\n")
    (tmp_path / "README.md").write_text("hi")
    before = fingerprint(tmp_path)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "grade.json").write_text("{}")  # grading's own output
    (tmp_path / "packages" / "tt-x" / "tests" / "__pycache__").mkdir()
    assert changes(before, fingerprint(tmp_path)) == []
    (tmp_path / "packages" / "tt-x" / "tests" / "conftest.py").write_text("import os\n")
    test.write_text("def test(): assert False\n")
    (tmp_path / "README.md").unlink()
    assert changes(before, fingerprint(tmp_path)) == [
        "removed README.md", "added packages/tt-x/tests/conftest.py",
        "changed packages/tt-x/tests/test_a.py"]
