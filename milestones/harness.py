"""What every milestone script shares: arguments, checks, data, targets, the report.

A milestone is a historical result recreated with the installed TinyTorch
packages. Each script hands its work to `main`:

    sys.exit(harness.main(NAME, __doc__, body, POINTS))

`main` fails fast, before any training, with one line on stderr and exit
status 2 (as argparse does for a bad argument) when

- an argument is wrong (`--epochs -1`);
- a module the milestone needs (course.toml: `requires`, the whole prefix of
  the chain up to it) is not installed, or is installed but fails to import;
- the `--test-data` file is not what the milestone can score (see `load_images`,
  and `load_text` for a text milestone, whose data spec is a `TextSpec`).

Then it runs `body(run)`, which imports what it needs, trains, and `record`s
each figure as soon as it is measured. The report (`--report`, JSON, written
atomically) always gets written: with the result and exit status 0 (target
reached) or 1 (below target), or, when `body` raises, with what was measured
before the error and the error itself (exit status 1).

Targets are not written here: they live in course.toml, read through the
installed tt-setup (`tinytorch.setup.load_course`), the one copy of that map.

Options that need a later module. `--profile` (every milestone) needs
tt-benchmarking (module 18); a script may add its own such options (gpt_2018's
`--kv-cache` needs tt-caching, module 20) with `main(..., needs={"kv_cache":
"tt-caching"})`, keyed by the argparse dest. Given such an option, `main`
checks that module too, before any training, and fails fast the same way
(exit 2, one line naming the package and how to install it). Without the
option nothing of that module is imported and the run is exactly as before.

The profile seam. A script says what `--profile` measures with ONE call,
after training, wherever its trained model and a batch are at hand:

    run.profile_with(model, inputs, targets, loss)   # loss(model(inputs), targets)
    run.profile_with(model, inputs)                  # inference only (no training step)

It only remembers them. After `body` has returned (or raised, once the call
was made: cnn_2012's margin check raises after training), `--profile` runs
`Profiler(model)` from tinytorch.benchmarking around a forward pass of
`inputs` (eval mode, no gradients), and, when a loss is given, around one
training step (train mode: forward, loss, backward; no optimizer step, the
gradients are cleared afterwards), prints both tables and records their
summary as the report's `profile` (see `Run.profile`). It runs after every
figure was measured, so what it does (BatchNorm's running statistics move in
the training step) changes no figure of the run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA_DIR = HERE / "data"
PRETRAINED_DIR = HERE / "pretrained"
EXIT_USAGE = 2  # argparse's status for a bad command line; used for every fail-fast check
# Options every milestone takes that need a module beyond the milestone's own: argparse dest
# -> the module (course.toml dist) that must import. Scripts add theirs through `main(needs=)`.
OPTION_NEEDS = {"profile": "tt-benchmarking"}


@dataclass(frozen=True)
class DataSpec:
    """What a milestone's samples look like: the format `--test-data` must match.

    `file` is the shipped data set (in milestones/data), if there is one;
    `value_range` the pixel range of the shipped data (None: any finite value);
    `scale` divides the values into [0, 1].
    """

    what: str
    shape: tuple[int, ...]  # one sample
    classes: int
    value_range: tuple[float, float] | None = None
    scale: float = 1.0
    file: str | None = None


DATASETS = {
    "digits": DataSpec("the shipped digits data", (8, 8), 10, (0, 16), 16.0, "digits.npz"),
    "mnist": DataSpec("the shipped MNIST data", (28, 28), 10, (0, 255), 255.0, "mnist4k.npz"),
}
POINTS = DataSpec("2-D points", (2,), 2)


@dataclass(frozen=True)
class TextSpec:
    """A text milestone's data: `--test-data` is any UTF-8 text file (see `load_text`)."""

    what: str


class DataError(ValueError):
    """A data file that a milestone cannot use; the message names file, array and problem."""


@dataclass
class ImageSet:
    """Samples scaled to [0, 1] as float32 (N, H, W), or (N, 2) points, and labels (N,)."""

    images: np.ndarray
    labels: np.ndarray


# --- the command line ---------------------------------------------------------------------------

