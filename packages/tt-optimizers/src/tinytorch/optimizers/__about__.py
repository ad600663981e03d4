"""Version of tt-optimizers; the single source hatch reads."""

__version__ = "0.1.1"
