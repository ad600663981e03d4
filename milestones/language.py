"""What the language milestone (gpt_2018) and its PyTorch twin share: text, tokens, batches.

Everything here is framework-free NumPy, so that `milestones/gpt_2018.py`
(TinyTorch) and `benchmarks/gpt_2018_twin.py` (PyTorch) train on exactly
the same numbers: the same text split, the same token ids, the same batch
windows in the same order (`batch_starts`), the same learning rate at every
step (`learning_rate`) and the same evaluation windows (`eval_windows`).

- Corpora: the Jargon File shipped in milestones/data (offline, the
  default), and tiny-shakespeare, downloaded once into the data cache
  (`$TT_DATA`, else ~/.cache/tinytorch) and kept only if its SHA-256 is the
  published one (`fetch`).
- The validation split is the last 10% of the text, contiguous: held-out
  text the model never trained on, not random windows that overlap training
  ones.
- Loss per character, in nats: the summed next-token loss divided by the
  number of characters predicted, so a BPE model (several characters per
  token) and a character model are compared on one scale.
- The character vocabulary is the 95 printable ASCII characters and "\\n",
  plus any other character of the training text. So any ASCII text can be
  scored; a character outside the vocabulary is a named error before
  training (`unknown_characters`; `--tokenizer bpe` reads any text).
"""

from __future__ import annotations

import hashlib
import math
import os
import string
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness
import numpy as np

IGNORE = -100  # the target of a padded position: not scored (PyTorch's ignore_index)
VAL_FRACTION = 0.1
BPE_VOCAB = 512  # 256 bytes + 256 merges
BASE_CHARS = string.printable[:95] + "\n"  # digits, letters, punctuation, space; newline
SHAKESPEARE_URL = ("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"
                   "tinyshakespeare/input.txt")
SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
SHAKESPEARE_FILE = "input.txt"  # 1 115 394 bytes, in <data dir>/tinyshakespeare/
JARGON_FILE = harness.DATA_DIR / "jargon.txt"  # see milestones/data/README.md
CORPORA = ("jargon", "shakespeare")


@dataclass(frozen=True)
class TrainConfig:
    """A run's model size and optimisation; DEFAULT and QUICK below."""

    n_layer: int
    n_head: int
    n_embd: int
    block_size: int
    batch_size: int
    steps: int
    lr: float  # the peak, reached after `warmup` steps
    min_lr: float  # the end of the cosine decay
    warmup: int
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.99)
    grad_clip: float = 1.0
    eval_every: int = 100  # steps between points of the loss curves
    probe_windows: int = 128  # validation windows scored at each point (the curve)

    def replace(self, **changes: Any) -> TrainConfig:
        return TrainConfig(**{**self.__dict__, **changes})

    @property
    def tokens_per_step(self) -> int:
        return self.batch_size * self.block_size


# nanoGPT's shakespeare-char recipe (AdamW, betas (0.9, 0.99), decay 0.1, clip 1,
# warm-up then cosine to lr/10) at the size, with a higher peak rate for the
# smaller model: after 300 steps, peaks 1e-3 / 2e-3 / 3e-3 reached 2.57 / 2.45 / 2.36
# nats per character. A step takes 0.31 s on one idle core of this machine, so the
# 1500 steps take about 8 minutes (the whole run: 581 s of CPU time).
DEFAULT = TrainConfig(n_layer=4, n_head=4, n_embd=128, block_size=64, batch_size=32,
                      steps=1500, lr=3e-3, min_lr=3e-4, warmup=100)
# CI: two thin layers, 400 steps, under a minute. Peaks 2e-3 / 4e-3 / 8e-3 reached 2.62 /
# 2.49 / 2.70 after 400 steps; 5e-3 2.28 after 500.
QUICK = TrainConfig(n_layer=2, n_head=4, n_embd=64, block_size=64, batch_size=32,
                    steps=400, lr=5e-3, min_lr=5e-4, warmup=40, eval_every=50)


