"""spec.json is untrusted: every key, layer, argument, JSON type and range is checked first."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tinytorch.competition import FORMAT, LAYERS, SubmissionError, build_model, validate_spec


def good() -> dict[str, Any]:
    return {"format": FORMAT, "task": "digits", "name": "mlp", "author": "Ada",
            "model": [{"layer": "Flatten"},
                      {"layer": "Linear", "args": {"in_features": 64, "out_features": 10}}]}


def gpt_spec() -> dict[str, Any]:
    return {"format": FORMAT, "task": "tinygpt", "name": "g", "vocab": "abc",
            "model": [{"layer": "GPT", "args": {"vocab_size": 3, "block_size": 4,
                                                "n_layer": 1, "n_head": 1, "n_embd": 4}}],
            "generate": {"use_cache": True}}


def test_a_good_spec_is_completed_with_defaults() -> None:
    spec = validate_spec(good())
    assert spec["model"][1] == {"layer": "Linear", "args": {"in_features": 64,
                                                            "out_features": 10, "bias": True}}
    assert spec["model"][0]["args"] == {"start_dim": 1, "end_dim": -1}
    assert spec["author"] == "Ada"


def change(path: tuple, value: Any, base: Any = good) -> dict[str, Any]:
    spec = copy.deepcopy(base())
    target = spec
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return spec


REFUSALS = [
    # (what the spec gets wrong, the change, words the reason must contain)
    ("unknown layer", (("model", 1, "layer"), "Evil"), ["unknown layer 'Evil'", "Linear",
                                                         "Conv2d", "QuantizedLinear"]),
    ("unknown argument", (("model", 1, "args", "activation"), "relu"),
     ["unknown argument(s) 'activation'", "Linear takes", "in_features"]),
    ("negative size", (("model", 1, "args", "out_features"), -3),
     ["'out_features'", ">= 1", "-3"]),
    ("bool for int", (("model", 1, "args", "in_features"), True), ["'in_features'", "integer"]),
    ("string for int", (("model", 1, "args", "in_features"), "64"), ["'in_features'", "'64'"]),
    ("float for bool", (("model", 1, "args", "bias"), 1.0), ["'bias'", "true or false"]),
    ("huge size", (("model", 1, "args", "in_features"), 10**12), ["'in_features'", "at most"]),
    ("missing required", (("model", 1, "args", "in_features"), KeyError),
     ["'in_features' is required"]),
    ("claimed accuracy", (("accuracy",), 1.0), ["unknown key(s) 'accuracy'", "measures"]),
    ("unknown format", (("format",), "pytorch"), ["unknown format", FORMAT]),
    ("unknown task", (("task",), "imagenet"), ["unknown task", "digits", "tinygpt"]),
    ("no name", (("name",), ""), ['"name"']),
    ("empty model", (("model",), []), ['"model"']),
    ("layer not an object", (("model", 0), "Flatten"), ["model[0]"]),
    ("extra key in a layer", (("model", 0, "code"), "import os"), ["unknown key(s) 'code'"]),
    ("GPT in an image task", (("model", 1), {"layer": "GPT", "args": {"vocab_size": 3}}),
     ["layer GPT is not allowed in a model for the digits task"]),
    ("vocab in an image task", (("vocab",), "abc"), ['"vocab" is only for the tinygpt']),
    ("bad pool padding", (("model", 0), {"layer": "MaxPool2d", "args": {"kernel_size": 2,
                                                                        "padding": -1}}),
     ["'padding'", ">= 0"]),
    ("bad pair", (("model", 0), {"layer": "Conv2d", "args": {"in_channels": 1,
                                                             "out_channels": 2,
                                                             "kernel_size": [3, 3, 3]}}),
     ["'kernel_size'", "list of two integers"]),
    ("4 or 8 bits", (("model", 1), {"layer": "QuantizedLinear",
                                    "args": {"in_features": 64, "out_features": 10,
                                             "bits": 2}}), ["'bits'", "4, 8"]),
]


@pytest.mark.parametrize("what, edit, words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_refusal_names_the_problem(what: str, edit: tuple, words: list[str]) -> None:
    with pytest.raises(SubmissionError) as info:
        validate_spec(change(*edit))
    assert info.value.reason.startswith("spec.json"), what
    for word in words:
        assert word in info.value.reason, (what, word, info.value.reason)


GPT_REFUSALS = [
    (("vocab",), "abcd", ["4 characters", "vocab_size is 3"]),
    (("vocab",), "aab", ["repeats a character"]),
    (("vocab",), KeyError, ['"vocab"']),
    (("generate", "use_cache"), "yes", ["use_cache"]),
    (("generate", "beam"), 4, ['"generate"']),
    (("model",), [{"layer": "GPT", "args": {"vocab_size": 3}}] * 2, ["exactly one", "GPT"]),
    (("model",), [{"layer": "Linear", "args": {"in_features": 3, "out_features": 3}}],
     ["Linear is not allowed in a model for the tinygpt task"]),
]


@pytest.mark.parametrize("path, value, words", GPT_REFUSALS)
def test_tinygpt_refusals(path: tuple, value: Any, words: list[str]) -> None:
    with pytest.raises(SubmissionError) as info:
        validate_spec(change(path, value, gpt_spec))
    for word in words:
        assert word in info.value.reason, (word, info.value.reason)


def test_a_tinygpt_spec_builds_a_gpt() -> None:
    model = build_model(gpt_spec())
    assert len(model) == 1 and type(model[0]).__name__ == "GPT"
    assert model[0].config.block_size == 4 and not model.training


def test_a_layer_that_refuses_its_own_args_is_named() -> None:
    spec = change(("model", 0, "args", "n_head"), 3, gpt_spec)  # 4 is not divisible by 3
    with pytest.raises(SubmissionError, match=r"model\[0\] \(GPT\) cannot be built"):
        build_model(spec)


def test_every_registered_layer_builds_from_its_defaults() -> None:
    required = {"in_features": 4, "out_features": 4, "in_channels": 2, "out_channels": 2,
                "kernel_size": 3, "num_features": 2, "normalized_shape": 4, "output_size": 2,
                "vocab_size": 5, "rank": 2}
    for name, kind in LAYERS.items():
        args = {a: required[a] for a, arg in kind.args.items() if arg.required}
        if name == "GPT":
            spec = {**gpt_spec(), "vocab": "abcde",
                    "model": [{"layer": "GPT", "args": {**args, "n_embd": 8, "n_layer": 1}}]}
        else:
            spec = {**good(), "model": [{"layer": name, "args": args}]}
        model = build_model(spec)
        assert type(model[0]) is kind.cls, name
