"""Benchmark: one DataLoader epoch over 60000 28x28 images, crop and normalise, batch 64.

The target of issue 7: a data epoch must cost under 10% of a LeNet-5
training epoch, so that the loader never dominates training. This script
reports the loader's absolute time per epoch (TinyTorch's `DataLoader` on a
`TensorDataset` of uint8 images, `Compose([ToTensor(), RandomCrop(28,
padding=2), Normalize((0.1307,), (0.3081,))])`, shuffled, batch 64: 938
batches), and, when PyTorch is installed, the time of a PyTorch LeNet-5
epoch (Adam, batch 64: the step time of a worker process times 938) as the
yardstick. The ratio to a TinyTorch LeNet epoch is what counts; the TinyTorch
LeNet step is measured by the LeNet benchmark, so compare with that too.

The pixels are random (the cost does not depend on them), so no data file
is needed. One thread each for NumPy's BLAS and PyTorch.

    python benchmarks/dataloader_epoch.py [--epochs 5] [--report FILE.json]

Needs tt-tensor and tt-dataloader; torch==2.13.0 (the CPU build) for the yardstick.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "milestones"))
from harness import write_json_atomic  # noqa: E402

N, SIZE, BATCH = 60000, 28, 64

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-dataloader"

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


def torch_lenet_step_worker(steps: int) -> None:
    """Print the median seconds of a PyTorch LeNet-5 Adam step (batch 64), as JSON."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    opt, loss_fn = torch.optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss()
    x, y = torch.randn(BATCH, 1, SIZE, SIZE), torch.randint(0, 10, (BATCH,))
    times = []
    for i in range(steps + 10):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
        if i >= 10:
            times.append(time.perf_counter() - t0)
    print(json.dumps({"step_s": statistics.median(times), "torch": torch.__version__}))


def torch_lenet_step(steps: int) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, "--torch-worker", "--steps", str(steps)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        if "No module named 'torch'" in proc.stderr:
            return None
        raise SystemExit(f"PyTorch LeNet worker failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=5, help="timed epochs (after one warm-up)")
    p.add_argument("--steps", type=int, default=100, help="PyTorch LeNet steps to time")
    p.add_argument("--report", type=Path, default=None)
    p.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.torch_worker:
        torch_lenet_step_worker(args.steps)
        return 0
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
        "numpy": np.__version__, "cpus": os.cpu_count(),
        "machine": platform.processor() or platform.machine(),
    }
    torch_result = torch_lenet_step(args.steps)
    passed = True
    if torch_result is None:
        print("PyTorch is not installed: no LeNet yardstick (pip install torch==2.13.0, CPU)")
    else:
        lenet_epoch = torch_result["step_s"] * batches
        fraction = best / lenet_epoch
        passed = fraction < TARGET_FRACTION
        print(f"PyTorch LeNet-5 epoch (Adam, batch {BATCH}, 1 thread): "
              f"{1e3 * torch_result['step_s']:.2f} ms/step x {batches} = {lenet_epoch:.2f} s; "
              f"the loader epoch is {100 * fraction:.1f}% of it (target < "
              f"{100 * TARGET_FRACTION:.0f}% of a LeNet epoch; a TinyTorch LeNet epoch, "
              f"slower, makes the share smaller)")
        result.update({"torch_lenet_step_ms": round(1e3 * torch_result["step_s"], 3),
                       "torch_lenet_epoch_s": round(lenet_epoch, 3),
                       "fraction_of_torch_lenet_epoch": round(fraction, 4),
                       "torch": torch_result["torch"]})
    result["passed"] = passed
    if args.report:
        write_json_atomic(args.report, result)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
