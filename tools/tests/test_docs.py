"""The course documentation: the generated module index never drifts from course.toml.

`docs/modules/README.md` is written by `nox -s docs` (course_tools.docs); the
committed file must equal what course.toml and the tree give now, and every
file a course page links to must exist.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from course_tools import docs
from course_tools.manifest import REPO, load

DOCS = REPO / "docs"
# the pages of the course documentation whose links this test owns
COURSE_PAGES = sorted(
    [DOCS / "README.md", DOCS / "students.md", *(DOCS / "modules").glob("*.md")]
)


def test_committed_index_equals_generated() -> None:
    committed = (REPO / docs.INDEX).read_text(encoding="utf-8")
    assert committed == docs.render_index(load(), REPO), (
        "docs/modules/README.md is out of date with course.toml or the tree: run `nox -s docs`"
    )
    assert docs.stale(REPO) is None


def test_index_covers_every_module_part_and_milestone() -> None:
    course = load()
    text = (REPO / docs.INDEX).read_text(encoding="utf-8")
    for m in course.modules:
        assert f"| {m.number:02d} | `{m.dist}` | `{m.import_name}` | {m.part} |" in text
    for p in course.parts:
        assert f"`nox -s part{p.number}`" in text
    for ms in course.milestones:
        assert f"| `{ms.name}` |" in text
        assert docs.target_text(ms) in text


@pytest.mark.parametrize("page", COURSE_PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_local_link_exists(page: Path) -> None:
    assert page.is_file(), f"{page} is missing"
    assert docs.broken_links(page) == []


def test_every_existing_module_page_is_linked_and_named_after_a_module() -> None:
    course = load()
    names = {docs.page_name(m) for m in course.modules}
    index = (REPO / docs.INDEX).read_text(encoding="utf-8")
    for page in (DOCS / "modules").glob("[0-9][0-9]-*.md"):
        assert page.name in names, f"{page.name} is not NN-<name>.md of a course.toml module"
        assert f"]({page.name})" in index


def test_module_pages_name_their_module_and_what_it_unlocks() -> None:
    # a page names its distribution, and its last section the milestones that need
    # exactly this module (course.toml's `requires`), so a changed map shows here
    course = load()
    for m in course.modules:
        page = DOCS / "modules" / docs.page_name(m)
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        assert f"`{m.dist}`" in text and f"`{m.import_name}`" in text, page.name
        assert "## What it unlocks" in text, page.name
        unlocks = text.split("## What it unlocks", 1)[1]
        for ms in course.milestones:
            if ms.requires == m.number:
                assert f"`{ms.name}`" in unlocks, f"{page.name} does not name {ms.name}"


def test_render_follows_the_course_and_the_tree(fake_repo) -> None:
    root = fake_repo.root
    course = load(root)
    fake_repo.write("docs/modules/02-beta.md", "# beta\n")
    fake_repo.remove("packages/tt-gamma/pyproject.toml")
    text = docs.render_index(course, root)
    assert "# The modules of Mini" in text
    assert "| 01 | `tt-alpha` | `tinytorch.alpha` | 1 | first | " \
           "[yes](../../packages/tt-alpha/README.md) | - |" in text
    assert "| 02 | `tt-beta` | `tinytorch.beta` | 1 | second | " \
           "[yes](../../packages/tt-beta/README.md) | [02-beta.md](02-beta.md) |" in text
    assert "| 03 | `tt-gamma` | `tinytorch.gamma` | 2 | third | not yet | - |" in text
    assert "| 2 | Two | 01-03 | 03-03 (`tt-gamma` .. `tt-gamma`) | `nox -s part2` |" in text
    assert ("| `demo` | A demo | modules 01-02 (through `tt-beta`) | accuracy >= 1.0 | part 1 |"
            in text)


def test_update_writes_atomically_and_detects_drift(fake_repo) -> None:
    root = fake_repo.root
    assert docs.stale(root) is not None  # no index yet
    assert docs.update(root) is True
    assert docs.stale(root) is None
    assert docs.update(root) is False  # unchanged: not rewritten
    assert [p.name for p in (root / docs.INDEX).parent.iterdir()] == ["README.md"]  # no temp
    fake_repo.write("course.toml",
                    (root / "course.toml").read_text().replace('"third"', '"third, renamed"'))
    assert "run `nox -s docs`" in (docs.stale(root) or "")
    assert docs.update(root) is True
    assert "third, renamed" in (root / docs.INDEX).read_text()


def test_target_text_for_losses_and_data_targets() -> None:
    course = load()
    for ms in course.milestones:
        text = docs.target_text(ms)
        assert text.startswith(f"{ms.metric} {'<=' if 'loss' in ms.metric else '>='} ")
        for data in ms.data_targets:
            assert f"--data {data}" in text


def test_local_links_skip_urls_and_anchors(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    (tmp_path / "there.md").write_text("x")
    page.write_text("[a](there.md) [b](https://example.org) [c](#top) [d](there.md#x) "
                    "[e](missing.md)")
    assert docs.local_links(page.read_text()) == ["there.md", "there.md", "missing.md"]
    assert docs.broken_links(page) == ["missing.md"]


# every Markdown file of the repository, not what is ignored (environments, builds)
IGNORED_DIRS = {"dist", "build", "starters", "reports", "node_modules"}


def repo_markdown(root: Path = REPO) -> list[Path]:
    """The .md files of the repository, leaving out hidden folders and build output."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in IGNORED_DIRS]
        found += [Path(folder) / f for f in files if f.endswith(".md")]
    return sorted(found)


