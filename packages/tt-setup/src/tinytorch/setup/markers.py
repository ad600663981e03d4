"""Solution regions: find them, strip them out of a file, put them back.

A reference package marks the code a student writes with two comment lines,
each alone on its line, at the indentation of the code they enclose:

    def relu(x: Tensor) -> Tensor:
        \"\"\"Docstring stays.\"\"\"
        ### BEGIN SOLUTION
        return maximum(x, 0.0)
        ### END SOLUTION

The rules a region must follow (each broken rule is a `MarkerError` naming
the file and line):

- the markers are comments, found with `tokenize`, so a marker inside a
  string or a docstring does not count; a comment that looks like a marker but
  is not spelled exactly (`## BEGIN SOLUTION`, `# end solution`) is an error,
  so that a typo never leaks a solution into a starter;
- BEGIN and END pair up, do not nest, and share one indentation;
- between them: one or more whole statements, in one block of a function or
  method body, starting at the markers' indentation, after the docstring.

`strip_solutions` replaces each region's statements by
`raise NotImplementedError("<dist>: <qualname> is yours to write (module NN)")`
and keeps the two marker lines, so the student writes between them and
`refill` can put the reference's statements back (a round trip gives the
reference file byte for byte).

Cost: one `tokenize` and one `ast.parse` of the file, linear in its size.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
MAX_LINE = 99  # a longer stub is written over three lines
_LOOKALIKE = re.compile(r"^#+\s*(BEGIN|END)\s+SOLUTION\b", re.IGNORECASE)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class MarkerError(ValueError):
    """A solution region breaks a rule; the message starts with `file:line:`."""


@dataclass(frozen=True)
class Region:
    """One solution region: the lines of its markers (1-based) and where it is."""

    begin: int  # line of `### BEGIN SOLUTION`
    end: int  # line of `### END SOLUTION`
    indent: str  # the markers' indentation
    qualname: str  # the function it belongs to, as `__qualname__` spells it

    def body(self, lines: list[str]) -> list[str]:
        """The region's lines between the markers, from `text.splitlines(keepends=True)`."""
        return lines[self.begin : self.end - 1]


def _markers(text: str, filename: str) -> Iterator[tuple[int, str, str]]:
    """(line, BEGIN or END, indentation) of every marker comment, in order."""
    depth = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
            if tok.type != tokenize.COMMENT:
                continue
            comment = tok.string.strip()
            line = tok.start[0]
            if comment not in (BEGIN, END):
                if _LOOKALIKE.match(comment):
                    raise MarkerError(
                        f"{filename}:{line}: {comment!r} looks like a solution marker but is "
                        f"not one; write exactly {BEGIN!r} or {END!r}"
                    )
                continue
            if tok.line.strip() != comment:
                raise MarkerError(
                    f"{filename}:{line}: {comment!r} must be alone on its line, "
                    "not after code"
                )
            if depth:
                raise MarkerError(
                    f"{filename}:{line}: {comment!r} is inside brackets; a region holds "
                    "whole statements"
                )
            yield line, comment, tok.line[: tok.start[1]]
    except (tokenize.TokenError, SyntaxError) as exc:
        raise MarkerError(f"{filename}: not valid Python: {exc}") from None


def _pairs(text: str, filename: str) -> list[tuple[int, int, str]]:
    """(begin, end, indentation) of every region; unbalanced or nested markers are errors."""
    pairs: list[tuple[int, int, str]] = []
    opened: tuple[int, str] | None = None
    for line, kind, indent in _markers(text, filename):
        if kind == BEGIN:
            if opened is not None:
                raise MarkerError(
                    f"{filename}:{line}: {BEGIN} inside the region opened at line "
                    f"{opened[0]}; regions do not nest (close that one with {END} first)"
                )
            opened = (line, indent)
        elif opened is None:
            raise MarkerError(f"{filename}:{line}: {END} without a {BEGIN} before it")
        elif indent != opened[1]:
            raise MarkerError(
                f"{filename}:{line}: {END} is indented {len(indent)} columns, its {BEGIN} "
                f"(line {opened[0]}) {len(opened[1])}; a region's markers line up"
            )
        else:
            pairs.append((opened[0], line, indent))
            opened = None
    if opened is not None:
        raise MarkerError(f"{filename}:{opened[0]}: {BEGIN} is never closed by an {END}")
    return pairs


