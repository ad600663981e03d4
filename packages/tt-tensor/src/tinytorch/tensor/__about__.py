"""Version of tt-tensor; the single source hatch reads."""

__version__ = "0.2.2"
