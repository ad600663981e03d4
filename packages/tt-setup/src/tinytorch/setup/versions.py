"""Just enough of PEP 440 to check `tt-tensor>=0.1,<0.2` against `0.1.3`.

Why not `packaging`? tt-setup depends on NumPy only, like every framework
package, and the ranges the course uses are plain release numbers. This file
understands release segments (`0.1.3`), pre-releases (`0.2.0a1`, `0.2.0rc1`,
`0.2.0.dev0`, all below `0.2.0`), post-releases (above), local labels
(ignored), and the operators `== != < <= > >= ~=` with `==0.1.*` wildcards.

Cost: a regular-expression match per version; nothing else.
"""

from __future__ import annotations

import re

_VERSION = re.compile(
    r"^\s*v?(?:\d+!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?P<pre>[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview|dev)[-_.]?\d*)?"
    r"(?P<post>[-_.]?(?:post|rev|r)[-_.]?\d*|-\d+)?"
    r"(?P<dev>[-_.]?dev[-_.]?\d*)?"
    r"(?:\+[a-z0-9.]+)?\s*$",
    re.IGNORECASE,
)
_SPEC = re.compile(r"^\s*(===|==|!=|~=|<=|>=|<|>)\s*([^\s,;]+)\s*$")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")

Key = tuple[tuple[int, ...], int]  # (release without trailing zeros, stage)


def normalize_name(name: str) -> str:
    """PEP 503 name: `TT_Tensor` and `tt.tensor` are both `tt-tensor`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def version_key(version: str) -> Key:
    """Sortable key of a version: release numbers, then 0 = pre/dev, 1 = final, 2 = post."""
    match = _VERSION.match(version)
    if match is None:
        raise ValueError(f"version: {version!r} is not a PEP 440 version")
    release = tuple(int(part) for part in match["release"].split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    if match["pre"] or match["dev"]:
        stage = 0
    elif match["post"]:
        stage = 2
    else:
        stage = 1
    return release, stage


def _padded(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)), b + (0,) * (width - len(b))


def _admits_one(op: str, bound: str, version: str) -> bool:
    """Whether `version` satisfies the single clause `op bound`."""
    if op == "===":
        return version.strip() == bound
    if op in ("==", "!=") and bound.endswith(".*"):
        prefix = tuple(int(p) for p in bound[:-2].split("."))
        release = _padded(version_key(version)[0], prefix)[0]
        same = release[: len(prefix)] == prefix
        return same if op == "==" else not same
    (v_rel, v_stage), (b_rel, b_stage) = version_key(version), version_key(bound)
    v_rel, b_rel = _padded(v_rel, b_rel)
    v, b = (v_rel, v_stage), (b_rel, b_stage)
    if op == "==":
        return v == b
    if op == "!=":
        return v != b
    if op == "<":  # `<0.2` also excludes 0.2's own pre-releases
        return v < b and not (v_rel == b_rel and v_stage == 0 and b_stage != 0)
    if op == "<=":
        return v <= b
    if op == ">":  # `>0.1` also excludes 0.1's own post-releases
        return v > b and not (v_rel == b_rel and v_stage == 2 and b_stage != 2)
    if op == ">=":
        return v >= b
    # ~=X.Y.Z means >=X.Y.Z and ==X.Y.*
    parts = bound.split(".")
    if len(parts) < 2:
        raise ValueError(f"version: '~={bound}' needs at least two release numbers")
    return v >= b and _admits_one("==", ".".join(parts[:-1]) + ".*", version)


def admits(specifier: str, version: str) -> bool:
    """Whether `version` satisfies every comma-separated clause of `specifier`.

    >>> admits(">=0.1,<0.2", "0.1.3")
    True
    """
    clauses = [c for c in specifier.split(",") if c.strip()]
    for clause in clauses:
        match = _SPEC.match(clause)
        if match is None:
            raise ValueError(f"version: cannot read the clause {clause.strip()!r}")
        if not _admits_one(match[1], match[2], version):
            return False
    return True


def parse_requirement(text: str) -> tuple[str, str, str]:
    """Split a `Requires-Dist` line into (normalized name, specifier, marker)."""
    body, _, marker = text.partition(";")
    match = _NAME.match(body)
    if match is None:
        raise ValueError(f"requirement: cannot read {text!r}")
    spec = match[3].strip()
    if spec.startswith("(") and spec.endswith(")"):
        spec = spec[1:-1].strip()
    return normalize_name(match[1]), spec, marker.strip()
