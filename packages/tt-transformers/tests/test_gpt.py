"""GPT: equal to the nanoGPT-shaped PyTorch twin on copied weights (logits, loss, every
gradient), equal to its composite twin, gradcheck, parameters, groups, tying, errors."""

from __future__ import annotations

import numpy as np
import pytest
from tinytorch.autograd import gradcheck
from tinytorch.tensor import DTypeError, ShapeError, Tensor, manual_seed
from tinytorch.transformers import GPT, GPTConfig, TransformerBlock, lm_loss
from tt_testing import assert_close, load_from_tinytorch, torch_gpt, torch_or_skip

SMALL = dict(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=8)


def model64(seed=0, **kw):
    """A small GPT in float64 with seeded GPT-2 initialisation and non-trivial gains."""
    manual_seed(seed)
    model = GPT(GPTConfig(**{**SMALL, **kw}))
    rng = np.random.default_rng(seed)
    for name, p in model.named_parameters():
        p.data = p.data.astype(np.float64)
        if "ln" in name or name.endswith("bias"):  # gains and biases away from 1 and 0
            p.data = p.data + 0.1 * rng.standard_normal(p.shape)
    return model


def ids(B=3, T=8, V=11, seed=0):
    return np.random.default_rng(seed).integers(0, V, (B, T))


