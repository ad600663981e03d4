"""The one random number generator every tinytorch random draw uses.

Reproducibility is a feature: a milestone run twice must print the same
numbers. So all randomness (randn, rand, weight init in tt-layers, dropout,
shuffling in the data loader) draws from one `np.random.Generator`, and
`manual_seed(seed)` resets it. The Generator object itself never changes, so a
module that keeps `gen = default_generator()` sees the reseeding too.
"""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()  # unseeded: fresh entropy until manual_seed


def default_generator() -> np.random.Generator:
    """The shared `np.random.Generator` (PCG64) of tinytorch."""
    return _generator


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the shared generator, so every later draw is reproducible.

    Returns the generator, as `torch.manual_seed` does.
    """
    ### BEGIN SOLUTION
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative int, got {seed!r}")
    _generator.bit_generator.state = np.random.PCG64(int(seed)).state
    return _generator
    ### END SOLUTION
