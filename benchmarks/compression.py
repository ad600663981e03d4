"""Benchmark: post-training quantisation of the three vision milestones' models, measured.

Module 22's claims, on this machine: int8 weights are 4x smaller than
float32 and int4 weights 8x; an int8 model (per-channel weights, inputs
calibrated) loses at most 1 point of test accuracy; and its batch
inference, which dequantises the weights in every call and computes in
float32 (NumPy has no fast int8 product), stays within 1.2x of the float32
model's time.

The models are trained here as their milestones train them (the builders,
splits and training loops are imported from milestones/), with the epochs of
the milestones' `--quick` runs where the full run would not fit the ~5 minute
budget:

- mlp_1986: the MLP (64-256-10) on the UCI digits, 20 epochs (the milestone's);
- lenet_1998: LeNet-5 on the MNIST subset, `--lenet-epochs` (default 20: the
  milestone's --quick; its full run has 30);
- cnn_2012: the CNN (three conv blocks with BatchNorm) on the milestone's quick
  Fashion-MNIST subset (6000 training images), `--cnn-epochs` (default 3: --quick).

Each model is quantised with `quantize_model` three ways: int8 with
calibrated inputs (W8A8: per-channel weights, and every Linear/Conv2d input
fake-quantised to int8 with a range calibrated on the VALIDATION split, split
off the training data; the test split stays held out), int8 weights with
float32 inputs ("int8w", `calibration_data=None`), and int4 weights with int8
inputs (W4A8). Then measured: the bytes of the file `save_model` writes
(float32, int8, int4; and of the weight arrays alone), test accuracy
(cnn_2012: the first 2000 test images), and batch inference time (a batch
of 256 test inputs, no graph), all four models in alternating rounds in the
same process, one BLAS thread (`_timing.py`), each judged by its best round.
The load average is printed: the machine is shared, so read the times as
ranges over runs.

Targets (exit 1 when one is missed): weight arrays >= 3.99x smaller (int8)
and >= 7.9x (int4); int8 accuracy drop <= 1 point (both int8 models); int8w
time <= 1.2x float32: the issue's "int8 storage, float32 compute". W8A8's
time is printed without a target: simulating int8 inputs costs three extra
passes over every layer's input (divide, round, clip), which no real int8
engine pays, and on the small MLP that is 1.2-1.3x. The whole-file ratio is
printed beside the weights': float32 biases, per-channel scales and
per-array file headers keep it below 4x / 8x for small layers.

    python benchmarks/compression.py [--lenet-epochs 20] [--cnn-epochs 3] [--rounds 7]
                                     [--steps 10] [--report FILE.json]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-compression"

WEIGHT_TARGETS = {8: 3.99, 4: 7.9}  # weight arrays, float32 bytes / quantised bytes
MAX_DROP = 0.01  # int8: at most 1 point of test accuracy
MAX_TIME_RATIO = 1.2  # int8 batch inference against float32
BATCH = 256  # the timed inference batch
CNN_TEST = 2000  # cnn_2012: the first test images scored


@dataclass
class Workload:
    """A trained float model and its data, already prepared as the model takes it."""

    name: str
    model: Any
    calibration: list[np.ndarray]  # validation inputs, in batches
    test_x: np.ndarray
    test_y: np.ndarray
    train_seconds: float


def batches(x: np.ndarray, size: int = 256) -> list[np.ndarray]:
    return [x[i:i + size] for i in range(0, len(x), size)]


def mlp_1986(args: argparse.Namespace) -> Workload:
    """The MLP of milestones/mlp_1986.py on the digits, trained by its own `train`."""
    import harness
    import mlp_1986 as milestone

    data = harness.load_dataset("digits")
    train_idx, val_idx, test_idx = milestone.splits(data.labels)
    start = time.perf_counter()
    trained = milestone.train(data, train_idx, val_idx, hidden=256, epochs=20, seed=0)
    seconds = time.perf_counter() - start
    return Workload("mlp_1986 (digits)", trained.trainer.model.eval(),
                    batches(trained.prepare(data.images[val_idx])),
                    trained.prepare(data.images[test_idx]), data.labels[test_idx], seconds)


def lenet_1998(args: argparse.Namespace) -> Workload:
    """LeNet-5 of milestones/lenet_1998.py on the MNIST subset, its recipe, fewer epochs."""
    import harness
    import lenet_1998 as milestone
    import vision
    from mlp_1986 import splits
    from tinytorch.dataloader import Compose, DataLoader, Normalize, RandomCrop, TensorDataset
    from tinytorch.optimizers import AdamW, CosineAnnealingLR
    from tinytorch.regularization import weight_decay_groups
    from tinytorch.tensor import manual_seed

    data = harness.load_dataset("mnist")
    train_idx, val_idx, test_idx = splits(data.labels)
    images = vision.nchw(data.images)
    x_train = images[train_idx]
    normalize = Normalize(float(x_train.mean()), float(x_train.std()))
    manual_seed(0)
    model = milestone.lenet5()
    loader = DataLoader(TensorDataset(x_train, data.labels[train_idx]),
                        batch_size=milestone.BATCH, shuffle=True, seed=0,
                        transform=Compose([RandomCrop(28, padding=2, seed=0), normalize]))
    optimizer = AdamW(weight_decay_groups(model, 5e-4), lr=2e-3)
    start = time.perf_counter()
    vision.fit(model, loader, optimizer, args.lenet_epochs,
               (images[val_idx], data.labels[val_idx]), normalize,
               CosineAnnealingLR(optimizer, T_max=max(args.lenet_epochs, 1)), name="LeNet-5")
    seconds = time.perf_counter() - start
    prep = _normalized(normalize)
    return Workload("lenet_1998 (MNIST subset)", model.eval(),
                    batches(prep(images[val_idx])), prep(images[test_idx]),
                    data.labels[test_idx], seconds)


def cnn_2012(args: argparse.Namespace) -> Workload:
    """The CNN of milestones/cnn_2012.py on its quick Fashion-MNIST subset, its `train`."""
    import cnn_2012 as milestone
    from tinytorch.dataloader import Normalize, RandomHorizontalFlip
    from tinytorch.tensor import manual_seed

    ns = argparse.Namespace(data="fashion-mnist", quick=True, data_dir=None)
    x, labels, train_idx, val_idx, test_idx, _ = milestone.load(ns)
    setup = milestone.SETUPS["fashion-mnist"]
    x_train, y_train = x[train_idx], labels[train_idx]
    normalize = Normalize(x_train.mean(axis=(0, 2, 3)).tolist(),
                          x_train.std(axis=(0, 2, 3)).tolist())
    manual_seed(0)
    model = milestone.cnn(x.shape[1], x.shape[2], setup)
    start = time.perf_counter()
    milestone.train(model, x_train, y_train, (x[val_idx], labels[val_idx]), args.cnn_epochs,
                    setup.lr, 0, [RandomHorizontalFlip(seed=1)], normalize, "CNN",
                    milestone.QUICK_BATCH)
    seconds = time.perf_counter() - start
    prep = _normalized(normalize)
    test = test_idx[:CNN_TEST]
    return Workload("cnn_2012 (Fashion-MNIST subset)", model.eval(),
                    batches(prep(x[val_idx])), prep(x[test]), labels[test], seconds)


def _normalized(normalize: Any) -> Callable[[np.ndarray], np.ndarray]:
    """Images (N, C, H, W) in [0, 1] -> the normalised float32 array the model takes."""
    from tinytorch.tensor import Tensor

    return lambda images: np.asarray(normalize(Tensor(images)).data, np.float32)


def predict(model: Any, x: np.ndarray) -> np.ndarray:
    from tinytorch.autograd import no_grad
    from tinytorch.tensor import Tensor

    with no_grad():
        return np.concatenate([model(Tensor(b)).data.argmax(axis=1) for b in batches(x, 500)])


def weight_bytes(model: Any) -> int:
    """Bytes of the weight arrays alone: float Linear/Conv2d weights, or quantised codes."""
    from tinytorch.compression import QuantizedConv2d, QuantizedLinear
    from tinytorch.layers import Linear
    from tinytorch.spatial import Conv2d

    total = 0
    for m in model.modules():
        if isinstance(m, (QuantizedLinear, QuantizedConv2d)):
            total += m.weight_codes.nbytes
        elif isinstance(m, (Linear, Conv2d)):
            total += m.weight.data.nbytes
    return total


def measure(work: Workload, args: argparse.Namespace) -> dict[str, Any]:
    """Sizes, accuracies and interleaved inference times of float32, int8 and int4."""
    from tinytorch.autograd import no_grad
    from tinytorch.compression import quantize_model, saved_bytes
    from tinytorch.tensor import Tensor

    models = {"float32": work.model}
    start = time.perf_counter()
    models["int8"] = quantize_model(work.model, work.calibration, bits=8)
    quantize_seconds = time.perf_counter() - start
    models["int8w"] = quantize_model(work.model, None, bits=8)  # weights only, float inputs
    models["int4"] = quantize_model(work.model, work.calibration, bits=4)
    row: dict[str, Any] = {"workload": work.name, "train_seconds": round(work.train_seconds, 1),
                           "quantize_seconds": round(quantize_seconds, 3)}
    for tag, m in models.items():
        row[f"{tag}_file_bytes"] = saved_bytes(m)
        row[f"{tag}_weight_bytes"] = weight_bytes(m)
        row[f"{tag}_accuracy"] = float(np.mean(predict(m, work.test_x) == work.test_y))
    x = Tensor(work.test_x[:BATCH])

    def step(m: Any) -> Callable[[], Any]:
        def run() -> Any:
            with no_grad():
                return m(x)
        return run

    steps = {tag: step(m) for tag, m in models.items()}
    for run in steps.values():
        run()  # warm-up
    rounds: dict[str, list[float]] = {tag: [] for tag in steps}
    for _ in range(args.rounds):
        for tag, run in steps.items():
            rounds[tag].append(_timing.time_round(run, args.steps))
    best = {tag: min(r) for tag, r in rounds.items()}
    for tag in ("int8", "int8w", "int4"):
        per_round = [q / f for q, f in zip(rounds[tag], rounds["float32"], strict=True)]
        row.update({
            f"{tag}_file_ratio": round(row["float32_file_bytes"] / row[f"{tag}_file_bytes"], 3),
            f"{tag}_weight_ratio": round(row["float32_weight_bytes"]
                                         / row[f"{tag}_weight_bytes"], 3),
            f"{tag}_accuracy_drop": round(row["float32_accuracy"] - row[f"{tag}_accuracy"], 4),
            f"{tag}_time_ratio": round(best[tag] / best["float32"], 3),
            f"{tag}_time_ratio_range": [round(min(per_round), 3), round(max(per_round), 3)],
        })
    row.update({f"{tag}_ms": round(t, 3) for tag, t in best.items()})
    row.update({f"{tag}_rounds_ms": [round(t, 3) for t in r] for tag, r in rounds.items()})
    checks = {
        "int8 weights": row["int8_weight_ratio"] >= WEIGHT_TARGETS[8],
        "int4 weights": row["int4_weight_ratio"] >= WEIGHT_TARGETS[4],
        "int8 accuracy": row["int8_accuracy_drop"] <= MAX_DROP,
        "int8 weights-only accuracy": row["int8w_accuracy_drop"] <= MAX_DROP,
        "int8 weights-only time": row["int8w_time_ratio"] <= MAX_TIME_RATIO,
    }
    row["missed"] = [name for name, ok in checks.items() if not ok]
    row["passed"] = not row["missed"]
    return row


def print_table(rows: list[dict[str, Any]], args: argparse.Namespace,
                load: tuple[list[float], list[float]]) -> None:
    width = max(len(r["workload"]) for r in rows)
    print(f"\n{'model':<{width}}  {'file bytes f32/int8/int4':>26}  {'file ratio':>11}  "
          f"{'weights ratio':>13}  {'test accuracy f32/int8/int8w/int4':>35}  "
          f"{'time ratio int8 / int8w (range) / int4':>38}  targets")
    for r in rows:
        sizes = f"{r['float32_file_bytes']:,}/{r['int8_file_bytes']:,}/{r['int4_file_bytes']:,}"
        acc = "/".join(f"{r[f'{t}_accuracy']:.2%}" for t in ("float32", "int8", "int8w", "int4"))
        lo, hi = r["int8w_time_ratio_range"]
        mark = "ok" if r["passed"] else "MISSED: " + ", ".join(r["missed"])
        print(f"{r['workload']:<{width}}  {sizes:>26}  {r['int8_file_ratio']:>4.2f}x "
              f"{r['int4_file_ratio']:>4.2f}x  {r['int8_weight_ratio']:>5.2f}x "
              f"{r['int4_weight_ratio']:>5.2f}x  {acc:>35}  "
              f"{r['int8_time_ratio']:>5.2f}x / {r['int8w_time_ratio']:.2f}x ({lo:.2f}-{hi:.2f})"
              f" / {r['int4_time_ratio']:.2f}x  {mark}")
    for r in rows:
        drops = ", ".join(f"{t} {100 * r[f'{t}_accuracy_drop']:+.2f}" for t in
                          ("int8", "int8w", "int4"))
        times = ", ".join(f"{t} {r[f'{t}_ms']:.2f} ms" for t in
                          ("float32", "int8", "int8w", "int4"))
        print(f"  {r['workload']}: accuracy drop (points) {drops}; batch of {BATCH}: {times};"
              f" trained in {r['train_seconds']:.0f} s")
    print("int8: weights and calibrated inputs (W8A8); int8w: int8 weights, float32 inputs; "
          "int4: int4 weights, int8 inputs (W4A8)")
    print(f"targets: weights >= {WEIGHT_TARGETS[8]}x (int8), >= {WEIGHT_TARGETS[4]}x (int4); "
          f"int8 and int8w drop <= {100 * MAX_DROP:.0f} point; int8w time <= "
          f"{MAX_TIME_RATIO}x. Best of {args.rounds} alternating rounds of {args.steps} calls, "
          f"one BLAS thread; load average {load[0]} before, {load[1]} after, on "
          f"{os.cpu_count()} cores")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lenet-epochs", type=int, default=20)
    p.add_argument("--cnn-epochs", type=int, default=3)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--only", default=None, help="run the workloads whose name contains this")
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()
    load_before = _timing.load_average()
    rows = []
    for build in (mlp_1986, lenet_1998, cnn_2012):
        if args.only and args.only not in build.__name__:
            continue
        rows.append(measure(build(args), args))
    load_after = _timing.load_average()
    print_table(rows, args, (load_before, load_after))
    return _timing.finish_alone(args, rows, load_before, benchmark="compression_quantization",
                                lenet_epochs=args.lenet_epochs, cnn_epochs=args.cnn_epochs)

if __name__ == "__main__":
    sys.exit(main())
