"""`python -m tinytorch.competition score ...`: see `cli.py`."""

import sys

from .cli import main

sys.exit(main())