def non_negative(text: str) -> int:
    """argparse type of --epochs: an int >= 0 (0 evaluates the untrained model)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors in one line like every other fail-fast check."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def parse_args(name: str, description: str, datasets: bool | dict[str, DataSpec] = False,
               trains: bool = True, argv: list[str] | None = None,
               options: Callable[[argparse.ArgumentParser], None] | None = None,
               text: bool = False) -> argparse.Namespace:
    """The common command line: --seed --quick --epochs --test-data --report (--data).

    `datasets`: True offers the shipped DATASETS as `--data` (default digits);
    a dict offers its own keys (default: its first). `options(parser)` adds a
    script's own arguments (for example `--plot`). `text`: `--test-data` is a
    text file (a language milestone), not an .npz of images.
    """
    p = _Parser(prog=f"milestones/{name}.py", description=description)
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same numbers)")
    p.add_argument("--quick", action="store_true",
                   help="a shorter run, for CI" if trains else "accepted; changes nothing here")
    p.add_argument("--epochs", type=non_negative, default=None,
                   help="override the number of epochs (0: evaluate the untrained model)"
                   if trains else argparse.SUPPRESS)
    p.add_argument(
        "--test-data", type=Path, default=None, metavar="FILE.txt" if text else "FILE.npz",
        help="also report the loss per character on this UTF-8 text file; checked before "
             "anything runs" if text else
             "also report accuracy on this .npz (images, labels; same format as the shipped "
             "data); checked before anything runs",
    )
    p.add_argument("--report", type=Path, default=None, metavar="FILE.json",
                   help="write the result as JSON here")
    p.add_argument("--profile", action="store_true",
                   help="at the end, profile the model on one batch with tt-benchmarking's "
                        "Profiler (module 18): "
                        + ("a forward pass and, for a model trained by back-propagation, "
                           "one training step (forward, loss, backward)"
                           if trains else "a forward pass")
                        + "; print its tables and add parameters, FLOPs and peak memory to "
                          "the report")
    if datasets:
        names = list(datasets) if isinstance(datasets, dict) else ["digits", *DATASETS]
        p.add_argument("--data", choices=sorted(set(names)), default=names[0],
                       help="which data set to use")
    if options is not None:
        options(p)
    args = p.parse_args(argv)
    if not trains and args.epochs is not None:
        p.error(f"--epochs: {name} trains nothing (it runs pretrained weights)")
    args.started = time.perf_counter()
    return args


def epochs(args: argparse.Namespace, default: int) -> int:
    """`--epochs` if given (0 included), else the script's default."""
    return default if args.epochs is None else args.epochs


