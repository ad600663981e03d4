"""tinytorch.autograd: reverse-mode autodiff for every tensor primitive, Function, no_grad, gradcheck."""

__all__: list[str] = []
