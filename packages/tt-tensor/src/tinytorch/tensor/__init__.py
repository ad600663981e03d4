"""tinytorch.tensor: Tensor over a NumPy array: broadcasting, elementwise, reductions, shapes, matmul, strides."""

__all__: list[str] = []
