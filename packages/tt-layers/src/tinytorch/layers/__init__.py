"""tinytorch.layers: Module, Parameter, Linear, Sequential, init, state_dict."""

__all__: list[str] = []
