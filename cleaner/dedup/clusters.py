"""From verified pairs to clusters: who is kept, who duplicates whom.

Clustering is greedy in a fixed priority order (a "star" clustering): the
units are visited by rank (lower first); a unit is dropped when it has a
verified edge to an already kept unit -- it then points at the kept unit
with the best score (ties: the better-ranked unit) -- and kept otherwise.
Every dropped unit is therefore directly similar (score >= threshold) to
the unit it names; chains (A~B, B~C, A!~C) never drop C for A.  The ranks
make the result independent of the order in which pairs were found or
workers finished.

Ranks: ``keep="first"`` ranks by position (document order, then paragraph
index); ``keep="longest"`` by length, longest first, then position.

>>> kept_of(4, [(0, 1), (1, 2), (2, 3)], [95.0, 92.0, 99.0], ranks(4))
([-1, 0, -1, 2], [0.0, 95.0, 0.0, 99.0])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["ranks", "kept_of", "exact_groups"]

#: verified edges turned into Python objects at a time by :func:`kept_of`
_BLOCK = 1 << 20


def ranks(n: int, *, keep: str = "first", lengths: Sequence[int] | npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.int64]:
    """Rank of each of ``n`` units (0 = kept first) for ``keep``.

    >>> ranks(3, keep="longest", lengths=[5, 9, 9]).tolist()
    [2, 0, 1]
    """
    if keep == "first":
        return np.arange(n, dtype=np.int64)
    if keep == "longest":
        if lengths is None:
            raise ValueError('keep="longest" needs lengths')
        order = np.lexsort((np.arange(n), -np.asarray(lengths, dtype=np.int64)))
        r = np.empty(n, dtype=np.int64)
        r[order] = np.arange(n)
        return r
    raise ValueError(f'keep must be "first" or "longest", not {keep!r}')


def kept_of(
    n: int,
    pairs: Sequence[tuple[int, int]] | npt.NDArray[np.int64],
    scores: Sequence[float] | npt.NDArray[np.float32],
    rank: npt.NDArray[np.int64],
    *,
    blocked: npt.NDArray[np.bool_] | None = None,
) -> tuple[list[int], list[float]]:
    """For each unit, the kept unit it duplicates (-1: it is kept) and the score.

    ``blocked`` units are duplicates of something outside (an index of
    earlier runs): they are never kept, so nothing attaches to them here.
    """
    ref = [-1] * n
    score = [0.0] * n
    if blocked is not None:
        for i in np.flatnonzero(blocked).tolist():
            ref[i] = -2
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    sc = np.asarray(scores, dtype=np.float64)
    if len(arr):
        a, b = arr[:, 0], arr[:, 1]
        swap = rank[a] > rank[b]
        early = np.where(swap, b, a)  # the better-ranked end
        late = np.where(swap, a, b)
        order = np.lexsort((rank[early], -sc, rank[late]))
        # Visit the late ends in rank order, each one's edges best score
        # first: the first edge to a kept unit decides (an early end's fate
        # was decided before, its rank being lower).  Edges are turned into
        # Python lists a block at a time: memory stays at the arrays.
        for lo in range(0, len(order), _BLOCK):
            o = order[lo : lo + _BLOCK]
            for p, q, v in zip(late[o].tolist(), early[o].tolist(), sc[o].tolist()):
                if ref[p] == -1 and ref[q] == -1:
                    ref[p] = q
                    score[p] = v
    return [-1 if r == -2 else r for r in ref], score


def exact_groups(hashes: npt.NDArray[np.uint64], rank: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """For each unit, the best-ranked unit with the same hash (itself if none).

    ``hashes`` is ``(n,)`` or ``(n, w)`` (a wide hash in ``w`` words).

    >>> exact_groups(np.array([5, 7, 5], dtype=np.uint64), np.array([2, 1, 0])).tolist()
    [2, 1, 2]
    """
    n = len(hashes)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    h = hashes.reshape(n, -1)
    order = np.lexsort((rank,) + tuple(h[:, c] for c in range(h.shape[1] - 1, -1, -1)))
    hs = h[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (hs[1:] != hs[:-1]).any(axis=1)
    group_first = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    rep = np.empty(n, dtype=np.int64)
    rep[order] = order[group_first]
    return rep
