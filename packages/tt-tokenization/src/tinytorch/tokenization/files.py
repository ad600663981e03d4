"""Saving and loading tokenizers as JSON: written atomically, read with named errors.

A tokenizer file is a small JSON object with a `format` (which tokenizer),
a `version` (of the file layout) and the tokenizer's own fields. It is
written to a temporary file in the same folder, flushed to disk and then
renamed over the target with `os.replace`, so a crash never leaves a half
written tokenizer. Reading checks that the file is JSON, of the expected
format and version, before the tokenizer validates its fields.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import TokenizerFileError

VERSION = 1
PathLike = str | os.PathLike[str]


def write_json_atomic(path: PathLike, obj: dict[str, Any]) -> None:
    """Write `obj` as UTF-8 JSON to `path`: temp file beside it, fsync, `os.replace`."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_json(path: PathLike, fmt: str) -> dict[str, Any]:
    """The JSON object in `path`, checked to have `format` == fmt and a known version."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TokenizerFileError(f"{path}: not a tokenizer file (not UTF-8 text: {exc})") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TokenizerFileError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise TokenizerFileError(f"{path}: expected a JSON object, got {type(obj).__name__}")
    found = obj.get("format")
    if found != fmt:
        raise TokenizerFileError(f"{path}: 'format' is {found!r}, expected {fmt!r}")
    if obj.get("version") != VERSION:
        raise TokenizerFileError(f"{path}: 'version' is {obj.get('version')!r}, this "
                                 f"tt-tokenization reads version {VERSION}")
    return obj


def field(obj: dict[str, Any], name: str, kind: type, path: PathLike) -> Any:
    """obj[name], checked to be of `kind`; a `TokenizerFileError` naming the field if not."""
    if name not in obj:
        raise TokenizerFileError(f"{path}: the field {name!r} is missing")
    value = obj[name]
    if not isinstance(value, kind):
        raise TokenizerFileError(f"{path}: {name!r} must be a {kind.__name__}, got "
                                 f"{type(value).__name__}")
    return value
