"""The four tasks, their hidden test files, and accuracy measured on them.

- digits: an .npz of images (N, 8, 8), pixels 0..16, and labels (N,); the
  model gets (N, 1, 8, 8) float32, pixels / 16.
- mnist, fashion-mnist: images (N, 28, 28), pixels 0..255; the model gets
  (N, 1, 28, 28) float32, pixels / 255.
- tinygpt: a UTF-8 .txt; the model gets (B, T) token ids of the spec's vocab.

Accuracy: images, the share whose argmax logit is the label; TinyGPT, greedy
next-character accuracy.
Images may also come as (N, C, H, W); (N, H, W) gets C = 1. The file holds
raw pixel values, as the milestones' data files do (`milestones/data`):
the scorer scales them, so every submission sees the same input. The .npz
is read with `allow_pickle=False`.

TinyGPT: the text is cut into windows of block_size characters; in each,
the model predicts every next character (teacher forcing), and accuracy is
the share of positions whose argmax is the true next character, loss the
mean cross-entropy in nats. A character that is not in the submission's
vocab counts as a wrong prediction where it is the target (and is left out
of the loss, which would be infinite), and is fed as id 0 where it is an
input. Only the first `max_chars` characters are used (20 000 by default),
so scoring a class stays minutes, not hours.

Floors: the latency, size and memory events only rank submissions at or
above the task's accuracy floor (a model that guesses is small and fast).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tinytorch.autograd import no_grad
from tinytorch.tensor import Tensor

MAX_CHARS = 20_000  # characters of a hidden text scored for tinygpt
EVAL_BATCH = 256  # images (or text windows / 8) per forward pass when measuring accuracy


@dataclass(frozen=True)
class Task:
    """A competition task: text or images, the pixel scale, the image size, the floor."""

    name: str
    kind: str  # "image" | "text"
    floor: float  # accuracy (a fraction) needed for the latency, size and memory events
    scale: float = 1.0  # images: the raw pixel maximum (pixels / scale -> [0, 1])
    size: tuple[int, int] | None = None  # images: (H, W)


TASKS: dict[str, Task] = {
    "digits": Task("digits", "image", 0.90, 16.0, (8, 8)),
    "mnist": Task("mnist", "image", 0.90, 255.0, (28, 28)),
    "fashion-mnist": Task("fashion-mnist", "image", 0.80, 255.0, (28, 28)),
    "tinygpt": Task("tinygpt", "text", 0.30),
}


@dataclass(frozen=True)
class HiddenTest:
    """A loaded hidden test: images (N, C, H, W) float32 in [0, 1] and labels, or text."""

    task: str
    path: str
    images: np.ndarray | None = None
    labels: np.ndarray | None = None
    text: str | None = None

    def __len__(self) -> int:
        return len(self.text) if self.text is not None else len(self.labels)


def _bad(path: Path, reason: str) -> ValueError:
    return ValueError(f"hidden test {path}: {reason}")


def load_hidden_test(path: str | Path, task: str, max_chars: int = MAX_CHARS) -> HiddenTest:
    """Read the instructor's hidden test file for `task` (a ValueError names what is wrong)."""
    ### BEGIN SOLUTION
    path = Path(path)
    if task not in TASKS:
        raise ValueError(f"load_hidden_test: unknown task {task!r}; tasks: {', '.join(TASKS)}")
    spec = TASKS[task]
    if not path.is_file():
        raise _bad(path, "no such file")
    if spec.kind == "text":
        text = path.read_text(encoding="utf-8")[:max_chars]
        if len(text) < 2:
            raise _bad(path, "the text has fewer than 2 characters: nothing to predict")
        return HiddenTest(task, str(path), text=text)
    try:
        with np.load(path, allow_pickle=False) as data:
            images, labels = np.asarray(data["images"]), np.asarray(data["labels"])
    except KeyError as error:
        raise _bad(path, f"the .npz needs arrays 'images' and 'labels' ({error})") from None
    except (OSError, ValueError) as error:
        raise _bad(path, f"not a readable .npz without pickles ({error})") from None
    if images.ndim == 3:
        images = images[:, None]  # (N, H, W) -> (N, 1, H, W)
    if images.ndim != 4 or images.shape[2:] != spec.size:
        raise _bad(path, f"images of shape {images.shape}; {task} needs (N, {spec.size[0]}, "
                         f"{spec.size[1]}) or (N, C, {spec.size[0]}, {spec.size[1]})")
    if labels.shape != (images.shape[0],) or labels.dtype.kind not in "iu":
        raise _bad(path, f"labels must be integers of shape ({images.shape[0]},), got "
                         f"{labels.dtype} {labels.shape}")
    if images.dtype.kind not in "iuf" or images.size == 0:
        raise _bad(path, f"images must be a non-empty numeric array, got {images.dtype}")
    low, high = float(images.min()), float(images.max())
    if low < 0 or high > spec.scale:
        raise _bad(path, f"pixel values {low:g}..{high:g} are outside 0..{spec.scale:g}, the "
                         f"raw range of {task}")
    if images.dtype.kind == "f" and high <= 1.0:
        raise _bad(path, f"float pixels at most {high:g}: they look scaled already; the hidden "
                         f"test holds raw pixels 0..{spec.scale:g} and the scorer divides by "
                         f"{spec.scale:g}")
    x = (images.astype(np.float32) / np.float32(spec.scale)).astype(np.float32)
    return HiddenTest(task, str(path), images=x, labels=labels.astype(np.int64))
    ### END SOLUTION


