"""The skip reasons of tt-testing, in a module of the standard library only.

The course tooling counts the tests skipped for a reason (how many PyTorch
oracle checks did not run?) from pytest's JUnit report, outside any venv that
has NumPy; it reads this file by path, so the reason is written only here.
"""

ORACLE_SKIPPED = "PyTorch not installed: oracle check skipped"
