"""tinytorch.optimizers: SGD, Adam, AdamW, LR schedulers and clip_grad_norm_.

    opt = Adam(model.parameters(), lr=1e-3)
    sched = StepLR(opt, step_size=10, gamma=0.5)
    for epoch in range(epochs):
        for x, y in batches:
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        sched.step()
"""

from .__about__ import __version__
from .adam import Adam
from .adamw import AdamW
from .clip_grad import clip_grad_norm_
from .cosine_lr import CosineAnnealingLR
from .optimizer import Optimizer
from .scheduler import LRScheduler
from .sgd import SGD
from .step_lr import StepLR

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "LRScheduler",
    "Optimizer",
    "StepLR",
    "__version__",
    "clip_grad_norm_",
]
