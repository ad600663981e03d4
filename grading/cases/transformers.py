"""Differential cases of tt-transformers (module 16): gelu_fused, lm_loss, GPTConfig,
CausalSelfAttention, MLP, TransformerBlock and GPT.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Models run in float64 with weights loaded from `rng` (in sorted name order,
the tied head given the token table's array), so any correct implementation
gives the same numbers; the tolerance is (1e-9, 1e-11), since matmuls and
sums in another order differ by about 1e-15. GPT-2's random initialisation
and dropout are checked by their properties (seeding, standard deviations,
train versus eval), not by their draws. GPTConfig's checks are given in the
starter, so only two error cases test them (the package tests check every
named error). Public API only: tinytorch.transformers and earlier modules.
"""

import numpy as np
from _shared import backward

SMALL = dict(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=8)


def _float64(rng, module):
    """Cast every parameter of `module` to float64 and load values drawn from `rng`.

    Drawn in sorted name order (independent of the order the layers were defined
    in): each 2-D weight N(0, 1/fan_in), LayerNorm gains 1 + N(0, 0.1^2), every
    other vector N(0, 0.1^2); a tied `lm_head.weight` gets `wte.weight`'s array,
    and a buffer (if a model has one) keeps its value.
    """
    for p in module.parameters():
        p.data = p.data.astype(np.float64)
    state = module.state_dict()
    shapes = {name: np.shape(value) for name, value in state.items()}
    learned = {name for name, _ in module.named_parameters()} | {"wte.weight", "lm_head.weight"}
    for name in sorted(shapes):
        shape = shapes[name]
        if name not in learned or (name == "lm_head.weight" and "wte.weight" in shapes):
            continue  # a buffer keeps its value; the tied head is set below
        if len(shape) == 2:
            state[name] = rng.standard_normal(shape) / np.sqrt(shape[1])
        elif ".ln_" in f".{name}" and name.endswith("weight"):
            state[name] = 1.0 + 0.1 * rng.standard_normal(shape)
        else:
            state[name] = 0.1 * rng.standard_normal(shape)
    if "lm_head.weight" in shapes and "wte.weight" in shapes:
        state["lm_head.weight"] = state["wte.weight"]
    module.load_state_dict(state)
    return module


def _gpt(rng, **kw):
    """A float64 GPT of SMALL's shape (overridden by `kw`) with weights loaded from `rng`."""
    from tinytorch.transformers import GPT, GPTConfig

    return _float64(rng, GPT(GPTConfig(**{**SMALL, **kw})))


def _ids(rng, b, t, v=SMALL["vocab_size"]):
    from tinytorch.tensor import Tensor

    return Tensor(rng.integers(0, v, size=(b, t)))


def _grid():
    """(5, 33) float64 points from -8 to 8, with -30, -0.0, 0.0 and 30."""
    return np.concatenate([np.linspace(-8.0, 8.0, 161), [-30.0, -0.0, 0.0, 30.0]]).reshape(5, 33)


def _gelu(rng, approximate):
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import gelu_fused

    x = Tensor(_grid() + 0.01 * rng.standard_normal((5, 33)), requires_grad=True)
    return backward(rng, gelu_fused(x, approximate), x)


def case_gelu_fused_tanh(rng):
    """gelu_fused(x, 'tanh') (GPT-2's form) on -30..30, float64: values and gradient."""
    return _gelu(rng, "tanh")


def case_gelu_fused_exact(rng):
    """gelu_fused(x, 'none') (the erf form) on -30..30, float64: values and gradient."""
    return _gelu(rng, "none")


def case_gelu_fused_float32(rng):
    """gelu_fused of float32 (4, 6) inputs in both forms: float32 values and gradients."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import gelu_fused

    out = {}
    for mode in ("tanh", "none"):
        x = Tensor((2.0 * rng.standard_normal((4, 6))).astype(np.float32), requires_grad=True)
        y = gelu_fused(x, mode)
        y.backward(Tensor(rng.standard_normal((4, 6)).astype(np.float32)))
        out[f"{mode}_out"], out[f"{mode}_grad"] = y.detach(), x.grad
        out[f"{mode}_float32"] = y.dtype == np.float32 and x.grad.dtype == np.float32
    return out


def case_gelu_fused_hand_values(rng):
    """gelu_fused at 1 (0.8411919906 tanh, 0.8413447461 exact) and 0, and its slope 1/2 at 0."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import gelu_fused

    out = {}
    for mode in ("tanh", "none"):
        x = Tensor(np.array([1.0, 0.0]), requires_grad=True)
        y = gelu_fused(x, approximate=mode)
        y.sum().backward()
        out[f"{mode}_value"], out[f"{mode}_grad"] = y.detach(), x.grad
    return out


