"""Learning BPE merges the plain way: recount every pair of the corpus for each merge.

The teaching twin of `bpe_train.train_merges`, and its test oracle: the
same merges, in the same order, with the same tie rule (the most frequent
pair; among equals the smallest (a, b)). It reads like the algorithm's
definition and is easy to trust, but each merge costs a pass over the whole
corpus (every pair of every distinct word), so k merges cost k passes:
fine for a few kilobytes, far too slow for a megabyte (see
benchmarks/bpe_train.py for both timings).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from .merge import Pair, merge_pair


def train_merges_reference(words: Sequence[Sequence[int]], counts: Sequence[int],
                           num_merges: int, first_id: int = 256) -> list[Pair]:
    """Up to `num_merges` merges, recounting all pairs before each one."""
    ### BEGIN SOLUTION
    words = [list(w) for w in words]
    merges: list[Pair] = []
    while len(merges) < num_merges:
        pair_counts: Counter[Pair] = Counter()
        for word, n in zip(words, counts, strict=True):
            for pair in pairwise(word):
                pair_counts[pair] += n
        if not pair_counts:
            break  # every word is one token
        best = min(pair_counts, key=lambda p: (-pair_counts[p], p))
        new_id = first_id + len(merges)
        merges.append(best)
        words = [merge_pair(word, best, new_id) for word in words]
    return merges
    ### END SOLUTION
