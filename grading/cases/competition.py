"""Differential cases of tt-competition (module 23): the format, loading, scoring, events.

Each `case_*` gets its own `rng` (seeded by its name) and returns arrays; the
grader compares them with the reference package's. Cases import tinytorch
inside their body, so a package that does not import fails its cases only.
Files go to a temporary directory made inside the case. Latency and peak
memory are measurements of the machine, not of the contract, so no case
returns them; accuracy, loss, file bytes, refusals and winners are exact.
Public API only: tinytorch.competition and earlier modules.
"""

import json
import tempfile
from pathlib import Path

import numpy as np

FORMAT = "tinytorch-submission/1"


def _spec(**change):
    spec = {"format": FORMAT, "task": "digits", "name": "mlp", "author": "case",
            "model": [{"layer": "Flatten"},
                      {"layer": "Linear", "args": {"in_features": 64, "out_features": 12}},
                      {"layer": "ReLU"},
                      {"layer": "Linear", "args": {"in_features": 12, "out_features": 10}}]}
    spec.update(change)
    return spec


def _mlp(rng):
    """The model of _spec() with weights drawn from `rng` (float32)."""
    from tinytorch.competition import build_model, load_weights

    model = build_model(_spec())
    arrays = {"1.weight": rng.standard_normal((12, 64)) / 8, "1.bias": rng.standard_normal(12),
              "3.weight": rng.standard_normal((10, 12)) / 3, "3.bias": rng.standard_normal(10)}
    load_weights(model, {k: v.astype(np.float32) for k, v in arrays.items()})
    return model


def _digits(rng, n=60):
    """Raw digits-like pixels (n, 8, 8) in 0..16 and labels 0..9."""
    return (rng.integers(0, 17, size=(n, 8, 8)).astype(np.uint8),
            rng.integers(0, 10, size=n).astype(np.int64))


def _text(s):
    return np.frombuffer(s.encode(), np.uint8)


def case_validate_fills_in_defaults(rng):
    """validate_spec of a digits MLP: the completed spec (defaults filled in), as JSON bytes."""
    from tinytorch.competition import validate_spec

    return _text(json.dumps(validate_spec(_spec()), sort_keys=True))


def case_unknown_layer_is_refused(rng):
    """A spec naming a layer outside the registry raises SubmissionError."""
    from tinytorch.competition import validate_spec

    validate_spec(_spec(model=[{"layer": "Exec", "args": {"code": "import os"}}]))


case_unknown_layer_is_refused.raises = "SubmissionError"


def case_negative_size_is_refused(rng):
    """Linear(in_features=64, out_features=-3) raises SubmissionError before anything is built."""
    from tinytorch.competition import validate_spec

    spec = _spec()
    spec["model"][1]["args"]["out_features"] = -3
    validate_spec(spec)


case_negative_size_is_refused.raises = "SubmissionError"


def case_claimed_accuracy_is_refused(rng):
    """A spec that carries "accuracy": 1.0 raises SubmissionError (scores are measured)."""
    from tinytorch.competition import validate_spec

    validate_spec(_spec(accuracy=1.0))


case_claimed_accuracy_is_refused.raises = "SubmissionError"


def case_build_and_load_weights(rng):
    """build_model + load_weights from rng: the logits of 5 images (N, 1, 8, 8)."""
    from tinytorch.tensor import Tensor

    model = _mlp(rng)
    x = rng.random((5, 1, 8, 8)).astype(np.float32)
    return {"logits": model(Tensor(x)), "layers": len(model)}


def case_round_trip(rng):
    """save_submission then load_submission: the files, the loaded spec's layers, the logits."""
    from tinytorch.competition import load_submission, save_submission
    from tinytorch.tensor import Tensor

    model = _mlp(rng)
    x = Tensor(rng.random((4, 1, 8, 8)).astype(np.float32))
    with tempfile.TemporaryDirectory() as tmp:
        save_submission(model, Path(tmp) / "sub", "digits", "mlp", author="case")
        files = sorted(p.name for p in (Path(tmp) / "sub").iterdir())
        loaded = load_submission(Path(tmp) / "sub")
        return {"files": _text(" ".join(files)), "logits": loaded.model(x),
                "layers": _text(" ".join(e["layer"] for e in loaded.spec["model"]))}