def _start(stmt: ast.stmt) -> int:
    """First line of a statement, decorators included."""
    decorators = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _end(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno


class _Tree:
    """The statements of a module with their parents, for the region checks."""

    def __init__(self, text: str, filename: str) -> None:
        try:
            module = ast.parse(text, filename=filename)
        except SyntaxError as exc:
            raise MarkerError(f"{filename}:{exc.lineno}: not valid Python: {exc.msg}") from None
        self.parent: dict[ast.AST, ast.AST] = {}
        self.block: dict[ast.AST, tuple[int, str]] = {}  # statement -> (id(parent), field)
        self.stmts: list[ast.stmt] = []
        todo: list[ast.AST] = [module]
        while todo:  # statements live only in lists of statements, handlers and cases
            node = todo.pop()
            for name, value in ast.iter_fields(node):
                if not isinstance(value, list):
                    continue
                for child in value:
                    if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                        self.parent[child] = node
                        self.block[child] = (id(node), name)
                        if isinstance(child, ast.stmt):
                            self.stmts.append(child)
                        todo.append(child)
        self.stmts.sort(key=lambda s: (s.lineno, s.col_offset))

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        up = self.parent.get(node)
        while up is not None:
            yield up
            up = self.parent.get(up)

    def scope(self, node: ast.AST) -> ast.AST | None:
        """The function, class or None (module) whose body holds `node`."""
        up = self.parent.get(node)
        while up is not None and not isinstance(up, _SCOPES):
            up = self.parent.get(up)
        return up

    def qualname(self, func: ast.AST) -> str:
        """`Tensor.__init__`, `outer.<locals>.inner`: what `__qualname__` says."""
        names: list[str] = []
        node: ast.AST | None = func
        while node is not None:
            if isinstance(node, _SCOPES):
                if names and not isinstance(node, ast.ClassDef):
                    names.append("<locals>")
                names.append(node.name)
            node = self.parent.get(node)
        return ".".join(reversed(names))


def _region(tree: _Tree, begin: int, end: int, indent: str, filename: str) -> Region:
    """Check one region against the rules; the Region, with its function's name."""
    where = f"{filename}:{begin}"
    inside = [s for s in tree.stmts if begin < _start(s) < end]
    if not inside:
        raise MarkerError(f"{where}: the region (lines {begin}-{end}) holds no statement")
    for s in inside:
        if _end(s) >= end:
            raise MarkerError(
                f"{filename}:{s.lineno}: this statement runs past the {END} at line {end}; "
                "a region holds whole statements"
            )
    last = max(_end(s) for s in inside)
    for s in tree.stmts:
        if _start(s) < begin and begin < _end(s) < last:
            raise MarkerError(
                f"{where}: the region begins inside the statement at line {s.lineno} and goes "
                "on after it; a region is one block of whole statements"
            )
    ids = {id(s) for s in inside}
    tops = [s for s in inside if not any(id(a) in ids for a in tree.ancestors(s))]
    for s in tops:
        if s.col_offset != len(indent.encode("utf-8")):
            raise MarkerError(
                f"{filename}:{s.lineno}: this statement starts at column {s.col_offset}, the "
                f"markers (lines {begin}, {end}) at {len(indent)}; a region's statements "
                "start at its markers' indentation"
            )
    if len({tree.block[s] for s in tops}) > 1:
        raise MarkerError(f"{where}: the region spans more than one block of statements")
    func = tree.scope(tops[0])
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        place = f"the body of class {func.name}" if func is not None else "module level"
        raise MarkerError(
            f"{where}: the region is not inside a function body (it is at {place}); mark "
            "statements of a function or method"
        )
    first = func.body[0]
    if (
        first in tops
        and isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        raise MarkerError(
            f"{where}: the region holds the docstring of {func.name}; the docstring stays "
            f"above {BEGIN}"
        )
    return Region(begin, end, indent, tree.qualname(func))


def find_regions(text: str, filename: str = "<source>") -> list[Region]:
    """Every solution region of a Python source, checked against the rules above."""
    pairs = _pairs(text, filename)
    if not pairs:
        return []
    tree = _Tree(text, filename)
    return [_region(tree, b, e, indent, filename) for b, e, indent in pairs]


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def stub(region: Region, message: str, newline: str = "\n") -> list[str]:
    """The `raise NotImplementedError(message)` lines that replace a region's statements.

    One line when it fits in `MAX_LINE` columns; else the message is split at
    spaces into string literals on lines of their own (Python joins them).
    """
    one = f"{region.indent}raise NotImplementedError({_literal(message)})"
    if len(one) <= MAX_LINE:
        return [one + newline]
    inner = region.indent + "    "
    width = MAX_LINE - len(inner) - 2  # the quotes
    chunks: list[str] = []
    for word in message.split(" "):
        if chunks and len(chunks[-1]) + 1 + len(word) <= width:
            chunks[-1] += " " + word
        else:
            chunks.append(word)
    pieces = [c + " " for c in chunks[:-1]] + chunks[-1:]
    return [
        f"{region.indent}raise NotImplementedError(" + newline,
        *(inner + _literal(p) + newline for p in pieces),
        f"{region.indent})" + newline,
    ]


def _newline(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :] or "\n"


def strip_solutions(
    text: str, filename: str, message: Callable[[Region], str]
) -> tuple[str, list[Region]]:
    """`text` with every region's statements replaced by a stub; also the starter's regions.

    `message(region)` is the text of the region's NotImplementedError. The
    result is checked to parse, and its regions (now holding the stubs) are
    returned, so their lines are the starter's.
    """
    regions = find_regions(text, filename)
    lines = text.splitlines(keepends=True)
    for r in reversed(regions):
        lines[r.begin : r.end - 1] = stub(r, message(r), _newline(lines[r.begin - 1]))
    out = "".join(lines)
    try:
        ast.parse(out, filename=filename)
    except SyntaxError as exc:  # pragma: no cover - the region checks make this unreachable
        raise MarkerError(f"{filename}:{exc.lineno}: the stripped file does not parse: "
                          f"{exc.msg}") from None
    return out, find_regions(out, filename)


def refill(starter: str, reference: str, filename: str = "<source>") -> str:
    """Put the reference's region statements back into a starter (or a student's file).

    Regions are matched in order; their counts must agree. For a starter made
    by `strip_solutions`, the result equals `reference` exactly.
    """
    mine, theirs = find_regions(starter, filename), find_regions(reference, filename)
    if len(mine) != len(theirs):
        raise MarkerError(
            f"{filename}: {len(mine)} solution region(s) here, {len(theirs)} in the reference; "
            "cannot match them up"
        )
    lines = starter.splitlines(keepends=True)
    ref_lines = reference.splitlines(keepends=True)
    for r, ref in zip(reversed(mine), reversed(theirs), strict=True):
        lines[r.begin : r.end - 1] = ref.body(ref_lines)
    return "".join(lines)
