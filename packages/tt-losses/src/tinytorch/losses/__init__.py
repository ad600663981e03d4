"""tinytorch.losses: MSELoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss."""

__all__: list[str] = []
