"""tinytorch.embeddings: token embeddings and positional encodings for language models.

`Embedding` turns integer ids (characters, BPE tokens) into learned vectors:
row i of its table is the vector of id i. Its backward, which must add up
the gradients of ids that occur many times in a batch, is one primitive that
sorts the ids instead of calling `np.add.at`; `embedding_add_at` is the
teaching twin with `np.add.at`, tested equal.

Attention ignores order, so a transformer adds a position vector to each
token's: `SinusoidalPositionalEncoding` (fixed sines and cosines, Vaswani et
al. 2017) or `LearnedPositionalEmbedding` (a trained vector per position, as
in GPT).

    from tinytorch.embeddings import Embedding, LearnedPositionalEmbedding
    tok = Embedding(65, 128)                    # (B, T) ids -> (B, T, 128)
    pos = LearnedPositionalEmbedding(64, 128)   # T <= 64 positions
    x = pos(tok(ids))                           # token + position vectors
"""

from .__about__ import __version__
from .embedding import Embedding
from .functional import embedding, embedding_add_at
from .learned import LearnedPositionalEmbedding
from .positional import PositionalEncoding
from .sinusoidal import SinusoidalPositionalEncoding

__all__ = [
    "Embedding",
    "LearnedPositionalEmbedding",
    "PositionalEncoding",
    "SinusoidalPositionalEncoding",
    "__version__",
    "embedding",
    "embedding_add_at",
]
