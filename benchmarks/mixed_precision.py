"""Benchmark: mixed precision (tinytorch.precision) against float32 on mlp_1986 and lenet_1998.

Three measurements, all made in this run (nothing is written down by hand):

1. Why products are never computed in float16 here: the time of one
   (256, 256) @ (256, 256) matrix product in float16 and in float32, in
   alternating rounds (NumPy has BLAS for float32, only a C loop for float16).
2. Activation memory: `graph_memory(loss, exclude=parameters)` after the
   forward pass of the first training batch: the bytes of the distinct NumPy
   buffers the autograd graph holds for backward (not the process's peak,
   not the weights). Four ways: plain float32; the mixed layers run in
   float32 ("float32-mixed-layers": MixedConv2d keeps its input, not the
   im2col matrix, so this isolates the saving of recomputation); float16;
   bfloat16 (NumPy has no bfloat16 dtype: its activations flow as float32).
3. Accuracy and time: each milestone's model, data and settings (imported
   from milestones/: `mlp_1986.train` builds the MLP and its AdamW,
   `lenet_1998.lenet5` the CNN; the data splits, augmentation and
   normalisation are theirs) trained in float32 and in mixed float16 (with a
   `GradScaler`) from the same seed, epoch by epoch in turns (interleaved),
   in one loop: forward, loss, backward, step. Test accuracy on the
   milestone's test split, seconds per epoch (median over epochs).

    python benchmarks/mixed_precision.py [--seeds 0 1 2] [--mlp-epochs 20]
                                         [--lenet-epochs 30] [--formats float16]
                                         [--only mlp|lenet] [--report FILE.json]

Targets: mixed within 0.5 points of float32's test accuracy (checked per
seed) and float16's activation memory about half of float32's with the same
layers. One thread (`_timing`); the load average is recorded.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import _timing  # before NumPy: it pins BLAS to one thread
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "milestones"))
import harness
import lenet_1998
import mlp_1986
import vision

#: The last module this benchmark uses: `nox -s benchmark` installs the chain up to it.
REQUIRES = "tt-precision"

ACCURACY_POINTS = 0.5  # mixed within this many points of float32
MEMORY_KINDS = ("float32", "float32-mixed-layers", "float16", "bfloat16")


# --- 1. float16 against float32 matrix products -------------------------------------------------

def matmul_times(rounds: int = 5, n: int = 256) -> dict[str, Any]:
    """Best-of-rounds milliseconds of an (n, n) @ (n, n) product in float16 and float32."""
    rng = np.random.default_rng(0)
    a32, b32 = rng.standard_normal((2, n, n), dtype=np.float32)
    a16, b16 = a32.astype(np.float16), b32.astype(np.float16)
    times = _timing.interleave(lambda: a16 @ b16, lambda: a32 @ b32, steps=3, rounds=rounds,
                               warmup=1, target=float("inf"))
    return {"shape": [n, n], "float16_ms": times["tinytorch_ms"],
            "float32_ms": times["pytorch_ms"], "float16_slower_x": times["ratio"],
            "float16_rounds_ms": times["tinytorch_rounds_ms"],
            "float32_rounds_ms": times["pytorch_rounds_ms"]}


# --- the shared training loop -------------------------------------------------------------------

class Run:
    """One model trained in one precision: its optimizer, scaler, scheduler and figures."""

    def __init__(self, kind: str, model: Any, optimizer: Any, scheduler: Any) -> None:
        from tinytorch.precision import GradScaler, MixedPrecision

        self.kind = kind
        self.model = model if kind == "float32" else MixedPrecision(model, kind)
        self.optimizer, self.scheduler = optimizer, scheduler
        self.scaler = GradScaler(enabled=kind == "float16")  # bf16 has float32's range
        self.seconds: list[float] = []
        self.losses: list[float] = []
        self.skipped = 0

    def epoch(self, batches: Any) -> None:
        from tinytorch.losses import CrossEntropyLoss

        loss_fn = CrossEntropyLoss()
        started, total, seen = time.perf_counter(), 0.0, 0
        self.model.train()
        for x, y in batches:
            self.optimizer.zero_grad()
            loss = loss_fn(self.model(x), y)
            self.scaler.scale(loss).backward()
            scale = self.scaler.get_scale()
            self.scaler.step(self.optimizer)
            self.scaler.update()
            self.skipped += int(self.scaler.get_scale() < scale)  # backed off: step skipped
            total += loss.item() * len(y.data)
            seen += len(y.data)
        self.scheduler.step()
        self.seconds.append(time.perf_counter() - started)
        self.losses.append(total / seen)

    def summary(self, accuracy: float) -> dict[str, Any]:
        return {"test_accuracy": accuracy, "final_loss": round(self.losses[-1], 5),
                "seconds_per_epoch_median": round(statistics.median(self.seconds), 3),
                "seconds_per_epoch": [round(s, 3) for s in self.seconds],
                "skipped_steps": self.skipped,
                "final_scale": self.scaler.get_scale()}


def interleaved(runs: list[Run], epochs: int, batches_of: Any) -> None:
    """Every run's epoch e, in turns: a busy phase of the machine hits every precision."""
    for e in range(epochs):
        for run in runs:
            run.epoch(batches_of(run, e))
        print("  epoch " + f"{e + 1}/{epochs}: " + ", ".join(
            f"{r.kind} loss {r.losses[-1]:.4f} ({r.seconds[-1]:.2f}s)" for r in runs),
            flush=True)


