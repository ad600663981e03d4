"""tinytorch.activations: ReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, numerically stable."""

__all__: list[str] = []
