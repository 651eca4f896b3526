"""What the corpus writes between the two neighbours of a position (its
middles): the runs of them per position, and the corpus's proposals at
isolated suspects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import settings
from .detect import han_mask

if TYPE_CHECKING:
    from ..charmodel import CharModel


def middle_runs(text: str, cm: CharModel, near: Sequence[int]) -> tuple[np.ndarray, ...]:
    """:meth:`CharModel.middle_runs` of the two neighbours of each position
    of ``near`` (an EDGE beyond the text's ends).

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["天气很好。", "天气不好。", "天气不好。"])
    >>> [cm.char(j) for j in middle_runs("天气真好", cm, [2])[2].tolist()]
    ['不', '很']
    """
    from ..charmodel import EDGE

    at = np.asarray(near, dtype=np.int64)
    ids = np.concatenate(([EDGE], cm.ids(text), [EDGE]))
    return cm.middle_runs(ids[at], ids[at + 2])


def runs_of(runs: tuple[np.ndarray, ...], member: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`middle_runs` of the positions where ``member`` is True, from
    those of all positions (each run's owner renumbered among them).

    >>> runs = (np.array([0, 1, 1, 2]), np.array([0, 0, 1, 0]), np.array([7, 8, 9, 5]), np.array([3, 2, 1, 4]))
    >>> [r.tolist() for r in runs_of(runs, np.array([False, True, True]))]
    [[0, 0, 1], [0, 1, 0], [8, 9, 5], [2, 1, 4]]
    """
    owner, rank, mids, counts = runs
    pick = member[owner]
    return (np.cumsum(member) - 1)[owner[pick]], rank[pick], mids[pick], counts[pick]


def corpus_proposals(text: str, found: Sequence[int], cm: CharModel, *, runs: tuple[np.ndarray, ...] | None = None) -> list[list[str]]:
    """Per position of ``found``: the :data:`CONTEXT_CORPUS_CANDIDATES`
    characters the corpus writes most often between its two neighbours (at
    least :data:`CONTEXT_CORPUS_MIN_COUNT` times; Han neighbours only);
    ``runs``: :func:`middle_runs` of ``found`` when the caller has it."""
    if not settings.CONTEXT_CORPUS_CANDIDATES or not found:
        return [[] for _ in found]
    owner, rank, mids, counts = middle_runs(text, cm, found) if runs is None else runs
    at = np.asarray(found, dtype=np.int64)
    han = np.concatenate(([False], han_mask(text), [False]))  # a digit or a quote beside it says little
    inner = han[at] & han[at + 2]
    pick = inner[owner] & (rank < settings.CONTEXT_CORPUS_CANDIDATES) & (counts >= settings.CONTEXT_CORPUS_MIN_COUNT)  # CharModel.middles
    out: list[list[str]] = [[] for _ in found]
    for o, x in zip(owner[pick].tolist(), map(chr, cm.codes(mids[pick]).tolist())):
        out[o].append(x)
    return out