def memory(build: Any, x: Any, y: Any) -> dict[str, Any]:
    """graph_memory of the first batch's loss, for each of MEMORY_KINDS (fresh models)."""
    from tinytorch.losses import CrossEntropyLoss
    from tinytorch.precision import MixedPrecision, graph_memory

    out = {}
    for kind in MEMORY_KINDS:
        model = build()
        params = list(model.parameters())
        if kind != "float32":
            model = MixedPrecision(model, "float32" if kind == "float32-mixed-layers" else kind)
        found = graph_memory(CrossEntropyLoss()(model(x), y), exclude=params)
        out[kind] = {"bytes": found.bytes, "by_node": found.by_node}
    base, same_layers = out["float32"]["bytes"], out["float32-mixed-layers"]["bytes"]
    for kind in MEMORY_KINDS:
        out[kind]["vs_float32"] = round(out[kind]["bytes"] / base, 4)
        out[kind]["vs_float32_mixed_layers"] = round(out[kind]["bytes"] / same_layers, 4)
    return out


def predict(model: Any, x: np.ndarray, batch: int = 500) -> np.ndarray:
    """Class predictions of `model` on float32 rows, eval mode, no graph."""
    from tinytorch.autograd import no_grad
    from tinytorch.tensor import Tensor

    model.eval()
    with no_grad():
        out = [np.asarray(model(Tensor(x[i:i + batch])).data).argmax(1)
               for i in range(0, len(x), batch)]
    model.train()
    return np.concatenate(out)


# --- 3a. mlp_1986 -------------------------------------------------------------------------------

def mlp(seed: int, epochs: int, formats: list[str]) -> dict[str, Any]:
    """mlp_1986's default run (digits, hidden 256, AdamW, cosine), per precision."""
    from tinytorch.optimizers import CosineAnnealingLR
    from tinytorch.tensor import Tensor

    data = harness.load_dataset("digits")
    train_idx, val_idx, test_idx = mlp_1986.splits(data.labels)

    def build() -> Any:  # the milestone's own builder; 0 epochs: its model untrained
        return mlp_1986.train(data, train_idx, val_idx, 256, 0, seed)

    runs = []
    for kind in ["float32", *formats]:
        built = build()
        opt = built.trainer.optimizer
        runs.append(Run(kind, built.trainer.model, opt, CosineAnnealingLR(opt, T_max=epochs)))
    prepare = built.prepare
    x, y = mlp_1986.augment(data.images[train_idx], data.labels[train_idx])
    x = prepare(x)

    def batches_of(run: Run, epoch: int) -> Any:  # the Trainer's rule: order from (seed, epoch)
        order = np.random.default_rng((seed, epoch)).permutation(len(x))
        for i in range(0, len(x), 64):
            idx = order[i:i + 64]
            yield Tensor(x[idx]), Tensor(y[idx])

    first = np.random.default_rng((seed, 0)).permutation(len(x))[:64]  # epoch 0's batch
    mem = memory(lambda: build().trainer.model, Tensor(x[first]), Tensor(y[first]))
    interleaved(runs, epochs, batches_of)
    x_test, y_test = prepare(data.images[test_idx]), data.labels[test_idx]
    return {"memory": mem, "runs": {r.kind: r.summary(float(np.mean(
        predict(r.model, x_test) == y_test))) for r in runs}}


# --- 3b. lenet_1998 -----------------------------------------------------------------------------

def lenet(seed: int, epochs: int, formats: list[str]) -> dict[str, Any]:
    """lenet_1998's run (MNIST subset, random 2-pixel shifts, AdamW, cosine), per precision."""
    from tinytorch.dataloader import Compose, DataLoader, Normalize, RandomCrop, TensorDataset
    from tinytorch.optimizers import AdamW, CosineAnnealingLR
    from tinytorch.regularization import weight_decay_groups
    from tinytorch.tensor import manual_seed

    data = harness.load_dataset("mnist")
    train_idx, _, test_idx = mlp_1986.splits(data.labels)
    images = vision.nchw(data.images)
    x_train = images[train_idx]
    normalize = Normalize(float(x_train.mean()), float(x_train.std()))

    def build() -> Any:
        manual_seed(seed)
        return lenet_1998.lenet5()

    def loader() -> Any:  # one per run, the same seed: the same batches and shifts
        shift = RandomCrop(28, padding=2, seed=seed)
        return DataLoader(TensorDataset(x_train, data.labels[train_idx]),
                          batch_size=lenet_1998.BATCH, shuffle=True, seed=seed,
                          transform=Compose([shift, normalize]))

    runs, loaders = [], {}
    for kind in ["float32", *formats]:
        model = build()
        opt = AdamW(weight_decay_groups(model, 5e-4), lr=2e-3)
        runs.append(Run(kind, model, opt, CosineAnnealingLR(opt, T_max=max(epochs, 1))))
        loaders[kind] = loader()
    mem = memory(build, *next(iter(loader())))
    interleaved(runs, epochs, lambda run, e: loaders[run.kind])
    return {"memory": mem, "runs": {r.kind: r.summary(vision.accuracy(
        r.model, images[test_idx], data.labels[test_idx], normalize)) for r in runs}}


