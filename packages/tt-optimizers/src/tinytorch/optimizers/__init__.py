"""tinytorch.optimizers: SGD (momentum, nesterov, weight decay), Adam, AdamW, LR schedulers, clip_grad_norm_."""

__all__: list[str] = []
