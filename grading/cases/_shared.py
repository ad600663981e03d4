"""Helpers shared by the case files (the runner puts this folder on sys.path).

Like the cases, they import tinytorch inside their bodies and use its public
API only, so a package that does not import fails the cases that use it, not
the runner.
"""

import numpy as np


def backward(rng, out, *inputs):
    """Backward of `(out * w).sum()` for a random w: the output and each input's gradient."""
    from tinytorch.tensor import Tensor

    (out * Tensor(rng.standard_normal(out.shape))).sum().backward()
    result = {"out": out.detach()}
    for i, x in enumerate(inputs):
        result[f"grad{i}"] = x.grad if x.grad is not None else np.array(np.nan)
    return result


def training_step(rng, model, x):
    """Cross-entropy on 3 random classes, backward, one SGD step (lr 0.1), then eval outputs:
    the loss, every parameter's gradient and the eval outputs."""
    from tinytorch.losses import cross_entropy
    from tinytorch.optimizers import SGD

    loss = cross_entropy(model(x), rng.integers(0, 3, x.shape[0]))
    loss.backward()
    out = {"loss": loss.detach()}
    out.update({f"grad{i}": p.grad for i, p in enumerate(model.parameters())})
    SGD(model.parameters(), lr=0.1).step()
    model.eval()
    out["eval"] = model(x)
    return out
