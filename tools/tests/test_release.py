"""`nox -s release`: the version and range maths, the CHANGELOG and pyproject edits, the
cascade over dependents, atomic writes, and one whole release on a copy of the repository."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from course_tools import contract, release
from course_tools.manifest import REPO
from course_tools.options import UsageError
from course_tools.release import Package, ReleaseError
from packaging.requirements import Requirement


# -- version and range maths ---------------------------------------------------------
@pytest.mark.parametrize(
    ("version", "part", "new"),
    [("0.1.0", "patch", "0.1.1"), ("0.1.3", "minor", "0.2.0"), ("0.1.3", "major", "1.0.0"),
     ("1.2.3", "minor", "1.3.0"), ("1.2.3", "major", "2.0.0"), ("0.1", "patch", "0.1.1")],
)
def test_bump(version: str, part: str, new: str) -> None:
    assert release.bump(version, part) == new


@pytest.mark.parametrize("version", ["0.2.0rc1", "0.1.0.post1", "0.1.0.dev0", "1.2.3.4", "x"])
def test_bump_refuses_what_is_not_a_plain_release(version: str) -> None:
    with pytest.raises(ReleaseError):
        release.bump(version, "patch")


@pytest.mark.parametrize(
    ("version", "spec"),
    [("0.2.0", ">=0.2,<0.3"), ("0.2.1", ">=0.2.1,<0.3"), ("1.0.0", ">=1.0,<2.0"),
     ("2.3.0", ">=2.3,<3.0")],
)
def test_compatible_range(version: str, spec: str) -> None:
    assert release.compatible_range(version) == spec
    assert release.admits(f"tt-x{spec}", version)


def test_with_range_keeps_name_and_marker() -> None:
    assert release.with_range("tt-x >=0.1, <0.2 ; python_version >= '3.10'", ">=0.2,<0.3") == \
        'tt-x>=0.2,<0.3; python_version >= "3.10"'
    assert release.spec_text("tt-x>=0.1,<0.2; python_version<'3.11'") == ">=0.1,<0.2"


def pkgs(versions: dict[str, str], deps: dict[str, dict[str, str]]) -> dict[str, Package]:
    return {d: Package(d, Path(d), v, Path(d) / "__about__.py", deps.get(d, {}))
            for d, v in versions.items()}


CHAIN = pkgs(
    {"tt-a": "0.1.0", "tt-b": "0.1.0", "tt-c": "0.3.2", "tt-d": "1.0.0"},
    {"tt-b": {"tt-a": "tt-a>=0.1,<0.2"},
     "tt-c": {"tt-a": "tt-a>=0.1,<0.2", "tt-b": "tt-b>=0.1,<0.2"},
     "tt-d": {"tt-c": "tt-c>=0.3,<0.4"}},
)


def test_a_minor_bump_below_1_moves_the_ranges_of_its_dependents() -> None:
    changes = release.plan_release(CHAIN, "tt-a", "minor")
    assert [(c.dist, c.old, c.new, c.part) for c in changes] == [
        ("tt-a", "0.1.0", "0.2.0", "minor"),
        ("tt-b", "0.1.0", "0.1.1", "patch"),
        ("tt-c", "0.3.2", "0.3.3", "patch"),
    ]
    assert changes[0].requested and not changes[1].requested
    assert [(m.dep, m.old, m.new) for m in changes[1].ranges] == [
        ("tt-a", "tt-a>=0.1,<0.2", "tt-a>=0.2,<0.3")]
    # tt-c's range on tt-b admits 0.1.1: only its range on tt-a moves; tt-d is untouched
    assert [m.dep for m in changes[2].ranges] == ["tt-a"]


def test_a_patch_bump_breaks_nothing() -> None:
    changes = release.plan_release(CHAIN, "tt-a", "patch")
    assert [(c.dist, c.new) for c in changes] == [("tt-a", "0.1.1")]


def test_from_1_0_only_a_major_bump_breaks() -> None:
    chain = pkgs({"tt-a": "1.2.0", "tt-b": "0.1.0"}, {"tt-b": {"tt-a": "tt-a>=1.2,<2.0"}})
    assert [c.dist for c in release.plan_release(chain, "tt-a", "minor")] == ["tt-a"]
    changes = release.plan_release(chain, "tt-a", "major")
    assert [(c.dist, c.new) for c in changes] == [("tt-a", "2.0.0"), ("tt-b", "0.1.1")]
    assert changes[1].ranges[0].new == "tt-a>=2.0,<3.0"


def test_the_cascade_is_transitive() -> None:
    # tt-c pins tt-b exactly, so tt-b's patch release (for its range on tt-a) breaks tt-c too
    chain = pkgs({"tt-a": "0.1.0", "tt-b": "0.1.0", "tt-c": "0.1.0"},
                 {"tt-b": {"tt-a": "tt-a>=0.1,<0.2"}, "tt-c": {"tt-b": "tt-b==0.1.0"}})
    changes = release.plan_release(chain, "tt-a", "minor")
    assert [(c.dist, c.new, c.why) for c in changes] == [
        ("tt-a", "0.2.0", "requested"),
        ("tt-b", "0.1.1", "its range on tt-a moved"),
        ("tt-c", "0.1.1", "its range on tt-b moved"),
    ]
    assert changes[2].ranges[0].new == "tt-b>=0.1.1,<0.2"


def test_a_range_already_broken_is_refused() -> None:
    chain = pkgs({"tt-a": "0.2.0", "tt-b": "0.1.0", "tt-c": "0.1.0"},
                 {"tt-c": {"tt-a": "tt-a>=0.1,<0.2"}})
    with pytest.raises(ReleaseError, match=r"tt-c requires tt-a>=0.1,<0.2, which does not "
                                           r"admit tt-a 0.2.0"):
        release.plan_release(chain, "tt-b", "patch")


def test_packages_released_together_keep_their_own_bumps() -> None:
    # tt-a changes its API and tt-c adds a feature in the same change: tt-c gets its minor
    # bump (not a generated patch) and its range on tt-a moves in the same release
    changes = release.plan_releases(CHAIN, [("tt-a", "minor"), ("tt-c", "minor")])
    assert [(c.dist, c.new, c.why) for c in changes] == [
        ("tt-a", "0.2.0", "requested"),
        ("tt-b", "0.1.1", "its range on tt-a moved"),
        ("tt-c", "0.4.0", "requested"),
        ("tt-d", "1.0.1", "its range on tt-c moved"),
    ]
    assert [(m.dep, m.new) for m in changes[2].ranges] == [("tt-a", "tt-a>=0.2,<0.3")]
    assert changes[3].ranges[0].new == "tt-c>=0.4,<0.5"
    with pytest.raises(ReleaseError, match="tt-a is named twice"):
        release.plan_releases(CHAIN, [("tt-a", "minor"), ("tt-a", "patch")])
    with pytest.raises(ReleaseError, match="nothing to release"):
        release.plan_releases(CHAIN, [])


def test_no_code_change_is_said_only_of_a_package_without_entries() -> None:
    move = release.RangeMove("tt-a", "tt-a>=0.1,<0.2", "tt-a>=0.2,<0.3")
    assert release.moved_range_line(move, "0.2.0").endswith("; no code change.")
    assert "no code change" not in release.moved_range_line(move, "0.2.0", code_changed=True)
    assert release.has_unreleased_entries("# C\n\n## Unreleased\n\n- new op\n\n## 0.1.0\n")
    assert not release.has_unreleased_entries("# C\n\n## Unreleased\n\n## 0.1.0\n\n- x\n")
    assert not release.has_unreleased_entries("# C\n\n## 0.1.0\n\n- x\n")


def test_plan_refuses_unknown_parts_and_packages() -> None:
    with pytest.raises(ReleaseError, match="unknown part 'rc'"):
        release.plan_release(CHAIN, "tt-a", "rc")
    with pytest.raises(ReleaseError, match="tt-z has no package folder"):
        release.plan_release(CHAIN, "tt-z", "minor")


# -- the CHANGELOG -------------------------------------------------------------------------
LOG = """# Changelog of tt-a

