"""The visual table's look-alikes as the context pass reads them: per
character its row (Han neighbours only, with their similarity deficits),
the whole relation as sorted keys for the C proposals, and the look-alikes
of look-alikes (two steps in the table)."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .. import guards
from ..model import code_points, is_han_run


Neighbours = Callable[[str], Sequence[tuple[str, float]]]


@functools.cache
def traditional_table() -> np.ndarray:
    """Per code point below U+A000: whether it is one of
    :func:`cleaner.typos.guards.traditional_chars` (all of the basic CJK
    block), so that the suspects of a text drop them in one pass.

    >>> bool(traditional_table()[ord("這")]), bool(traditional_table()[ord("这")])
    (True, False)
    """
    table = np.zeros(0xA000, dtype=bool)
    table[[ord(c) for c in guards.traditional_chars() if len(c) == 1 and ord(c) < 0xA000]] = True
    return table


def two_steps(c: str, nb_fn: Neighbours) -> frozenset[str]:
    """The look-alikes of the look-alikes of ``c`` (:func:`look_alike_row`).

    >>> "已" in two_steps("己", visual_han_neighbours)
    True
    """
    if nb_fn is visual_han_neighbours:
        return _visual_two_steps(c)
    return frozenset(x for a in look_alike_row(c, nb_fn)[0] for x in look_alike_row(a, nb_fn)[0])


@functools.cache
def visual_two_step_table() -> tuple[np.ndarray, np.ndarray]:
    """:func:`_visual_two_steps` of every character of the visual table as
    sorted keys (``ord(c) << 21 | ord(x)``, ``x`` not ``c``) and where the
    keys of each code point below U+A000 begin (and, at U+A000, end): the C
    proposals read a suspect's characters two steps away in order, and find
    one by a search, without building the set.

    >>> keys, starts = visual_two_step_table()
    >>> mine = keys[starts[ord("己")] : starts[ord("己") + 1]] & ((1 << CODE_BITS) - 1)
    >>> "".join(map(chr, mine.tolist())) == "".join(sorted(_visual_two_steps("己") - {"己"}))
    True
    """
    return _two_step_table(visual_alikes(), alike_starts())


def _two_step_table(alikes: _Alikes, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`visual_two_step_table` of any :class:`_Alikes` and its starts."""
    from ..charmodel import huge_pages

    mask = (1 << CODE_BITS) - 1
    first, second = alikes.keys >> CODE_BITS, alikes.keys & mask
    inside = second < 0xA000
    first, second = first[inside], second[inside]
    lo, hi = starts[second], starts[second + 1]
    sizes = hi - lo
    at = np.repeat(lo - (np.cumsum(sizes) - sizes), sizes) + np.arange(int(sizes.sum()), dtype=np.int64)
    keys = np.unique((np.repeat(first, sizes) << CODE_BITS) | (alikes.keys[at] & mask))
    keys = keys[(keys >> CODE_BITS) != (keys & mask)]
    return huge_pages(keys), np.searchsorted(keys, np.arange(0xA000 + 1, dtype=np.int64) << CODE_BITS).astype(np.int64)


@functools.lru_cache(maxsize=16384)
def _visual_two_steps(c: str) -> frozenset[str]:
    return frozenset(x for a in _visual_row(c)[0] for x in _visual_row(a)[0])


#: bits of a code point in the keys of :class:`_Alikes`
CODE_BITS = 21


@dataclass(frozen=True, slots=True)
class _Alikes:
    """The look-alike relation as sorted keys (``ord(c) << 21 | ord(a)``
    for each look-alike ``a`` of ``c``), with ``a``'s place in ``c``'s row
    and its similarity deficit."""

    keys: np.ndarray
    rank: np.ndarray
    deficit: np.ndarray


def alike_table(chars: Iterable[str], nb_fn: Neighbours) -> _Alikes:
    """:class:`_Alikes` of the rows (:func:`look_alike_row`) of ``chars``."""
    keys, rank, deficit = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
    for c in chars:
        row, dist = look_alike_row(c, nb_fn)
        keys.append((ord(c) << CODE_BITS) | code_points(row))
        rank.append(np.arange(len(row), dtype=np.int64))
        deficit.append(dist)
    k = np.concatenate(keys)
    order = np.argsort(k, kind="stable")
    return _Alikes(k[order], np.concatenate(rank)[order], np.concatenate(deficit)[order])


@functools.cache
def visual_alikes() -> _Alikes:
    """:func:`alike_table` of the whole visual table, built once."""
    from ...confusion import confusion_table

    return alike_table(confusion_table(), visual_han_neighbours)


@functools.cache
def alike_starts() -> np.ndarray:
    """Where the keys of each code point below U+A000 begin in
    :func:`visual_alikes` (and where they end, at U+A000): the C
    proposals read a suspect's row without a search."""
    return _starts(visual_alikes())


