"""`python -m tinytorch.setup ...` is `tito ...` (for when the script is not on PATH)."""

from .cli import run

run()
