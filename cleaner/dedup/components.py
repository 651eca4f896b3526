"""Connected components by large-star / small-star rounds (Kiveris et al., 2014).

Numpy only: a distributed engine runs each step on blocks of rows hashed
by node (:mod:`cleaner.ray.components` schedules them on Ray Data), and a
round of both steps that changes nothing leaves every edge joining a node
to the smallest node of its component.  Greedy clustering only looks inside
a component, so whole components can be clustered apart.

>>> hi, lo, changed = large_star(np.array([1, 2, 2, 3]), np.array([2, 1, 3, 2]))
>>> hi.tolist(), lo.tolist(), changed
([2, 3], [1, 1], 1)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["unique_rows", "runs", "large_star", "small_star"]

Ids = npt.NDArray[np.int64]


def unique_rows(pairs: Ids) -> Ids:
    """The distinct rows of an ``(n, 2)`` array, sorted.

    >>> unique_rows(np.array([[3, 1], [1, 2], [3, 1]])).tolist()
    [[1, 2], [3, 1]]
    """
    if not len(pairs):
        return pairs.reshape(0, 2)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    p = pairs[order]
    keep = np.ones(len(p), dtype=bool)
    keep[1:] = (p[1:] != p[:-1]).any(axis=1)
    return p[keep]


def runs(key: Ids) -> tuple[Ids, Ids]:
    """Starts and sizes of the runs of equal values of a sorted array.

    >>> [x.tolist() for x in runs(np.array([4, 4, 6, 9, 9, 9]))]
    [[0, 2, 3], [2, 1, 3]]
    """
    if not len(key):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], np.flatnonzero(key[1:] != key[:-1]) + 1))
    return starts, np.diff(np.concatenate((starts, [len(key)])))


def large_star(u: Ids, v: Ids) -> tuple[Ids, Ids, int]:
    """One large-star step on rows ``(u, v)`` holding both directions of every
    edge of the nodes ``u`` they hold (all of each node's edges).

    Each node ``u`` links every larger neighbour to ``m(u)``, the smallest of
    ``u`` and its neighbours.  Returns the new edges ``(hi, lo)``, ``hi > lo``,
    and how many differ from the edge they replace.

    >>> large_star(np.array([1, 2, 2, 3]), np.array([2, 1, 3, 2]))
    (array([2, 3]), array([1, 1]), 1)
    """
    p = unique_rows(np.stack([u, v], axis=1))
    u, v = p[:, 0], p[:, 1]
    starts, sizes = runs(u)
    if not len(starts):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    m = np.minimum(np.minimum.reduceat(v, starts), u[starts])
    m_row = np.repeat(m, sizes)
    sel = v > u
    return v[sel], m_row[sel], int(np.count_nonzero(m_row[sel] != u[sel]))


def small_star(hi: Ids, lo: Ids) -> tuple[Ids, Ids, int]:
    """One small-star step on edges ``(hi, lo)``, ``hi > lo``, holding all the
    edges of the nodes ``hi`` they hold.

    Each node ``u`` links itself and its smaller neighbours to the smallest
    of them.  Returns the new edges ``(hi, lo)`` and how many changed.  When
    a round of both steps changes nothing, every edge joins a node to the
    smallest node of its component.

    >>> small_star(np.array([3, 3, 5]), np.array([1, 2, 2]))
    (array([2, 3, 5]), array([1, 1, 2]), 1)
    """
    p = unique_rows(np.stack([hi, lo], axis=1))
    hi, lo = p[:, 0], p[:, 1]
    starts, sizes = runs(hi)
    if not len(starts):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    m = np.repeat(np.minimum.reduceat(lo, starts), sizes)
    moved = lo != m
    out_hi = np.concatenate([lo[moved], hi[starts]])
    out_lo = np.concatenate([m[moved], m[starts]])
    order = np.lexsort((out_lo, out_hi))
    return out_hi[order], out_lo[order], int(np.count_nonzero(moved))

