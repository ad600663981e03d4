"""Plain-text tables: columns padded to their widest cell, no box drawing.

Plain ASCII so the output reads the same in a terminal, a CI log and a
pasted bug report.
"""

from __future__ import annotations

from collections.abc import Sequence


def format_table(header: Sequence[str], rows: Sequence[Sequence[object]], indent: int = 2) -> str:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append(" " * indent + "  ".join(padded).rstrip())
    return "\n".join(lines)
