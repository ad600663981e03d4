"""The one step BPE repeats: replace every occurrence of a pair of ids by a new id.

Training applies it to the words that hold the chosen pair; encoding
applies it to a chunk, merge after merge. Occurrences are replaced from
left to right without overlap, so with the pair (a, a) the run "a a a"
becomes "aa a", as in every BPE implementation.

Cost: one pass over the ids, O(len(ids)).
"""

from __future__ import annotations

from collections.abc import Sequence

Pair = tuple[int, int]


def merge_pair(ids: Sequence[int], pair: Pair, new_id: int) -> list[int]:
    """`ids` with each (non-overlapping, leftmost first) occurrence of `pair` as `new_id`.

    >>> merge_pair([97, 97, 97, 98], (97, 97), 256)
    [256, 97, 98]
    """
    ### BEGIN SOLUTION
    a, b = pair
    out: list[int] = []
    i, n = 0, len(ids)
    while i < n:
        if ids[i] == a and i + 1 < n and ids[i + 1] == b:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out
    ### END SOLUTION