# --- text -----------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(url: str, dest: Path, sha256: str, timeout: float = 60.0) -> Path:
    """Download `url` to `dest`, kept only if its SHA-256 is `sha256`; atomically.

    The bytes go to a temporary file beside `dest` and are renamed into place
    only after the checksum matched, so a cut or corrupted download is never
    left where a later run would trust it. A mismatch raises DataError (the
    file is discarded); network failures raise OSError (urllib's URLError).
    (tinytorch.dataloader's `download_url` does the same with MD5, the
    checksum the image sets publish; tiny-shakespeare's is a SHA-256.)
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            while chunk := resp.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256:
            raise harness.DataError(f"download of {url}: SHA-256 {digest.hexdigest()}, "
                                    f"expected {sha256}; the file was discarded, {dest} "
                                    "was not written")
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def shakespeare(folder: Path, url: str = SHAKESPEARE_URL, sha256: str = SHAKESPEARE_SHA256
                ) -> Path:
    """tiny-shakespeare in `folder`, downloaded (and checked) if it is not there yet.

    A file already there is checked too: a wrong one is named, never used.
    Offline, DataError says where to put the file and where to get it.
    """
    path = Path(folder) / SHAKESPEARE_FILE
    if path.is_file():
        found = sha256_of(path)
        if found != sha256:
            raise harness.DataError(f"{path}: SHA-256 {found}, expected {sha256} (tiny-"
                                    "shakespeare); delete the file to download it again")
        return path
    try:
        return fetch(url, path, sha256)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise harness.DataError(f"--data shakespeare: cannot download {url} ({reason}); put "
                                f"tiny-shakespeare's input.txt (SHA-256 {sha256}) into "
                                f"{path.parent} by hand, or pass --data-dir DIR") from None


def load_corpus(name: str, data_dir: Path | None = None, url: str = SHAKESPEARE_URL) -> str:
    """The text of corpus `name` ('jargon' or 'shakespeare'); DataError if unavailable."""
    if name == "jargon":
        return harness.load_text(JARGON_FILE)
    if name != "shakespeare":
        raise ValueError(f"unknown corpus {name!r}; expected one of {CORPORA}")
    if data_dir is None:
        from tinytorch.dataloader import data_dir as cache

        data_dir = cache() / "tinyshakespeare"
    return harness.load_text(shakespeare(data_dir, url))


def split(text: str, val_fraction: float = VAL_FRACTION) -> tuple[str, str]:
    """(training text, validation text): the last `val_fraction` of the text, contiguous."""
    cut = len(text) - int(len(text) * val_fraction)
    return text[:cut], text[cut:]


# --- tokens ---------------------------------------------------------------------------------

def char_vocab(train_text: str) -> list[str]:
    """Printable ASCII and newline, plus every other character of the training text; sorted."""
    return sorted(set(BASE_CHARS) | set(train_text))


def make_tokenizer(kind: str, train_text: str, vocab_size: int = BPE_VOCAB) -> Any:
    """A CharTokenizer over `char_vocab`, or a byte-level BPETokenizer trained on the text."""
    from tinytorch.tokenization import BPETokenizer, CharTokenizer

    if kind == "char":
        return CharTokenizer(char_vocab(train_text))
    if kind == "bpe":
        return BPETokenizer().train(train_text, vocab_size=vocab_size)
    raise ValueError(f"unknown tokenizer {kind!r}; expected 'char' or 'bpe'")


def unknown_characters(tokenizer: Any, text: str) -> dict[str, int]:
    """Characters of `text` a CharTokenizer cannot encode -> where each first occurs.

    Empty for a byte-level BPE tokenizer, which encodes any string.
    """
    vocab = getattr(tokenizer, "vocab", None)
    if not isinstance(vocab, list) or not all(isinstance(c, str) for c in vocab):
        return {}
    known, unknown = set(vocab), {}
    for i, c in enumerate(text):
        if c not in known and c not in unknown:
            unknown[c] = i
    return unknown


def describe_unknown(unknown: dict[str, int], text: str, shown: int = 5) -> str:
    """"'é' (U+00E9) at line 3, column 7, ..." for the first `shown` unknown characters."""
    parts = []
    for c, i in list(unknown.items())[:shown]:
        line = text.count("\n", 0, i) + 1
        column = i - (text.rfind("\n", 0, i) + 1) + 1
        parts.append(f"{c!r} (U+{ord(c):04X}) at line {line}, column {column}")
    more = f" and {len(unknown) - shown} more" if len(unknown) > shown else ""
    return ", ".join(parts) + more


@dataclass
class Tokens:
    """A text as token ids, and how many characters its predicted tokens stand for.

    Every token but the first is predicted from the ones before it, so the
    loss per character divides by the characters of tokens 1..n-1: all of
    the text but the first token's.
    """

    ids: np.ndarray  # int64 (n,)
    chars: int  # characters predicted

    @property
    def predicted(self) -> int:
        return max(len(self.ids) - 1, 0)


def encode(tokenizer: Any, text: str) -> Tokens:
    ids = np.asarray(tokenizer.encode(text), dtype=np.int64)
    first = len(tokenizer.decode(ids[:1].tolist())) if len(ids) else 0
    return Tokens(ids, len(text) - first)


@dataclass
class Data:
    """What a run trains on and is judged on, the same for TinyTorch and PyTorch."""

    corpus: str
    tokenizer: Any
    train: Tokens
    val: Tokens
    train_text_chars: int
    val_text_chars: int
    tokenize_seconds: float

    @property
    def vocab_size(self) -> int:
        return int(self.tokenizer.vocab_size)


def prepare(text: str, corpus: str, kind: str) -> Data:
    """Split `text`, build the tokenizer on the training part, encode both parts."""
    started = time.perf_counter()
    train_text, val_text = split(text)
    tokenizer = make_tokenizer(kind, train_text)
    train, val = encode(tokenizer, train_text), encode(tokenizer, val_text)
    return Data(corpus, tokenizer, train, val, len(train_text), len(val_text),
                time.perf_counter() - started)


# --- batches and the schedule ---------------------------------------------------------------

def batch_starts(seed: int, steps: int, n_tokens: int, block: int, batch: int) -> np.ndarray:
    """(steps, batch) start positions of the training windows, drawn once from `seed`.

    Window s is ids[s:s + block], its targets ids[s + 1:s + block + 1]; every
    start keeps both inside the text. Both frameworks take their batches
    from this one array, so they see the same windows in the same order.
    """
    if n_tokens < block + 2:
        raise ValueError(f"the training text has {n_tokens} tokens; a window of {block} "
                         f"(block_size) needs at least {block + 2}")
    return np.random.default_rng(seed).integers(0, n_tokens - block, size=(steps, batch))


def batch(ids: np.ndarray, starts: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and next-token targets, both int64 (len(starts), block)."""
    rows = starts[:, None] + np.arange(block)
    return ids[rows], ids[rows + 1]