# --- the report ---------------------------------------------------------------------------------

def summarise(name: str, per_seed: dict[int, dict[str, Any]], formats: list[str]
              ) -> dict[str, Any]:
    """Per precision: accuracies by seed, the gap to float32, epoch times, memory ratios."""
    seeds = sorted(per_seed)
    out: dict[str, Any] = {}
    for kind in ["float32", *formats]:
        acc = [per_seed[s]["runs"][kind]["test_accuracy"] for s in seeds]
        # rounded: 4 of 800 images is exactly 0.5 points, not 0.5000000000000004
        gap = [round(100 * (a - per_seed[s]["runs"]["float32"]["test_accuracy"]), 9)
               for a, s in zip(acc, seeds, strict=True)]
        sec = [per_seed[s]["runs"][kind]["seconds_per_epoch_median"] for s in seeds]
        out[kind] = {"test_accuracy": acc, "gap_points": [round(g, 3) for g in gap],
                     "within_target": all(abs(g) <= ACCURACY_POINTS for g in gap),
                     "seconds_per_epoch": sec}
    mem = per_seed[seeds[0]]["memory"]
    print(f"\n{name}: seeds {seeds}")
    print("| precision | test accuracy (per seed) | gap to float32 (points) | s/epoch |")
    print("|---|---|---|---|")
    for kind, row in out.items():
        print(f"| {kind} | {', '.join(f'{a:.2%}' for a in row['test_accuracy'])} | "
              f"{', '.join(f'{g:+.2f}' for g in row['gap_points'])} | "
              f"{', '.join(f'{s:.2f}' for s in row['seconds_per_epoch'])} |")
    print("| graph holds | MB | vs float32 | vs float32-mixed-layers |")
    print("|---|---|---|---|")
    for kind in MEMORY_KINDS:
        m = mem[kind]
        print(f"| {kind} | {m['bytes'] / 1e6:.3f} | {m['vs_float32']:.2f} | "
              f"{m['vs_float32_mixed_layers']:.2f} |")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--mlp-epochs", type=harness.non_negative, default=20,
                   help="mlp_1986's default on digits: 20")
    p.add_argument("--lenet-epochs", type=harness.non_negative, default=lenet_1998.EPOCHS,
                   help=f"lenet_1998's default: {lenet_1998.EPOCHS}")
    p.add_argument("--formats", nargs="+", default=["float16"],
                   choices=["float16", "bfloat16"], help="mixed formats to train")
    p.add_argument("--only", choices=["mlp", "lenet"], default=None)
    p.add_argument("--report", type=Path, default=None)
    args = p.parse_args()
    harness.require("lenet_1998")  # fail fast when a module is missing
    import tinytorch.precision  # noqa: F401 (module 21 itself)

    result: dict[str, Any] = {"benchmark": "mixed_precision",
                              "load_average_before": _timing.load_average()}
    result["matmul"] = mm = matmul_times()
    print(f"matmul {mm['shape'][0]}x{mm['shape'][0]}: float16 {mm['float16_ms']:.2f} ms, "
          f"float32 {mm['float32_ms']:.3f} ms: float16 is {mm['float16_slower_x']:.0f}x slower")
    passed = True
    for name, fn, epochs in (("mlp_1986", mlp, args.mlp_epochs),
                             ("lenet_1998", lenet, args.lenet_epochs)):
        if args.only and not name.startswith(args.only):
            continue
        per_seed = {}
        for seed in args.seeds:
            print(f"{name}, seed {seed}, {epochs} epochs: {', '.join(['float32', *args.formats])}")
            per_seed[seed] = fn(seed, epochs, args.formats)
        summary = summarise(name, per_seed, args.formats)
        result[name] = {"epochs": epochs, "per_seed": per_seed, "summary": summary}
        passed &= all(summary[k]["within_target"] for k in args.formats)
    result.update(_timing.machine(), passed=passed)
    print(f"\nload average after: {result['load_average']}; target: mixed within "
          f"{ACCURACY_POINTS} points of float32 on every seed: "
          f"{'met' if passed else 'NOT met'}")
    if args.report:
        _timing.write_json_atomic(args.report, result)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