def github_anchors(text: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown text (`## A: b` -> `a-b`)."""
    seen: dict[str, int] = {}
    anchors = set()
    in_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        match = None if in_code else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", match.group(1).lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def link_problems(page: Path, root: Path = REPO) -> list[str]:
    """The relative links of `page` that leave `root`, lead nowhere or to a missing anchor."""
    problems = []
    text = page.read_text(encoding="utf-8")
    for target in docs._LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # a URL
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page.resolve()
        if not file.is_relative_to(root.resolve()):
            problems.append(f"{target}: outside the repository")
        elif not file.exists():
            problems.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in github_anchors(
                file.read_text(encoding="utf-8")):
            problems.append(f"{target}: no heading with the anchor #{anchor}")
    return problems


def test_every_relative_link_in_the_repository_resolves_inside_it() -> None:
    pages = repo_markdown()
    assert REPO / "README.md" in pages and REPO / "docs" / "contributing.md" in pages
    broken = {str(p.relative_to(REPO)): link_problems(p) for p in pages}
    assert {page: found for page, found in broken.items() if found} == {}


def test_link_problems_are_found(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "a.md").write_text("# A page\n\n## The seam: `apply`\n")
    (tmp_path / "outside.md").write_text("x")
    page = root / "docs" / "p.md"
    page.write_text("[ok](a.md) [anchor](a.md#the-seam-apply) [url](https://x.org/y.md) "
                    "[self](#top) [up](../../outside.md) [gone](b.md) [bad](a.md#nope)\n\n# Top\n")
    assert link_problems(page, root) == [
        "../../outside.md: outside the repository",
        "b.md: no such file",
        "a.md#nope: no heading with the anchor #nope",
    ]
    (root / ".venv").mkdir()
    (root / ".venv" / "x.md").write_text("[gone](nowhere.md)")
    assert repo_markdown(root) == [root / "docs" / "a.md", page]


def named_markdown_problems(page: Path, root: Path = REPO) -> list[str]:
    """Markdown paths a page names in inline code (`docs/x.md`) that are not in the repository.

    Only paths count (a bare `CHANGELOG.md` means any package's). A path is
    read from the page's folder or from the repository root; one found in
    neither, or only outside the repository, is reported.
    """
    problems = []
    for name in re.findall(r"`([^`\s]+\.md)`", page.read_text(encoding="utf-8")):
        if "/" not in name or "<" in name or "*" in name or name.startswith(("http:", "https:")):
            continue  # a pattern such as `docs/modules/NN-<name>.md`, or a URL
        candidates = [(page.parent / name).resolve(), (root / name).resolve()]
        if not any(c.is_file() and c.is_relative_to(root.resolve()) for c in candidates):
            problems.append(f"{name}: not a file of the repository")
    return problems


def test_markdown_files_named_in_the_docs_exist_in_the_repository() -> None:
    # `../shared/ARCHITECTURE.md` in docs/contributing.md pointed outside the repository
    named = {str(p.relative_to(REPO)): named_markdown_problems(p) for p in repo_markdown()}
    assert {page: found for page, found in named.items() if found} == {}


def test_named_markdown_problems_are_found(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "README.md").write_text("x")
    page = root / "docs" / "p.md"
    (tmp_path / "ARCHITECTURE.md").write_text("outside")
    page.write_text("Read `../../ARCHITECTURE.md`, `README.md`, `../README.md`, `docs/gone.md`, "
                    "`CHANGELOG.md` and `docs/modules/NN-<name>.md`.")
    assert named_markdown_problems(page, root) == [
        "../../ARCHITECTURE.md: not a file of the repository",
        "docs/gone.md: not a file of the repository",
    ]