def fail(name: str, message: str) -> NoReturn:
    """One line on stderr, exit status 2: the fail-fast exit of every check."""
    print(f"milestones/{name}.py: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


# --- the modules a milestone needs --------------------------------------------------------------

def _install_hint(dists: list[str]) -> str:
    """`python -m pip install -e packages/tt-x ...` relative to the working directory."""
    folders = []
    for dist in dists:
        folder = REPO / "packages" / dist
        try:
            folder = folder.relative_to(Path.cwd())
        except ValueError:
            pass
        folders.append(f"-e {folder}")
    return f"python -m pip install {' '.join(folders)} (or your own {', '.join(dists)})"


def _one_line(exc: BaseException) -> str:
    """`ImportError: cannot import name 'x' (at tinytorch/layers/linear.py:3)`."""
    text = str(exc).strip().splitlines()
    line = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    where = next((f for f in reversed(frames) if "tinytorch" in Path(f.filename).parts), None)
    if where is not None:
        parts = Path(where.filename).parts
        short = "/".join(parts[len(parts) - 1 - parts[::-1].index("tinytorch"):])
        line += f" (at {short}:{where.lineno})"
    return line


def _import(module: str) -> BaseException | None:
    try:
        importlib.import_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a student's package may raise anything, even SystemExit
        return exc
    return None


def _missing(exc: BaseException | None, module: str) -> bool:
    """Whether `exc` says that `module` itself (not something it imports) is not there."""
    return isinstance(exc, ModuleNotFoundError) and exc.name in (module, module.split(".")[0])


def require(name: str) -> Any:
    """Check that every module milestone `name` needs imports; return its course.toml entry.

    The needs come from course.toml (`requires`: modules 1..requires). A module
    that is not installed is named with the command that installs it; one that
    is installed but fails to import is named with its error, in one line.
    Modules are tried in chain order, so the first broken one is blamed, not a
    later one that imports it.
    """
    error = _import("tinytorch.setup")
    if error is not None:
        if _missing(error, "tinytorch.setup"):
            fail(name, f"{name} needs tt-setup (module 01, the course map), which is not "
                       f"installed: {_install_hint(['tt-setup'])}")
        fail(name, f"tt-setup (module 01) is installed but does not import: {_one_line(error)}")
    from tinytorch.setup import load_course

    course = load_course()
    milestone = course.milestone(name)
    missing = []
    for module in course.modules_through(milestone.requires):
        error = _import(module.import_name)
        if error is None:
            continue
        if _missing(error, module.import_name):
            missing.append(module)
            continue
        if missing:  # most likely broken because of what is missing: name that
            break
        fail(name, f"{module.dist} (module {module.number:02d}) is installed but "
                   f"{module.import_name} does not import: {_one_line(error)}")
    if missing:
        labels = ", ".join(f"{m.dist} (module {m.number:02d})" for m in missing)
        verb = "which is" if len(missing) == 1 else "which are"
        fail(name, f"{name} needs {labels}, {verb} not installed: "
                   f"{_install_hint([m.dist for m in missing])}")
    return milestone


def option_flag(dest: str) -> str:
    """The command-line spelling of an argparse dest: `kv_cache` -> `--kv-cache`."""
    return "--" + dest.replace("_", "-")


def require_for_options(name: str, args: argparse.Namespace, needs: dict[str, str]) -> None:
    """Fail fast unless the module each given option of `needs` (dest -> dist) imports.

    Only options that are set are checked: a run without them needs nothing
    more than its milestone. The message names the option, the package, its
    module number (from course.toml) and how to install it; an installed
    package that fails to import is named with its error, in one line.
    """
    from tinytorch.setup import load_course

    course = load_course()
    for dest, dist in needs.items():
        if not getattr(args, dest, False):
            continue
        module = course.module(dist)
        error = _import(module.import_name)
        if error is None:
            continue
        what = f"{option_flag(dest)} needs {module.dist} (module {module.number:02d})"
        if _missing(error, module.import_name):
            fail(name, f"{what}, which is not installed: {_install_hint([module.dist])}")
        fail(name, f"{what}, which is installed but {module.import_name} does not import: "
                   f"{_one_line(error)}")


# --- data -------------------------------------------------------------------------------------

def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    """`images` and `labels` of an .npz file, without pickle; DataError names what is wrong."""
    try:
        with open(path, "rb") as f:
            head = f.read(6)
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not head:
        raise DataError(f"{path}: the file is empty (0 bytes), expected an .npz archive")
    if head.startswith(b"\x80"):
        raise DataError(f"{path}: is a Python pickle, which milestones never load (it could "
                        "run code); save plain arrays with np.savez")
    if head == b"\x93NUMPY":
        raise DataError(f"{path}: is a single .npy array, expected an .npz archive with arrays "
                        "'images' and 'labels' (np.savez)")
    if not head.startswith(b"PK"):
        raise DataError(f"{path}: is not an .npz archive (it starts with {head!r}); expected "
                        "arrays 'images' and 'labels' saved with np.savez")
    arrays = {}
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in ("images", "labels") if k not in f.files]
            if missing:
                raise DataError(f"{path}: missing array(s) {', '.join(map(repr, missing))}; "
                                f"it has {f.files or 'no arrays'}")
            for key in ("images", "labels"):
                try:
                    arrays[key] = f[key]
                except ValueError as exc:
                    if "allow_pickle" in str(exc):
                        raise DataError(
                            f"{path}: array {key!r} holds Python objects (pickled), which "
                            "milestones never load; save a numeric array") from None
                    raise DataError(f"{path}: array {key!r} cannot be read ({exc})") from None
    except DataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(f"{path}: not a readable .npz archive ({exc})") from None
    return arrays


def _span(a: np.ndarray) -> str:
    return f"{a.min():g}..{a.max():g}"


