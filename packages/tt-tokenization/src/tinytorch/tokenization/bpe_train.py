"""Learning BPE merges incrementally: after a merge, only the words holding the pair change.

Byte pair encoding (Gage 1994; Sennrich et al. 2016 for words; GPT-2 on
bytes) starts from the 256 byte values and repeats: find the most frequent
adjacent pair of tokens in the corpus, give it a new id, replace it
everywhere. The plain way recounts every pair of the corpus after each
merge (`bpe_reference.py`); that costs O(corpus) per merge.

This one keeps three tables and updates them:

- `words`, `counts`: each distinct pre-tokenized chunk as a list of ids,
  and how often it occurs (the corpus is counted once, at the start);
- `pair_counts`: pair -> occurrences in the corpus (sum over words);
- `where`: pair -> the indices of the words that contain it.

A merge of (a, b) visits only `where[(a, b)]`: for each such word it
subtracts the counts of its old pairs, merges, and adds the counts of its
new pairs. The most frequent pair comes from a heap of (-count, a, b)
entries; an entry whose count is out of date is skipped when popped (lazy
deletion), and every pair whose count changed gets a fresh entry.

Ties: among pairs with the same count the smallest (a, b) wins (compared
as ids: first a, then b), which the heap order gives for free and the
reference reproduces. Cost per merge: the length of the words touched plus
log(heap) per changed pair; the first merges touch many words, later ones
few. Memory: the word table and one set entry per (pair, word).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise

from .merge import Pair, merge_pair


def train_merges(words: Sequence[Sequence[int]], counts: Sequence[int], num_merges: int,
                 first_id: int = 256) -> list[Pair]:
    """Up to `num_merges` merges learned from `words` (id lists) occurring `counts` times.

    Merge k creates the id `first_id + k`. Fewer merges come back when no
    adjacent pair is left (every word is a single token).
    """
    ### BEGIN SOLUTION
    words = [list(w) for w in words]
    pair_counts: dict[Pair, int] = defaultdict(int)
    where: dict[Pair, set[int]] = defaultdict(set)
    for i, (word, n) in enumerate(zip(words, counts, strict=True)):
        for pair in pairwise(word):
            pair_counts[pair] += n
            where[pair].add(i)
    heap = [(-c, a, b) for (a, b), c in pair_counts.items()]
    heapq.heapify(heap)

    merges: list[Pair] = []
    while heap and len(merges) < num_merges:
        neg, a, b = heapq.heappop(heap)
        best = (a, b)
        if pair_counts.get(best) != -neg:
            continue  # stale entry: the count changed since it was pushed
        new_id = first_id + len(merges)
        merges.append(best)
        changed: set[Pair] = set()
        for i in where.pop(best):
            old, n = words[i], counts[i]
            new = merge_pair(old, best, new_id)
            old_pairs, new_pairs = set(pairwise(old)), set(pairwise(new))
            for pair in pairwise(old):
                pair_counts[pair] -= n
            for pair in pairwise(new):
                pair_counts[pair] += n
            for pair in old_pairs - new_pairs:
                if pair in where:
                    where[pair].discard(i)
            for pair in new_pairs:
                where[pair].add(i)
            changed |= old_pairs | new_pairs
            words[i] = new
        for pair in changed:
            c = pair_counts[pair]
            if c > 0:
                heapq.heappush(heap, (-c, *pair))
            else:
                del pair_counts[pair]
                where.pop(pair, None)
    return merges
    ### END SOLUTION
