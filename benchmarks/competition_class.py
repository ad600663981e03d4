"""Benchmark: scoring a small class of digits submissions (module 23), end to end.

Trains a digits MLP (Flatten, Linear(64, 128), ReLU, Linear(128, 10)) on
1197 of the 1497 images of `milestones/data/digits.npz` (pixels / 16, as
the competition feeds them; `fine_tune(pruning=None)`, Adam, seed 0), and
holds the other 300 out as the hidden test (raw pixels 0..16, as the
scorer reads them). Three submissions are made from it with module 22:

- baseline: the float32 model;
- int8: `quantize_model(model, calibration)` (per-channel int8 weights,
  calibrated int8 inputs);
- pruned: `magnitude_prune(model, 0.9)` (global), fine-tuned 30 epochs (Adam, lr 3e-3) with
  the masks, stored sparse by `to_sparse` (CSR).

Then `score_class(..., jobs=2)` scores the class (loading and accuracy in 2
processes, latency one submission at a time) and the leaderboard is printed
as Markdown, with the seconds the scoring took and the load average. The
numbers on the guide page (docs/modules/23-competition.md) are from this
script.

    python benchmarks/competition_class.py [--out DIR] [--jobs 2] [--report FILE.json]

Needs tt-competition and the chain before it (tt-losses and tt-optimizers
come with tt-compression's fine_tune).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

REQUIRES = "tt-competition"
DATA = Path(__file__).resolve().parents[1] / "milestones" / "data" / "digits.npz"


def main() -> None:
    from tinytorch.activations import ReLU
    from tinytorch.competition import (
        leaderboard,
        markdown,
        save_submission,
        score_class,
        write_leaderboard,
    )
    from tinytorch.compression import fine_tune, magnitude_prune, quantize_model, to_sparse
    from tinytorch.layers import Linear, Sequential
    from tinytorch.spatial import Flatten
    from tinytorch.tensor import manual_seed

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=None, help="keep the class and leaderboard here")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()

    with np.load(DATA, allow_pickle=False) as data:
        images, labels = data["images"], data["labels"].astype(np.int64)
    order = np.random.default_rng(0).permutation(len(labels))
    train, hidden = order[:1197], order[1197:]
    x = images[train][:, None].astype(np.float32) / np.float32(16)  # (N, 1, 8, 8)
    y = labels[train]

    manual_seed(0)
    model = Sequential(Flatten(), Linear(64, 128), ReLU(), Linear(128, 10))
    t0 = time.perf_counter()
    fine_tune(model, None, x, y, epochs=30, lr=3e-3, batch_size=64, seed=0)
    trained = time.perf_counter() - t0

    root = args.out or Path(tempfile.mkdtemp(prefix="competition_class_"))
    subs = root / "submissions"
    root.mkdir(parents=True, exist_ok=True)
    np.savez(root / "hidden.npz", images=images[hidden], labels=labels[hidden])
    save_submission(model, subs / "baseline", "digits", "baseline fp32", author="benchmark")
    save_submission(quantize_model(model, x[:256]), subs / "int8", "digits", "int8",
                    author="benchmark")
    pruning = magnitude_prune(model, 0.9)  # in place: the two files above are written
    fine_tune(model, pruning, x, y, epochs=30, lr=3e-3, batch_size=64, seed=0)
    save_submission(to_sparse(model), subs / "pruned", "digits", "pruned 90% sparse",
                    author="benchmark")

    load = os.getloadavg()
    t0 = time.perf_counter()
    results = score_class(subs, root / "hidden.npz", jobs=args.jobs, repeats=args.repeats)
    scored = time.perf_counter() - t0
    board = leaderboard(results, "digits")
    write_leaderboard(board, root)
    print(markdown(board))
    print(f"trained in {trained:.1f} s; scored {len(results)} submissions in {scored:.1f} s "
          f"with jobs={args.jobs}; load average before {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}, after {' '.join(f'{v:.2f}' for v in os.getloadavg())}; files in "
          f"{root}")
    if args.report:
        _timing.write_json_atomic(args.report, {"board": board, "score_seconds": scored})


if __name__ == "__main__":
    main()