def check_arrays(path: Path, images: np.ndarray, labels: np.ndarray, spec: DataSpec) -> None:
    """Raise DataError (one line: file, array, what was expected) unless the arrays fit `spec`."""
    want = f"(N, {', '.join(map(str, spec.shape))})"
    if images.dtype.kind not in "iuf":
        raise DataError(f"{path}: array 'images' has dtype {images.dtype}, expected integers "
                        "or floats")
    if labels.dtype.kind not in "iu":
        raise DataError(f"{path}: array 'labels' has dtype {labels.dtype}, expected integers "
                        f"(class indices 0..{spec.classes - 1})")
    if images.ndim != len(spec.shape) + 1 or images.shape[1:] != spec.shape:
        raise DataError(f"{path}: array 'images' has shape {images.shape}, so each sample is "
                        f"{images.shape[1:]}; this milestone needs {want}: samples of shape "
                        f"{spec.shape}")
    if len(images) == 0:
        raise DataError(f"{path}: array 'images' is empty (shape {images.shape}), expected at "
                        "least one sample")
    if labels.shape != (len(images),):
        raise DataError(f"{path}: array 'labels' has shape {labels.shape}, expected "
                        f"({len(images)},): one label per image of 'images' {images.shape}")
    if images.dtype.kind == "f":
        bad = int(np.count_nonzero(~np.isfinite(images)))
        if bad:
            raise DataError(f"{path}: array 'images' has {bad} non-finite value(s) (nan or "
                            "inf), expected finite numbers")
    if spec.value_range is not None:
        lo, hi = spec.value_range
        if images.min() < lo or images.max() > hi:
            raise DataError(f"{path}: array 'images' has values {_span(images)}, outside "
                            f"{lo:g}..{hi:g}, the range of {spec.what}")
    if labels.min() < 0 or labels.max() >= spec.classes:
        raise DataError(f"{path}: array 'labels' has values {_span(labels)}, expected class "
                        f"indices 0..{spec.classes - 1}")


def load_images(path: Path, spec: DataSpec) -> ImageSet:
    """Load and check an `images`/`labels` .npz (no pickle); values scaled by `spec.scale`.

    Raises DataError naming the file, the array and the problem: unreadable,
    empty, pickled, not an .npz, a missing array, a wrong dtype or sample
    shape, no samples, labels not one per sample, non-finite values, values
    outside the shipped range, labels outside 0..classes-1.
    """
    path = Path(path)
    arrays = _read_arrays(path)
    images, labels = arrays["images"], arrays["labels"]
    check_arrays(path, images, labels, spec)
    return ImageSet((images.astype(np.float64) / spec.scale).astype(np.float32),
                    labels.astype(np.int64))


