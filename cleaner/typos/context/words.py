"""Dictionary words a candidate completes: near misses of long words
(:data:`~.settings.CONTEXT_LONG_WORD`), common words that lift guards, and
the dictionary's own proposals at isolated suspects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .. import guards
from ..model import WordModel, han_span, is_han_run
from . import settings
from .detect import han_mask
from .middles import middle_runs

if TYPE_CHECKING:
    from ..charmodel import CharModel


#: the word length of :func:`word_proposals`
_WORD_PROPOSAL_LENGTH = 4
#: per word table (by id, with the table itself): :func:`_wildcard_index`
_WILDCARDS: dict[int, tuple[dict[str, float | None], np.ndarray, np.ndarray]] = {}


def _wildcard_index(m: WordModel) -> tuple[np.ndarray, np.ndarray]:
    """Every Han word of :data:`_WORD_PROPOSAL_LENGTH` characters of the
    word list with one character left out, as the sorted hashes of the word
    with ``?`` in that place, and the character left out (code point): one
    search finds the characters that complete a word around a position.
    Hashes only (4 MB where a dictionary of the 340,000 patterns takes ten
    times that); a match is checked against the word list."""
    held = _WILDCARDS.get(id(m.table))
    if held is not None and held[0] is m.table:
        return held[1], held[2]
    n = _WORD_PROPOSAL_LENGTH
    words = [w for w, lp in m.table.items() if lp is not None and len(w) == n and is_han_run(w)]
    keys = np.fromiter((hash(w[:k] + "?" + w[k + 1 :]) for w in words for k in range(n)), dtype=np.int64, count=n * len(words))
    codes = np.fromiter((ord(c) for w in words for c in w), dtype=np.int64, count=n * len(words))
    order = np.lexsort((codes, keys))
    _WILDCARDS[id(m.table)] = (m.table, keys[order], codes[order])
    return keys[order], codes[order]


def word_proposals(text: str, cm: CharModel, m: WordModel, lone: Sequence[int], listed: set[tuple[int, str]]) -> list[tuple[int, str]]:
    """At the isolated suspects ``lone`` (ascending): the characters the
    model knows that make a dictionary word of :data:`_WORD_PROPOSAL_LENGTH`
    Han characters with the text around them where what is written makes
    none, not ``listed`` there, as (position, character) pairs: by
    position, then by the word's start, then by code point.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["这种快乐其乐无穷。"] * 3, keep_repeats=True)
    >>> word_proposals("他说其乐无穹啊", cm, model(), [5], set())
    [(5, '穷')]
    """
    keys, codes = _wildcard_index(m)
    trad = guards.traditional_chars()
    n = _WORD_PROPOSAL_LENGTH
    wild: list[int] = []
    where: list[tuple[int, int]] = []
    for i in lone:
        if text[i] in trad:
            continue
        a, b = han_span(text, i, n - 1)  # a word is Han: windows inside the run only
        for s in range(a, b - n + 1):
            wild.append(hash(text[s:i] + "?" + text[i + 1 : s + n]))
            where.append((i, s))
    if not wild:
        return []
    h = np.array(wild, dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, h), len(keys) - 1)
    hit = np.flatnonzero(keys[at] == h).tolist()
    seen = set(listed)
    out: list[tuple[int, str]] = []
    for k in hit:
        (i, s), lo = where[k], int(at[k])
        if m.table.get(text[s : s + n]) is not None:
            continue
        hi = lo + 1
        while hi < len(keys) and keys[hi] == wild[k]:
            hi += 1
        for x in map(chr, codes[lo:hi].tolist()):
            if x != text[i] and (i, x) not in seen and x not in trad and m.table.get(text[s:i] + x + text[i + 1 : s + n]) is not None and cm.knows(x):
                seen.add((i, x))
                out.append((i, x))
    return out


def near_long_words(
    text: str, near: Sequence[int], cm: CharModel, m: WordModel, *, verify: bool = True, runs: tuple[np.ndarray, ...] | None = None
) -> tuple[list[int], list[str]]:
    """At the suspects ``near`` (not isolated, between two Han characters):
    the characters the corpus writes between the same neighbours
    (:data:`CONTEXT_CORPUS_CANDIDATES`, at least
    :data:`CONTEXT_CORPUS_MIN_COUNT` times) that complete a long word
    (:func:`long_words`), as positions and characters; the corpus's counts
    screen them in one batch (half the Han characters of unseen text are
    such suspects).  ``verify=False``: the candidates that pass the counts,
    their words not looked for yet (:func:`_verified`); ``runs``:
    :func:`middle_runs` of ``near`` when the caller has it.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["他们大力发展旅游业。", "大力发展经济。"] * 3 + ["要大刀阔斧。"], keep_repeats=True)
    >>> near_long_words("要大刀发展经济", [2], cm, model())
    ([2], ['力'])
    """
    if settings.CONTEXT_LONG_WORD is None or not settings.CONTEXT_CORPUS_CANDIDATES or not len(near):
        return [], []
    owner, rank, mids, counts = middle_runs(text, cm, near) if runs is None else runs
    han = han_mask(text)
    at = np.asarray(near, dtype=np.int64)
    inner = (at > 0) & (at < len(text) - 1)
    inner[inner] = han[at[inner] - 1] & han[at[inner] + 1]  # between two Han characters
    pick = inner[owner] & (rank < settings.CONTEXT_CORPUS_CANDIDATES) & (counts >= max(settings.CONTEXT_CORPUS_MIN_COUNT, 1))  # CharModel.middles
    if not pick.any():
        return [], []
    where, alts = at[owner[pick]], mids[pick]
    keep = np.flatnonzero(_candidate_counts(cm.ids(text), where, alts, cm) >= settings.CONTEXT_LONG_WORD_MIN_COUNT)
    out_at, out_alt = [], []
    for i, x in zip(where[keep].tolist(), map(cm.char, alts[keep].tolist())):
        if not verify or long_span(text, i, x, m) is not None:
            out_at.append(i)
            out_alt.append(x)
    return out_at, out_alt


def _candidate_counts(ids: np.ndarray, at: np.ndarray, new: np.ndarray, cm: CharModel) -> np.ndarray:
    """Per candidate (the id ``new[j]`` at ``at[j]`` of the text's ``ids``):
    :func:`_four_gram_counts` of its window (in one C call when the module
    is built)."""
    from ..charmodel import windows

    if settings.SPEEDUPS is not None:
        out = np.empty(len(at), dtype=np.int64)
        done = settings.SPEEDUPS.four_gram_max(*cm._c_table, cm.counts, np.ascontiguousarray(ids, dtype=np.int64), np.ascontiguousarray(at, dtype=np.int64), np.ascontiguousarray(new, dtype=np.int64), out)
        if done is None:
            return out
    rows = windows(ids, at, 3, 3)
    rows[:, 3] = new
    return _four_gram_counts(rows, cm)


def _four_gram_counts(rows: np.ndarray, cm: CharModel) -> np.ndarray:
    """Per row of 7 ids (a candidate at column 3), the most the corpus
    writes any of the four 4-grams holding it."""
    return cm.count(np.concatenate([rows[:, s : s + 4] for s in range(4)])).reshape(4, len(rows)).max(axis=0)


def long_words(text: str, at: Sequence[int], alts: Sequence[str], cm: CharModel, m: WordModel, *, size: int | None = None, ids: np.ndarray | None = None) -> list[bool]:
    """Per candidate (``alts[j]`` at ``at[j]``): whether it completes a
    dictionary word of :data:`CONTEXT_LONG_WORD` characters or more around
    its position where what is written has none as long; looked for only
    where the corpus writes a 4-gram holding the candidate
    :data:`CONTEXT_LONG_WORD_MIN_COUNT` times (one look-up for the text).

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["我们在北京工作，大力发展旅游业。"] * 3, keep_repeats=True)
    >>> long_words("要大刀发展经济", [2, 2], ["力", "人"], cm, model())
    [True, False]

    ``ids``: ``cm.ids(text)`` when the caller has them.
    """
    if settings.CONTEXT_LONG_WORD is None or not at:
        return [False] * len(at)
    counts = _candidate_counts(cm.ids(text) if ids is None else ids, np.asarray(at, dtype=np.int64), cm.ids("".join(alts)), cm)
    out = [False] * len(at)
    for j in np.flatnonzero(counts >= settings.CONTEXT_LONG_WORD_MIN_COUNT).tolist():
        out[j] = long_span(text, at[j], alts[j], m, size=size) is not None
    return out


def common_word(text: str, i: int, after: str, cm: CharModel, m: WordModel) -> bool:
    """Whether ``after`` at ``i`` completes a common dictionary word (log
    probability at least :data:`cleaner.typos.guards.COMMON_WORD_LOGP`) of
    :data:`CONTEXT_GUARD_WORD` characters or more where what is written has
    none as long (:func:`long_span`), a word the corpus writes at least
    :data:`CONTEXT_LONG_WORD_MIN_COUNT` times.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["这样的人越来越多。"] * 3, keep_repeats=True)
    >>> common_word("这样的人越采越多。", 5, "来", cm, model()), common_word("这样的人越采越多。", 5, "米", cm, model())
    (True, False)
    """
    span = long_span(text, i, after, m, size=settings.CONTEXT_GUARD_WORD) if settings.CONTEXT_GUARD_WORD else None
    if span is None:
        return False
    word = text[span[0] : i] + after + text[i + 1 : span[1]]
    lp = m.word_logp(word)
    return lp is not None and lp >= guards.COMMON_WORD_LOGP and int(cm.count(cm.ids(word[: cm.order])[None, :])[0]) >= settings.CONTEXT_LONG_WORD_MIN_COUNT


def long_span(text: str, i: int, after: str, m: WordModel, *, size: int | None = None) -> tuple[int, int] | None:
    """The span of the longest dictionary word of at least
    :data:`CONTEXT_LONG_WORD` characters around ``i`` with ``after`` there,
    when what is written has none as long there.

    >>> from cleaner.typos.model import model
    >>> long_span("要大刀发展经济", 2, "力", model()), long_span("要大力发展经济", 2, "刀", model())
    ((1, 5), None)
    """
    size = (settings.CONTEXT_LONG_WORD or 0) if size is None else size
    a, b = han_span(text, i, 7)
    old = text[a:b]
    new = old[: i - a] + after + old[i - a + 1 :]
    s, e = max(m.covering_words(new, i - a, size), key=lambda span: span[1] - span[0], default=(0, 0))
    if e == s or e - s <= max((y - x for x, y in m.covering_words(old, i - a, size)), default=0):
        return None
    return a + s, a + e