def _saved(tmp, rng):
    from tinytorch.competition import save_submission

    return save_submission(_mlp(rng), Path(tmp) / "sub", "digits", "mlp")


def case_mismatched_shape_is_refused(rng):
    """weights.npz whose '1.weight' is (12, 63) raises SubmissionError."""
    from tinytorch.competition import load_submission

    with tempfile.TemporaryDirectory() as tmp:
        path = _saved(tmp, rng)
        arrays = dict(np.load(path / "weights.npz"))
        arrays["1.weight"] = np.zeros((12, 63), np.float32)
        np.savez(path / "weights.npz", **arrays)
        load_submission(path)


case_mismatched_shape_is_refused.raises = "SubmissionError"


def case_pickle_in_the_npz_is_refused(rng):
    """weights.npz holding an object array (a pickle) raises SubmissionError."""
    from tinytorch.competition import load_submission

    with tempfile.TemporaryDirectory() as tmp:
        path = _saved(tmp, rng)
        arrays = dict(np.load(path / "weights.npz"))
        arrays["1.bias"] = np.array([{"x": 1}] * 12, dtype=object)
        np.savez(path / "weights.npz", **arrays)
        load_submission(path)


case_pickle_in_the_npz_is_refused.raises = "SubmissionError"


def case_over_the_size_limit_is_refused(rng):
    """load_submission with max_bytes one below the files' size raises SubmissionError."""
    from tinytorch.competition import load_submission

    with tempfile.TemporaryDirectory() as tmp:
        path = _saved(tmp, rng)
        size = sum(p.stat().st_size for p in path.iterdir())
        load_submission(path, max_bytes=size - 1)


case_over_the_size_limit_is_refused.raises = "SubmissionError"


def case_hidden_test_is_scaled(rng):
    """load_hidden_test of raw digits pixels: images (N, 1, 8, 8) float32 = pixels / 16."""
    from tinytorch.competition import load_hidden_test

    images, labels = _digits(rng, 20)
    with tempfile.TemporaryDirectory() as tmp:
        np.savez(Path(tmp) / "h.npz", images=images, labels=labels)
        test = load_hidden_test(Path(tmp) / "h.npz", "digits")
        return {"images": test.images, "labels": test.labels}


def case_score_is_measured(rng):
    """score_submission on a hidden test: accuracy, loss (None -> absent) and file bytes."""
    from tinytorch.competition import load_submission, score_submission
    from tinytorch.tensor import Tensor

    images, _ = _digits(rng, 80)
    with tempfile.TemporaryDirectory() as tmp:
        path = _saved(tmp, rng)
        model = load_submission(path).model
        labels = np.asarray(model(Tensor(images[:, None] / np.float32(16))).data).argmax(1)
        labels[:13] = (labels[:13] + 3) % 10  # 13 of 80 wrong: accuracy 67 / 80
        np.savez(Path(tmp) / "h.npz", images=images, labels=labels)
        score = score_submission(load_submission(path), Path(tmp) / "h.npz", repeats=6)
        return {"accuracy": score.accuracy, "loss_is_none": score.loss is None,
                "file_bytes": score.file_bytes,
                "measured_bytes": sum(p.stat().st_size for p in path.iterdir())}


