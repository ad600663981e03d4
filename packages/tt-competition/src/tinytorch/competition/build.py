"""From a spec to a model and back: `build_model`, `load_weights`, `save_submission`.

`build_model(spec)` builds a `Sequential` of the registry's layers from a
checked spec (layer i is child "i", so the weights' keys are "0.weight",
"2.weight_codes", ... as `tinytorch.compression.model_arrays` names them).
`load_weights` puts the arrays of weights.npz into it after checking every
key, shape and dtype, naming the first mismatch; module 22's compressed
layers (`compressed_state` / `load_compressed_state`) check their own
arrays, whose shapes depend on the data (a sparse layer's number of
non-zeros). `save_submission` is the other direction: it describes a
model's layers as a spec, checks that the spec builds a model the weights
load into, and writes both files atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from tinytorch.compression import load_model_arrays, model_arrays, save_model
from tinytorch.layers import Sequential

from .errors import SubmissionError
from .files import write_text_atomic
from .registry import LAYERS, kind_of
from .spec import FORMAT, validate_spec
from .tasks import TASKS


def build_model(spec: dict[str, Any]) -> Sequential:
    """The model a spec describes, freshly initialised, in eval mode (spec checked first)."""
    ### BEGIN SOLUTION
    spec = validate_spec(spec)
    layers = []
    for i, entry in enumerate(spec["model"]):
        try:
            layers.append(LAYERS[entry["layer"]].build(entry["args"]))
        except Exception as error:  # the layer's own check: e.g. n_embd % n_head != 0
            raise SubmissionError(f"spec.json: model[{i}] ({entry['layer']}) cannot be built: "
                                  f"{error}") from None
    model = Sequential(*layers)
    model.eval()
    return model
    ### END SOLUTION


def _compressed_prefixes(model: Sequential) -> list[str]:
    """Dotted names of the layers that store a compressed state (they check their own arrays)."""
    return [name for name, module in model.named_modules()
            if callable(getattr(type(module), "compressed_state", None))]


def load_weights(model: Sequential, arrays: dict[str, np.ndarray]) -> None:
    """Copy `arrays` into `model`, after checking keys, shapes and dtypes (SubmissionError).

    Plain parameters and buffers must have exactly the shape and dtype of
    the built model's; a compressed layer's arrays (whose shapes depend on
    the data, e.g. a sparse layer's number of non-zeros) are checked by its
    own `load_compressed_state`, whose message is passed on.
    """
    ### BEGIN SOLUTION
    expected = model_arrays(model)
    missing = [k for k in expected if k not in arrays]
    unexpected = [k for k in arrays if k not in expected]
    if missing or unexpected:
        parts = []
        if missing:
            parts.append("missing key(s) " + ", ".join(map(repr, missing[:10])))
        if unexpected:
            parts.append("unexpected key(s) " + ", ".join(map(repr, unexpected[:10])))
        raise SubmissionError("weights.npz does not match the spec: " + "; ".join(parts))
    compressed = _compressed_prefixes(model)
    for key, target in expected.items():
        if any(key.startswith(prefix + ".") for prefix in compressed):
            continue
        array = arrays[key]
        if array.shape != target.shape:
            raise SubmissionError(f"weights.npz: {key!r} has shape {array.shape}, the spec's "
                                  f"model expects {target.shape}")
        if array.dtype != target.dtype:
            raise SubmissionError(f"weights.npz: {key!r} is {array.dtype}, the spec's model "
                                  f"expects {target.dtype}")
    try:
        load_model_arrays(model, arrays)
    except Exception as error:  # a compressed layer names what is wrong with its arrays
        raise SubmissionError(f"weights.npz: {error}") from None
    ### END SOLUTION


def describe_model(model: Any, task: str, name: str, author: str = "",
                   vocab: str | None = None, use_cache: bool | None = None) -> dict[str, Any]:
    """The spec of a model of registry layers (a Sequential of them, or one layer)."""
    ### BEGIN SOLUTION
    layers = list(model) if type(model) is Sequential else [model]
    model_spec = []
    for i, layer in enumerate(layers):
        kind = kind_of(layer)
        if kind is None:
            raise SubmissionError(
                f"save_submission: layer {i} is a {type(layer).__name__}, which the submission "
                "format does not know (a submission is data: only these layers can be built: "
                + ", ".join(sorted(LAYERS)) + ")")
        model_spec.append({"layer": kind.name, "args": kind.describe(layer)})
    spec: dict[str, Any] = {"format": FORMAT, "task": task, "name": name, "author": author,
                            "model": model_spec}
    if task in TASKS and TASKS[task].kind == "text":
        spec["vocab"] = vocab
        spec["generate"] = {"use_cache": bool(use_cache)}
    elif vocab is not None or use_cache is not None:
        raise SubmissionError(f"save_submission: vocab and use_cache are for tinygpt, not {task}")
    return validate_spec(spec)
    ### END SOLUTION


def save_submission(model: Any, directory: str | Path, task: str, name: str, author: str = "",
                    vocab: str | None = None, use_cache: bool | None = None) -> Path:
    """Write `directory`/spec.json and weights.npz for `model`; return the directory.

    Refuses (SubmissionError, naming it) a layer outside the registry and a
    model whose arrays would not load back into the model its spec builds
    (a float64 Linear, for instance). Both files are written atomically.
    """
    ### BEGIN SOLUTION
    spec = describe_model(model, task, name, author, vocab, use_cache)
    sequential = model if type(model) is Sequential else Sequential(model)
    load_weights(build_model(spec), model_arrays(sequential))  # the round trip must work
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    save_model(sequential, directory / "weights.npz")
    write_text_atomic(directory / "spec.json", json.dumps(spec, indent=2) + "\n")
    return directory
    ### END SOLUTION
