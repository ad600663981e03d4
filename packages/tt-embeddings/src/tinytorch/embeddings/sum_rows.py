"""The gradient of a lookup: add every output row's gradient to the table row it read.

An embedding's forward is `out[k] = weight[ids[k]]`, so its backward is

    dweight[i] = sum of dout[k] over every k with ids[k] == i

and a row read twice (the letter "e" in a batch of text) gets the sum of both
gradients. `dweight[ids] += dout` is WRONG: NumPy's fancy assignment is
buffered, so of two writes to the same row only the last survives.

Two ways to get it right, the same numbers:

- `sum_rows_add_at`, the teaching twin: `np.add.at(dweight, ids, dout)`,
  NumPy's unbuffered scatter-add. One line, obviously correct, and slow: it
  adds row by row through a generic path.
- `sum_rows`, the fast version: sort the ids so that equal ids sit together
  in runs, then add the runs up with a few vectorised steps, one slice add
  per repeat level (see `_sum_runs_into`).

Measured here for the rows of a (32, 64) batch, 2048 x 128 float32, one
thread (the best of 7 interleaved rounds on a busy 2-core machine):

| strategy                           | V=65 uniform | V=4096 uniform | V=4096 Zipf |
|------------------------------------|--------------|----------------|-------------|
| `sum_rows`: sort, one add a level  | 0.19 ms      | 0.23 ms        | 0.36 ms     |
| `np.add.at` (the twin)             | 2.7 ms       | 2.8 ms         | 2.8 ms      |
| sort + `np.add.reduceat`           | 0.70 ms      | 1.9 ms         | 1.0 ms      |
| one-hot matmul `onehot.T @ dout`   | 0.45 ms      | 30 ms          | 29 ms       |
| `np.bincount` of (id, column)      | 2.8 ms       | 4.2 ms         | 0.84 ms     |
| sort + one `+=` a level, id order  | 0.75 ms      | 0.35 ms        | 5.6 ms      |

`np.add.reduceat` reduces column by column; the one-hot product costs
2*V*N*D FLOPs, so it only competes for tiny vocabularies; a `+=` per level
with runs in id order needs a fancy index per level, hopeless when one id
(a space, "the") repeats hundreds of times, as Zipf-distributed tokens do.
"""

from __future__ import annotations

import numpy as np

#: With this many runs or fewer left, their last rows are summed run by run
#: (see _sum_runs_into).
TAIL_RUNS = 4


def _output(op: str, rows: np.ndarray, ids: np.ndarray, num_rows: int) -> np.ndarray:
    """Check the shapes; the zero (num_rows, D) gradient to fill."""
    if rows.ndim != 2 or ids.shape != rows.shape[:1]:
        raise ValueError(f"{op}: expected rows (N, D) and ids (N,), got {rows.shape} and "
                         f"{ids.shape}")
    return np.zeros((num_rows, rows.shape[1]), dtype=rows.dtype)


def sum_rows(rows: np.ndarray, ids: np.ndarray, num_rows: int) -> np.ndarray:
    """out[i] = sum of rows[k] over every k with ids[k] == i; (N, D), (N,) -> (num_rows, D).

    Without `np.add.at`: sort the ids so that equal ids form runs, then add
    each run up (`_sum_runs_into`, a few vectorised steps). Two shortcuts:

    - no repeats at all: the scatter `out[ids] = rows` is the answer;
    - few repeats (less than half of the rows in runs longer than 1, as with
      a large vocabulary): scatter every row with `out[ids] = rows` (a
      repeated id keeps one of its rows), then overwrite the repeated ids
      with their sums. Only the rows of repeated ids are gathered and added.

    The sort is a stable argsort of N integers; of 16-bit keys (any vocabulary
    up to 65536) NumPy does it as a radix sort, about 5x faster than int64.
    Cost: that sort, a scatter of N rows or a gather of them, N*D adds at
    most, a scatter of the sums; memory: one copy of the rows summed.
    """
    out = _output("sum_rows", rows, ids, num_rows)
    n = ids.shape[0]
    if n == 0:
        return out
    ### BEGIN SOLUTION
    keys = ids.astype(np.uint16) if num_rows <= 1 << 16 else ids
    order = np.argsort(keys, kind="stable")  # (N,) equal ids side by side
    sorted_ids = ids[order]
    first = np.empty(n, dtype=bool)  # (N,) where a run begins
    first[0] = True
    np.not_equal(sorted_ids[1:], sorted_ids[:-1], out=first[1:])
    starts = np.flatnonzero(first)  # (U,)
    if starts.size == n:  # every id once: nothing to add up
        out[ids] = rows
        return out
    counts = np.empty(starts.size, dtype=np.intp)  # (U,) run lengths
    np.subtract(starts[1:], starts[:-1], out=counts[:-1])
    counts[-1] = n - starts[-1]
    repeated = counts > 1
    if 2 * int(counts[repeated].sum()) < n:  # mostly singletons
        out[ids] = rows
        starts, counts = starts[repeated], counts[repeated]
    _sum_runs_into(out, rows, order, starts, counts, sorted_ids[starts])
    return out
    ### END SOLUTION


