"""Speed and memory of one submission, measured here: batch-1 latency and peak memory.

- Images: the median (and IQR) of `repeats` batch-1 forward passes on the
  first hidden test image, by tt-benchmarking's `benchmark` (3 warm-up
  calls first), without gradients.
- TinyGPT: ms per token of greedy generation, 50 new tokens batch-1 after
  the first 16 characters of the hidden text, through tt-caching's
  `generate(use_cache=...)` as the spec's "generate" asks: the median and
  IQR of whole generations (1 warm-up), divided by 50.
- Peak memory: tt-benchmarking's `Profiler` peak of live tensor bytes during
  one batch-1 forward (for TinyGPT: one window of block_size characters),
  plus the bytes of the model's arrays as stored (`model_arrays`: int8
  codes count 1 byte each). NumPy work outside tensor primitives (such as
  a quantised layer rebuilding its float weight) is not seen by the
  Profiler; the guide page says so.

Latency is the one measure that other processes disturb, so `score_class`
runs it one submission at a time; each result keeps the load average.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from tinytorch.autograd import no_grad
from tinytorch.benchmarking import Profiler, UnreliableTimingWarning, benchmark
from tinytorch.caching import generate
from tinytorch.compression import model_arrays
from tinytorch.tensor import Tensor

from .errors import SubmissionError
from .tasks import HiddenTest, encode

PROMPT_CHARS = 16
NEW_TOKENS = 50


def first_input(submission: Any, test: HiddenTest) -> Tensor:
    """The batch-1 input the cost is measured on: one image, or one window of text."""
    if test.text is None:
        return Tensor(test.images[:1])
    gpt = submission.model[0]
    ids, _ = encode(test.text, submission.spec["vocab"])
    return Tensor(ids[None, : min(gpt.config.block_size, len(ids))])


def check_runs(submission: Any, test: HiddenTest) -> None:
    """One forward pass on the task's input, or SubmissionError saying how it fails."""
    x = first_input(submission, test)
    try:
        with no_grad():
            out = submission.model(x)
    except Exception as error:
        raise SubmissionError(f"the model fails on the task's input of shape {x.shape}: "
                              f"{type(error).__name__}: {error}", submission.path) from None
    shape = getattr(out, "shape", None)
    wanted = 2 if test.text is None else 3
    if shape is None or len(shape) != wanted or shape[0] != 1:
        raise SubmissionError(f"the model maps an input of shape {x.shape} to {shape}; "
                              + ("a classifier returns (N, classes) logits" if wanted == 2
                                 else "a GPT returns (B, T, vocab) logits"), submission.path)


def latency(submission: Any, test: HiddenTest, repeats: int = 20) -> tuple[float, float, bool]:
    """(median ms, IQR ms, reliable): per image, or per generated token for TinyGPT."""
    ### BEGIN SOLUTION
    model = submission.model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnreliableTimingWarning)  # `reliable` keeps the verdict
        with no_grad():
            if test.text is None:
                x = first_input(submission, test)
                result = benchmark(lambda: model(x), warmup=3, repeats=repeats, name="forward")
                return result.median_ms, result.iqr_ms, result.reliable
            ids, _ = encode(test.text[:PROMPT_CHARS], submission.spec["vocab"])
            prompt = Tensor(ids[None, :])
            use_cache = submission.spec["generate"]["use_cache"]
            result = benchmark(lambda: generate(model[0], prompt, NEW_TOKENS, do_sample=False,
                                                use_cache=use_cache),
                               warmup=1, repeats=max(6, repeats // 3), name="generate")
    return result.median_ms / NEW_TOKENS, result.iqr_ms / NEW_TOKENS, result.reliable
    ### END SOLUTION


def array_bytes(model: Any) -> int:
    """Bytes of the model's arrays as stored (`model_arrays`)."""
    return int(sum(np.asarray(a).nbytes for a in model_arrays(model).values()))


def peak_memory(submission: Any, test: HiddenTest) -> int:
    """Peak live tensor bytes of one batch-1 forward, plus the model's array bytes."""
    ### BEGIN SOLUTION
    x = first_input(submission, test)
    with no_grad(), Profiler() as prof:
        submission.model(x)
    return int(prof.report()["memory"]["peak_bytes"]) + array_bytes(submission.model)
    ### END SOLUTION
