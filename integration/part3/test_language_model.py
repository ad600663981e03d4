"""Part III end to end, in one process: text -> tokens -> GPT -> loss -> AdamW -> text.

A tokenizer (module 13) turns a tiny corpus into ids, a GPT (16, built on
14 and 15) predicts the next id, `lm_loss` scores it, backward and AdamW
(module 06) make it better, and `generate` (17) writes with it: greedily
(deterministic: the same as an argmax loop written here) and sampled (the
same seed, the same text). Where PyTorch is installed, a few training steps
are compared with tt_testing's PyTorch twin on copied weights.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

pytestmark = pytest.mark.requires("tt-transformers")

CORPUS = ("the cat sat on the mat. the dog sat on the log. "
          "a cat and a dog sat on a mat and a log. ") * 8
CYCLE = "abcd" * 64


def tiny_gpt(vocab_size: int, block_size: int = 16, seed: int = 0, n_layer: int = 1) -> object:
    from tinytorch.tensor import manual_seed
    from tinytorch.transformers import GPT, GPTConfig

    manual_seed(seed)
    return GPT(GPTConfig(vocab_size=vocab_size, block_size=block_size, n_layer=n_layer,
                         n_head=2, n_embd=32))


def windows(ids: np.ndarray, block: int, count: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    starts = np.random.default_rng(seed).integers(0, len(ids) - block, count)
    rows = starts[:, None] + np.arange(block)
    return ids[rows], ids[rows + 1]


def fit(model: object, ids: np.ndarray, steps: int, lr: float = 1e-2, block: int = 16
        ) -> list[float]:
    """`steps` AdamW steps on fixed windows of `ids`; the loss of each step."""
    from tinytorch.optimizers import AdamW
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    x, y = windows(ids, block, 16)
    opt = AdamW(model.optimizer_groups(0.01), lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = lm_loss(model(Tensor(x)), Tensor(y))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_tokens_to_gpt_to_loss_to_adamw_learns_the_corpus(kind: str) -> None:
    from tinytorch.tokenization import BPETokenizer, CharTokenizer

    tok = (CharTokenizer.from_text(CORPUS) if kind == "char"
           else BPETokenizer().train(CORPUS, vocab_size=256 + 24))
    ids = np.asarray(tok.encode(CORPUS), dtype=np.int64)
    assert tok.decode(ids.tolist()) == CORPUS
    if kind == "bpe":
        assert len(ids) < 0.6 * len(CORPUS)  # merges made the tokens longer than one byte
    model = tiny_gpt(tok.vocab_size)
    losses = fit(model, ids, 40)
    # GPT-2's small initial weights: the first guess is close to uniform, loss ~ ln V
    assert abs(losses[0] - math.log(tok.vocab_size)) < 0.3, losses[0]
    assert losses[-1] < 0.4 * losses[0], losses
    assert all(np.isfinite(losses))


def test_every_parameter_gets_a_gradient_and_the_tied_head_is_one_tensor() -> None:
    from tinytorch.tensor import Tensor
    from tinytorch.transformers import lm_loss

    model = tiny_gpt(11, n_layer=2)
    x, y = windows(np.arange(200) % 11, 16, 4)
    lm_loss(model(Tensor(x)), Tensor(y)).backward()
    named = dict(model.named_parameters())
    assert model.lm_head.weight is model.wte.weight
    assert "lm_head.weight" not in named or named["lm_head.weight"] is named["wte.weight"]
    for name, p in named.items():
        assert p.grad is not None and np.any(np.asarray(p.grad) != 0), name
    groups = model.optimizer_groups(0.1)
    seen = [id(p) for g in groups for p in g["params"]]
    assert len(seen) == len(set(seen)) == len(named)  # each parameter in one group, once


def test_padding_positions_are_ignored_by_the_loss() -> None:
    """Batch encoding pads short rows; targets -100 there leave the loss of the real tokens."""
    from tinytorch.tensor import Tensor
    from tinytorch.tokenization import BPETokenizer
    from tinytorch.transformers import lm_loss

    tok = BPETokenizer().train(CORPUS, vocab_size=256 + 16 + 1, special_tokens=["<pad>"],
                               pad_token="<pad>")
    texts = ["the cat sat on the mat.", "a dog."]
    enc = tok.encode_batch(texts, padding=True)
    ids, mask = np.asarray(enc.input_ids.data), np.asarray(enc.attention_mask.data)
    assert ids.shape[0] == 2 and mask[1].sum() < mask[0].sum()
    targets = np.where(mask[:, 1:] == 1, ids[:, 1:], -100)
    model = tiny_gpt(tok.vocab_size)
    batch_loss = lm_loss(model(Tensor(ids[:, :-1])), Tensor(targets)).item()
    total = count = 0.0
    for row, text in enumerate(texts):  # each text alone, unpadded
        own = np.asarray([tok.encode(text)], dtype=np.int64)
        n = own.shape[1] - 1
        total += lm_loss(model(Tensor(own[:, :-1])), Tensor(own[:, 1:])).item() * n
        count += n
        assert n == int(mask[row, 1:].sum())
    assert batch_loss == pytest.approx(total / count, rel=1e-5)


def test_same_seed_same_weights_same_losses() -> None:
    ids = np.asarray([ord(c) - 97 for c in CYCLE], dtype=np.int64)
    a, b = tiny_gpt(4, seed=5), tiny_gpt(4, seed=5)
    for k, v in a.state_dict().items():
        assert np.array_equal(v, b.state_dict()[k]), k
    assert fit(a, ids, 3) == fit(b, ids, 3)
    c = tiny_gpt(4, seed=6)
    assert not np.array_equal(c.state_dict()["wte.weight"], a.state_dict()["wte.weight"])


def test_training_steps_equal_the_pytorch_twin() -> None:
    from tt_testing import load_from_tinytorch, torch_gpt, torch_or_skip

    torch = torch_or_skip()
    ids = np.asarray([ord(c) - 97 for c in CYCLE], dtype=np.int64)
    model = tiny_gpt(4)
    twin = load_from_tinytorch(torch_gpt(model.config), model.state_dict())
    x, y = windows(ids, 16, 16)
    groups = [{"params": [p for p in twin.parameters() if p.dim() >= 2], "weight_decay": 0.01},
              {"params": [p for p in twin.parameters() if p.dim() < 2], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=1e-2)
    expected = []
    for _ in range(5):
        opt.zero_grad()
        logits = twin(torch.from_numpy(x))
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 4),
                                                 torch.from_numpy(y).reshape(-1))
        loss.backward()
        opt.step()
        expected.append(loss.item())
    np.testing.assert_allclose(fit(model, ids, 5), expected, rtol=1e-4, atol=1e-5)


# -- generation --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cycle_model() -> tuple[object, object]:
    """A GPT that has learned the cycle abcd: after 'c' comes 'd', always."""
    from tinytorch.tokenization import CharTokenizer

    tok = CharTokenizer.from_text(CYCLE)
    model = tiny_gpt(tok.vocab_size, block_size=8)
    losses = fit(model, np.asarray(tok.encode(CYCLE), dtype=np.int64), 60, lr=2e-2, block=8)
    assert losses[-1] < 0.05, losses[-1]
    return model, tok


def prompt(tok: object, text: str) -> object:
    from tinytorch.tensor import Tensor

    return Tensor(np.asarray([tok.encode(text)], dtype=np.int64))


@pytest.mark.requires("tt-generation")
def test_greedy_generation_continues_the_learned_text_past_the_context(cycle_model) -> None:
    from tinytorch.generation import generate

    model, tok = cycle_model
    out = generate(model, prompt(tok, "bc"), 20, do_sample=False)  # 22 tokens > block_size 8
    assert out.shape == (1, 22)
    assert tok.decode(out.data[0].tolist()) == "bc" + ("dabc" * 5)[:20]
    again = generate(model, prompt(tok, "bc"), 20, do_sample=False)
    assert np.array_equal(out.data, again.data)


@pytest.mark.requires("tt-generation")
def test_greedy_generation_equals_an_argmax_loop() -> None:
    """On an untrained model (no obvious answer) greedy is still argmax of the last logits."""
    from tinytorch.autograd import no_grad
    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    model = tiny_gpt(7, block_size=8, seed=3)
    ids = np.asarray([[1, 5, 2]], dtype=np.int64)
    out = generate(model, Tensor(ids), 12, do_sample=False).data
    seq = ids
    with no_grad():
        for _ in range(12):
            logits = np.asarray(model(Tensor(seq[:, -8:])).data)[:, -1]
            seq = np.concatenate([seq, logits.argmax(-1)[:, None]], axis=1)
    assert np.array_equal(out, seq)


@pytest.mark.requires("tt-generation")
def test_seeded_sampling_is_reproducible() -> None:
    from tinytorch.generation import generate
    from tinytorch.tensor import Tensor

    model = tiny_gpt(7, block_size=8, seed=3)  # untrained: sampling has real choices
    ids = Tensor(np.asarray([[1, 2]], dtype=np.int64))
    a = generate(model, ids, 30, temperature=1.0, seed=11).data
    b = generate(model, ids, 30, temperature=1.0, seed=11).data
    c = generate(model, ids, 30, temperature=1.0, seed=12).data
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    cold = generate(model, ids, 30, temperature=1e-4, seed=11).data
    assert np.array_equal(cold, generate(model, ids, 30, do_sample=False).data)
    assert model.training  # generate gave the model its training mode back
