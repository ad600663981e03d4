"""Part IV: the Profiler's forward FLOPs equal torch.utils.flop_counter.FlopCounterMode's on
the course's models (Conv2d, a LeNet-like net, MultiheadAttention, scaled_dot_product_attention,
the GPT with its PyTorch twin), and hand formulas without PyTorch.

PyTorch 2.13 has no FLOP formula for its CPU flash-attention kernel
(aten._scaled_dot_product_flash_attention_for_cpu counts 0), so the twin runs
under the math backend, where attention is its two bmm's.
"""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.activations import relu
from tinytorch.attention import MultiheadAttention, scaled_dot_product_attention
from tinytorch.benchmarking import Profiler
from tinytorch.layers import Linear, Module
from tinytorch.spatial import Conv2d, Flatten, MaxPool2d
from tinytorch.tensor import Tensor, manual_seed
from tinytorch.transformers import GPT, GPTConfig
from tt_testing import load_from_tinytorch, torch_gpt, torch_or_skip

pytestmark = pytest.mark.requires("tt-benchmarking")


def torch_flops(fn):
    torch = torch_or_skip()
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as c:
        fn(torch)
    return c.get_total_flops()


def flops(model, *args, **kw):
    with Profiler(model) as prof:
        model(*args, **kw)
    return prof.report()["flops"]["total"]


class LeNet(Module):
    def __init__(self):
        super().__init__()
        self.c1, self.p1 = Conv2d(1, 6, 5, padding=2), MaxPool2d(2)
        self.c2, self.p2 = Conv2d(6, 16, 5), MaxPool2d(2)
        self.flat, self.f1, self.f2 = Flatten(), Linear(16 * 5 * 5, 120), Linear(120, 10)

    def forward(self, x):
        x = self.p2(relu(self.c2(self.p1(relu(self.c1(x))))))
        return self.f2(relu(self.f1(self.flat(x))))


def lenet_hand(n):
    return 2 * n * (6 * 28 * 28 * 25 + 16 * 10 * 10 * 6 * 25 + 400 * 120 + 120 * 10)


def test_conv2d_layer():
    manual_seed(0)
    conv = Conv2d(3, 8, 3, stride=2, padding=1)
    x = np.zeros((2, 3, 11, 11), np.float32)
    hand = 2 * 2 * 8 * 6 * 6 * 3 * 9
    assert flops(conv, Tensor(x)) == hand
    assert torch_flops(lambda t: t.nn.Conv2d(3, 8, 3, stride=2, padding=1)(
        t.from_numpy(x))) == hand


def test_lenet():
    manual_seed(0)
    x = np.zeros((4, 1, 28, 28), np.float32)
    assert flops(LeNet(), Tensor(x)) == lenet_hand(4)

    def run(t):
        nn = t.nn
        net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 10))
        net(t.from_numpy(x))
    assert torch_flops(run) == lenet_hand(4)


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention(need_weights):
    manual_seed(0)
    n, length, e, h = 2, 8, 16, 4
    x = np.zeros((n, length, e), np.float32)
    mha = MultiheadAttention(e, h, batch_first=True)
    hand = 2 * n * length * e * 3 * e + 2 * 2 * n * length * length * e + 2 * n * length * e * e
    assert flops(mha, Tensor(x), Tensor(x), Tensor(x), need_weights=need_weights) == hand
    assert torch_flops(lambda t: t.nn.MultiheadAttention(e, h, batch_first=True)(
        t.from_numpy(x), t.from_numpy(x), t.from_numpy(x), need_weights=need_weights)) == hand


def test_scaled_dot_product_attention_causal():
    q = np.zeros((2, 3, 5, 4), np.float32)
    v = np.zeros((2, 3, 5, 6), np.float32)
    with Profiler() as prof:
        scaled_dot_product_attention(Tensor(q), Tensor(q), Tensor(v), is_causal=True)
    hand = 2 * 6 * 5 * 5 * (4 + 6)
    assert prof.report()["flops"]["total"] == hand
    assert torch_flops(lambda t: t.nn.functional.scaled_dot_product_attention(
        t.from_numpy(q), t.from_numpy(q), t.from_numpy(v), is_causal=True)) == hand


@pytest.mark.parametrize("fused", [True, False])
def test_gpt_and_its_pytorch_twin(fused):
    manual_seed(0)
    cfg = GPTConfig(vocab_size=65, block_size=16, n_layer=2, n_head=4, n_embd=32, fused=fused)
    model = GPT(cfg)
    idx = np.random.default_rng(0).integers(0, 65, (3, 16))
    b, t, c, v = 3, 16, 32, 65
    per_layer = 2 * b * t * c * (3 * c + c + 4 * c + 4 * c) + 2 * 2 * b * t * t * c
    hand = cfg.n_layer * per_layer + 2 * b * t * c * v  # blocks and the tied head
    assert flops(model, Tensor(idx)) == hand
    torch_or_skip()
    twin = load_from_tinytorch(torch_gpt(cfg), model.state_dict())
    assert torch_flops(lambda torch: twin(torch.from_numpy(idx))) == hand
