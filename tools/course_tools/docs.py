"""The module index of the course documentation, generated from course.toml.

`docs/modules/README.md` lists every module of the chain (number,
distribution, import name, part, summary, whether its package exists yet, its
guide page if it has one), the parts and the milestones. All of it comes from
`course.toml`, the one map of the course; the only other input is the file
tree (does `packages/<dist>/` exist, does `docs/modules/NN-<name>.md` exist).
Nobody edits the index by hand:

    nox -s docs               write docs/modules/README.md (atomically)
    nox -s docs -- --check    fail if the committed file is out of date

`tools/tests/test_docs.py` compares the committed file with `render_index`,
so a change to course.toml, a new package or a new page that is not followed
by `nox -s docs` turns the tests red instead of leaving a stale table.

Cost: one read of course.toml and a few `stat` calls; nothing is imported
from the framework packages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tinytorch.setup.status import target_text  # one wording, shared with `tito status`

from .files import write_atomic
from .manifest import REPO, Course, Module, load

INDEX = Path("docs") / "modules" / "README.md"
HEADER = (
    "<!-- Generated from course.toml by `nox -s docs` (tools/course_tools/docs.py). "
    "Do not edit by hand: change course.toml and run `nox -s docs`. -->"
)
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def page_name(module: Module) -> str:
    """The guide page of a module, inside docs/modules: `07-autograd.md`."""
    return f"{module.number:02d}-{module.name}.md"


def has_package(module: Module, repo: Path = REPO) -> bool:
    """Whether the reference package of `module` exists in `packages/`."""
    return (repo / "packages" / module.dist / "pyproject.toml").is_file()


def has_page(module: Module, repo: Path = REPO) -> bool:
    """Whether `docs/modules/NN-<name>.md` exists."""
    return (repo / INDEX.parent / page_name(module)).is_file()


def _span(modules: tuple[Module, ...]) -> str:
    return f"{modules[0].number:02d}-{modules[-1].number:02d}"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_index(course: Course, repo: Path = REPO) -> str:
    """The text of docs/modules/README.md for `course` and the files under `repo`."""
    n = len(course.modules)
    built = sum(has_package(m, repo) for m in course.modules)
    lines = [
        HEADER,
        "",
        f"# The modules of {course.name}",
        "",
        f"The chain has {n} modules. Module N builds only on modules 01 to N-1, each is "
        f"its own distribution (`tt-<name>`), and all of them share the import namespace "
        f"`{course.namespace}`. {built} of the {n} have a reference package in "
        "`packages/` so far. A module's guide says what you build, why, what it costs, "
        "how it is tested and what it unlocks; the package's README lists its full API.",
        "",
        "| # | distribution | import | part | what it provides | package | guide |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in course.modules:
        package = (
            f"[yes](../../packages/{m.dist}/README.md)" if has_package(m, repo) else "not yet"
        )
        guide = f"[{page_name(m)}]({page_name(m)})" if has_page(m, repo) else "-"
        lines.append(
            f"| {m.number:02d} | `{m.dist}` | `{m.import_name}` | {m.part} | "
            f"{_cell(m.summary)} | {package} | {guide} |"
        )
    lines += [
        "",
        "## Parts",
        "",
        "A part is a prefix of the chain: a short course can stop after any of them. "
        "`nox -s partN` installs the part's modules, runs every package's tests, the "
        "integration tests of parts 1 to N and the milestones the part unlocks.",
        "",
        "| part | title | modules | new in this part | session |",
        "|---|---|---|---|---|",
    ]
    for p in course.parts:
        new = p.new_modules
        added = f"{_span(new)} (`{new[0].dist}` .. `{new[-1].dist}`)" if new else "-"
        lines.append(
            f"| {p.number} | {_cell(p.title)} | {_span(p.modules)} | {added} | "
            f"`nox -s part{p.number}` |"
        )
    lines += [
        "",
        "## Milestones",
        "",
        "A milestone is a historical result recreated with the installed packages: "
        "`python milestones/<name>.py` from the repository root (`--seed`, `--quick`, "
        "`--epochs`, `--test-data`, `--report`). It needs every module up to the one "
        "named, and it exits 1 below its target.",
        "",
        "| milestone | what | needs | target | first runs in |",
        "|---|---|---|---|---|",
    ]
    for ms in course.milestones:
        last = course.module(ms.requires)
        part = next(p for p in course.parts if p.through >= ms.requires)
        lines.append(
            f"| `{ms.name}` | {_cell(ms.title)} | modules 01-{ms.requires:02d} "
            f"(through `{last.dist}`) | {target_text(ms)} | part {part.number} |"
        )
    return "\n".join(lines) + "\n"


def stale(repo: Path = REPO) -> str | None:
    """None when docs/modules/README.md is up to date, else what is wrong with it."""
    path = repo / INDEX
    if not path.is_file():
        return f"{INDEX} does not exist; run `nox -s docs`"
    if path.read_text(encoding="utf-8") != render_index(load(repo), repo):
        return f"{INDEX} differs from what course.toml and the tree give; run `nox -s docs`"
    return None


def update(repo: Path = REPO) -> bool:
    """Write the index if it changed; whether it did."""
    text = render_index(load(repo), repo)
    path = repo / INDEX
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text)
    return True


def local_links(text: str) -> list[str]:
    """The targets of the Markdown links in `text` that point at files (no URLs, no anchors)."""
    out = []
    for target in _LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        out.append(target.split("#", 1)[0])
    return out


def broken_links(page: Path) -> list[str]:
    """The local link targets of the Markdown file `page` that do not exist."""
    text = page.read_text(encoding="utf-8")
    return [t for t in local_links(text) if not (page.parent / t).exists()]


def docs_session(session: Any) -> None:
    """Write docs/modules/README.md from course.toml (`-- --check`: only check it)."""
    args = list(session.posargs)
    if args not in ([], ["--check"]):
        session.error(f"nox -s docs takes no arguments but --check, got {' '.join(args)}")
    if args == ["--check"]:
        problem = stale()
        if problem:
            session.error(problem)
        session.log(f"{INDEX} is up to date")
        return
    changed = update()
    session.log(f"{INDEX} {'written' if changed else 'already up to date'}")
