"""tinytorch.training: the training loop, metrics, checkpoints and early stopping.

    from tinytorch.training import EarlyStopping, Trainer

    trainer = Trainer(model, optimizer, loss_fn, metrics=["accuracy"], seed=0)
    history = trainer.fit(x, y, epochs=20, batch_size=64, validation_data=(xv, yv),
                          early_stopping=EarlyStopping(patience=3), checkpoint="run.npz")
    trainer.evaluate(x_test, y_test)       # {"loss": ..., "accuracy": ...}
"""

from .__about__ import __version__
from .checkpoint import load_checkpoint, save_checkpoint
from .early_stopping import EarlyStopping
from .history import History
from .metrics import accuracy
from .trainer import Trainer

__all__ = [
    "EarlyStopping",
    "History",
    "Trainer",
    "__version__",
    "accuracy",
    "load_checkpoint",
    "save_checkpoint",
]
