"""tinytorch.training: Trainer: metrics, validation, checkpoints, early stopping, gradient accumulation."""

__all__: list[str] = []
