"""Loss names, probabilities from `predict`, and the provenance in checkpoints."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from tinytorch.layers import Linear
from tinytorch.losses import CrossEntropyLoss, MSELoss
from tinytorch.optimizers import SGD
from tinytorch.setup import find_installed
from tinytorch.tensor import manual_seed
from tinytorch.training import Trainer, load_checkpoint, save_checkpoint


def make(loss="cross_entropy", out=3) -> Trainer:
    manual_seed(0)
    model = Linear(4, out)
    return Trainer(model, SGD(model.parameters(), lr=0.1), loss, progress=False)


def test_loss_names_resolve_to_tt_losses() -> None:
    assert isinstance(make("cross_entropy").loss_fn, CrossEntropyLoss)
    assert isinstance(make("mse").loss_fn, MSELoss)
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'.*cross_entropy"):
        make("hinge")
    with pytest.raises(TypeError, match="loss_fn must be callable or a loss name"):
        make(3)


def test_predict_probabilities() -> None:
    x = np.random.default_rng(0).standard_normal((7, 4)).astype(np.float32)
    trainer = make()
    logits = trainer.predict(x)
    probs = trainer.predict(x, probabilities=True)
    assert probs.shape == (7, 3)
    np.testing.assert_allclose(probs.sum(-1), 1.0, rtol=1e-6)
    expected = np.exp(logits - logits.max(-1, keepdims=True))
    np.testing.assert_allclose(probs, expected / expected.sum(-1, keepdims=True), rtol=1e-5)
    single = make("bce_with_logits", out=1)
    np.testing.assert_allclose(single.predict(x, probabilities=True),
                               1 / (1 + np.exp(-single.predict(x))), rtol=1e-5)


def test_checkpoint_records_the_installed_packages(tmp_path) -> None:
    trainer = make()
    path = tmp_path / "ck.npz"
    save_checkpoint(path, trainer.model, trainer.optimizer, epoch=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # same packages: no warning
        info = load_checkpoint(path, trainer.model, trainer.optimizer)
    installed = find_installed()
    assert info["packages"]["tt-training"]["version"] == installed["tt-training"].version
    assert set(info["packages"]) == set(installed)


def test_loading_under_other_packages_warns(tmp_path) -> None:
    trainer = make()
    path = tmp_path / "ck.npz"
    save_checkpoint(path, trainer.model, trainer.optimizer, epoch=1)
    # Pretend a student's tt-autograd 9.9.9 saved it: edit the file's metadata.
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays["__meta__"][()]))
    meta["packages"]["tt-autograd"] = {"version": "9.9.9", "kind": "student"}
    arrays["__meta__"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)
    with pytest.warns(UserWarning, match=r"tt-autograd: saved with 9\.9\.9 \(student\), now"):
        load_checkpoint(path, trainer.model)
