"""What the Part II (vision) milestones share: the training loop, scoring and the plots.

`lenet_1998` and `cnn_2012` train convolutional networks on image batches
that a `tinytorch.dataloader.DataLoader` draws and augments (random crops,
flips), so they need their own short loop instead of Part I's `Trainer`,
which takes fixed arrays. The loop is the textbook one: `model.train()`,
forward, loss, backward, optimizer step; then `model.eval()` and a pass over
the validation images under `no_grad` (BatchNorm uses its running
statistics, Dropout is off).

Plots (`--plot FILE.png`: learning curves, the first layer's filters, a
confusion matrix) use matplotlib, an optional extra: without it the run
prints how to get it and goes on.

The tinytorch modules are imported inside the functions, after the harness
has checked that they are installed.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

PLOT_HINT = "python -m pip install matplotlib"


def add_plot_option(parser: argparse.ArgumentParser) -> None:
    """`--plot FILE.png`, the option both vision milestones take."""
    parser.add_argument("--plot", type=Path, default=None, metavar="FILE.png",
                        help="draw learning curves, first-layer filters and the confusion "
                             f"matrix into this PNG (needs matplotlib: {PLOT_HINT})")


def nchw(images: np.ndarray) -> np.ndarray:
    """(N, H, W) or (N, H, W, C) images in [0, 1] -> (N, C, H, W) float32."""
    return np.ascontiguousarray(images[:, None] if images.ndim == 3
                                else images.transpose(0, 3, 1, 2), dtype=np.float32)


@dataclass
class Curves:
    """Per-epoch figures of one model, for the report and the plot."""

    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def predict(model: Any, images: np.ndarray, normalize: Any, batch_size: int = 500
            ) -> np.ndarray:
    """Class predictions for (N, C, H, W) float images in [0, 1], in eval mode, no graph."""
    from tinytorch.autograd import no_grad
    from tinytorch.tensor import Tensor

    was_training = model.training
    model.eval()
    out = []
    with no_grad():
        for i in range(0, len(images), batch_size):
            x = normalize(Tensor(images[i:i + batch_size]))
            out.append(np.asarray(model(x).data).argmax(axis=1))
    model.train(was_training)
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def accuracy(model: Any, images: np.ndarray, labels: np.ndarray, normalize: Any) -> float:
    return float(np.mean(predict(model, images, normalize) == labels))


def fit(model: Any, loader: Any, optimizer: Any, epochs: int, val: tuple[np.ndarray, np.ndarray],
        normalize: Any, scheduler: Any = None, name: str = "model",
        label_smoothing: float = 0.0) -> Curves:
    """Train `model` for `epochs` passes over `loader`; score `val` (NCHW, labels) after each.

    `loader` yields (x, y) batches, already augmented and normalised; the
    scheduler (if any) steps once per epoch. One line per epoch on stdout.
    """
    from tinytorch.losses import CrossEntropyLoss

    loss_fn, curves = CrossEntropyLoss(label_smoothing=label_smoothing), Curves()
    for epoch in range(epochs):
        started = time.perf_counter()
        model.train()
        total = correct = seen = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            n = len(y.data)
            total += loss.item() * n
            correct += float(np.sum(np.asarray(logits.data).argmax(axis=1) == y.data))
            seen += n
        if scheduler is not None:
            scheduler.step()
        curves.loss.append(total / seen)
        curves.train_accuracy.append(correct / seen)
        curves.val_accuracy.append(accuracy(model, *val, normalize))
        curves.seconds.append(time.perf_counter() - started)
        print(f"{name} epoch {epoch + 1}/{epochs}: loss {curves.loss[-1]:.4f}, train accuracy "
              f"{curves.train_accuracy[-1]:.2%}, validation accuracy "
              f"{curves.val_accuracy[-1]:.2%} ({curves.seconds[-1]:.1f}s)", flush=True)
    return curves


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """counts[true, predicted], (classes, classes) int64."""
    flat = np.asarray(labels, np.int64) * classes + np.asarray(predicted, np.int64)
    return np.bincount(flat, minlength=classes * classes).reshape(classes, classes)


def plot(path: Path, title: str, curves: dict[str, Curves], filters: np.ndarray,
         confusion: np.ndarray, class_names: list[str]) -> bool:
    """Write the three panels to `path` (PNG); False (with a hint) when matplotlib is missing.

    `filters` is the first convolution's weight (out, in, kH, kW): each
    filter is drawn as an image (the mean over input channels, or RGB for 3
    input channels), scaled to its own range.
    """
    plt = pyplot()
    if plt is None:
        return False
    fig = plt.figure(figsize=(15, 4.8))
    grid = fig.add_gridspec(1, 3, width_ratios=[1.2, 1, 1.1])
    ax = fig.add_subplot(grid[0])
    for label, c in curves.items():
        xs = np.arange(1, len(c.loss) + 1)
        line, = ax.plot(xs, c.val_accuracy, label=f"{label} validation accuracy")
        ax.plot(xs, c.train_accuracy, "--", color=line.get_color(),
                label=f"{label} training accuracy")
    ax.set_xlabel("epoch"), ax.set_ylabel("accuracy"), ax.grid(alpha=0.3)
    ax.legend(fontsize=7), ax.set_title("learning curves")

    sub = grid[1].subgridspec(*_tile_shape(len(filters)), wspace=0.1, hspace=0.1)
    for i, w in enumerate(filters):
        img = w.transpose(1, 2, 0) if w.shape[0] == 3 else w.mean(axis=0)
        img = (img - img.min()) / (np.ptp(img) or 1.0)
        a = fig.add_subplot(sub[i])
        a.imshow(img, cmap=None if img.ndim == 3 else "gray", interpolation="nearest")
        a.set_xticks([]), a.set_yticks([])
    fig.text(0.5, 0.88, "first-layer filters", ha="center")

    ax = fig.add_subplot(grid[2])
    ax.imshow(confusion, cmap="Blues")
    for (t, p), n in np.ndenumerate(confusion):
        ax.text(p, t, str(n), ha="center", va="center", fontsize=6,
                color="white" if n > confusion.max() / 2 else "black")
    ticks = np.arange(len(class_names))
    ax.set_xticks(ticks, class_names, rotation=90, fontsize=7)
    ax.set_yticks(ticks, class_names, fontsize=7)
    ax.set_xlabel("predicted"), ax.set_ylabel("true"), ax.set_title("confusion (test split)")
    fig.suptitle(title)
    save_figure(plt, fig, path)
    return True


def pyplot() -> Any:
    """matplotlib's pyplot on the file-only Agg backend, or None (with the install hint)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"--plot: matplotlib is not installed, so no plot; get it with `{PLOT_HINT}` "
              "(the run goes on without it)")
        return None
    return plt


def save_figure(plt: Any, fig: Any, path: Path) -> None:
    """Write `fig` to `path` (PNG) atomically, never a half-written file; close it; say where."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    tmp.replace(path)
    print(f"plot: {path}")


def _tile_shape(n: int) -> tuple[int, int]:
    cols = int(np.ceil(np.sqrt(n)))
    return int(np.ceil(n / cols)), cols
