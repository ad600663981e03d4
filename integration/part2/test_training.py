"""Part II, across packages: convolution nets built from the vision modules train.

Conv2d and pooling (tt-spatial), the DataLoader and its batch transforms
(tt-dataloader), BatchNorm (tt-normalization) and Dropout plus weight-decay
groups (tt-regularization) meet Part I's losses, optimizers and Trainer
checkpoints here. From identical weights and batches, TinyTorch follows
PyTorch's trajectory step for step (where PyTorch is installed); without
PyTorch, the loss must still fall, a learnable task must be learned, and
the state (BatchNorm's running statistics included) must survive a round trip.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tinytorch.activations import ReLU
from tinytorch.layers import Linear, Sequential
from tinytorch.losses import CrossEntropyLoss
from tinytorch.optimizers import SGD, Adam, AdamW
from tinytorch.tensor import Tensor, manual_seed
from tt_testing import assert_close, torch_or_skip

pytestmark = pytest.mark.requires("tt-regularization")


def small_cnn(dropout: float = 0.0, dtype: type = np.float32) -> Sequential:
    """conv 4@3x3 - BN - ReLU - max-pool 2 - flatten - dropout - linear: (N, 1, 8, 8) -> 3."""
    from tinytorch.normalization import BatchNorm2d
    from tinytorch.regularization import Dropout
    from tinytorch.spatial import Conv2d, Flatten, MaxPool2d

    return Sequential(Conv2d(1, 4, 3, padding=1, dtype=dtype), BatchNorm2d(4, dtype=dtype),
                      ReLU(), MaxPool2d(2), Flatten(), Dropout(dropout),
                      Linear(64, 3, dtype=dtype))


def bars(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(N, 8, 8) uint8 images: a vertical bar (0), a horizontal bar (1) or a cross (2), at a
    random place, on noise: learnable only by looking at shapes, not at single pixels."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 60, (n, 8, 8)).astype(np.uint8)
    labels = rng.integers(0, 3, n)
    where = rng.integers(1, 7, (n, 2))
    for i, (label, (r, c)) in enumerate(zip(labels, where, strict=True)):
        if label in (0, 2):
            images[i, :, c] = 255
        if label in (1, 2):
            images[i, r, :] = 255
    return images, labels.astype(np.int64)


def test_a_conv_net_step_lowers_the_loss() -> None:
    manual_seed(0)
    model = small_cnn()
    images, labels = bars(32, seed=1)
    x = Tensor(images[:, None].astype(np.float32) / 255)
    loss_fn, opt = CrossEntropyLoss(), SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = loss_fn(model(x), labels)
        loss.backward()
        assert all(p.grad is not None and np.any(p.grad.data) for p in model.parameters())
        opt.step()
        losses.append(loss.item())
    assert losses[1] < losses[0] and losses[-1] < 0.8 * losses[0], losses


def test_loader_transforms_and_regularised_cnn_learn_shapes() -> None:
    """DataLoader + ToTensor/RandomCrop/Normalize + Conv2d + BatchNorm + Dropout + AdamW groups."""
    from tinytorch.autograd import no_grad
    from tinytorch.dataloader import (
        Compose,
        DataLoader,
        Normalize,
        RandomCrop,
        TensorDataset,
        ToTensor,
    )
    from tinytorch.regularization import weight_decay_groups

    manual_seed(0)
    model = small_cnn(dropout=0.2)
    groups = weight_decay_groups(model, 1e-3)
    assert sum(len(g["params"]) for g in groups) == len(list(model.parameters()))
    opt = AdamW(groups, lr=0.02)
    images, labels = bars(600, seed=2)
    loader = DataLoader(TensorDataset(images, labels), batch_size=50, shuffle=True, seed=0,
                        transform=Compose([ToTensor(), RandomCrop(8, padding=1, seed=0),
                                           Normalize(0.3, 0.35)]))
    loss_fn = CrossEntropyLoss()
    model.train()
    for _ in range(4):
        for x, y in loader:
            assert x.shape == (50, 1, 8, 8) and x.data.dtype == np.float32
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
    test_images, test_labels = bars(300, seed=3)
    model.eval()
    with no_grad():
        x = Normalize(0.3, 0.35)(ToTensor()(test_images))
        predicted = np.asarray(model(x).data).argmax(axis=1)
    assert np.mean(predicted == test_labels) >= 0.9
    assert not model.training and model[1].training is False  # eval reached BatchNorm


def trained_cnn() -> tuple[Sequential, Adam, Tensor]:
    manual_seed(0)
    model = small_cnn()
    opt = Adam(model.parameters(), lr=0.01)
    images, labels = bars(40, seed=4)
    x = Tensor(images[:, None].astype(np.float32) / 255)
    for _ in range(3):
        opt.zero_grad()
        CrossEntropyLoss()(model(x), labels).backward()
        opt.step()
    return model, opt, x


def test_state_dict_round_trip_keeps_batchnorm_buffers() -> None:
    model, _, x = trained_cnn()
    state = model.state_dict()
    assert {"1.running_mean", "1.running_var", "1.num_batches_tracked"} <= set(state)
    assert state["1.num_batches_tracked"].shape == () and int(state["1.num_batches_tracked"]) == 3
    assert np.any(state["1.running_mean"] != 0) and np.any(state["1.running_var"] != 1)

    manual_seed(1)
    fresh = small_cnn()
    fresh.load_state_dict(state)
    model.eval(), fresh.eval()
    assert_close(fresh(x), model(x), rtol=0, atol=0)  # eval uses the loaded running stats


def test_checkpoint_file_keeps_batchnorm_buffers(tmp_path: Path) -> None:
    from tinytorch.training import load_checkpoint, save_checkpoint

    model, opt, x = trained_cnn()
    save_checkpoint(tmp_path / "cnn.npz", model, opt, epoch=3)
    manual_seed(2)
    again = small_cnn()
    assert load_checkpoint(tmp_path / "cnn.npz", again, Adam(again.parameters()))["epoch"] == 3
    state = model.state_dict()
    assert all(np.array_equal(v, again.state_dict()[k]) for k, v in state.items())
    model.eval(), again.eval()
    assert_close(again(x), model(x), rtol=0, atol=0)


def test_cnn_follows_pytorch_step_for_step() -> None:
    torch = torch_or_skip()
    manual_seed(0)
    model = small_cnn(dtype=np.float64)
    ref = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(64, 3)).double()
    theirs = ref.state_dict()
    mine = model.state_dict()
    names = {"0.weight": "0.weight", "0.bias": "0.bias", "1.weight": "1.weight",
             "1.bias": "1.bias", "6.weight": "5.weight", "6.bias": "5.bias"}
    with torch.no_grad():
        for ours, their in names.items():
            theirs[their].copy_(torch.from_numpy(mine[ours]))
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    images, labels = bars(24, seed=5)
    for step in range(4):
        x = images[:, None].astype(np.float64) / 255 + 0.01 * step
        opt.zero_grad(), ref_opt.zero_grad()
        loss = CrossEntropyLoss()(model(Tensor(x, dtype=np.float64)), labels)
        ref_loss = torch.nn.functional.cross_entropy(ref(torch.from_numpy(x)),
                                                     torch.from_numpy(labels))
        loss.backward(), ref_loss.backward()
        opt.step(), ref_opt.step()
        assert_close(loss.item(), ref_loss.item(), rtol=1e-9, atol=1e-12)
    for ours, their in names.items():
        assert_close(model.state_dict()[ours], ref.state_dict()[their].numpy(),
                     rtol=1e-8, atol=1e-10)
    assert_close(model.state_dict()["1.running_var"], ref.state_dict()["1.running_var"].numpy(),
                 rtol=1e-9, atol=1e-12)