def case_lm_loss_3d_ignore_index(rng):
    """lm_loss of (3, 5, 7) logits and (3, 5) targets with three -100s: loss and gradient
    (zero rows where ignored)."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    logits = Tensor(3.0 * rng.standard_normal((3, 5, 7)), requires_grad=True)
    targets = rng.integers(0, 7, size=(3, 5))
    targets[0, :2] = -100
    targets[2, 4] = -100
    loss = lm_loss(logits, Tensor(targets))
    loss.backward()
    return {"loss": loss.detach(), "grad": logits.grad,
            "ignored_rows_zero": bool(np.all(logits.grad.data[0, :2] == 0.0))}


def case_lm_loss_2d_other_ignore_index(rng):
    """lm_loss of (12, 6) logits with ignore_index=3 (class 3 not graded): loss and gradient."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    logits = Tensor(2.0 * rng.standard_normal((12, 6)), requires_grad=True)
    targets = rng.integers(0, 6, size=12)
    targets[[1, 5]] = 3
    loss = lm_loss(logits, Tensor(targets), ignore_index=3)
    (2.5 * loss).backward()
    return {"loss": loss.detach(), "grad": logits.grad}


def case_lm_loss_composite_twin(rng):
    """lm_loss_composite (module 5's cross_entropy) of (2, 4, 5) logits with -100s: loss and
    gradient, equal to lm_loss."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss_composite

    logits = Tensor(rng.standard_normal((2, 4, 5)), requires_grad=True)
    targets = rng.integers(0, 5, size=(2, 4))
    targets[1, 0] = -100
    loss = lm_loss_composite(logits, Tensor(targets))
    loss.backward()
    return {"loss": loss.detach(), "grad": logits.grad}


def case_lm_loss_every_target_ignored(rng):
    """lm_loss with every target -100: the loss is NaN (as PyTorch), the gradient zero."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    logits = Tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    loss = lm_loss(logits, Tensor(np.full((2, 3), -100)))
    loss.backward()
    return {"loss_is_nan": bool(np.isnan(loss.item())), "grad": logits.grad}


def case_lm_loss_float32(rng):
    """lm_loss of float32 (4, 6, 9) logits: a float32 loss and gradient."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    logits = Tensor((3.0 * rng.standard_normal((4, 6, 9))).astype(np.float32),
                    requires_grad=True)
    loss = lm_loss(logits, Tensor(rng.integers(0, 9, size=(4, 6))))
    loss.backward()
    return {"loss": loss.detach(), "grad": logits.grad,
            "float32": loss.dtype == np.float32 and logits.grad.dtype == np.float32}


def case_attention_and_mlp_modules(rng):
    """CausalSelfAttention and MLP of GPTConfig(n_embd=8, n_head=2) with loaded float64
    weights on (2, 5, 8): outputs and the gradients of the input and of each weight."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import MLP, CausalSelfAttention, GPTConfig

    config = GPTConfig(**SMALL, gelu="none")
    out = {}
    for key, cls in (("attn", CausalSelfAttention), ("mlp", MLP)):
        module = _float64(rng, cls(config))
        x = Tensor(rng.standard_normal((2, 5, 8)), requires_grad=True)
        grads = backward(rng, module(x), x, module.c_fc.weight if key == "mlp"
                         else module.c_attn.weight, module.c_proj.weight)
        out.update({f"{key}_{k}": v for k, v in grads.items()})
    return out


def case_transformer_block(rng):
    """TransformerBlock (pre-LN, n_embd 8, 2 heads) with loaded float64 weights on (3, 6, 8):
    output, and the gradients of the input and of every parameter."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import GPTConfig, TransformerBlock

    block = _float64(rng, TransformerBlock(GPTConfig(**SMALL)))
    x = Tensor(rng.standard_normal((3, 6, 8)), requires_grad=True)
    params = sorted(block.named_parameters())
    result = backward(rng, block(x), x)
    result.update({"d_" + n.replace(".", "_"): p.grad for n, p in params})
    return result


def case_gpt_logits_loss_gradients(rng):
    """A 2-layer GPT (V 11, T 8, C 8, 2 heads) with loaded float64 weights: logits, lm_loss
    with ignored targets, and the gradients of wte (tied head), wpe and five others."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    model = _gpt(rng)
    idx = _ids(rng, 3, 8)
    targets = rng.integers(0, 11, size=(3, 8))
    targets[0, :3] = -100
    logits = model(idx)
    loss = lm_loss(logits, Tensor(targets))
    loss.backward()
    params = dict(model.named_parameters())
    names = ["wte.weight", "wpe.weight", "h.0.attn.c_attn.weight", "h.0.ln_1.bias",
             "h.1.mlp.c_fc.bias", "h.1.mlp.c_proj.weight", "ln_f.weight"]
    result = {"logits": logits.detach(), "loss": loss.detach()}
    result.update({"d_" + n.replace(".", "_"): params[n].grad for n in names})
    return result


