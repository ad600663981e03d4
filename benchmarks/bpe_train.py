"""Benchmark: 512 BPE merges on the Jargon File (1.2 MB), incremental against recounting.

The target of issue 9: `BPETokenizer.train` learns 512 merges on the
shipped 1.2 MB text in at most 30 s on this machine, which needs pair
counts updated incrementally (only the words holding the merged pair are
recounted). The script times that training on the whole text, reports
merges per second and the compression after 512 merges (characters per
token on the whole text, with the time to encode it), and times the
teaching version, `train_reference` (it recounts every pair for every
merge), on a 20 KB slice beside the incremental one on the same slice,
checking that both learn the same merges.

There is no PyTorch peer here: PyTorch has no tokenizer. So this reports
seconds, not a ratio; NumPy is pinned to one thread like the others
(`_timing.py`), though training is pure Python.

    python benchmarks/bpe_train.py [--merges 512] [--slice 20000] [--repeat 1]
                                   [--report FILE.json]

Reads milestones/data/jargon.txt, or ../shared/data/jargon.txt beside the
repository. Needs tt-tokenization.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-tokenization"

TARGET_S = 30.0  # for the merges on the whole text
REPO = Path(__file__).resolve().parents[1]
DATA = (REPO / "milestones" / "data" / "jargon.txt", REPO.parent / "shared" / "data" / "jargon.txt")


def find_text() -> Path | None:
    return next((p for p in DATA if p.is_file()), None)


def timed_train(text: str, merges: int, repeat: int, reference: bool = False
                ) -> tuple[float, object]:
    """Best seconds of `repeat` trainings, and the last tokenizer."""
    from tinytorch.tokenization import BPETokenizer

    best, tok = float("inf"), None
    for _ in range(repeat):
        tok = BPETokenizer()
        train = tok.train_reference if reference else tok.train
        t0 = time.perf_counter()
        train(text, 256 + merges)
        best = min(best, time.perf_counter() - t0)
    return best, tok


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--merges", type=int, default=512)
    p.add_argument("--slice", type=int, default=20_000,
                   help="characters of the text the teaching version trains on")
    p.add_argument("--repeat", type=int, default=1, help="trainings timed; the best counts")
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()
    path = find_text()
    if path is None:
        print("jargon.txt not found: put the Jargon File at milestones/data/jargon.txt "
              "(a copy of ../shared/data/jargon.txt, see milestones/data/README.md)")
        return 2
    from tinytorch.tokenization import __version__, chars_per_token

    text = path.read_text(encoding="utf-8")
    train_s, tok = timed_train(text, args.merges, args.repeat)
    learned = len(tok.merges)
    t0 = time.perf_counter()
    ratio = chars_per_token(tok, text)
    encode_s = time.perf_counter() - t0
    print(f"BPETokenizer.train: {learned} merges on {path.name} ({len(text):,} characters) in "
          f"{train_s:.2f} s ({learned / train_s:.0f} merges/s; target <= {TARGET_S:.0f} s); "
          f"{ratio:.3f} characters per token after them (encoding the text: {encode_s:.2f} s)")

    part = text[: args.slice]
    ref_s, ref_tok = timed_train(part, args.merges, 1, reference=True)
    inc_s, inc_tok = timed_train(part, args.merges, 1)
    same = ref_tok.merges == inc_tok.merges
    print(f"on the first {len(part):,} characters, {len(ref_tok.merges)} merges: "
          f"train_reference {ref_s:.2f} s, train {inc_s:.3f} s ({ref_s / inc_s:.0f}x); "
          f"same merges: {same}")
    if not same:
        print("train and train_reference learned different merges: a bug, not a timing")
        return 3

    result = {
        "benchmark": "bpe_train_jargon", "text": path.name, "characters": len(text),
        "merges": learned, "train_s": round(train_s, 3),
        "merges_per_s": round(learned / train_s, 1), "chars_per_token": round(ratio, 4),
        "encode_s": round(encode_s, 3), "target_s": TARGET_S, "passed": train_s <= TARGET_S,
        "slice_characters": len(part), "slice_merges": len(ref_tok.merges),
        "reference_slice_s": round(ref_s, 3), "incremental_slice_s": round(inc_s, 4),
        "same_merges": same, "repeat": args.repeat, "tt_tokenization": __version__,
        "pytorch_peer": None,  # PyTorch has no tokenizer to compare with
        "python": platform.python_version(), "numpy": np.__version__, "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine": platform.processor() or platform.machine(), "date": time.strftime("%Y-%m-%d"),
    }
    if args.report:
        _timing.write_json_atomic(args.report, result)
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