def load_text(path: Path) -> str:
    """A UTF-8 text file as a str, line ends as "\\n"; DataError names the file and the fault.

    Refused: a file that cannot be read, an empty one, one that is not
    UTF-8 (the message gives the byte offset) and one with NUL bytes (a
    binary file). "\\r\\n" and a lone "\\r" become "\\n" (universal
    newlines), so a file saved on Windows scores like the same text saved on
    Unix. A byte-order mark at the start is dropped.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not raw:
        raise DataError(f"{path}: the file is empty (0 bytes), expected UTF-8 text")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DataError(f"{path}: has a NUL byte at offset {nul}: a binary file, expected "
                        "UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: is not UTF-8 text (byte {raw[exc.start]:#04x} at offset "
                        f"{exc.start}: {exc.reason}); save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_dataset(name: str) -> ImageSet:
    """One of the data sets shipped in milestones/data (see its README)."""
    spec = DATASETS[name]
    return load_images(DATA_DIR / spec.file, spec)


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


# --- running and reporting --------------------------------------------------------------------

@dataclass
class Run:
    """One run of a milestone: its arguments, checked test data and what it has measured."""

    name: str
    args: argparse.Namespace
    milestone: Any  # tinytorch.setup.Milestone
    test_set: ImageSet | str | None = None  # str: the text of a TextSpec milestone
    measured: dict[str, Any] = field(default_factory=dict)
    to_profile: tuple[Any, Any, Any, Any] | None = None  # (model, inputs, targets, loss)

    @property
    def metric(self) -> str:
        return self.milestone.metric

    @property
    def target(self) -> float:
        """The target of course.toml, per data set (`data_targets`) if it says so.

        A `"<data> --quick"` entry of `data_targets` is the target of a `--quick`
        run on that data set, for a milestone whose quick run cannot reach the
        full target in CI's time (course.toml says why, beside the entry).
        """
        data = getattr(self.args, "data", None)
        if not data:
            return float(self.milestone.target)
        targets = self.milestone.data_targets
        if self.args.quick and f"{data} --quick" in targets:
            return float(targets[f"{data} --quick"])
        return float(targets.get(data, self.milestone.target))

    def record(self, **figures: Any) -> None:
        """Keep figures for the report as soon as they are measured (NumPy scalars: floats)."""
        for key, value in figures.items():
            self.measured[key] = value.item() if isinstance(value, np.generic) else value

    def profile_with(self, model: Any, inputs: Any, targets: Any = None,
                     loss: Callable[[Any, Any], Any] | None = None) -> None:
        """Say what `--profile` measures: `model` on one batch `inputs` (array or Tensor).

        With `targets` and `loss` (`loss(model(inputs), targets)` is a scalar
        Tensor) a training step is profiled too. Only remembered here; it runs
        in `profile`, after `body`. Cheap, so scripts call it with or without
        `--profile`.
        """
        if (targets is None) != (loss is None):
            raise ValueError(f"{self.name}: profile_with needs both targets and loss for a "
                             "training step, or neither for inference only")
        self.to_profile = (model, inputs, targets, loss)

    def profile(self) -> None:
        """With `--profile`: profile what `profile_with` named, print the tables, record them.

        The forward pass runs in eval mode under `no_grad` (inference), the
        training step in train mode (forward, loss, backward; no optimizer
        step; the gradients are cleared after it); the model's mode is
        restored. The report's `profile` gets: `model` (class), `batch` (the
        input's shape), `parameters` and `parameter_bytes`, and for `forward`
        and `train_step` (None without a loss) the observed `flops`,
        `peak_bytes` of live tensors and `wall_ms`, all measured here.
        Without `--profile` this does nothing.
        """
        if not getattr(self.args, "profile", False):
            return
        if self.to_profile is None:
            raise RuntimeError(f"{self.name} ran with --profile but never called "
                               "run.profile_with(model, inputs, ...): nothing to profile")
        from tinytorch.autograd import no_grad
        from tinytorch.benchmarking import Profiler
        from tinytorch.tensor import Tensor

        model, inputs, targets, loss = self.to_profile
        x = inputs if isinstance(inputs, Tensor) else Tensor(inputs)
        kind, batch = type(model).__name__, tuple(x.shape)
        summary: dict[str, Any] = {"model": kind, "batch": list(batch)}
        was_training = model.training
        try:
            model.eval()
            with no_grad(), Profiler(model) as prof:
                model(x)
            print(f"--- profile: {kind}, forward pass of one batch {batch} (eval mode, no "
                  f"gradients)\n{prof.table()}")
            forward = prof.report()
            summary.update(parameters=int(forward["parameters"]["count"]),
                           parameter_bytes=int(forward["parameters"]["bytes"]),
                           forward=_profile_figures(forward), train_step=None)
            if loss is not None:
                y = targets if isinstance(targets, Tensor) else Tensor(targets)
                model.train()
                with Profiler(model) as prof:
                    loss(model(x), y).backward()
                model.zero_grad()
                print(f"--- profile: {kind}, one training step on that batch (forward, loss, "
                      f"backward; no optimizer step)\n{prof.table()}")
                summary["train_step"] = _profile_figures(prof.report())
        finally:
            model.train(was_training)
        self.record(profile=summary)

    def report(self, **fields: Any) -> dict[str, Any]:
        value = self.measured.get(self.metric)
        return {"milestone": self.name, "metric": self.metric,
                "value": None if value is None else round(float(value), 6),
                "target": self.target,
                "seconds": round(time.perf_counter() - self.args.started, 3),
                "seed": self.args.seed, "quick": bool(self.args.quick),
                **({"data": self.args.data} if hasattr(self.args, "data") else {}),
                **fields, **self.measured}

    def finish(self) -> int:
        """Print the result, write the report, return 0 (target reached) or 1."""
        if self.metric not in self.measured:
            raise RuntimeError(f"{self.name} never recorded its metric {self.metric!r}")
        value, goal = float(self.measured[self.metric]), self.target
        lower = lower_is_better(self.metric)
        report = self.report(passed=bool(value <= goal if lower else value >= goal))
        verdict = "PASSED" if report["passed"] else ("ABOVE TARGET" if lower else "BELOW TARGET")
        print(f"{self.name}: {self.metric} = {value:.4f} (target {'at most ' if lower else ''}"
              f"{goal:.4f}) -> {verdict} in {report['seconds']:.1f}s")
        self._write(report)
        return 0 if report["passed"] else 1

    def crashed(self, exc: BaseException) -> int:
        """The run raised: report what was measured and the error; exit status 1 (130: Ctrl-C)."""
        traceback.print_exception(type(exc), exc, exc.__traceback__)
        report = self.report(passed=False, error=_one_line(exc))
        kept = ", ".join(self.measured) or "nothing"
        print(f"{self.name}: FAILED after {report['seconds']:.1f}s: {report['error']} "
              f"(measured before the error: {kept})", file=sys.stderr)
        self._write(report)
        return 130 if isinstance(exc, KeyboardInterrupt) else 1

    def _write(self, report: dict[str, Any]) -> None:
        if self.args.report is not None:
            write_json_atomic(self.args.report, report)
            print(f"report: {self.args.report}")


def _profile_figures(report: dict[str, Any]) -> dict[str, Any]:
    """The report's summary of one profiled block: observed FLOPs, peak live bytes, wall ms."""
    return {"flops": int(report["flops"]["total"]),
            "peak_bytes": int(report["memory"]["peak_bytes"]),
            "wall_ms": round(float(report["time"]["wall_ms"]), 3)}


