"""Run by a session's Python, isolated (`python -I probe.py OUT DIST=IMPORT ...`).

For each pair, in order: the installed distribution's version, keywords and
PEP 610 origin, then an import of the package, recording the file it came from,
whether that file belongs to the distribution, or the exception in one line.
Writes a JSON list to OUT (a student's import may print, so not to stdout).

Standalone on purpose: it runs in the session's venv, where neither the
tooling nor the source tree is importable.
"""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from importlib import metadata
from pathlib import Path


def short(filename: str) -> str:
    """`tinytorch/tensor/ops.py` rather than the whole site-packages path."""
    parts = Path(filename).parts
    if "tinytorch" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("tinytorch") :])
    return filename


def one_line(exc: BaseException) -> str:
    """Type, first line of the message, and where it was raised: one line."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{type(exc).__name__}: {exc.msg} (at {short(exc.filename)}:{exc.lineno})"
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        return f"{text} (at {short(frames[-1].filename)}:{frames[-1].lineno})"
    return text


def probe(dist_name: str, import_name: str) -> dict:
    info: dict = {"dist": dist_name, "import": import_name}
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError:
        info["error"] = f"{dist_name} is not installed"
        return info
    info["version"] = dist.version
    info["keywords"] = (dist.metadata.get("Keywords") or "").replace(",", " ").split()
    direct = dist.read_text("direct_url.json")
    info["direct_url"] = json.loads(direct) if direct else None
    files = {str(Path(str(dist.locate_file(f))).resolve()) for f in dist.files or []}
    try:
        module = importlib.import_module(import_name)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a student's package may raise anything
        info["error"] = one_line(exc)
        return info
    file = getattr(module, "__file__", None)
    info["file"] = str(Path(file).resolve()) if file else None
    info["owned"] = bool(file) and info["file"] in files
    return info


def main(argv: list[str]) -> int:
    out, pairs = argv[1], argv[2:]
    results = [probe(*pair.split("=", 1)) for pair in pairs]
    Path(out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
