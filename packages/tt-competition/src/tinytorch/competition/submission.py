"""`load_submission`: read an untrusted submission directory safely, or refuse it with a reason.

A submission is a directory with exactly the two files the scorer reads,
`spec.json` and `weights.npz` (anything else there is ignored, never read,
never imported). The checks run cheapest first, so a hostile submission
costs the scorer almost nothing:

1. both files exist, are regular files, and are not symlinks leading out of
   the directory (a link to /etc/passwd or to another student's weights);
2. their total size is at most `max_bytes` (checked with `stat`, BEFORE
   reading), and the npz's members, uncompressed, too (a zip bomb is small
   on disk);
3. spec.json is UTF-8 JSON (no NaN) and passes `validate_spec`;
4. the layers it asks for would hold at most `ELEMENTS_PER_BYTE * max_bytes`
   numbers before loading (so a spec cannot make the scorer allocate
   gigabytes for a tiny weights file);
5. weights.npz is read with `allow_pickle=False`: an object array (a
   pickle, which could run code) is refused;
6. the model is built from the spec and the weights are loaded after their
   keys, shapes and dtypes are checked (`build.load_weights`).
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .build import build_model, load_weights
from .errors import SubmissionError
from .spec import estimated_elements, validate_spec

FILES = ("spec.json", "weights.npz")
DEFAULT_MAX_BYTES = 20 * 10**6  # 20 MB: twice the 10 MB of the accuracy event
ELEMENTS_PER_BYTE = 2  # a dense float32 build may be 8x the file (int4 is 8x smaller)


@dataclass
class Submission:
    """A loaded submission: its checked spec, the built model with its weights, its size."""

    path: Path
    spec: dict[str, Any]
    model: Any  # a tinytorch.layers.Sequential in eval mode
    file_bytes: int  # spec.json + weights.npz, as stored

    @property
    def task(self) -> str:
        return self.spec["task"]

    @property
    def name(self) -> str:
        return self.spec["name"]

    @property
    def author(self) -> str:
        return self.spec["author"]


def _files(path: Path) -> dict[str, Path]:
    """The two files, checked to be regular files inside `path` (not links out of it)."""
    if not path.is_dir():
        raise SubmissionError("not a directory (a submission is a directory holding "
                              "spec.json and weights.npz)", path)
    root = path.resolve()
    found = {}
    for name in FILES:
        file = path / name
        if not file.exists() and not file.is_symlink():
            raise SubmissionError(f"missing file {name}", path)
        target = file.resolve()
        if target.parent != root:
            raise SubmissionError(f"{name} is a symlink out of the submission directory "
                                  f"(to {target}); submit the file itself", path)
        if not target.is_file():
            raise SubmissionError(f"{name} is not a regular file", path)
        found[name] = target
    return found


def _read_npz(file: Path, max_bytes: int, submission: Path) -> dict[str, np.ndarray]:
    """The arrays of weights.npz: no pickles, uncompressed size within the limit."""
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise SubmissionError(f"weights.npz is not an npz (zip) file: {error}", submission) \
            from None
    if unpacked > max_bytes:
        raise SubmissionError(f"weights.npz unpacks to {unpacked} bytes, over the limit of "
                              f"{max_bytes} bytes", submission)
    arrays = {}
    try:
        with np.load(file, allow_pickle=False) as data:
            for key in data.files:
                arrays[key] = data[key]
    except ValueError as error:
        if "pickle" in str(error).lower():
            raise SubmissionError("weights.npz holds an object array, i.e. a pickle inside "
                                  "the npz, which could run code; save plain numeric arrays",
                                  submission) from None
        raise SubmissionError(f"weights.npz cannot be read: {error}", submission) from None
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise SubmissionError(f"weights.npz cannot be read: {error}", submission) from None
    return arrays


def load_submission(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Submission:
    """Check, build and load a submission directory; SubmissionError (with .reason) if refused."""
    ### BEGIN SOLUTION
    path = Path(path)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"load_submission: max_bytes must be a positive int, got {max_bytes!r}")
    files = _files(path)
    total = sum(os.stat(f).st_size for f in files.values())
    if total > max_bytes:
        raise SubmissionError(f"the submission is {total} bytes (spec.json + weights.npz), over "
                              f"the size limit of {max_bytes} bytes", path)
    try:
        raw = files["spec.json"].read_text(encoding="utf-8")
        spec = json.loads(raw, parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
        raise SubmissionError(f"spec.json is not valid JSON: {error}", path) from None
    try:
        spec = validate_spec(spec)
        elements = estimated_elements(spec)
        if elements > ELEMENTS_PER_BYTE * max_bytes:
            raise SubmissionError(
                f"spec.json: the layers would hold {elements} numbers, more than "
                f"{ELEMENTS_PER_BYTE} per byte of the size limit ({max_bytes} bytes)")
        arrays = _read_npz(files["weights.npz"], max_bytes, path)
        model = build_model(spec)
        load_weights(model, arrays)
    except SubmissionError as error:
        raise SubmissionError(error.reason, path) from None
    return Submission(path, spec, model, total)
    ### END SOLUTION


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
