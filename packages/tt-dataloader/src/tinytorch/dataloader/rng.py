"""Where the random numbers of shuffling, splitting and augmentation come from.

Every random choice of this package (the order of an epoch, a split, a crop
offset, a flip) draws from a NumPy Generator picked here, once, by the same
rule: an explicit `generator` wins; else a `seed` makes a private Generator,
so the same seed gives the same numbers whatever else the program draws;
else the shared tinytorch generator, which `tinytorch.tensor.manual_seed`
reseeds. A private Generator is made once, when the object is built, so an
object with a seed gives a new (but reproducible) order every epoch.
"""

from __future__ import annotations

import numpy as np
from tinytorch.tensor import default_generator


def resolve_generator(where: str, seed: int | None = None,
                      generator: np.random.Generator | None = None
                      ) -> np.random.Generator | None:
    """A private Generator for `seed` or the given `generator`; None means the shared one."""
    if seed is not None and generator is not None:
        raise ValueError(f"{where}: pass seed= or generator=, not both")
    if generator is not None:
        if not isinstance(generator, np.random.Generator):
            raise TypeError(f"{where}: generator must be a numpy.random.Generator, "
                            f"got {type(generator).__name__}")
        return generator
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{where}: seed must be a non-negative int, got {seed!r}")
    return np.random.default_rng(int(seed))


def current(generator: np.random.Generator | None) -> np.random.Generator:
    """The Generator to draw from now: the private one, or the shared tinytorch one."""
    return default_generator() if generator is None else generator
