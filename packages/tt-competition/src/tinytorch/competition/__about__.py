"""Version of tt-competition; the single source hatch reads."""

__version__ = "0.1.0"