def _sum_runs_into(out: np.ndarray, rows: np.ndarray, order: np.ndarray, starts: np.ndarray,
                   counts: np.ndarray, run_ids: np.ndarray) -> None:
    """out[run_ids[j]] = the sum of rows[order[starts[j]:starts[j] + counts[j]]], for each run j.

    1. Number the elements of each run 0, 1, 2, ...: their rank. The
       elements of rank k all belong to different runs, so "add every
       rank-k row to its run's sum" is a plain vectorised add with no
       collisions; the loop below runs once per repeat LEVEL (the longest
       run), never once per row.
    2. Order the runs longest first. Then the runs that still have a rank-k
       element are always a prefix, the first alive[k] runs: gather all rows
       once, into rank-major order ("stacked": every run's rank-0 row, then
       the rank-1 rows of the runs that have one, ...), and level k is one
       slice add `acc[:alive[k]] += stacked[offset[k]:offset[k] + alive[k]]`.
       The first levels, where every run is alive, are one (levels, U, D) sum.
    3. When at most TAIL_RUNS runs remain (one id repeated 1000 times beside
       a few others), their remaining rows are summed run by run instead.
    Sums are taken in rank order (the ids' order), so float32 results
    differ from `np.add.at`'s only by rounding.
    """
    ### BEGIN SOLUTION
    u = starts.size
    longest_first = np.argsort(-counts, kind="stable")  # (U,)
    lengths = counts[longest_first]  # (U,) non-increasing
    run_starts = starts[longest_first]  # (U,) where each run begins in `order`
    alive = u - np.cumsum(np.bincount(lengths))[:-1]  # (longest,) runs longer than k
    offset = np.cumsum(alive) - alive  # (longest,) where level k begins in stacked
    # level k holds element k of runs 0 .. alive[k] - 1, i.e. order[run_starts[j] + k]
    level = np.repeat(np.arange(alive.size), alive)  # (R,) level of each stacked row
    run = np.arange(level.size) - np.repeat(offset, alive)  # (R,) its run
    stacked = np.take(rows, order[run_starts[run] + level], axis=0)  # (R, D) rank-major
    full = int(lengths[-1])  # levels in which every run is alive
    acc, k = stacked[:u], 1  # (U, D) level 0 (a view: stacked is our own copy)
    if full > 2:  # (two levels: the loop below adds them as fast)
        acc, k = stacked[:full * u].reshape(full, u, -1).sum(axis=0), full
    alive_k, offset_k = alive.tolist(), offset.tolist()
    while k < len(alive_k) and alive_k[k] > TAIL_RUNS:
        acc[:alive_k[k]] += stacked[offset_k[k]:offset_k[k] + alive_k[k]]
        k += 1
    for j in range(alive_k[k] if k < len(alive_k) else 0):  # the longest runs' last rows
        rest = order[run_starts[j] + k:run_starts[j] + lengths[j]]
        acc[j] += np.take(rows, rest, axis=0).sum(axis=0)
    out[run_ids[longest_first]] = acc
    ### END SOLUTION


def sum_rows_add_at(rows: np.ndarray, ids: np.ndarray, num_rows: int) -> np.ndarray:
    """The teaching twin of `sum_rows`: NumPy's unbuffered scatter-add, the same numbers.

    `np.add.at(out, ids, rows)` performs `out[ids[k]] += rows[k]` for every
    k in turn, so repeated ids accumulate. Simple and always right; 8 to 15
    times slower than `sum_rows` here.
    """
    out = _output("sum_rows_add_at", rows, ids, num_rows)
    ### BEGIN SOLUTION
    np.add.at(out, ids, rows)
    return out
    ### END SOLUTION