## Unreleased

- `thing()`.
- `other()`, with
  a second line.

## 0.1.0 - 2026-11-21

- First release.
"""


def test_the_unreleased_entries_become_the_dated_section() -> None:
    out = release.release_changelog(LOG, "0.2.0", "2026-12-01", require_entries=True)
    assert out == LOG.replace("## Unreleased", "## 0.2.0 - 2026-12-01")


def test_a_dependent_gets_a_generated_line_after_its_own_entries() -> None:
    out = release.release_changelog(LOG, "0.1.1", "2026-12-01", ["- Requires x."])
    assert "- `other()`, with\n  a second line.\n- Requires x.\n\n## 0.1.0" in out
    bare = "# Changelog of tt-a\n\n## 0.1.0 - 2026-11-21\n\n- First release.\n"
    assert release.release_changelog(bare, "0.1.1", "2026-12-01", ["- Requires x."]) == (
        "# Changelog of tt-a\n\n## 0.1.1 - 2026-12-01\n\n- Requires x.\n\n"
        "## 0.1.0 - 2026-11-21\n\n- First release.\n")
    assert release.release_changelog("# Changelog\n", "0.1.1", "D", ["- x"]) == \
        "# Changelog\n\n## 0.1.1 - D\n\n- x\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [("# C\n\n## 0.1.0 - 2026-11-21\n\n- First.\n", "no '## Unreleased' section"),
     ("# C\n\n## Unreleased\n\n\n## 0.1.0 - 2026-11-21\n", "an empty '## Unreleased' section"),
     ("# C\n\n## 0.1.0 - 2026-11-21\n\n## Unreleased\n\n- x\n", "must be the first"),
     ("# C\n\n## Unreleased\n\n- x\n\n## 0.2.0 - 2026-11-21\n", "already has a section for 0.2.0"),
     ("# C\n\n## Unreleased\n- x\n## [Unreleased]\n- y\n", "2 '## Unreleased' sections")],
)
def test_a_changelog_that_does_not_say_what_changed_is_refused(text: str, message: str) -> None:
    with pytest.raises(ReleaseError, match=message):
        release.release_changelog(text, "0.2.0", "2026-12-01", require_entries=True)


# -- pyproject and writing --------------------------------------------------------------------
PYPROJECT = '[project]\nname = "tt-b"\ndependencies = [\n    "numpy>=1.24",\n' \
            '    "tt-a>=0.1,<0.2",\n]\n'


def test_set_requirement_edits_one_quoted_string() -> None:
    out = release.set_requirement(PYPROJECT, "tt-a>=0.1,<0.2", "tt-a>=0.2,<0.3")
    assert out == PYPROJECT.replace("<0.2", "<0.3").replace(">=0.1", ">=0.2")
    with pytest.raises(ReleaseError, match="found it 0 times"):
        release.set_requirement(PYPROJECT, "tt-a>=0.5", "tt-a>=0.6")
    twice = PYPROJECT + '[x]\ny = "tt-a>=0.1,<0.2"\n'
    with pytest.raises(ReleaseError, match="found it 2 times"):
        release.set_requirement(twice, "tt-a>=0.1,<0.2", "tt-a>=0.2,<0.3")
    elsewhere = '[project]\nname = "tt-a>=0.1,<0.2"\ndependencies = []\n'
    with pytest.raises(ReleaseError, match="not in \\[project\\] dependencies"):
        release.set_requirement(elsewhere, "tt-a>=0.1,<0.2", "tt-a>=0.2,<0.3")


def test_write_all_changes_every_file_or_none(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a")
    b.write_text("old b")
    release.write_all({a: "new a", b: "new b"})
    assert (a.read_text(), b.read_text()) == ("new a", "new b")
    with pytest.raises(OSError):
        release.write_all({a: "newer a", a / "c.txt": "c"})  # a file is not a folder
    assert a.read_text() == "new a"  # nothing renamed: the second temp file failed first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_parse_args() -> None:
    ns = release.parse_args(["tt-tensor", "minor", "--date", "2026-12-01", "--dry-run"])
    assert (ns.dist, ns.part, ns.date, ns.dry_run) == ("tt-tensor", "minor", "2026-12-01", True)
    with pytest.raises(UsageError, match="invalid choice"):
        release.parse_args(["tt-tensor", "huge"])
    with pytest.raises(UsageError, match="expected YYYY-MM-DD"):
        release.parse_args(["tt-tensor", "patch", "--date", "1/12/2026"])
    ns = release.parse_args(["tt-tensor", "minor", "tt-losses", "minor", "tt-layers", "patch"])
    assert ns.also == [("tt-losses", "minor"), ("tt-layers", "patch")]
    with pytest.raises(UsageError, match="'tt-losses' has no part"):
        release.parse_args(["tt-tensor", "minor", "tt-losses"])
    with pytest.raises(UsageError, match="must be one of"):
        release.parse_args(["tt-tensor", "minor", "tt-losses", "huge"])


# -- a whole release on a copy of the repository ----------------------------------------------
def tool(module: str) -> list[str]:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (the `tests` session installs it)")
    return [sys.executable, "-m", module]


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy2(REPO / "course.toml", root / "course.toml")
    shutil.copytree(REPO / "packages", root / "packages",
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "dist", "build"))
    return root


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def add_unreleased(changelog: Path, line: str) -> None:
    title, rest = changelog.read_text(encoding="utf-8").split("\n", 1)
    changelog.write_text(f"{title}\n\n## Unreleased\n\n{line}\n{rest}", encoding="utf-8")


def test_a_release_without_a_changelog_entry_changes_nothing(repo_copy: Path,
                                                             tmp_path: Path) -> None:
    before = snapshot(repo_copy)
    with pytest.raises(ReleaseError, match="no '## Unreleased' section"):
        release.release(repo_copy, "tt-tensor", "minor", "2026-12-01", tool("hatch"),
                        tool("twine"), tmp_path / "work", log=lambda line: None)
    assert snapshot(repo_copy) == before


def test_a_release_that_does_not_build_changes_nothing(repo_copy: Path, tmp_path: Path) -> None:
    add_unreleased(repo_copy / "packages" / "tt-layers" / "CHANGELOG.md", "- `Linear.reset`.")
    (repo_copy / "packages" / "tt-layers" / "README.md").unlink()  # hatch cannot build it
    before = snapshot(repo_copy)
    with pytest.raises(ReleaseError, match="tt-layers does not build"):
        release.release(repo_copy, "tt-layers", "patch", "2026-12-01", tool("hatch"),
                        tool("twine"), tmp_path / "work", log=lambda line: None)
    assert snapshot(repo_copy) == before
    assert not (repo_copy / "dist").exists()


def test_a_minor_release_of_tt_tensor_end_to_end(repo_copy: Path, tmp_path: Path) -> None:
    packages = repo_copy / "packages"
    add_unreleased(packages / "tt-tensor" / "CHANGELOG.md", "- `Tensor.clone`.")
    (repo_copy / "dist").mkdir()
    (repo_copy / "dist" / "stale-0.0.0.tar.gz").write_text("old")
    before = release.read_packages(repo_copy, release.load(repo_copy))
    logs_before = {d: (packages / d / "CHANGELOG.md").read_text(encoding="utf-8") for d in before}
    lines: list[str] = []
    result = release.release(repo_copy, "tt-tensor", "minor", "2026-12-01", tool("hatch"),
                             tool("twine"), tmp_path / "work", log=lines.append)

    tensor_users = sorted(d for d, p in before.items() if "tt-tensor" in p.deps)
    assert sorted(c.dist for c in result.changes) == sorted(["tt-tensor", *tensor_users])
    after = release.read_packages(repo_copy, release.load(repo_copy))
    old_tensor = before["tt-tensor"].version
    new_tensor = release.bump(old_tensor, "minor")
    new_range = release.compatible_range(new_tensor)
    assert after["tt-tensor"].version == new_tensor
    assert after["tt-setup"].version == before["tt-setup"].version  # uses no tt-tensor
    for dist in tensor_users:
        assert after[dist].version == release.bump(before[dist].version, "patch"), dist
        assert after[dist].deps["tt-tensor"] == f"tt-tensor{new_range}", dist
        log = (packages / dist / "CHANGELOG.md").read_text(encoding="utf-8")
        old_spec = release.spec_text(before[dist].deps["tt-tensor"])
        line = (f"- Requires `tt-tensor{new_range}` (was `{old_spec}`) to install with "
                f"tt-tensor {new_tensor}")
        own = release.has_unreleased_entries(logs_before[dist])
        assert line + ("." if own else "; no code change.") in log, dist
        assert f"## {after[dist].version} - 2026-12-01\n" in log, dist
        assert "## Unreleased" not in log, dist
    tensor_log = (packages / "tt-tensor" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## Unreleased" not in tensor_log
    assert tensor_log.index(f"## {new_tensor} - 2026-12-01\n\n- `Tensor.clone`.\n") < \
        tensor_log.index(f"## {old_tensor}")
    # the repository's contract holds: every range admits the version it meets
    assert [e for e in contract.check(repo_copy) if "admit" in e] == []

    built = sorted(p.name for p in (repo_copy / "dist").iterdir())  # the stale file is gone
    expected = sorted(f"{d.replace('-', '_')}-{after[d].version}{ext}"
                      for d in ["tt-tensor", *tensor_users] for ext in ("-py3-none-any.whl",
                                                                        ".tar.gz"))
    assert built == expected
    training = after["tt-training"].version
    with zipfile.ZipFile(repo_copy / "dist" / f"tt_training-{training}-py3-none-any.whl") as zf:
        meta = zf.read(f"tt_training-{training}.dist-info/METADATA").decode()
    requires = [Requirement(line.split(":", 1)[1]) for line in meta.splitlines()
                if line.startswith("Requires-Dist:")]
    assert {r.specifier for r in requires if r.name == "tt-tensor"} == \
        {Requirement(f"tt-tensor{new_range}").specifier}
    assert any(line.split() == ["tt-tensor", old_tensor, "->", new_tensor, "(minor:",
                                "requested)"] for line in lines)
    assert "changed files:" in lines


def test_hatch_bumps_a_package_with_a_build_hook(tmp_path: Path) -> None:
    # tt-setup's pyproject names a build hook (hatch_build.py) that hatch loads even to bump
    packages = release.read_packages(REPO, release.load(REPO))
    setup = packages["tt-setup"]
    text, version = release.hatch_bump(setup, "patch", tool("hatch"), tmp_path)
    assert version == release.bump(setup.version, "patch")
    assert f'__version__ = "{version}"' in text
    assert release.read_packages(REPO, release.load(REPO))["tt-setup"].version == setup.version
