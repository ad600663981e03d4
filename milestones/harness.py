"""What every milestone script shares: arguments, data, targets, the report.

A milestone is a historical result recreated with the installed TinyTorch
packages. Each script calls `parse_args`, trains, and ends with `finish`,
which prints the result, writes the optional JSON report atomically and
returns the exit status (1 when below target).

Targets are not written here: they live in course.toml, read through the
installed tt-setup (`tinytorch.setup.load_course`), the one copy of that map.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
DATASETS = {"digits": ("digits.npz", 16.0), "mnist": ("mnist4k.npz", 255.0)}


def parse_args(name: str, description: str, datasets: bool = False) -> argparse.Namespace:
    """The common command line: --seed --quick --epochs --test-data --report (--data)."""
    p = argparse.ArgumentParser(prog=f"milestones/{name}.py", description=description)
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same numbers)")
    p.add_argument("--quick", action="store_true", help="a shorter run, for CI")
    p.add_argument("--epochs", type=int, default=None, help="override the number of epochs")
    p.add_argument(
        "--test-data", type=Path, default=None, metavar="FILE.npz",
        help="also report accuracy on this .npz (images, labels; same format as the shipped data)",
    )
    p.add_argument("--report", type=Path, default=None, metavar="FILE.json",
                   help="write the result as JSON here")
    if datasets:
        p.add_argument("--data", choices=sorted(DATASETS), default="digits",
                       help="which shipped data set to train on")
    args = p.parse_args()
    args.started = time.perf_counter()
    return args


@dataclass
class ImageSet:
    """Samples scaled to [0, 1] as float32 (N, H, W), or (N, 2) points, and labels (N,)."""

    images: np.ndarray
    labels: np.ndarray


def load_images(path: Path, scale: float, shape: tuple[int, ...] | None = None) -> ImageSet:
    """Load an `images`/`labels` .npz without pickle, checking its format."""
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = {"images", "labels"} - set(f.files)
            if missing:
                raise SystemExit(f"{path}: missing array(s) {sorted(missing)}; has {f.files}")
            images, labels = f["images"], f["labels"]
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: not a readable .npz file ({exc})") from None
    if labels.shape != (len(images),):
        raise SystemExit(
            f"{path}: expected one label per image, got images {images.shape} and labels "
            f"{labels.shape}"
        )
    if shape is not None and images.shape[1:] != shape:
        raise SystemExit(
            f"{path}: each sample is {images.shape[1:]}, this milestone needs {shape}"
        )
    return ImageSet(images.astype(np.float32) / scale, labels.astype(np.int64))


def load_dataset(name: str) -> ImageSet:
    """One of the data sets shipped in milestones/data (see its README)."""
    file, scale = DATASETS[name]
    return load_images(DATA_DIR / file, scale)


def stratified_split(labels: np.ndarray, test_fraction: float, seed: int) -> tuple:
    """Indices (train, test) with the same class balance in both parts."""
    rng = np.random.default_rng(seed)
    test = []
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        rng.shuffle(idx)
        test.extend(idx[: round(len(idx) * test_fraction)])
    test = np.sort(np.asarray(test, dtype=np.int64))
    return np.setdiff1d(np.arange(len(labels)), test), test


def target(name: str, data: str | None = None) -> tuple[str, float]:
    """(metric, target) of milestone `name` from course.toml, per data set if it says so."""
    from tinytorch.setup import load_course

    m = load_course().milestone(name)
    return m.metric, float(m.data_targets.get(data, m.target) if data else m.target)


def finish(args: argparse.Namespace, name: str, value: float, data: str | None = None,
           extra: dict | None = None) -> int:
    """Print the result, write the JSON report, return the exit status."""
    metric, goal = target(name, data)
    seconds = time.perf_counter() - args.started
    passed = bool(value >= goal)
    report = {"milestone": name, "metric": metric, "value": round(float(value), 6),
              "target": goal, "passed": passed, "seconds": round(seconds, 3),
              "seed": args.seed, "quick": bool(args.quick), **(extra or {})}
    verdict = "PASSED" if passed else "BELOW TARGET"
    print(f"{name}: {metric} = {value:.4f} (target {goal:.4f}) -> {verdict} in {seconds:.1f}s")
    if args.report is not None:
        write_json_atomic(args.report, report)
    return 0 if passed else 1


def write_json_atomic(path: Path, obj: dict) -> None:
    """Write JSON to a temp file beside `path`, then rename: never a half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(obj, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