def learning_rate(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up to `cfg.lr` over `cfg.warmup` steps, then cosine decay to `cfg.min_lr`.

    The warm-up keeps Adam's first steps small, while its moment estimates
    are still noise; the decay lets the weights settle at the end.
    """
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    span = max(cfg.steps - cfg.warmup, 1)
    progress = min((step - cfg.warmup) / span, 1.0)
    return cfg.min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (cfg.lr - cfg.min_lr)


def eval_windows(ids: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Non-overlapping windows that predict every token but the first exactly once.

    Inputs (W, block) and targets (W, block); the last window is padded
    (inputs 0, targets IGNORE). Causal attention keeps the padding from
    changing any prediction before it.
    """
    n = max(len(ids) - 1, 0)
    count = max(math.ceil(n / block), 1)
    x = np.zeros(count * block, dtype=np.int64)
    y = np.full(count * block, IGNORE, dtype=np.int64)
    x[:n], y[:n] = ids[:-1][:n], ids[1:]
    return x.reshape(count, block), y.reshape(count, block)


def probe(x: np.ndarray, y: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` windows spread evenly over the split: the cheap estimate of the curves."""
    pick = np.unique(np.linspace(0, len(x) - 1, min(count, len(x))).astype(np.int64))
    return x[pick], y[pick]


@dataclass
class Curves:
    """The loss curves (nats per token): training (mean over the interval), validation probe."""

    step: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_seconds: float = 0.0  # time in training steps only (no evaluation)
    tokens: int = 0  # tokens trained on


def plot(path: Path, title: str, curves: dict[str, Curves], chars_per_token: float) -> bool:
    """Training and validation loss per character against steps, into `path` (PNG).

    False (with the install hint) when matplotlib is missing.
    """
    from vision import pyplot, save_figure  # the vision milestones' plotting, shared

    plt = pyplot()
    if plt is None:
        return False
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, c in curves.items():
        line, = ax.plot(c.step, np.asarray(c.val_loss) / chars_per_token, marker=".",
                        label=f"{label} validation")  # a marker: a short run has one point
        ax.plot(c.step, np.asarray(c.train_loss) / chars_per_token, "--", marker=".",
                color=line.get_color(), label=f"{label} training")
    ax.set_xlabel("step"), ax.set_ylabel("loss per character (nats)"), ax.grid(alpha=0.3)
    ax.legend(), ax.set_title(title)
    save_figure(plt, fig, path)
    return True