def case_gpt_composite(rng):
    """GPTConfig(fused=False, gelu='none', bias=False), loaded float64 weights, T 5 < block_size:
    logits, loss and every parameter's gradient."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    model = _gpt(rng, fused=False, gelu="none", bias=False)
    loss = lm_loss(model(_ids(rng, 2, 5)), Tensor(rng.integers(0, 11, size=(2, 5))))
    loss.backward()
    result = {"loss": loss.detach()}
    result.update({"d_" + n.replace(".", "_"): p.grad for n, p in model.named_parameters()})
    return result


def case_gpt_causality(rng):
    """Changing tokens 4.. of a sequence leaves the logits of positions 0..3 unchanged and
    changes position 4's: the first changed position is 4."""
    model = _gpt(rng)
    idx = _ids(rng, 2, 8)
    later = idx.data.copy()
    later[:, 4:] = (later[:, 4:] + 1 + rng.integers(0, 9, size=(2, 4))) % 11
    a, b = model(idx).data, model(later).data
    changed = np.abs(a - b).max(axis=(0, 2)) > 1e-9  # per position
    return {"earlier_unchanged": bool(np.allclose(a[:, :4], b[:, :4], rtol=1e-12, atol=1e-13)),
            "first_changed": np.array(int(np.argmax(changed))), "changed": changed}


def case_gpt_num_parameters(rng):
    """num_parameters(non_embedding=True and False) of the gpt_2018 shape (V 65), of a 3-layer
    model without biases, and of SMALL: the tied head counts once."""
    from tinytorch.transformers import GPT, GPTConfig

    configs = {"default": GPTConfig(vocab_size=65),
               "no_bias": GPTConfig(vocab_size=50, block_size=16, n_layer=3, n_head=3,
                                    n_embd=12, bias=False),
               "small": GPTConfig(**SMALL)}
    out = {}
    for key, config in configs.items():
        model = GPT(config)
        out[f"{key}_non_embedding"] = np.array(model.num_parameters())
        out[f"{key}_all"] = np.array(model.num_parameters(non_embedding=False))
        out[f"{key}_tied"] = model.lm_head.weight is model.wte.weight
    return out


def case_gpt_optimizer_groups(rng):
    """optimizer_groups(0.1): per group (decayed, then not), its weight_decay, the number of
    tensors, their total size and their dimensions; with and without biases."""
    from tinytorch.transformers import GPT, GPTConfig

    out = {}
    for key, bias in (("bias", True), ("no_bias", False)):
        groups = GPT(GPTConfig(**SMALL, bias=bias)).optimizer_groups(0.1)
        out[f"{key}_groups"] = np.array(len(groups))
        for i, group in enumerate(groups):
            params = list(group["params"])
            out[f"{key}_{i}_weight_decay"] = np.array(float(group["weight_decay"]))
            out[f"{key}_{i}_count"] = np.array(len(params))
            out[f"{key}_{i}_size"] = np.array(sum(int(np.prod(p.shape)) for p in params))
            out[f"{key}_{i}_ndims"] = np.array(sorted(len(p.shape) for p in params))
    return out


