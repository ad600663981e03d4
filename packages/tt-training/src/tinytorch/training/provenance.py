"""Which implementation trained this? The installed `tt-*` packages, for checkpoints.

In this course a module can come from the reference or from a student, so a
checkpoint records the distributions that produced it (name, version,
reference/student), read from the installed metadata by tt-setup. Loading
compares them with what is installed now and reports the differences, so a
resumed run that silently switched implementations is visible.
"""

from __future__ import annotations

from tinytorch.setup import find_installed


def installed_packages() -> dict[str, dict[str, str]]:
    """{dist: {"version": ..., "kind": "reference" | "student" | "unknown"}}."""
    return {name: {"version": p.version, "kind": p.kind} for name, p in find_installed().items()}


def differences(saved: dict[str, dict[str, str]]) -> list[str]:
    """Lines naming every package whose version or kind differs from `saved`."""
    now = installed_packages()
    lines = []
    for name in sorted(set(saved) | set(now)):
        before, after = saved.get(name), now.get(name)
        if before != after:
            describe = lambda p: "absent" if p is None else f"{p['version']} ({p['kind']})"  # noqa: E731
            lines.append(f"{name}: saved with {describe(before)}, now {describe(after)}")
    return lines
