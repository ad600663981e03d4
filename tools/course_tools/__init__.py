"""The code behind the nox sessions of TinyTorch (noxfile.py stays short).

- `manifest`: the course map, read with tt-setup's own reader from the source tree;
- `options`: the sessions' arguments (`--use DIST=PATH`, `TT_USE`, `--full`, ...);
- `install`: build, install and verify a chain of packages in a session's venv;
- `steps`: run the tests, integration tests and milestones, and sum them up;
- `sessions`: the session bodies the noxfile registers;
- `contract`: the check that every package keeps the contract between packages;
- `artifacts`: checks on the built wheels and sdists.

Nothing here imports nox at module level except `sessions` and `steps`, so the
pure parts are testable without it.
"""
