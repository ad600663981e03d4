"""tinytorch.setup: environment check and the tito CLI (status, doctor, milestones, template)."""

__all__: list[str] = []
