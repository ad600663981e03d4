"""default_collate: a list of samples -> one batch, field by field.

The per-sample path of the DataLoader: `[(x0, y0), (x1, y1), ...]` becomes
`(stack([x0, x1, ...]), stack([y0, y1, ...]))`, each field a Tensor with a
new first (batch) dimension. It costs one Python call per sample and a copy
of every sample into the stacked array; datasets with `__getitems__` skip it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from tinytorch.tensor import ShapeError, Tensor


def to_batch_tensor(field: Any) -> Any:
    """One field of a batch as a Tensor: integer labels become int64, floats keep their dtype.

    A tuple, list or dict of fields is converted field by field.
    """
    ### BEGIN SOLUTION
    if isinstance(field, Tensor):
        array = field.data
    elif isinstance(field, np.ndarray):
        array = field
    elif isinstance(field, Mapping):
        return {k: to_batch_tensor(v) for k, v in field.items()}
    elif isinstance(field, (tuple, list)):
        return type(field)(to_batch_tensor(v) for v in field)
    else:
        array = np.asarray(field)
    if array.dtype.kind in "iu" and array.dtype != np.int64:
        array = array.astype(np.int64)  # class indices, as PyTorch's losses expect
    return field if isinstance(field, Tensor) and array is field.data else Tensor(array)
    ### END SOLUTION


def default_collate(samples: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, as PyTorch's `default_collate`.

    Samples that are tuples (or lists) give a tuple of batched fields, dicts a
    dict; Tensors and arrays are stacked, Python ints give int64, floats
    float64 (as PyTorch). Fields of different shapes raise a ShapeError
    naming the field and the shapes.
    """
    ### BEGIN SOLUTION
    if len(samples) == 0:
        raise ValueError("default_collate: cannot collate an empty list of samples")
    first = samples[0]
    if isinstance(first, Mapping):
        return {k: default_collate([s[k] for s in samples]) for k in first}
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in samples):
            raise ShapeError("default_collate: samples have different numbers of fields "
                             f"({sorted({len(s) for s in samples})})")
        return tuple(default_collate([s[i] for s in samples]) for i in range(len(first)))
    arrays = [s.data if isinstance(s, Tensor) else np.asarray(s) for s in samples]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ShapeError(f"default_collate: samples have different shapes {sorted(shapes)}; "
                         "pass a collate_fn that pads or crops them")
    return to_batch_tensor(np.stack(arrays))
    ### END SOLUTION