def case_gpt_init_is_gpt2s(rng):
    """GPT-2's init (n_layer 8, V 300): the same manual_seed gives the same weights, weights
    std 0.02, c_proj std 0.02/sqrt(16), biases 0, LayerNorm gains 1, float32."""
    from tinytorch.tensor import manual_seed
    from tinytorch.transformers import GPT, GPTConfig

    config = GPTConfig(vocab_size=300, n_layer=8)
    manual_seed(3)
    a = GPT(config)
    manual_seed(3)
    b = GPT(config)
    pa, pb = dict(a.named_parameters()), dict(b.named_parameters())
    proj = np.concatenate([p.data.ravel() for n, p in pa.items() if n.endswith("c_proj.weight")])
    other = np.concatenate([p.data.ravel() for n, p in pa.items() if n.endswith(
        ("c_attn.weight", "c_fc.weight"))])
    return {
        "seeded": all(np.array_equal(pa[n].data, pb[n].data) for n in pa),
        "wte_std": bool(abs(pa["wte.weight"].data.std() - 0.02) < 0.001),
        "wpe_std": bool(abs(pa["wpe.weight"].data.std() - 0.02) < 0.002),
        "linear_std": bool(abs(other.std() - 0.02) < 0.0005),
        "c_proj_std": bool(abs(proj.std() - 0.02 / 4) < 0.0002),
        "means_zero": bool(abs(other.mean()) < 0.0005 and abs(proj.mean()) < 0.0002),
        "biases_zero": all(np.all(p.data == 0) for n, p in pa.items() if n.endswith("bias")),
        "gains_one": all(np.all(p.data == 1) for n, p in pa.items()
                         if ".ln_" in f".{n}" and n.endswith("weight")),
        "float32": all(p.data.dtype == np.float32 for p in pa.values()),
    }


def case_gpt_dropout_train_and_eval(rng):
    """GPTConfig(dropout=0.5): eval is deterministic and equals the dropout-free model; train
    differs from eval, and the same manual_seed gives the same training logits."""
    from tinytorch.tensor import manual_seed
    from tinytorch.transformers import GPT, GPTConfig

    model = _gpt(rng, dropout=0.5)
    plain = GPT(GPTConfig(**SMALL))
    for p in plain.parameters():
        p.data = p.data.astype(np.float64)
    plain.load_state_dict(model.state_dict())
    idx = _ids(rng, 2, 8)
    model.eval()
    ev = model(idx).data
    same_eval = np.array_equal(ev, model(idx).data)
    model.train()
    manual_seed(7)
    t1 = model(idx).data
    manual_seed(7)
    t2 = model(idx).data
    return {"eval_deterministic": same_eval,
            "eval_equals_no_dropout": bool(np.allclose(ev, plain(idx).data, rtol=1e-12,
                                                       atol=1e-13)),
            "train_differs": not np.allclose(t1, ev), "same_seed_same_draw":
            bool(np.array_equal(t1, t2))}


def case_gpt_sequence_longer_than_block_size(rng):
    """A GPT with block_size 8 given (2, 9) ids raises ShapeError."""
    from tinytorch.transformers import GPT, GPTConfig

    GPT(GPTConfig(**SMALL))(_ids(rng, 2, 9))


def case_gpt_token_id_outside_vocabulary(rng):
    """A GPT with vocab_size 11 given id 11 raises IndexError."""
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import GPT, GPTConfig

    ids = rng.integers(0, 11, size=(2, 6))
    ids[1, 2] = 11
    GPT(GPTConfig(**SMALL))(Tensor(ids))


def case_gptconfig_heads_do_not_divide(rng):
    """GPTConfig(n_embd=10, n_head=4) raises ValueError."""
    from tinytorch.transformers import GPTConfig

    GPTConfig(vocab_size=5, n_embd=10, n_head=4)


def case_gptconfig_dropout_out_of_range(rng):
    """GPTConfig(dropout=1.0) raises ValueError (dropout must be in [0, 1))."""
    from tinytorch.transformers import GPTConfig

    GPTConfig(vocab_size=5, dropout=1.0)


case_gelu_fused_tanh.tolerance = (1e-9, 1e-11)
case_gelu_fused_exact.tolerance = (1e-9, 1e-11)
case_gelu_fused_hand_values.tolerance = (1e-12, 1e-14)
case_lm_loss_3d_ignore_index.tolerance = (1e-9, 1e-11)
case_lm_loss_2d_other_ignore_index.tolerance = (1e-9, 1e-11)
case_lm_loss_composite_twin.tolerance = (1e-9, 1e-11)
case_lm_loss_every_target_ignored.tolerance = (1e-9, 1e-11)
case_gelu_fused_float32.tolerance = (1e-5, 1e-6)
case_lm_loss_float32.tolerance = (1e-5, 1e-6)
case_attention_and_mlp_modules.tolerance = (1e-9, 1e-11)
case_transformer_block.tolerance = (1e-9, 1e-11)
case_gpt_logits_loss_gradients.tolerance = (1e-9, 1e-11)
case_gpt_composite.tolerance = (1e-9, 1e-11)
case_gpt_sequence_longer_than_block_size.raises = "ShapeError"
case_gpt_token_id_outside_vocabulary.raises = "IndexError"
case_gptconfig_heads_do_not_divide.raises = "ValueError"
case_gptconfig_dropout_out_of_range.raises = "ValueError"