def case_tinygpt_next_character(rng):
    """A tiny GPT (float32, weights from rng) on a 70-character text: accuracy and loss."""
    from tinytorch.competition import load_submission, save_submission, score_submission
    from tinytorch.tensor import manual_seed
    from tinytorch.transformers import GPT, GPTConfig

    manual_seed(0)
    gpt = GPT(GPTConfig(vocab_size=8, block_size=8, n_layer=1, n_head=2, n_embd=8))
    for _, p in gpt.named_parameters():
        p.data = (rng.standard_normal(p.shape) / 2).astype(np.float32)
    vocab = "abcde .\n"
    text = "".join(rng.choice(list(vocab + "?"), size=70))  # '?' is outside the vocab
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "t.txt").write_text(text, encoding="utf-8")
        save_submission(gpt, Path(tmp) / "g", "tinygpt", "g", vocab=vocab, use_cache=True)
        score = score_submission(load_submission(Path(tmp) / "g"), Path(tmp) / "t.txt",
                                 repeats=6)
        return {"accuracy": score.accuracy, "loss": score.loss}


case_tinygpt_next_character.tolerance = (1e-4, 1e-6)


def _results():
    from tinytorch.competition import Result, Score

    rows = [("big", 0.99, 50.0, 12_000_000, 9_000_000), ("good", 0.97, 2.0, 200_000, 300_000),
            ("guess", 0.50, 0.1, 1_000, 2_000), ("quick", 0.92, 0.5, 150_000, 250_000),
            ("tiny", 0.91, 3.0, 20_000, 90_000), ("slow", 0.98, 150.0, 100_000, 200_000),
            ("twin", 0.97, 2.0, 200_000, 300_000)]
    out = [Result(n, n, "", "scored", None, Score("digits", a, None, b, m, t, 0.1, True))
           for n, a, t, b, m in rows]
    return [*out, Result("bad", "bad", "", "refused", "unknown layer")]


def case_event_winners(rng):
    """winners() on a hand-made class, floor 0.90 and floor 0.40 with 20 MB / 200 ms."""
    from tinytorch.competition import EVENTS, Limits, winners

    out = {}
    for tag, limits in (("strict", Limits(0.90)), ("loose", Limits(0.40, 20.0, 200.0))):
        won = winners(_results(), limits)
        for e in EVENTS:
            name = won[e.id].name if won[e.id] is not None else "-"
            out[f"{tag}_{e.id.replace('-', '_')}"] = _text(name)
    return out


def case_all_around_mean_ranks(rng):
    """mean_ranks of the hand-made class (ties share places), in submission order."""
    from tinytorch.competition import mean_ranks

    means = mean_ranks(_results())
    return np.array([means[n] for n in ("big", "good", "guess", "quick", "tiny", "slow",
                                        "twin")])


def case_leaderboard_document(rng):
    """leaderboard(): row order, all-around places, accuracy in percent, events won, winners."""
    from tinytorch.competition import leaderboard

    board = leaderboard(_results(), "digits")
    rows = board["rows"]
    return {"order": _text(" ".join(r["name"] for r in rows)),
            "places": np.array([r["all_around_rank"] or 0 for r in rows]),
            "accuracy": np.array([r["accuracy"] if r["accuracy"] is not None else -1.0
                                  for r in rows]),
            "won": _text(";".join(",".join(sorted(r["events_won"])) for r in rows)),
            "winners": _text(" ".join(str(e["winner"]) for e in board["events"])),
            "format": _text(board["format"]), "columns": _text(" ".join(
                c["key"] for c in board["columns"]))}


def case_score_class_with_a_broken_submission(rng):
    """score_class of two good submissions and a broken spec: statuses and accuracies."""
    from tinytorch.competition import save_submission, score_class

    images, labels = _digits(rng, 40)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "class"
        for i in range(2):
            save_submission(_mlp(rng), root / f"s{i}", "digits", f"s{i}")
        (root / "s2").mkdir()
        (root / "s2" / "spec.json").write_text(json.dumps(_spec(model=[{"layer": "Evil"}])))
        np.savez(root / "s2" / "weights.npz", x=np.zeros(1))
        np.savez(Path(tmp) / "h.npz", images=images, labels=labels)
        results = score_class(root, Path(tmp) / "h.npz", jobs=1, repeats=6)
        return {"status": _text(" ".join(r.status for r in results)),
                "accuracy": np.array([r.score.accuracy if r.score else -1.0 for r in results])}
