"""Version of tt-setup; the single source hatch reads."""

__version__ = "0.2.1"
