"""The submission format: what spec.json may say, checked before anything is built.

    {"format": "tinytorch-submission/1", "task": "digits", "name": "tiny-mlp",
     "author": "Ada", "model": [{"layer": "Flatten"},
                                {"layer": "Linear", "args": {"in_features": 64,
                                                             "out_features": 10}}]}

A TinyGPT submission adds "vocab" (the characters of its char tokenizer, in
id order) and optionally "generate": {"use_cache": true}; its model is one
"GPT" layer whose args are GPTConfig's fields.

`validate_spec` checks every key, layer name, argument name, JSON type and
range against the registry (`registry.py`), fills in the defaults and
returns a clean copy; anything else is a `SubmissionError` naming what is
wrong. Keys the format does not define are refused, not ignored: a spec that
claims `"accuracy": 1.0` is told that the scorer measures that itself.
"""

from __future__ import annotations

from typing import Any

from .errors import SubmissionError
from .jsontypes import arg_problem, json_repr
from .registry import LAYERS
from .tasks import TASKS

FORMAT = "tinytorch-submission/1"
MAX_LAYERS = 256
MAX_NAME = 100
TOP_KEYS = ("format", "task", "name", "author", "description", "model", "vocab", "generate")
LAYER_KEYS = ("layer", "args")


def _fail(reason: str) -> SubmissionError:
    return SubmissionError(f"spec.json: {reason}")


def _text(spec: dict[str, Any], key: str, required: bool, limit: int = MAX_NAME) -> str:
    value = spec.get(key, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(f'"{key}" must be a non-empty string, got {json_repr(value)}')
    if len(value) > limit:
        raise _fail(f'"{key}" is {len(value)} characters long (at most {limit})')
    return value


def validate_layer(index: int, entry: Any, task: str) -> dict[str, Any]:
    """One model entry checked against the registry: {"layer": name, "args": {all args}}."""
    ### BEGIN SOLUTION
    where = f"model[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("layer"), str):
        raise _fail(f'{where} must be an object {{"layer": name, "args": {{...}}}}, '
                    f"got {json_repr(entry)}")
    name = entry["layer"]
    kind = LAYERS.get(name)
    if kind is None:
        raise _fail(f"{where}: unknown layer {json_repr(name)}; the known layers are "
                    + ", ".join(sorted(LAYERS)))
    extra = [k for k in entry if k not in LAYER_KEYS]
    if extra:
        raise _fail(f"{where} ({name}): unknown key(s) {', '.join(map(repr, extra))} "
                    '(a layer has "layer" and "args")')
    if TASKS[task].kind not in kind.tasks:
        raise _fail(f"{where}: layer {name} is not allowed in a model for the {task} task")
    given = entry.get("args", {})
    if not isinstance(given, dict):
        raise _fail(f'{where} ({name}): "args" must be an object, got {json_repr(given)}')
    unknown = [k for k in given if k not in kind.args]
    if unknown:
        allowed = ", ".join(kind.args) or "none"
        raise _fail(f"{where} ({name}): unknown argument(s) {', '.join(map(repr, unknown))}; "
                    f"{name} takes: {allowed}")
    args = {}
    for arg_name, arg in kind.args.items():
        if arg_name not in given:
            if arg.required:
                raise _fail(f"{where} ({name}): argument {arg_name!r} is required")
            args[arg_name] = arg.default
            continue
        problem = arg_problem(arg, given[arg_name])
        if problem is not None:
            raise _fail(f"{where} ({name}): argument {arg_name!r} {problem}")
        args[arg_name] = given[arg_name]
    return {"layer": name, "args": args}
    ### END SOLUTION


def validate_spec(spec: Any) -> dict[str, Any]:
    """A checked, complete copy of a parsed spec.json, or a SubmissionError saying why not."""
    ### BEGIN SOLUTION
    if not isinstance(spec, dict):
        raise _fail(f"must be a JSON object, got {type(spec).__name__}")
    if spec.get("format") != FORMAT:
        raise _fail(f'unknown format {json_repr(spec.get("format"))}; expected "{FORMAT}"')
    extra = [k for k in spec if k not in TOP_KEYS]
    if extra:
        raise _fail(f"unknown key(s) {', '.join(map(repr, extra))} (allowed: "
                    f"{', '.join(TOP_KEYS)}); the scorer measures accuracy, speed and size "
                    "itself and reads no other number from a submission")
    task = spec.get("task")
    if task not in TASKS:
        raise _fail(f"unknown task {json_repr(task)}; the tasks are {', '.join(TASKS)}")
    out: dict[str, Any] = {"format": FORMAT, "task": task, "name": _text(spec, "name", True),
                           "author": _text(spec, "author", False),
                           "description": _text(spec, "description", False, 2000)}
    model = spec.get("model")
    if not isinstance(model, list) or not 1 <= len(model) <= MAX_LAYERS:
        raise _fail(f'"model" must be a list of 1 to {MAX_LAYERS} layers, got '
                    f"{json_repr(model)}")
    out["model"] = [validate_layer(i, entry, task) for i, entry in enumerate(model)]
    if TASKS[task].kind == "text":
        out.update(_validate_text(spec, out["model"]))
    else:
        for key in ("vocab", "generate"):
            if key in spec:
                raise _fail(f'"{key}" is only for the tinygpt task, not {task}')
    return out
    ### END SOLUTION


def _validate_text(spec: dict[str, Any], model: list[dict[str, Any]]) -> dict[str, Any]:
    """TinyGPT's extra keys: one GPT layer, a vocab of its size, the generate options."""
    if len(model) != 1 or model[0]["layer"] != "GPT":
        raise _fail('a tinygpt model is exactly one "GPT" layer, got '
                    + ", ".join(entry["layer"] for entry in model))
    vocab = spec.get("vocab")
    if not isinstance(vocab, str) or not vocab:
        raise _fail(f'"vocab" must be a non-empty string of characters, got {json_repr(vocab)}')
    if len(set(vocab)) != len(vocab):
        raise _fail('"vocab" repeats a character; each character has one id')
    size = model[0]["args"]["vocab_size"]
    if len(vocab) != size:
        raise _fail(f'"vocab" has {len(vocab)} characters but GPT vocab_size is {size}')
    options = spec.get("generate", {})
    if not isinstance(options, dict) or any(k != "use_cache" for k in options):
        raise _fail(f'"generate" must be {{"use_cache": true|false}}, got {json_repr(options)}')
    use_cache = options.get("use_cache", False)
    if not isinstance(use_cache, bool):
        raise _fail(f'"generate.use_cache" must be true or false, got {json_repr(use_cache)}')
    return {"vocab": vocab, "generate": {"use_cache": use_cache}}


def estimated_elements(spec: dict[str, Any]) -> int:
    """How many numbers the layers of a validated spec hold once built (before loading)."""
    return sum(LAYERS[e["layer"]].elements(e["args"]) for e in spec["model"])
