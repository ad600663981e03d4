"""Version of tt-testing; the single source hatch reads."""

__version__ = "0.3.2"