def _starts(alikes: _Alikes) -> np.ndarray:
    return np.searchsorted(alikes.keys, np.arange(0xA000 + 1, dtype=np.int64) << CODE_BITS).astype(np.int64)


class CTables(NamedTuple):
    """What the C proposals read of a table of candidates: its
    :class:`_Alikes`, their starts, and the two-step keys and their starts."""

    alikes: _Alikes
    starts: np.ndarray
    two_keys: np.ndarray
    two_starts: np.ndarray


def c_tables(nb_fn: Neighbours) -> CTables | None:
    """The C proposals' tables of ``nb_fn``: the visual table's, or those of
    a function :func:`with_engine_pairs` made (built on first use, about
    as long as the visual table's); None for any other function (the
    Python proposals read it)."""
    if nb_fn is visual_han_neighbours:
        return _visual_tables()
    return _ENGINE_TABLES[nb_fn]() if nb_fn in _ENGINE_TABLES else None


@functools.cache
def _visual_tables() -> CTables:
    return CTables(visual_alikes(), alike_starts(), *visual_two_step_table())


def _tables_of(chars: Iterable[str], nb_fn: Neighbours) -> CTables:
    alikes = alike_table(chars, nb_fn)
    starts = _starts(alikes)
    return CTables(alikes, starts, *_two_step_table(alikes, starts))


#: the functions :func:`with_engine_pairs` made, each with the builder of its C tables
_ENGINE_TABLES: weakref.WeakKeyDictionary[Neighbours, Callable[[], CTables]] = weakref.WeakKeyDictionary()


def look_alike_row(c: str, nb_fn: Neighbours) -> tuple[str, np.ndarray]:
    """The look-alikes of ``c`` (one string, each once) and how far each
    falls below the closest in similarity."""
    if nb_fn is visual_han_neighbours:
        return _visual_row(c)
    return _row(_han_neighbours(c, nb_fn))


@functools.lru_cache(maxsize=16384)
def _visual_row(c: str) -> tuple[str, np.ndarray]:
    return _row(visual_han_neighbours(c))


def _row(nbs: Sequence[tuple[str, float]]) -> tuple[str, np.ndarray]:
    if not nbs:
        return "", np.zeros(0)
    top = max(s for _, s in nbs)
    best: dict[str, float] = {}
    for nb, sim in nbs:
        best.setdefault(nb, top - sim)
    return "".join(best), np.fromiter(best.values(), dtype=np.float64, count=len(best))


def _han_neighbours(c: str, nb_fn: Neighbours) -> tuple[tuple[str, float], ...]:
    if not is_han_run(c) or c in guards.traditional_chars():
        return ()
    return tuple((x, s) for x, s in nb_fn(c) if len(x) == 1 and x != c and is_han_run(x))


@functools.lru_cache(maxsize=16384)
def visual_han_neighbours(c: str) -> tuple[tuple[str, float], ...]:
    """The visual table's neighbours of ``c``, filtered once per character
    (:func:`_han_neighbours` over a table that does not change)."""
    from ...confusion import visual_neighbours

    return _han_neighbours(c, visual_neighbours)


@functools.lru_cache(maxsize=8)
def with_engine_pairs(pairs: tuple[str, ...]) -> Neighbours:
    """:func:`visual_han_neighbours` with an OCR engine's own misreadings
    (``Config.confusions``: :func:`cleaner.confusion.engine_pairs`) after
    each row's look-alikes, each as similar as the row's closest one (the
    channel cost of :data:`~.settings.CONTEXT_CHANNEL_COST`): the engine
    was seen to write the one for the other.  One function per table, so
    that the caches keyed by it hold; the C proposals read it through
    :func:`c_tables`.

    >>> nb = with_engine_pairs(("结 情", "己 已"))
    >>> "情" in dict(nb("结")), "情" in dict(visual_han_neighbours("结"))
    (True, False)
    >>> nb("己") == visual_han_neighbours("己")  # 已 is listed already
    True
    """
    from ...confusion import engine_pairs, visual_neighbours

    table = engine_pairs(pairs)

    def raw(c: str) -> tuple[tuple[str, float], ...]:
        row = visual_neighbours(c)
        extra = table.get(c, ())
        if not extra:
            return row
        top = max((s for _, s in row), default=1.0)
        listed = {x for x, _ in row}
        return row + tuple((x, top) for x in extra if x not in listed)

    @functools.lru_cache(maxsize=16384)
    def neighbours(c: str) -> tuple[tuple[str, float], ...]:
        return _han_neighbours(c, raw)

    def tables() -> CTables:
        from ...confusion import confusion_table

        return _tables_of(dict.fromkeys([*confusion_table(), *table]), neighbours)

    _ENGINE_TABLES[neighbours] = functools.cache(tables)
    return neighbours