def lower_is_better(metric: str) -> bool:
    """A loss (`val_loss`, ...) reaches its target from below; accuracies from above.

    The rule of tt-setup's `tito milestones` (`target_text`): a metric named
    with "loss" is minimised.
    """
    return "loss" in metric


Spec = DataSpec | TextSpec


def start(name: str, doc: str, data: Spec | dict[str, Spec], trains: bool = True,
          argv: list[str] | None = None,
          options: Callable[[argparse.ArgumentParser], None] | None = None,
          needs: dict[str, str] | None = None) -> Run:
    """Parse the command line and run every fail-fast check; exit 2 on the first problem.

    `needs` (argparse dest -> dist): the script's own options that need a
    later module, checked with `OPTION_NEEDS` when given (see the top).
    """
    specs = list(data.values()) if isinstance(data, dict) else [data]
    args = parse_args(name, doc.strip().splitlines()[0],
                      datasets=data if isinstance(data, dict) else False,
                      trains=trains, argv=argv, options=options,
                      text=isinstance(specs[0], TextSpec))
    milestone = require(name)
    require_for_options(name, args, {**OPTION_NEEDS, **(needs or {})})
    spec = data[args.data] if isinstance(data, dict) else data
    run = Run(name, args, milestone)
    if args.test_data is not None:
        try:
            run.test_set = (load_text(args.test_data) if isinstance(spec, TextSpec)
                            else load_images(args.test_data, spec))
        except DataError as exc:
            fail(name, f"--test-data {exc}")
    return run


def main(name: str, doc: str, body: Callable[[Run], None],
         data: Spec | dict[str, Spec], trains: bool = True,
         options: Callable[[argparse.ArgumentParser], None] | None = None,
         needs: dict[str, str] | None = None) -> int:
    """Check, run `body`, report; exit status 0 passed, 1 below target or failed, 2 bad input.

    With `--profile`, the model that `body` named with `run.profile_with` is
    profiled after it, also when `body` raised after naming it (the first
    error is the one reported).
    """
    run = start(name, doc, data, trains, options=options, needs=needs)
    error: BaseException | None = None
    try:
        body(run)
    except (Exception, KeyboardInterrupt) as exc:
        error = exc
    if error is None or (run.to_profile is not None and not isinstance(error, KeyboardInterrupt)):
        try:
            run.profile()
        except (Exception, KeyboardInterrupt) as exc:
            if error is None:
                error = exc
    return run.finish() if error is None else run.crashed(error)


def write_json_atomic(path: Path, obj: dict) -> None:
    """Write JSON to a temp file beside `path`, then rename: never a half file."""
    _write_atomic(path, lambda f: f.write(json.dumps(obj, indent=2).encode()))


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text atomically (temp file beside `path`, then rename)."""
    _write_atomic(path, lambda f: f.write(text.encode("utf-8")))


def write_npz_atomic(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays as an .npz (np.savez, no pickle needed to read) atomically."""
    _write_atomic(path, lambda f: np.savez(f, **arrays))


def load_weights(name: str) -> dict[str, np.ndarray]:
    """The arrays of milestones/pretrained/<name>, loaded without pickle."""
    with np.load(PRETRAINED_DIR / name, allow_pickle=False) as f:
        return {key: f[key] for key in f.files}


def _write_atomic(path: Path, write: Callable[[Any], object]) -> None:
    """`write(binary file)` to a temp file beside `path`, fsync, then `os.replace`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
