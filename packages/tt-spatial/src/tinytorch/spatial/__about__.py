"""Version of tt-spatial; the single source hatch reads."""

__version__ = "0.1.1"
