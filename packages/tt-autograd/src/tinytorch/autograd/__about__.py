"""Version of tt-autograd; the single source hatch reads."""

__version__ = "0.2.1"
