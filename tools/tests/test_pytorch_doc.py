"""docs/pytorch.md, the map from PyTorch names to TinyTorch ones, stays true.

Every `tinytorch.<package>.<name>` the page names must be exported by that
package (in its `__all__`), and every name a package exports must be
on the page, unless it is a TinyTorch-only name listed below. So a renamed or
removed export turns this red, and so does a new one nobody documented.
"""

from __future__ import annotations

import re

import pytest
from course_tools.manifest import REPO

PAGE = REPO / "docs" / "pytorch.md"
NAME = re.compile(r"`(tinytorch\.[a-z_]+)\.([A-Za-z_][A-Za-z0-9_]*)`")
# Exports with no PyTorch counterpart a user would look up: the autograd seam,
# the engine's own objects, error and result types, and package metadata.
TINYTORCH_ONLY = {
    "__version__", "ENTRY_POINT_GROUP", "PRIMITIVES", "GradEngine", "apply", "get_engine",
    "set_engine", "default_generator", "getitem", "DTypeError", "ShapeError", "ValuesIndices",
    "RULES", "Engine", "FunctionCtx", "GradcheckError", "accuracy", "BadMagicError",
    "ChecksumError", "DataFormatError", "DatasetNotFoundError", "TruncatedFileError",
}
PACKAGES = ["tensor", "activations", "layers", "losses", "optimizers", "autograd", "training",
            "spatial", "dataloader", "normalization", "regularization", "tokenization",
            "embeddings", "attention", "transformers", "generation"]


def _named() -> set[tuple[str, str]]:
    return set(NAME.findall(PAGE.read_text(encoding="utf-8")))


def test_every_name_on_the_page_is_exported() -> None:
    named = _named()
    assert len(named) > 80, "the tables lost their rows"
    missing = []
    for package, name in sorted(named):
        module = pytest.importorskip(package)
        if name not in getattr(module, "__all__", ()):
            missing.append(f"{package}.{name}")
    assert not missing, f"docs/pytorch.md names what the packages do not export: {missing}"


@pytest.mark.parametrize("name", PACKAGES)
def test_every_export_is_on_the_page(name: str) -> None:
    module = pytest.importorskip(f"tinytorch.{name}")
    named = {n for p, n in _named() if p == f"tinytorch.{name}"}
    text = PAGE.read_text(encoding="utf-8")
    undocumented = [
        n for n in module.__all__
        if n not in named and n not in TINYTORCH_ONLY and f"`{n}`" not in text
    ]
    assert not undocumented, (
        f"tinytorch.{name} exports {undocumented}, which docs/pytorch.md does not map "
        "(add a row, or list it as TinyTorch-only in this test)"
    )