def reference_logits(model, idx):
    """The GPT by definition in NumPy, from the state_dict alone (tanh GELU, causal)."""
    w = model.state_dict()
    cfg = model.config
    B, T = idx.shape
    C, nh = cfg.n_embd, cfg.n_head

    def ln(x, p):
        x = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
        return x * w[p + ".weight"] + w[p + ".bias"]

    x = w["wte.weight"][idx] + w["wpe.weight"][:T]
    for i in range(cfg.n_layer):
        p = f"h.{i}."
        qkv = ln(x, p + "ln_1") @ w[p + "attn.c_attn.weight"].T + w[p + "attn.c_attn.bias"]
        q, k, v = (a.reshape(B, T, nh, C // nh).transpose(0, 2, 1, 3) for a in np.split(qkv, 3, -1))
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(C // nh)
        s = np.where(np.tril(np.ones((T, T), bool)), s, -np.inf)
        a = np.exp(s - s.max(-1, keepdims=True))
        y = (a / a.sum(-1, keepdims=True)) @ v
        y = y.transpose(0, 2, 1, 3).reshape(B, T, C)
        x = x + y @ w[p + "attn.c_proj.weight"].T + w[p + "attn.c_proj.bias"]
        h = ln(x, p + "ln_2") @ w[p + "mlp.c_fc.weight"].T + w[p + "mlp.c_fc.bias"]
        h = 0.5 * h * (1 + np.tanh(np.sqrt(2 / np.pi) * (h + 0.044715 * h**3)))
        x = x + h @ w[p + "mlp.c_proj.weight"].T + w[p + "mlp.c_proj.bias"]
    return ln(x, "ln_f") @ w["wte.weight"].T


def test_logits_equal_the_definition_without_pytorch():
    model = model64()
    idx = ids()
    assert_close(model(idx).data, reference_logits(model, idx), rtol=1e-10, atol=1e-12)
    # causal: changing a later token never changes an earlier position's logits
    later = idx.copy()
    later[:, 5:] = (later[:, 5:] + 1) % 11
    assert_close(model(later).data[:, :5], model(idx).data[:, :5], rtol=1e-12, atol=1e-14)
    assert not np.allclose(model(later).data[:, 5:], model(idx).data[:, 5:])


def test_equals_the_pytorch_twin_logits_loss_and_every_gradient():
    torch = torch_or_skip()
    model = model64()
    idx, targets = ids(), ids(seed=1)
    targets[0, :3] = -100
    twin = load_from_tinytorch(torch_gpt(model.config).double(), model.state_dict())
    logits = model(idx)
    loss = lm_loss(logits, targets)
    loss.backward()
    t_logits = twin(torch.from_numpy(idx))
    t_loss = torch.nn.functional.cross_entropy(
        t_logits.reshape(-1, 11), torch.from_numpy(targets).reshape(-1), ignore_index=-100)
    t_loss.backward()
    assert_close(logits.data, t_logits.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert loss.item() == pytest.approx(t_loss.item(), rel=1e-12)
    twin_grads = {n: p.grad.numpy() for n, p in twin.named_parameters()}
    ours = dict(model.named_parameters())
    assert set(twin_grads) <= set(ours) | {"lm_head.weight"}
    for name, grad in twin_grads.items():
        assert_close(ours[name].grad.data, grad, rtol=1e-9, atol=1e-12)


def test_fused_and_composite_models_are_equal():
    idx, targets = ids(), ids(seed=2)
    fused, composite = model64(), model64(fused=False)
    composite.load_state_dict(fused.state_dict())
    lf, lc = lm_loss(fused(idx), targets), lm_loss(composite(idx), targets)
    assert lf.item() == pytest.approx(lc.item(), rel=1e-12)
    lf.backward()
    lc.backward()
    for (_, a), (_, b) in zip(fused.named_parameters(), composite.named_parameters(),
                              strict=True):
        assert_close(a.grad.data, b.grad.data, rtol=1e-9, atol=1e-12)


def test_gradcheck_the_whole_gpt_and_a_block_in_float64():
    model = model64(n_layer=1, vocab_size=5, n_embd=4, block_size=4)
    idx, targets = ids(2, 4, 5), ids(2, 4, 5, seed=1)
    params = list(model.parameters())

    def loss(*ps):
        return lm_loss(model(idx), targets)

    assert gradcheck(loss, tuple(params))
    block = model.h[0]
    x = Tensor(np.random.default_rng(0).standard_normal((2, 4, 4)), requires_grad=True)
    assert isinstance(block, TransformerBlock)
    assert gradcheck(block, (x,))


def test_parameter_count_formula_tying_and_state_dict_names():
    model = GPT(GPTConfig(vocab_size=65))  # 4 layers, C 128, T 64
    C, V, T, L = 128, 65, 64, 4
    per_block = 12 * C * C + 13 * C  # weights, biases and the two LayerNorms
    assert model.num_parameters(non_embedding=False) == L * per_block + (V + T) * C + 2 * C
    assert model.num_parameters() == model.num_parameters(non_embedding=False) - T * C
    assert model.lm_head.weight is model.wte.weight
    names = list(model.state_dict())
    assert names[:3] == ["wte.weight", "wpe.weight", "h.0.ln_1.weight"]
    assert "lm_head.weight" in names and "h.3.mlp.c_proj.bias" in names
    torch_or_skip()
    twin = torch_gpt(model.config)
    assert sum(p.numel() for p in twin.parameters()) == model.num_parameters(False)
    assert set(twin.state_dict()) == set(names)


def test_initialisation_is_gpt2s_and_seeded():
    manual_seed(3)
    a = GPT(GPTConfig(vocab_size=300, n_layer=8))
    manual_seed(3)
    b = GPT(GPTConfig(vocab_size=300, n_layer=8))
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        assert np.array_equal(p.data, q.data)
    assert abs(a.wte.weight.data.std() - 0.02) < 0.002
    assert abs(a.h[0].attn.c_proj.weight.data.std() - 0.02 / 4) < 0.0005
    assert np.all(a.h[0].attn.c_attn.bias.data == 0) and np.all(a.ln_f.weight.data == 1)


def test_optimizer_groups_decay_matrices_only():
    model = GPT(GPTConfig(**SMALL))
    decay, no_decay = model.optimizer_groups(0.1)
    assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0
    assert all(p.ndim == 2 for p in decay["params"])
    assert all(p.ndim == 1 for p in no_decay["params"])
    n_decay = 2 + 4 * SMALL["n_layer"]  # wte (= lm_head), wpe, four Linears per block
    assert len(decay["params"]) == n_decay
    assert len(decay["params"]) + len(no_decay["params"]) == len(list(model.parameters()))


def test_dropout_only_while_training():
    manual_seed(0)
    model = GPT(GPTConfig(**{**SMALL, "dropout": 0.5}))
    idx = ids()
    model.eval()
    assert np.array_equal(model(idx).data, model(idx).data)
    model.train()
    assert not np.allclose(model(idx).data, model(idx).data)


def test_errors_name_the_problem():
    model = GPT(GPTConfig(**SMALL))
    with pytest.raises(ShapeError, match="length 9 does not fit the context: block_size is 8"):
        model(ids(T=9))
    with pytest.raises(IndexError, match=r"token id 11 is outside the vocabulary 0\.\.10"):
        model(np.array([[1, 11]]))
    with pytest.raises(IndexError, match="token id -1"):
        model(np.array([[-1, 2]]))
    with pytest.raises(DTypeError, match="integers"):
        model(np.zeros((1, 2)))
    with pytest.raises(ShapeError, match=r"shape \(B, T\)"):
        model(np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="n_embd=10 is not divisible by n_head=4"):
        GPTConfig(vocab_size=5, n_embd=10, n_head=4)
    with pytest.raises(ValueError, match="vocab_size must be a positive int"):
        GPTConfig(vocab_size=0)
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        GPTConfig(vocab_size=5, dropout=1.0)
    with pytest.raises(TypeError, match="expected a GPTConfig"):
        GPT({"vocab_size": 5})
    block = model.h[0]
    with pytest.raises(ShapeError, match=r"TransformerBlock: input must have shape \(B, T, 8\)"):
        block(Tensor(np.zeros((4, 8), dtype=np.float32)))
    with pytest.raises(ShapeError, match=r"MLP: .* got \(1, 2, 5\)"):
        block.mlp(Tensor(np.zeros((1, 2, 5), dtype=np.float32)))
    with pytest.raises(DTypeError, match="CausalSelfAttention: input must be floating point"):
        block.attn(Tensor(np.zeros((1, 2, 8), dtype=np.int64)))


def test_an_empty_batch_gives_empty_logits():
    model = GPT(GPTConfig(**SMALL))
    assert model(np.zeros((0, 5), dtype=np.int64)).shape == (0, 5, 11)
