"""Which characters the character model doubts: the suspects of a text
(those the corpus never writes between their two neighbours) and the
isolated ones among them (written beside neither), from the corpus's
n-gram counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import settings

if TYPE_CHECKING:
    from ..charmodel import CharModel


def suspects(text: str, cm: CharModel) -> list[int]:
    """Positions of Han characters that the character model finds
    suspicious: the corpus writes them between their two neighbours at most
    :data:`CONTEXT_DETECT` times (:func:`rare_ngrams`) and beside one of them
    at most :data:`CONTEXT_NEAR_PAIRS` times, or, with
    :data:`CONTEXT_DETECT_PAIRS`, beside neither neighbour.

    >>> from cleaner.typos.charmodel import learn
    >>> suspects("我们在北涼工作。", learn(["我们在北京工作。"] * 3, keep_repeats=True))
    [3, 4, 5]
    """
    found, isolated = suspect_masks(text, cm)
    return np.flatnonzero(isolated if settings.CONTEXT_DETECT_PAIRS else found).tolist()


def suspect_masks(text: str, cm: CharModel, *, own: OwnNgrams | None = None, ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per character: whether it is a Han character the corpus writes at
    most :data:`CONTEXT_DETECT` times between its two neighbours (and at
    most :data:`CONTEXT_NEAR_PAIRS` times beside one of them), and whether
    it is one the corpus writes so rarely beside either neighbour
    (isolated; every isolated character is a suspect).  ``own``: with a
    model learned from its input, the n-grams to leave out when ``text`` is
    a segment of a longer text (:func:`own_ngrams` of that text; default:
    ``text``'s own).  ``ids``: ``cm.ids(text)`` when the caller has them."""
    if not text:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    ids = cm.ids(text) if ids is None else ids
    han = han_mask(text)
    if cm.stats.get("from_input"):  # the text's own occurrences do not count (rare_ngrams)
        pairs, triples = _rare_grams(ids, cm, DETECT_ORDERS, own=own)
        triples = triples[1:-1]
        weak = pairs if settings.CONTEXT_NEAR_PAIRS is None else _rare_grams(ids, cm, (2,), detect=settings.CONTEXT_NEAR_PAIRS, own=own)[0]
    else:
        two, three = cm.neighbour_counts(ids)
        pairs, triples = two <= settings.CONTEXT_DETECT, three <= settings.CONTEXT_DETECT
        weak = pairs if settings.CONTEXT_NEAR_PAIRS is None else two <= settings.CONTEXT_NEAR_PAIRS
    isolated = han & pairs[:-1] & pairs[1:]  # the pairs before, between and after the characters
    near = han & triples if settings.CONTEXT_NEAR_PAIRS is None else han & triples & (weak[:-1] | weak[1:])
    return isolated | near, isolated


def han_mask(text: str) -> np.ndarray:
    """Per character, whether it is a CJK unified ideograph of the basic
    block (:func:`cleaner.typos.model.is_han_run` of each, in one numpy pass
    over the code points: 20x the per-character test on news).

    >>> han_mask("北京, 2021年").tolist()
    [True, True, False, False, False, False, False, False, True]
    """
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return (cp >= 0x4E00) & (cp <= 0x9FFF)


def rare_ngrams(ids: np.ndarray, cm: CharModel, n: int, *, own: OwnNgrams | None = None) -> np.ndarray:
    """For each ``n``-gram of the text padded with ``n - 1`` edges either
    side (``len(ids) + n - 1`` of them, the one at ``j`` ending at the text's
    character ``j``), whether the corpus writes it at most
    :data:`CONTEXT_DETECT` times.  When the model was learned from the
    input itself (``cleaner clean --learn``: ``stats["from_input"]``), the
    text's own occurrences do not count: a typo the corpus has only here is
    still rare (``own``: those of a longer text it is a segment of,
    :func:`own_ngrams`).

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["我们在北京工作。"] * 3 + ["他在北涼。"], keep_repeats=True)
    >>> rare_ngrams(cm.ids("他在北涼。"), cm, 2).tolist()
    [False, False, False, False, False, False]
    >>> cm.stats["from_input"] = True
    >>> rare_ngrams(cm.ids("他在北涼。"), cm, 2).tolist()
    [True, True, False, True, True, False]
    """
    return _rare_grams(ids, cm, (n,), own=own)[0]


#: the orders of the n-grams that find the suspects (pairs and triples)
DETECT_ORDERS = (2, 3)
#: a text's own n-grams (:func:`own_ngrams`): sorted table keys and their counts
OwnNgrams = tuple[np.ndarray, np.ndarray]


def own_ngrams(ids: np.ndarray) -> OwnNgrams:
    """The distinct n-grams of :data:`DETECT_ORDERS` of a text (its ids,
    padded as :func:`rare_ngrams` pads them) as sorted table keys, and how
    often the text holds each.

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["北京北京"])
    >>> keys, counts = own_ngrams(cm.ids("北京北京"))
    >>> sorted(counts.tolist())  # pairs: edge-北, 北京 twice, 京北, 京-edge; triples: 6, one each
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 2]
    """
    keys, counts = np.unique(np.concatenate([_padded_keys(ids, n) for n in DETECT_ORDERS]), return_counts=True)
    return keys, counts


def _padded_keys(ids: np.ndarray, n: int) -> np.ndarray:
    """The table keys of the ``n``-grams of ``ids`` padded with ``n - 1``
    edges either side."""
    from ..charmodel import EDGE, ngram_keys, windows

    padded = np.concatenate((np.full(n - 1, EDGE, dtype=np.int64), ids, np.full(n - 1, EDGE, dtype=np.int64)))
    return ngram_keys(windows(padded, np.arange(len(ids) + n - 1, dtype=np.int64), 0, n - 1))


def _rare_grams(ids: np.ndarray, cm: CharModel, orders: Sequence[int], *, detect: int | None = None, own: OwnNgrams | None = None) -> list[np.ndarray]:
    """:func:`rare_ngrams` for each order of ``orders``, in one look-up
    (``detect``: the count that is rare, :data:`CONTEXT_DETECT` when None;
    ``own``: the occurrences to leave out, default the text's)."""
    keys, limits = [], []
    for n in orders:
        key = _padded_keys(ids, n)
        limit = np.full(len(key), settings.CONTEXT_DETECT if detect is None else detect, dtype=np.int64)
        if cm.stats.get("from_input"):
            if own is None:
                _, back, times = np.unique(key, return_inverse=True, return_counts=True)  # of the keys: a unique of the rows (axis=0) cost 0.2 ms a piece
                limit += times[back]
            else:
                whole, times = own
                at = np.minimum(np.searchsorted(whole, key), len(whole) - 1)
                limit += np.where(whole[at] == key, times[at], 0)
        keys.append(key)
        limits.append(limit)
    counts = cm.counts_of_keys(np.concatenate(keys))
    ends = np.cumsum([len(k) for k in keys])
    return [c <= limit for c, limit in zip(np.split(counts, ends[:-1]), limits)]
