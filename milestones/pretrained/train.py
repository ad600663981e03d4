"""Train the pretrained weights that xor_pretrained and digits_pretrained run.

The two inference milestones (course.toml, `requires = 4`) let a student run
trained networks with nothing but their own tensor, activation and layer
code, before they have written losses, optimizers, autograd or a training
loop. The weights are made here, by the REFERENCE chain (modules 01-08), with
exactly the recipes of the training milestones, so they can be remade:

- xor.npz: `xor_1969.train(seed=0, epochs=500)`: the 2 -> 8 -> 2 tanh network,
  SGD (lr 0.5, momentum 0.9) on the four XOR points, full batch; the keys are
  its `state_dict()` (`0.weight` (8, 2), `0.bias` (8,), `2.weight` (2, 8),
  `2.bias` (2,)), float32.
- digits.npz: `mlp_1986.train(..., hidden=256, epochs=20, seed=0)` on the
  digits data: the 64 -> 256 -> 10 ReLU MLP, AdamW (lr 2e-3, weight decay
  1e-2), cosine decay, batch 64, one-pixel-shift augmentation. Data split
  (`mlp_1986.splits`, stratified, seed 0): 20% test (299 images), held out and
  never trained on: that is what digits_pretrained scores; of the other 1198,
  10% validation (120, watched, not trained on) and 1078 trained on (x5 with
  the shifts). Keys: the `state_dict()` (`0.weight` (256, 64), `0.bias`,
  `2.weight` (10, 256), `2.bias`) plus `input_mean` and `input_std` (64,), the
  training set's statistics that standardise the flattened pixels (scaled to
  [0, 1]) before the first layer.

Remake them (about 3 s) from the repository root with:

    python milestones/pretrained/train.py [--out milestones/pretrained]

integration/part1/test_pretrained.py retrains both into a temporary folder
and checks that they match the shipped files (see README.md there for the
tolerance and why).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MILESTONES = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(MILESTONES))

import harness  # noqa: E402  (milestones/ is not a package: put it on the path first)
import mlp_1986  # noqa: E402
import xor_1969  # noqa: E402

SEED = 0
XOR_EPOCHS = 500
DIGITS_HIDDEN, DIGITS_EPOCHS = 256, 20


def train_xor() -> dict:
    """The XOR network's state_dict, trained as xor_1969 does at seed 0."""
    trainer = xor_1969.train(SEED, XOR_EPOCHS)
    accuracy = trainer.evaluate(xor_1969.X, xor_1969.Y)["accuracy"]
    print(f"xor.npz: {XOR_EPOCHS} epochs, seed {SEED}: accuracy {accuracy:.0%} on the XOR points")
    return trainer.model.state_dict()


def train_digits() -> dict:
    """The digits MLP's state_dict and input statistics, trained as mlp_1986 does at seed 0."""
    data = harness.load_dataset("digits")
    train_idx, val_idx, test_idx = mlp_1986.splits(data.labels)
    mlp = mlp_1986.train(data, train_idx, val_idx, DIGITS_HIDDEN, DIGITS_EPOCHS, SEED)
    accuracy = mlp.trainer.evaluate(mlp.prepare(data.images[test_idx]),
                                    data.labels[test_idx])["accuracy"]
    print(f"digits.npz: {DIGITS_EPOCHS} epochs, seed {SEED}, trained on {len(train_idx)} "
          f"images: accuracy {accuracy:.2%} on the {len(test_idx)} held-out test images")
    return {**mlp.trainer.model.state_dict(),
            "input_mean": mlp.mean.astype("float32"), "input_std": mlp.std.astype("float32")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="milestones/pretrained/train.py",
                                description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=harness.PRETRAINED_DIR,
                   help="folder to write xor.npz and digits.npz into")
    args = p.parse_args(argv)
    harness.require("mlp_1986")  # the whole Part I chain, named if anything is missing
    harness.write_npz_atomic(args.out / "xor.npz", train_xor())
    harness.write_npz_atomic(args.out / "digits.npz", train_digits())
    return 0


if __name__ == "__main__":
    sys.exit(main())