def predict(model: Any, images: np.ndarray, batch_size: int = EVAL_BATCH) -> np.ndarray:
    """The argmax class of every image, in batches, without gradients: (N,) int."""
    out = []
    with no_grad():
        for start in range(0, len(images), batch_size):
            logits = model(Tensor(images[start:start + batch_size]))
            out.append(np.asarray(logits.data).reshape(len(images[start:start + batch_size]),
                                                       -1).argmax(axis=1))
    return np.concatenate(out)


def image_accuracy(model: Any, test: HiddenTest) -> float:
    """The share of hidden test images whose predicted class is the label."""
    ### BEGIN SOLUTION
    return float(np.mean(predict(model, test.images) == test.labels))
    ### END SOLUTION


def encode(text: str, vocab: str) -> tuple[np.ndarray, np.ndarray]:
    """(ids, known): the ids of `text` in `vocab` (unknown characters as 0), known mask."""
    index = {ch: i for i, ch in enumerate(vocab)}
    ids = np.array([index.get(ch, -1) for ch in text], dtype=np.int64)
    known = ids >= 0
    return np.where(known, ids, 0), known


def text_accuracy(gpt: Any, vocab: str, text: str) -> tuple[float, float]:
    """(accuracy, loss in nats) of greedy next-character prediction over `text`.

    Windows of `block_size` inputs, each predicting its next characters;
    the last window may be shorter. Batched 32 windows per forward.
    """
    ### BEGIN SOLUTION
    ids, known = encode(text, vocab)
    block = gpt.config.block_size
    starts = list(range(0, len(ids) - 1, block))  # every window but the last is full
    body = starts[:-1]  # full windows, 32 per forward; the last window (maybe short) alone
    batches = [body[i:i + 32] for i in range(0, len(body), 32)] + [starts[-1:]]
    correct, total, loss_sum, loss_n = 0, 0, 0.0, 0
    with no_grad():
        for batch in batches:
            t = min(block, len(ids) - 1 - batch[0])
            x = np.stack([ids[s:s + t] for s in batch])  # (B, T)
            y = np.stack([ids[s + 1:s + t + 1] for s in batch])
            ok = np.stack([known[s + 1:s + t + 1] for s in batch])
            logits = np.asarray(gpt(Tensor(x)).data, dtype=np.float64)  # (B, T, V)
            correct += int(np.sum((logits.argmax(axis=-1) == y) & ok))
            total += y.size
            shifted = logits - logits.max(axis=-1, keepdims=True)
            logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
            picked = np.take_along_axis(logp, y[..., None], axis=-1)[..., 0]  # (B, T)
            loss_sum += float(-picked[ok].sum())
            loss_n += int(ok.sum())
    return correct / total, (loss_sum / loss_n if loss_n else float("nan"))
    ### END SOLUTION
