"""Benchmark: one DataLoader epoch over 60000 28x28 images, crop and normalise, batch 64.

The target of issue 7: a data epoch must cost under 10% of a LeNet-5
training epoch, so that the loader never dominates training. This script
times TinyTorch's `DataLoader` on a `TensorDataset` of uint8 images,
`Compose([ToTensor(), RandomCrop(28, padding=2), Normalize((0.1307,),
(0.3081,))])`, shuffled, batch 64 (938 batches), and, as the yardstick, a
LeNet-5 training step (Adam, batch 64) of PyTorch and of TinyTorch, timed in
the same process in alternating rounds (`cnn_step.py`'s networks and
`_timing.py`). An epoch of either is that step's time x 938. PyTorch's
epoch, the shorter, is the one the target is judged against.

The pixels are random (the cost does not depend on them), so no data file
is needed. One thread each for NumPy's BLAS and PyTorch.

    python benchmarks/dataloader_epoch.py [--epochs 5] [--steps 40] [--report FILE.json]

Needs tt-tensor and tt-dataloader, tt-spatial for the TinyTorch yardstick,
and torch==2.13.0 (the CPU build) for PyTorch's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import _timing  # before NumPy: it pins BLAS to one thread
import cnn_step
import numpy as np

N, SIZE, BATCH = 60000, 28, 64

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-dataloader"  # 01..10: tt-spatial, for the LeNet yardstick, comes with it

TARGET_FRACTION = 0.10  # of a LeNet epoch


def loader_epochs(epochs: int) -> list[float]:
    """Seconds per full epoch of the TinyTorch loader (the first epoch untimed, as warm-up)."""
    from tinytorch.dataloader import (
        Compose,
        DataLoader,
        Normalize,
        RandomCrop,
        TensorDataset,
        ToTensor,
    )

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (N, SIZE, SIZE), dtype=np.uint8)
    labels = rng.integers(0, 10, N)
    transform = Compose([ToTensor(), RandomCrop(SIZE, padding=2, seed=0),
                         Normalize((0.1307,), (0.3081,))])
    loader = DataLoader(TensorDataset(images, labels), batch_size=BATCH, shuffle=True, seed=0,
                        transform=transform)
    times = []
    for epoch in range(epochs + 1):
        t0 = time.perf_counter()
        batches, last = 0, None
        for last in loader:  # noqa: B007 (only the last batch is checked)
            batches += 1
        if epoch:
            times.append(time.perf_counter() - t0)
    x, y = last
    assert batches == len(loader) and x.shape[1:] == (1, SIZE, SIZE) and y.dtype == np.int64
    return times


def lenet_steps(steps: int) -> dict:
    """Median milliseconds of a LeNet-5 step, TinyTorch against PyTorch (cnn_step.py)."""
    tt, pt, _ = _timing.same_numbers(cnn_step.tinytorch_step_fn("lenet"),
                                     cnn_step.torch_step_fn("lenet"),
                                     cnn_step.make_batches("lenet", 5))
    return _timing.interleave(tt, pt, steps, rounds=3, warmup=0, target=cnn_step.NETS["lenet"]
                              ["target"])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=5, help="timed epochs (after one warm-up)")
    p.add_argument("--steps", type=int, default=40, help="LeNet steps per timed round")
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()
    times = loader_epochs(args.epochs)
    best, median = min(times), statistics.median(times)
    batches = -(-N // BATCH)
    print(f"DataLoader epoch, {N} images {SIZE}x{SIZE}, batch {BATCH} ({batches} batches), "
          f"ToTensor + RandomCrop({SIZE}, padding=2) + Normalize: best {best:.3f} s, "
          f"median {median:.3f} s of {args.epochs} ({1e3 * best / batches:.3f} ms/batch)")
    result = {
        "benchmark": "dataloader_epoch_60000_28x28_crop_normalize", "batch": BATCH,
        "images": N, "epochs": args.epochs, "epoch_s_best": round(best, 4),
        "epoch_s_median": round(median, 4), "epoch_s": [round(t, 4) for t in times],
        "ms_per_batch": round(1e3 * best / batches, 4), "target_fraction": TARGET_FRACTION,
    }
    torch = _timing.peer()
    if torch is None:
        return 2
    steps = lenet_steps(args.steps)
    epochs = {name: steps[f"{name}_ms"] * batches / 1e3 for name in ("pytorch", "tinytorch")}
    fraction = best / epochs["pytorch"]
    print(f"LeNet-5 epoch (Adam, batch {BATCH}, 1 thread, {batches} steps): PyTorch "
          f"{epochs['pytorch']:.2f} s, TinyTorch {epochs['tinytorch']:.2f} s; the loader epoch "
          f"is {100 * fraction:.1f}% of PyTorch's, {100 * best / epochs['tinytorch']:.1f}% of "
          f"TinyTorch's (target < {100 * TARGET_FRACTION:.0f}%)")
    result.update({"lenet_step": steps, "pytorch_lenet_epoch_s": round(epochs["pytorch"], 3),
                   "tinytorch_lenet_epoch_s": round(epochs["tinytorch"], 3),
                   "fraction_of_pytorch_lenet_epoch": round(fraction, 4),
                   "passed": fraction < TARGET_FRACTION, **_timing.machine(torch)})
    if args.report:
        _timing.write_json_atomic(args.report, result)
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
