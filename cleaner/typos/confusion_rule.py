"""Rule ``ocr_confusion``: a character misread as a look-alike (土/士, 未/末).

For every character that stands alone in its context (it forms no common word
with either neighbour: OCR misreadings mostly do), each visual neighbour from
the confusion table (:func:`cleaner.confusion.visual_neighbours`) that would
form a word with a neighbour is a candidate.  Its score is a noisy-channel
log-odds, in natural-log units: the gain of the word model
(:mod:`cleaner.typos.model`) on a window of :data:`WINDOW` characters either
side, less the cost of the misreading::

    score = logprob(window with the neighbour) - logprob(window as written)
            - CHANNEL_COST - CHANNEL_SLOPE * (top - similarity)

where ``similarity`` is the table's score of the pair and ``top`` the score
of the character's closest look-alike (scores compare within a row of the
table, not across rows).

The document's own noise level sets the prior odds of a misreading
(:func:`document_prior`): a long document with few suspect characters needs
more evidence per change than a short, damaged line.

In each clause (text between clause punctuation) the candidate with the
largest score is applied when the gain reaches ``Config.typo_threshold`` and no
guard (:mod:`cleaner.typos.guards`) objects; one edit per clause at most.
A change is then made only when the text around it, with the pass's other
changes made, reads clean (the ``context`` guard,
:func:`cleaner.typos.guards.damaged_context`): a sentence with a second
error that the table cannot mend is left for review.
Other candidates whose gain reaches ``Config.suggest_threshold``, and vetoed
ones that would have been applied, are reported as suggestions with their
gain and, when vetoed, the guard's name.

:data:`CHANNEL_COST` and :data:`CHANNEL_SLOPE` were chosen on FASPell's
OCR train split (3,575 real OCR errors; ``benchmarks/test_bench_typos.py``
sweeps them): with the default ``typo_threshold`` of 6, 73 of the 74
characters the rule changes there are right, and 71 of the 74 sentences it
changes are wholly right.

With a character model (``Config.model``, :mod:`cleaner.typos.charmodel`,
issue 16), :mod:`cleaner.typos.context` then judges in context the
characters that :func:`find` left.  Without a model the rule is exactly
:func:`find`.

>>> from cleaner import explain
>>> r = explain("这位博土毕业于北京大学。", only=["ocr_confusion"])
>>> r.text
'这位博士毕业于北京大学。'
>>> [(e.rule, e.before, e.after) for e in r.edits]
[('ocr_confusion', '土', '士')]
>>> explain("我们要敢闯敢干，一往无前。", only=["ocr_confusion"]).text
'我们要敢闯敢干，一往无前。'
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import math
import operator
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import cached_arrays, usable_cache_dir
from ..chars import HAN_BLOCK
from ..edits import Edit, Suggestion
from ..rule import Rule
from . import guards
from .dashes import dash_candidates
from .model import MAX_WORD, UNKNOWN_LOGP, WordIndex, WordModel, announce_build, cache_path, code_points, han_codes, han_span, model, search_positions, speedups, word_gain_bound, word_index, word_starts

if TYPE_CHECKING:
    import numpy as np

    from ..config import Config
    from .charmodel import CharModel

__all__ = ["RULE", "NAME", "WINDOW", "Candidate", "candidates", "ocr_confusion_rule", "Neighbours", "default_neighbours"]

NAME = "ocr_confusion"
#: characters of context either side of a candidate that the score reads
WINDOW = 4
#: the channel: a misreading costs this much (natural log) before the
#: glyphs are compared ...
CHANNEL_COST = 4.0
#: ... plus this much per unit of similarity below the character's closest
#: look-alike (table scores are comparable within a row, not across rows)
CHANNEL_SLOPE = 40.0
#: how far the true gain may exceed the quick estimate (from the best word
#: that the new character pair occurs in; a longer word gains more): a
#: look-alike whose estimate falls short of the floor by more is not scored
ESTIMATE_SLACK = 8.0
#: the rate of suspects (characters with a candidate) per Han character at
#: which the channel constants hold: one in twenty, as in short OCR lines;
#: below it, :func:`document_prior` lowers every score by the log of the ratio
REFERENCE_RATE = 1 / 20
#: pseudo-counts of that rate, so that a short text keeps the tuned odds
PRIOR_SUSPECTS = 1
PRIOR_CHARS = 20
#: a web-only two-character word whose look-alike is this much more probable
#: (natural log) is taken for a misspelling
MISSPELLING_MARGIN = 5.0
#: ... and is itself at most this probable (a common word is no misspelling)
MISSPELLING_CEILING = -11.0
#: characters of context either side that the guards read
GUARD_CONTEXT = 8
#: :func:`candidates` reads a longer text in pieces of this many characters
#: (its per-character lists would take gigabytes on a 100 MB paragraph)
CHUNK = 1 << 16

Neighbours = Callable[[str], Sequence[tuple[str, float]]]

_CLAUSE_END = re.compile(r"[，。！？；：、,.!?;:…\n\r\t “”‘’\"'（）()《》〈〉「」『』【】]")


@dataclass(frozen=True, slots=True)
class Candidate:
    """Replace ``before`` at ``start`` of the text by ``after``: the score
    (``gain``, see the module doc), the table's ``similarity``, and the guard
    that vetoes it (if any)."""

    start: int
    before: str
    after: str
    gain: float
    similarity: float
    veto: str | None = None


def default_neighbours() -> Neighbours:
    """The look-alikes of the shipped confusion table, each with its visual
    similarity, most similar first (the table is loaded on first use).

    >>> [c for c, _ in default_neighbours()("土")][:3]
    ['士', '上', '圭']
    """
    from ..confusion import visual_neighbours

    return visual_neighbours


def candidates(
    text: str,
    *,
    neighbours: Neighbours | None = None,
    word_model: WordModel | None = None,
    floor: float = 0.0,
) -> list[Candidate]:
    """Every scored candidate in ``text`` with a gain of at least ``floor``,
    the guards of :func:`cleaner.typos.guards.vetoed` applied (vetoed
    candidates are kept, with ``veto`` set; the ``document`` guard is left to
    :func:`find`, which needs it only for the few that would be applied).

    A short text's suspects are found in a few passes at C speed
    (:func:`_suspects`) and each one's look-alikes get a quick estimate from
    tables of its neighbour pairs kept across texts (:func:`_screen`); a
    longer text is screened the same way in whole-text numpy passes over
    bitmaps of the word pairs (:func:`_long_candidates`).  Only the few
    look-alikes that pass are scored (:func:`_scored`).

    >>> [(c.before, c.after, round(c.gain, 1)) for c in candidates("工作己经完成了", floor=6)]
    [('己', '已', 7.8)]
    """
    if len(text) > CHUNK + 2 * GUARD_CONTEXT:
        return _chunked_candidates(text, neighbours=neighbours, word_model=word_model, floor=floor)
    if len(text) < 2 or not HAN_BLOCK.search(text):
        return []  # only a Han character has look-alikes
    nb_fn = neighbours or default_neighbours()
    m = word_model or model()
    shipped = neighbours is None and word_model is None
    if shipped and len(text) >= SHORT:
        return _long_candidates(text, m, floor)
    look = _default_look() if shipped else _Look.build(sorted(set(text)), m, nb_fn)
    pairs = list(map(operator.add, text, itertools.islice(text, 1, None)))
    suspects, banned = _suspects(pairs, text, look, m, nb_fn)
    if shipped:
        _leave_banned(text, banned)
    found = _screen(text, pairs, suspects, look, floor)
    return _scored(text, found, [han_span(text, i, WINDOW) for i, _, _ in found], m, banned, floor)


#: the last text :func:`candidates` screened with the shipped model and
#: table, and its word pairs taken for misspellings (those of
#: :func:`_default_misspellings`): :func:`_banned_pairs` reads them back
_LAST_BANNED: dict[str, frozenset[str]] = {}


def _leave_banned(text: str, banned: frozenset[str]) -> None:
    """Keep ``text``'s misspelled word pairs, as the screen of the shipped
    model found them, for the rule's context pass (:func:`_banned_pairs`),
    in place of the last text's."""
    _LAST_BANNED.clear()
    _LAST_BANNED[text] = banned


def _banned_pairs(text: str) -> frozenset[str]:
    """The word pairs of ``text`` that :func:`_default_misspellings` holds:
    as :func:`candidates` found them when it screened ``text`` last (with
    the shipped model: the rule's word pass, just before its context pass;
    not a text cut in chunks), else from the text's pairs (26 us a
    300-character piece, most of what the context pass's set-up cost).

    >>> _banned_pairs("他己经走了") == _default_misspellings().intersection(["他己", "己经", "经走", "走了"])
    True
    """
    found = _LAST_BANNED.get(text)
    if found is not None:
        return found
    return _default_misspellings().intersection(map(operator.add, text, itertools.islice(text, 1, None)))


#: a text shorter than this is screened in plain Python (:func:`_screen`):
#: numpy's fixed cost per call is more than the work on a short line.
#: 400 until 2026-12-05, when the whole-text passes had become the faster
#: from about 16 characters on text the memos had not seen (the typo rules,
#: CPU per text, lines of CSC sets and news, after 3,000 others):
#: 2-7 characters 48 us in Python against 62 in numpy, 8-15 65 / 67,
#: 16-23 90 / 73, 32-47 120 / 88, 64-95 236 / 129; news pieces of 300
#: characters 582 / 248 (the default pipeline 876 / 362).  Outputs are
#: the same either way (tests/typos/test_confusion_rule.py)
SHORT = 16


def _long_candidates(text: str, m: WordModel, floor: float) -> list[Candidate]:
    """:func:`candidates` of a longer text with the shipped model and table:
    the same screen in whole-text numpy passes (the word pairs tested in the
    bitmaps of :class:`_PairSets`, no search in the tables but for the few
    look-alike pairs that are words), on the suspects whose neighbour pairs
    can keep a look-alike at all (:func:`_side_bits`)."""
    import numpy as np

    sets = _default_pair_sets()
    partners = _default_partners()
    cp = code_points(text)
    ids = sets.ids_of(cp)
    first, second = ids[:-1], ids[1:]
    covered = np.zeros(len(cp), dtype=bool)
    covered[:-1] = sets.has(sets.bigrams, first, second)
    bad = np.flatnonzero(sets.has(sets.misspelled, first, second))
    covered[bad] = False
    banned = frozenset(text[j : j + 2] for j in bad.tolist())
    _leave_banned(text, banned)
    han = han_codes(cp)
    slot = partners.slots[han]
    # a suspect has look-alikes and forms no common word with either neighbour
    free = (slot >= 0) & ~covered
    free[1:] &= ~covered[:-1]
    suspects = np.flatnonzero(free)
    left_bits, right_bits = _side_bits(floor)
    left_keys, right_keys = _SideBounds.keys(ids, suspects, slot[suspects], partners, sets)
    suspects = suspects[_has_bit(left_bits, left_keys) | _has_bit(right_bits, right_keys)]
    if not len(suspects):
        return []
    screened = _screen_arrays(cp, ids, suspects, slot[suspects], partners, sets, word_index(m), floor)
    if len(screened[0]) < BATCH:  # numpy's cost per call is more than the bounds' work on a few
        starts, lens = _windows(han, screened[0])
        spans = list(zip(starts.tolist(), (starts + lens).tolist()))
        return _scored(text, _as_screened(screened), spans, m, banned, floor)
    return _scored_arrays(text, han, screened, m, banned, floor)


def _windows(han: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The start and length of :func:`cleaner.typos.model.han_span` of
    each of ``positions`` (Han characters; ``han`` is
    :func:`cleaner.typos.model.han_codes` of the text) with
    :data:`WINDOW`, from the Han runs of the text found once."""
    import numpy as np

    n = len(han)
    at = np.arange(n)
    is_han = han != 0
    run_start = np.maximum.accumulate(np.where(is_han, -1, at)) + 1
    run_end = np.minimum.accumulate(np.where(is_han, n, at)[::-1])[::-1]
    a = np.maximum(positions - WINDOW, run_start[positions])
    b = np.minimum(positions + WINDOW + 1, run_end[positions])
    return a, b - a


def _scored_arrays(text: str, han: np.ndarray, screened: _ScreenedArrays, m: WordModel, banned: frozenset[str], floor: float) -> list[Candidate]:
    """:func:`_scored` of a longer text: the gain of every screened
    look-alike (:func:`_screen_arrays`) in one vectorised pass
    (:meth:`WordIndex.variant_logprobs`, the same floats), so no bound is
    needed to skip any."""
    import numpy as np

    positions, tops, rows, alts, sims = screened
    starts, lens = _windows(han, positions)
    base, new = word_index(m).variant_logprobs(text, han, starts, lens, positions - starts, rows, alts, banned, m)
    gains = new - base[rows] - (CHANNEL_COST + CHANNEL_SLOPE * (tops[rows] - sims))
    out: list[Candidate] = []
    for j in np.flatnonzero(gains >= floor).tolist():
        i, nb = int(positions[rows[j]]), chr(int(alts[j]))
        ga, gb = han_span(text, i, GUARD_CONTEXT)
        out.append(Candidate(i, text[i], nb, float(gains[j]), float(sims[j]), guards.vetoed(text[ga:gb], i - ga, nb, m, banned)))
    return out


#: a text shorter than this is screened one character at a time (numpy's


_PartnerMap = dict[str, tuple[float, float, tuple[tuple[str, float], ...]]]
#: what a side of a suspect offers: the cost of the suspect and its
#: neighbour as two words, the best estimate, and each look-alike that forms
#: a word pair with the neighbour (look-alike, similarity, estimate), most
#: similar first
_Side = tuple[float, float, tuple[tuple[str, float, float], ...]]
_NO_SIDE: _Side = (0.0, -math.inf, ())


@dataclass(frozen=True, slots=True, eq=False)
class _Look:
    """What the screen reads: the characters with look-alikes (``chars``),
    each one's row (``entry``: the closest look-alike's score, its log
    probability as a word, its look-alikes that form some word pair, most
    similar first), the sides of a suspect (``left``, ``right``: by the
    neighbour pair, :data:`_Side`), the word pairs taken for misspellings
    (``misspelled``; None: decide them with :func:`_misspelling`), the
    model's bigrams and best bigram."""

    chars: frozenset[str]
    entry: Callable[[str], tuple[float, float, tuple[tuple[str, float], ...]]]
    left: Callable[[str], _Side]
    right: Callable[[str], _Side]
    misspelled: frozenset[str] | None
    bigrams: dict[str, float]
    best_pair: float

    @classmethod
    def build(cls, chars: Iterable[str], m: WordModel, nb_fn: Neighbours) -> _Look:
        """The screen's tables for ``chars`` (and another model or table
        than the shipped ones), memoised for one text."""
        pmap = _partner_map(_Partners.build(chars, m, nb_fn))
        left = functools.cache(functools.partial(_side, entry=pmap.__getitem__, m=m, left=True))
        right = functools.cache(functools.partial(_side, entry=pmap.__getitem__, m=m, left=False))
        best = max(m.bigrams.values(), default=0.0)
        return cls(frozenset(pmap), pmap.__getitem__, left, right, None, m.bigrams, best)


@functools.cache
def _default_look() -> _Look:
    """:class:`_Look` of the shipped model and table: rows made on first
    use from the cached partner arrays, sides memoised across texts (a pair
    of characters recurs across lines and documents)."""
    p = _default_partners()
    m = model()
    chars = frozenset(chr(c + 0x4DFF) for c in (p.slots >= 0).nonzero()[0].tolist())
    entry = functools.cache(functools.partial(_partner_row, p))
    # two memos of 65k neighbour pairs: the memory of the one of 131k they replace
    left = functools.lru_cache(maxsize=1 << 16)(functools.partial(_side, entry=entry, m=m, left=True))
    right = functools.lru_cache(maxsize=1 << 16)(functools.partial(_side, entry=entry, m=m, left=False))
    return _Look(chars, entry, left, right, _default_misspellings(), m.bigrams, p.best_pair)


def _partner_row(p: _Partners, c: str) -> tuple[float, float, tuple[tuple[str, float], ...]]:
    """The row of ``c`` (a character with look-alikes) in ``p``, as :func:`_partner_map` holds it."""
    r = int(p.slots[ord(c) - 0x4DFF])
    a, k = int(p.start[r]), int(p.count[r])
    nbs = tuple(zip(map(chr, p.nb[a : a + k].tolist()), p.sim[a : a + k].tolist()))
    return float(p.top[r]), float(p.c_lp[r]), nbs


def _side(pair: str, *, entry: Callable[[str], tuple[float, float, tuple[tuple[str, float], ...]]], m: WordModel, left: bool) -> _Side:
    """The :data:`_Side` of a suspect with its neighbour: ``pair`` is the
    neighbour and the suspect (``left``) or the suspect and the neighbour.
    The estimate of a look-alike is the log probability of its pair with
    the neighbour less the cost and the channel."""
    neighbour, c = (pair[0], pair[1]) if left else (pair[1], pair[0])
    top, c_lp, nbs = entry(c)
    cost = c_lp + m.char_logp(neighbour)
    get = m.bigrams.get
    out = []
    for nb, sim in nbs:
        lp = get(neighbour + nb if left else nb + neighbour)
        if lp is not None:
            out.append((nb, sim, lp - cost - CHANNEL_COST - CHANNEL_SLOPE * (top - sim)))
    return cost, max((e for _, _, e in out), default=-math.inf), tuple(out)


def _suspects(pairs: list[str], text: str, look: _Look, m: WordModel, nb_fn: Neighbours) -> tuple[list[int], frozenset[str]]:
    """The positions of the suspects (characters with look-alikes that form
    no common word pair with either neighbour: about one character in
    eight of normal prose, two OCR misreadings in three), and the word pairs
    of the text taken for misspellings.

    Web word lists carry common misspellings (周未, 己经): a pair that only
    wordfreq lists and that has a far more frequent look-alike is no word.
    """
    import numpy as np

    covered = np.frombuffer(bytes(map(look.bigrams.__contains__, pairs)), dtype=bool).copy()
    if look.misspelled is not None:
        bad = [] if look.misspelled.isdisjoint(pairs) else [j for j, p in enumerate(pairs) if p in look.misspelled]
    else:
        verdicts: dict[str, bool] = {}
        for p in set(pairs) & m.web_only:
            verdicts[p] = _misspelling(p, m, nb_fn)
        bad = [j for j, p in enumerate(pairs) if verdicts.get(p)] if any(verdicts.values()) else []
    covered[bad] = False
    free = np.frombuffer(bytes(map(look.chars.__contains__, text)), dtype=bool).copy()
    free[:-1] &= ~covered
    free[1:] &= ~covered
    return np.flatnonzero(free).tolist(), frozenset(pairs[j] for j in bad)


def _screen(text: str, pairs: list[str], suspects: list[int], look: _Look, floor: float) -> _Screened:
    """Per suspect, the look-alikes worth scoring (code point and
    similarity), in the order they are scored: the quick estimate of a
    look-alike's gain from its pair with a neighbour (:func:`_side`) must
    come within :data:`ESTIMATE_SLACK` of ``floor``; no pair scores above
    the model's best bigram, so look-alikes further below the closest one
    than that allows are not even read.  The left neighbour's pairs come
    first, the best estimate of a look-alike wins."""
    need = floor - ESTIMATE_SLACK
    last = len(text) - 1
    found: _Screened = []
    for i in suspects:
        lcost, lbest, lside = look.left(pairs[i - 1]) if i else _NO_SIDE
        rcost, rbest, rside = look.right(pairs[i]) if i < last else _NO_SIDE
        if lbest < need and rbest < need:
            continue  # no estimate can pass
        top = look.entry(text[i])[0]
        reach = top - (look.best_pair - min(lcost, rcost) - CHANNEL_COST - floor + ESTIMATE_SLACK) / CHANNEL_SLOPE
        estimates: dict[str, tuple[float, float]] = {}
        for side in (lside, rside):
            for nb, sim, est in side:
                if sim < reach:
                    break  # most similar first: the rest are further below
                if est + ESTIMATE_SLACK >= floor and est > estimates.get(nb, (-math.inf, 0.0))[0]:
                    estimates[nb] = (est, sim)
        if estimates:
            found.append((i, top, [(ord(nb), sim) for nb, (_, sim) in estimates.items()]))
    return found


def _partner_map(p: _Partners) -> _PartnerMap:
    """The rows of ``p`` as a dict: character -> (top, its log probability,
    its look-alikes with their similarity)."""
    nb, sim = [chr(c) for c in p.nb.tolist()], p.sim.tolist()
    out: _PartnerMap = {}
    for code in (p.slots >= 0).nonzero()[0].tolist():
        r = int(p.slots[code])
        a, k = int(p.start[r]), int(p.count[r])
        out[chr(code + 0x4DFF)] = (float(p.top[r]), float(p.c_lp[r]), tuple(zip(nb[a : a + k], sim[a : a + k])))
    return out


def _chunked_candidates(text: str, *, neighbours: Neighbours | None, word_model: WordModel | None, floor: float) -> list[Candidate]:
    """:func:`candidates` of a huge paragraph with bounded memory: chunks
    with GUARD_CONTEXT characters of context either side, so that every
    window, guard span and neighbour pair of a kept candidate is inside its
    chunk and the result is the same as on the whole text."""
    out_all: list[Candidate] = []
    for s in range(0, len(text), CHUNK):
        a = max(0, s - GUARD_CONTEXT)
        part = candidates(text[a : s + CHUNK + GUARD_CONTEXT], neighbours=neighbours, word_model=word_model, floor=floor)
        out_all.extend(dataclasses.replace(c, start=c.start + a) for c in part if s <= c.start + a < s + CHUNK)
    return out_all


def _screen_arrays(cp: np.ndarray, ids: np.ndarray, suspects: np.ndarray, slots: np.ndarray, partners: _Partners, sets: _PairSets, index: WordIndex, floor: float) -> _ScreenedArrays:
    """:func:`_screen` in numpy over the whole text, with the same float
    operations (so the same result): the suspect positions that keep a
    look-alike worth scoring, their closest look-alike's score, and per
    look-alike its suspect (an index into those), code point and
    similarity, in :func:`_screen`'s order (the left neighbour's pairs,
    then the right's, most similar first; each look-alike once)."""
    import numpy as np

    n = len(cp)
    deg = partners.count[slots]
    row = np.repeat(np.arange(len(suspects)), deg)
    k = np.arange(len(row)) + (partners.start[slots] - (np.cumsum(deg) - deg))[row]
    top, c_lp = partners.top[slots], partners.c_lp[slots]
    has_left, has_right = suspects > 0, suspects + 1 < n
    left_at, right_at = np.maximum(suspects - 1, 0), np.minimum(suspects + 1, n - 1)
    left_cost = np.where(has_left, c_lp + index.char_lps(cp[left_at]), 0.0)
    right_cost = np.where(has_right, c_lp + index.char_lps(cp[right_at]), 0.0)
    reach = top - (partners.best_pair - np.minimum(left_cost, right_cost) - CHANNEL_COST - floor + ESTIMATE_SLACK) / CHANNEL_SLOPE
    # no pair scores above the best bigram: the look-alikes below reach are out
    near = np.flatnonzero(partners.sim[k] >= reach[row])
    row, k = row[near], k[near]
    nb_ids = sets.partner_ids[k]
    passed = []
    for a, b, cost, exists in ((ids[left_at][row], nb_ids, left_cost, has_left), (nb_ids, ids[right_at][row], right_cost, has_right)):
        hit = np.flatnonzero(exists[row] & sets.has(sets.bigrams, a, b))
        lp = sets.bigram_lps(a[hit], b[hit])
        est = lp - cost[row[hit]] - CHANNEL_COST - CHANNEL_SLOPE * (top[row[hit]] - partners.sim[k[hit]])
        side = np.zeros(len(row), dtype=bool)
        side[hit[est + ESTIMATE_SLACK >= floor]] = True
        passed.append(side)
    left, right = passed
    # each look-alike once, where first seen: a suspect's left pairs first
    at = np.concatenate((np.flatnonzero(left), np.flatnonzero(right & ~left)))
    at = at[np.lexsort((at, np.arange(len(at)) >= np.count_nonzero(left), row[at]))]
    kept, group = np.unique(row[at], return_inverse=True)
    return suspects[kept], top[kept], group.reshape(-1), partners.nb[k[at]], partners.sim[k[at]]


#: the numpy version of :func:`_screen_arrays`, the reference for the C one
py_screen_arrays = _screen_arrays

#: the C module (:func:`cleaner.typos.model.speedups`), None when off
_SPEEDUPS = speedups()


def _c_screen_arrays(cp: np.ndarray, ids: np.ndarray, suspects: np.ndarray, slots: np.ndarray, partners: _Partners, sets: _PairSets, index: WordIndex, floor: float) -> _ScreenedArrays:
    """:func:`_screen_arrays` in C (``_cleaner_speedups.screen_arrays``: one
    call where numpy makes some 25 on a few dozen suspects; the numpy one
    for arguments C leaves)."""
    import numpy as np

    out = _SPEEDUPS.screen_arrays(cp, ids, suspects, slots, partners.count, partners.start, partners.top, partners.c_lp, partners.sim, partners.nb, partners.best_pair, sets.partner_ids, sets.bigrams, sets.width, sets.pair_keys, sets.pair_lps, index.chars, floor)
    if out is NotImplemented:
        return py_screen_arrays(cp, ids, suspects, slots, partners, sets, index, floor)
    kept, tops, group, nbs, sims = out
    return np.frombuffer(kept, np.int64), np.frombuffer(tops, np.float64), np.frombuffer(group, np.intp), np.frombuffer(nbs, np.int64), np.frombuffer(sims, np.float64)


if _SPEEDUPS is not None:  # bound once here, so that the numpy path pays nothing for the choice
    _screen_arrays = _c_screen_arrays


#: :class:`_SideBounds` holds its bounds in steps of 1/SIDE_SCALE (int16,
#: raised to -500 where lower: a raised bound is still one)
SIDE_SCALE = 64


@dataclass(frozen=True, slots=True, eq=False)
class _SideBounds:
    """What a suspect can get at best from its pair with a neighbour: for
    each (neighbour, character) pair that some look-alike of the character
    forms a word pair with, ``left_values`` holds the largest quick
    estimate plus :data:`ESTIMATE_SLACK` (what :func:`_screen` compares
    with the floor) with the neighbour on the left, rounded up to a step of
    1/:data:`SIDE_SCALE`, and ``left_keys`` the pairs (:meth:`keys`),
    sorted; ``right_*`` the same with the neighbour on the right.  A pair
    that is absent keeps no look-alike at any floor.  :func:`_side_bits`
    reads them for a floor."""

    left_keys: np.ndarray
    left_values: np.ndarray
    right_keys: np.ndarray
    right_values: np.ndarray

    @staticmethod
    def keys(ids: np.ndarray, suspects: np.ndarray, rows: np.ndarray, partners: _Partners, sets: _PairSets) -> tuple[np.ndarray, np.ndarray]:
        """The left and right keys of each of ``suspects`` (positions in a
        text whose characters have the :class:`_PairSets` ids ``ids``;
        ``rows`` their :class:`_Partners` rows; at the text's ends, a key
        of an id that is in no pair)."""
        import numpy as np

        n = len(ids)
        left = np.where(suspects > 0, ids[np.maximum(suspects - 1, 0)], sets.width - 1)
        right = np.where(suspects + 1 < n, ids[np.minimum(suspects + 1, n - 1)], sets.width - 1)
        return left * len(partners.top) + rows, rows * sets.width + right

    @classmethod
    def build(cls, partners: _Partners, sets: _PairSets, index: WordIndex) -> _SideBounds:
        """Every look-alike pair's estimate, as :func:`_screen_arrays`
        computes it (the same floats), the largest per key."""
        import numpy as np

        width, nrows = sets.width, len(partners.top)
        first, second = sets.pair_keys // width, sets.pair_keys % width
        row_of = np.repeat(np.arange(nrows), partners.count)  # the row of each look-alike entry
        used = np.flatnonzero(sets.ids < width - 1)
        id_lp = np.full(width, UNKNOWN_LOGP)
        id_lp[sets.ids[used]] = index.char_lps(used)
        sides: list[np.ndarray] = []
        for mine, theirs, left in ((second, first, True), (first, second, False)):
            order = np.argsort(mine, kind="stable")  # the word pairs with each look-alike in this place
            lo = np.searchsorted(mine[order], sets.partner_ids)
            count = np.searchsorted(mine[order], sets.partner_ids, side="right") - lo
            entry = np.repeat(np.arange(len(count)), count)
            pair = order[np.arange(len(entry)) - np.repeat(np.cumsum(count) - count, count) + lo[entry]]
            r, nb = row_of[entry], theirs[pair]
            est = sets.pair_lps[pair] - (partners.c_lp[r] + id_lp[nb]) - CHANNEL_COST - CHANNEL_SLOPE * (partners.top[r] - partners.sim[entry])
            value = np.clip(np.ceil((est + ESTIMATE_SLACK + BOUND_MARGIN) * SIDE_SCALE), -500 * SIDE_SCALE, 500 * SIDE_SCALE)
            key = nb * nrows + r if left else r * width + nb
            order = np.lexsort((-value, key))  # by key, the largest value first
            key, value = key[order], value[order]
            first_of = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
            sides += [key[first_of].astype(np.uint32), value[first_of].astype(np.int16)]
        return cls(*sides)


#: version of the cached side bounds; bump when :meth:`_SideBounds.build` changes
_SIDES_VERSION = 1


@functools.lru_cache(maxsize=4)
def _side_bits(floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Bitmaps of the left and right keys of :class:`_SideBounds` that can
    keep a look-alike at ``floor``: a suspect whose two keys are not in
    them has none that :func:`_screen_arrays` would keep, so it is not
    screened (on news, 2,100 suspects of 13,000 are; the screen's cost is
    in the 13 look-alikes of each one and their pairs' look-ups).  The
    bounds are built once per machine (seconds), a floor's bitmaps from
    them once per floor (0.1 s), and both kept in the cache folder under
    names that change with the model, the table and the screen's
    constants (loading a floor's bitmaps takes milliseconds)."""
    name = f"typo-side-bits-{_sides_key()}-{float(floor)!r}.npz"  # -20 and -20.0: one file
    arrays = cached_arrays(name, ("left", "right"), functools.partial(_floor_bits, floor))
    return arrays["left"], arrays["right"]


def _sides_key() -> str:
    """The cache name of :class:`_SideBounds`: it changes with the model,
    the table and the constants its estimates are made of."""
    constants = repr((CHANNEL_COST, CHANNEL_SLOPE, ESTIMATE_SLACK, BOUND_MARGIN, SIDE_SCALE)).encode()
    return _partners_key(_SIDES_VERSION, constants)


def _floor_bits(floor: float) -> dict[str, np.ndarray]:
    """:func:`_side_bits` made from the cached :class:`_SideBounds` (which
    are not kept in memory: a floor needs only its bitmaps)."""
    fields = tuple(f.name for f in dataclasses.fields(_SideBounds))
    name = f"typo-sides-{_sides_key()}.npz"
    b = _SideBounds(**cached_arrays(name, fields, functools.partial(_side_arrays, usable_cache_dir() / name)))
    size = len(_default_partners().top) * _default_pair_sets().width
    scaled = floor * SIDE_SCALE
    return {"left": _bitmap(b.left_keys[b.left_values >= scaled], size), "right": _bitmap(b.right_keys[b.right_values >= scaled], size)}


def _side_arrays(path: Path) -> dict[str, np.ndarray]:
    """:class:`_SideBounds` of the shipped model and table, to be cached at ``path``."""
    announce_build("the typo repair's neighbour-pair bounds", path)
    sides = _SideBounds.build(_default_partners(), _default_pair_sets(), word_index(model()))
    return {f.name: getattr(sides, f.name) for f in dataclasses.fields(_SideBounds)}


def _has_bit(bits: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """Whether bit ``flat`` of ``bits`` is set, for each of ``flat``."""
    import numpy as np

    return (bits[flat >> 3] >> (flat & 7).astype(np.uint8)) & np.uint8(1) != 0


#: :func:`_screen_arrays`' result: suspect positions, their closest
#: look-alike's score; per look-alike its suspect, code point, similarity
_ScreenedArrays = tuple["np.ndarray", "np.ndarray", "np.ndarray", "np.ndarray", "np.ndarray"]
_Screened = list[tuple[int, float, list[tuple[int, float]]]]


def _as_screened(screened: _ScreenedArrays) -> _Screened:
    """:func:`_screen_arrays`' result as :func:`_screen` gives it."""
    positions, tops, group, alts, sims = screened
    out: _Screened = [(i, top, []) for i, top in zip(positions.tolist(), tops.tolist())]
    for g, c, s in zip(group.tolist(), alts.tolist(), sims.tolist()):
        out[g][2].append((c, s))
    return out


@dataclass(frozen=True, slots=True, eq=False)
class _PairSets:
    """The word pairs of the shipped model (``bigrams``) and those taken
    for misspellings (``misspelled``) as bitmaps over the characters that
    occur in them: ``ids`` numbers those characters (``width - 1`` for any
    other code point below U+10000, whose row and column are empty), and
    pair (a, b) is bit ``ids[a] * width + ids[b]``, 3.7 MB a set for the
    5,500 characters.  A test of every pair of a text is a few array
    look-ups, where a search in the 114k sorted pairs cost 170 ns a pair.
    ``partner_ids`` the id of each look-alike of :class:`_Partners`;
    ``pair_keys``/``pair_lps`` the bigrams' values, sorted by id pair."""

    ids: np.ndarray
    width: int
    bigrams: np.ndarray
    misspelled: np.ndarray
    partner_ids: np.ndarray
    pair_keys: np.ndarray
    pair_lps: np.ndarray

    def ids_of(self, cp: np.ndarray) -> np.ndarray:
        import numpy as np

        return self.ids[np.minimum(cp, len(self.ids) - 1)]

    def has(self, bits: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each pair of ids (``a``, ``b``) is in the set ``bits``."""
        import numpy as np

        flat = a * self.width + b
        return (bits[flat >> 3] >> (flat & 7).astype(np.uint8)) & np.uint8(1) != 0

    def bigram_lps(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The :attr:`WordModel.bigrams` value of each pair of ids, all in the set."""
        import numpy as np

        return self.pair_lps[search_positions(self.pair_keys, a * self.width + b)]

    @classmethod
    def build(cls, m: WordModel, misspelled: Iterable[str], partners: _Partners) -> _PairSets:
        import numpy as np

        index = word_index(m)  # the bigrams, keyed by code points (21 bits each)
        low = np.uint64((1 << 21) - 1)
        first, second = (index.pairs >> np.uint64(21)).astype(np.int64), (index.pairs & low).astype(np.int64)
        wrong = code_points("".join(p for p in misspelled if len(p) == 2))
        seen = np.zeros(0x10000, dtype=bool)  # all Han: below U+A000
        for part in (first, second, wrong):
            seen[part] = True
        used = np.flatnonzero(seen[:-1])
        width = len(used) + 1
        ids = np.full(0x10000, width - 1, dtype=np.int64)
        ids[used] = np.arange(len(used))
        flat = ids[first] * width + ids[second]
        order = np.argsort(flat)
        bigrams = _bitmap(flat, width * width)
        misspelled_bits = _bitmap(ids[wrong[0::2]] * width + ids[wrong[1::2]], width * width)
        return cls(ids, width, bigrams, misspelled_bits, ids[partners.nb], flat[order], index.pair_lps[order])


def _bitmap(flat: np.ndarray, size: int) -> np.ndarray:
    """A bitmap of ``size`` bits with the bits ``flat`` set.

    >>> import numpy as np
    >>> _bitmap(np.array([0, 3, 9, 3]), 16).tolist()
    [9, 2]
    """
    import numpy as np

    bits = np.zeros((size + 7) // 8, dtype=np.uint8)
    if not (flat[1:] > flat[:-1]).all():  # not yet sorted and distinct
        flat = np.sort(flat)
        flat = flat[np.r_[True, flat[1:] != flat[:-1]]] if len(flat) else flat
    byte = flat >> 3
    starts = np.flatnonzero(np.r_[True, byte[1:] != byte[:-1]]) if len(flat) else np.zeros(0, dtype=np.int64)
    if len(starts):
        bits[byte[starts]] = np.bitwise_or.reduceat((1 << (flat & 7)).astype(np.uint8), starts)
    return bits


@functools.cache
def _default_pair_sets() -> _PairSets:
    return _PairSets.build(model(), _default_misspellings(), _default_partners())


def _scored(text: str, found: _Screened, spans: list[tuple[int, int]], m: WordModel, banned: frozenset[str], floor: float) -> list[Candidate]:
    """Score the screened look-alikes (:func:`_screen`): the word model's
    gain on a window of :data:`WINDOW` Han characters either side, less the
    channel cost; the guards judge those that reach ``floor``."""
    out: list[Candidate] = []
    if len(found) < BATCH:  # the batched pass costs less than the bounds
        found, spans = _bounded(text, found, spans, m, banned, floor)
    for (i, top, alikes), (base_lp, new_lps) in zip(found, _window_logprobs(text, found, spans, m, banned)):
        for (c, sim), new_lp in zip(alikes, new_lps):
            channel = CHANNEL_COST + CHANNEL_SLOPE * (top - sim)
            gain = new_lp - base_lp - channel
            if gain < floor:
                continue
            nb = chr(c)
            ga, gb = han_span(text, i, GUARD_CONTEXT)
            out.append(Candidate(i, text[i], nb, gain, sim, guards.vetoed(text[ga:gb], i - ga, nb, m, banned)))
    return out


#: float rounding allowed for in :func:`cleaner.typos.model.word_gain_bound` (sums of a few dozen
#: log probabilities: their rounding errors are below 1e-12)
BOUND_MARGIN = 1e-6


def _bounded(text: str, found: _Screened, spans: list[tuple[int, int]], m: WordModel, banned: frozenset[str], floor: float) -> tuple[_Screened, list[tuple[int, int]]]:
    """``found`` without the look-alikes whose gain provably falls short of
    ``floor`` (:func:`cleaner.typos.model.word_gain_bound`), and without the suspects left with
    none: :func:`_scored` would drop them, so its result is the same."""
    kept: _Screened = []
    kept_spans: list[tuple[int, int]] = []
    for (i, top, alikes), (a, b) in zip(found, spans):
        window = text[a:b]
        p = i - a
        old_segs: dict[tuple[int, int], float] = {}
        starts = word_starts(window, p, m)
        keep = [
            (c, sim)
            for c, sim in alikes
            if word_gain_bound(window, p, chr(c), m, banned, old_segs, starts) - (CHANNEL_COST + CHANNEL_SLOPE * (top - sim)) >= floor - BOUND_MARGIN
        ]
        if keep:
            kept.append((i, top, keep))
            kept_spans.append((a, b))
    return kept, kept_spans




#: from this many suspects on, their windows are scored in one vectorised
#: pass (:meth:`WordModel.logprobs`); fewer cost less one by one
BATCH = 128


def _window_logprobs(text: str, found: _Screened, spans: list[tuple[int, int]], m: WordModel, banned: frozenset[str]) -> list[tuple[float, list[float]]]:
    """Per screened suspect: the log probability of its window (``spans``)
    as written and with each look-alike in its place."""
    out: list[tuple[float, list[float]]] = []
    if len(found) < BATCH:
        for (i, _, alikes), (a, b) in zip(found, spans):
            out.append(m.logprob_variants(text[a:b], i - a, [chr(c) for c, _ in alikes], banned))
        return out
    windows: list[str] = []
    for (i, _, alikes), (a, b) in zip(found, spans):
        window = text[a:b]
        windows.append(window)
        windows.extend(window[: i - a] + chr(c) + window[i - a + 1 :] for c, _ in alikes)
    lps = m.logprobs(windows, banned)
    k = 0
    for _, _, alikes in found:
        out.append((lps[k], lps[k + 1 : k + 1 + len(alikes)]))
        k += 1 + len(alikes)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class _Partners:
    """The Han characters with look-alikes (Han, not themselves) that form
    a word pair with some character, one row each: the closest look-alike's
    score (``top``), the character's log probability as a word (``c_lp``),
    and those look-alikes, most similar first (``count`` of them from
    ``start`` in ``nb``, code points, and ``sim``).  ``slots`` maps a packed
    Han code (:func:`cleaner.typos.model.han_codes`) to its row, -1 where the
    character has none; ``best_pair`` is the model's best bigram."""

    slots: np.ndarray
    top: np.ndarray
    c_lp: np.ndarray
    start: np.ndarray
    count: np.ndarray
    nb: np.ndarray
    sim: np.ndarray
    best_pair: float

    @classmethod
    def build(cls, chars: Iterable[str], m: WordModel, nb_fn: Neighbours) -> _Partners:
        import numpy as np

        in_pairs = frozenset("".join(m.bigrams))
        slots = np.full(0x5201, -1, dtype=np.int64)
        top: list[float] = []
        c_lp: list[float] = []
        count: list[int] = []
        nb: list[int] = []
        sim: list[float] = []
        for c in chars:
            nbs = _han_neighbours(c, nb_fn)
            useful = sorted(((x, s) for x, s in nbs if x in in_pairs), key=lambda x: -x[1])
            if not useful:
                continue
            slots[ord(c) - 0x4DFF] = len(top)
            top.append(max(s for _, s in nbs))
            c_lp.append(m.char_logp(c))
            count.append(len(useful))
            nb.extend(ord(x) for x, _ in useful)
            sim.extend(s for _, s in useful)
        counts = np.array(count, dtype=np.int64)
        return cls(
            slots, np.array(top), np.array(c_lp), np.cumsum(counts) - counts, counts,
            np.array(nb, dtype=np.int64), np.array(sim), max(m.bigrams.values(), default=0.0),
        )


#: version of the cached partners' layout; bump when :meth:`_Partners.build` changes
_PARTNERS_VERSION = 1


@functools.cache
def _default_partners() -> _Partners:
    """The partners of the default model and the shipped table, kept in the
    cache folder beside the model under a name that changes with the model,
    the table and OpenCC's Traditional characters."""
    fields = tuple(f.name for f in dataclasses.fields(_Partners))
    arrays = cached_arrays(f"typo-partners-{_partners_key(_PARTNERS_VERSION)}.npz", fields, _partner_arrays)
    return _Partners(**{k: float(v) if k == "best_pair" else v for k, v in arrays.items()})  # type: ignore[arg-type]


@functools.cache
def _partners_key(version: int, extra: bytes = b"") -> str:
    """A name for a table built from the default model, the shipped
    confusion table and OpenCC's Traditional characters (``version``: its
    layout's; ``extra``: anything else it is built from): it changes
    whenever one of them does."""
    import hashlib

    from ..confusion import table_bytes

    table = table_bytes()
    trad = "".join(sorted(guards.traditional_chars())).encode("utf-8")
    return hashlib.sha1(b"%d|%s|" % (version, cache_path().name.encode()) + table + b"|" + trad + extra).hexdigest()[:16]


def _partner_arrays() -> dict[str, np.ndarray]:
    import numpy as np

    from ..confusion import confusion_table

    p = _Partners.build(confusion_table(), model(), default_neighbours())
    return {f.name: np.asarray(getattr(p, f.name)) for f in dataclasses.fields(_Partners)}


def _misspelling(pair: str, m: WordModel, nb_fn: Neighbours) -> bool:
    """Whether a two-character word is a look-alike of one at least
    ``e**MISSPELLING_MARGIN`` times as frequent (周未 for 周末), and no
    name (:func:`guards.reads_as_name`: a surname and a given name the web
    lists hold, 石磊 beside 石器, is a word of its own)."""
    lp = m.table.get(pair)
    if lp is None or lp > MISSPELLING_CEILING or guards.reads_as_name(pair, m):
        return False
    table = m.table
    need = lp + MISSPELLING_MARGIN
    for x, _ in nb_fn(pair[0]):
        other = table.get(x + pair[1])
        if other is not None and other >= need:
            return True
    for x, _ in nb_fn(pair[1]):
        other = table.get(pair[0] + x)
        if other is not None and other >= need:
            return True
    return False


@functools.cache
def _default_misspellings() -> frozenset[str]:
    """Every pair of the default model's ``web_only`` words that
    :func:`_misspelling` rejects with the shipped table (about 11,600 of
    72,800; 1.7 s to decide them all).  Decided once per machine and kept
    in the cache folder beside the word model, under a name that changes
    with the model, the table, the guards' word lists and the constants."""
    import hashlib

    from ..confusion import table_bytes

    m = model()
    table = table_bytes()
    key = hashlib.sha1(
        b"%s|%r|%r|" % (cache_path().name.encode(), MISSPELLING_MARGIN, MISSPELLING_CEILING) + table + resources.files("cleaner").joinpath("data", "typo_guards.txt").read_bytes()
    ).hexdigest()[:16]
    path = usable_cache_dir() / f"typo-misspellings-{key}.txt"
    cached = _read_misspellings(path)
    if cached is not None:
        return cached
    announce_build("the typo repair's misspelling table", path)
    nb_fn = default_neighbours()
    found = sorted(p for p in m.web_only if len(p) == 2 and _misspelling(p, m, nb_fn))
    body = "\n".join(found)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".typo-misspellings-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"{_MISSPELLINGS_MAGIC} {_digest(body)}\n{body}")
        os.replace(tmp, path)
    except OSError:
        pass
    return frozenset(found)


_MISSPELLINGS_MAGIC = "cleaner-typo-misspellings-v1"


def _digest(body: str) -> str:
    import hashlib

    return hashlib.sha1(body.encode("utf-8")).hexdigest()


def _read_misspellings(path: Path) -> frozenset[str] | None:
    r"""The cached table, or None when it is missing, unreadable, or damaged
    (truncated, random bytes, edited): the caller then rebuilds it, as the
    word model does, instead of crashing on every later run.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> _ = p.write_bytes(b"\xff\xfe garbage")
    >>> _read_misspellings(p) is None
    True
    >>> body = "错字\n别字"
    >>> _ = p.write_text(f"{_MISSPELLINGS_MAGIC} {_digest(body)}\n{body}", encoding="utf-8")
    >>> sorted(_read_misspellings(p))
    ['别字', '错字']
    """
    try:
        header, _, body = path.read_text(encoding="utf-8").partition("\n")
    except (OSError, ValueError):  # missing, unreadable, or not UTF-8
        return None
    if header != f"{_MISSPELLINGS_MAGIC} {_digest(body)}":
        return None
    return frozenset(body.split("\n")) - {""}


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _han_neighbours(c: str, nb_fn: Neighbours) -> tuple[tuple[str, float], ...]:
    if not _is_han(c) or c in guards.traditional_chars():
        return ()
    return tuple((x, s) for x, s in nb_fn(c) if len(x) == 1 and x != c and _is_han(x))


class _Repeats:
    """Whether the document uses the characters around a position elsewhere
    too: counted with ``str.count`` while few are asked, then from one
    count of every bigram."""

    __slots__ = ("text", "asked", "counts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.asked: dict[str, int] = {}
        self.counts: Counter[str] | None = None

    def count(self, pair: str) -> int:
        if self.counts is not None:
            return self.counts[pair]
        found = self.asked.get(pair)
        if found is None:
            if len(self.asked) >= 64:
                t = self.text
                self.counts = Counter(map(operator.add, t, itertools.islice(t, 1, None)))
                return self.counts[pair]
            found = self.asked[pair] = self.text.count(pair)
        return found

    def __call__(self, i: int) -> bool:
        t = self.text
        left = t[i - 1 : i + 1] if i else ""
        right = t[i : i + 2]
        return (len(left) == 2 and _is_han(left[0]) and self.count(left) >= 2) or (
            len(right) == 2 and _is_han(right[1]) and self.count(right) >= 2
        )


def document_prior(text: str, suspects: int) -> float:
    """The document's prior odds of a misreading, relative to the rate the
    channel constants were tuned at (natural log, never above 0).

    ``suspects`` characters of the text have a candidate: their rate, with
    :data:`PRIOR_SUSPECTS` in :data:`PRIOR_CHARS` pseudo-counts, over
    :data:`REFERENCE_RATE`.  A short text with a suspect keeps the tuned
    odds; a long clean document, whose few suspects are rare words, names
    and literary turns, needs much more evidence per change.

    >>> document_prior("越来赴", 1)
    0.0
    >>> round(document_prior("好" * 100_000, 10), 1)
    -6.1
    """
    han = len(text) - len(HAN_BLOCK.sub("", text))  # no list of every character
    rate = (suspects + PRIOR_SUSPECTS) / (han + PRIOR_CHARS)
    return min(0.0, math.log(rate / REFERENCE_RATE))


def _clause_ids(text: str, positions: list[int]) -> list[int]:
    ends = [m.start() for m in _CLAUSE_END.finditer(text)]
    return [bisect.bisect_left(ends, p) for p in positions]


def find(
    text: str,
    threshold: float,
    suggest_threshold: float,
    *,
    neighbours: Neighbours | None = None,
    word_model: WordModel | None = None,
) -> Iterator[Edit | Suggestion]:
    """Edits (gain >= ``threshold``, at most one per clause) and suggestions
    (gain >= ``suggest_threshold``) for ``text``."""
    found = candidates(text, neighbours=neighbours, word_model=word_model, floor=suggest_threshold)
    if found:
        prior = document_prior(text, len({c.start for c in found if c.veto is None}))
        if prior < 0:
            found = [dataclasses.replace(c, gain=c.gain + prior) for c in found if c.gain + prior >= suggest_threshold]
    # a dash printed for 一 (cleaner.typos.dashes): no look-alike channel, so
    # not the prior of the look-alikes' rate either (a long clean document
    # lowers every look-alike's score; a lone dash inside a word is rare there)
    dashes = dash_candidates(text, word_model or model(), floor=suggest_threshold)
    if dashes:
        found = sorted(found + [Candidate(i, d, "一", g, 1.0, v) for i, d, g, v in dashes], key=lambda c: c.start)
    if not found:
        return
    found = [dataclasses.replace(c, veto="clause") if c.veto is None and c.gain >= threshold and guards.parallel_clause(text, c.start, c.after) else c for c in found]
    repeats = _Repeats(text)
    best: dict[int, Candidate] = {}
    reported: dict[int, Candidate] = {}
    for cid, cand in zip(_clause_ids(text, [c.start for c in found]), found):
        if repeats(cand.start):
            continue  # the document's own spelling (guard "document"): not even a suggestion
        if cand.veto is None and cand.gain >= threshold and (cid not in best or cand.gain > best[cid].gain):
            if cid in best:
                _keep_best(reported, best[cid])
            best[cid] = cand
        else:
            _keep_best(reported, cand)
    # The context guard: a change is made only where, with every change of
    # this pass made, the text around it reads clean; dropping one change can
    # expose another's context, so repeat until the set holds.
    m = word_model or model()
    chosen = {c.start: c for c in best.values()}
    while chosen:
        changes = {p: c.after for p, c in chosen.items()}
        damaged = [p for p in chosen if guards.damaged_context(text, changes, p, m)]
        if not damaged:
            break
        for p in damaged:
            _keep_best(reported, dataclasses.replace(chosen.pop(p), veto="context"))
    best = {c.start: c for c in chosen.values()}
    items: list[Edit | Suggestion] = []
    for cand in best.values():
        items.append(Edit(NAME, cand.start, cand.start + 1, cand.before, cand.after, score=round(cand.gain, 3), note=f"looks like {cand.after}"))
    applied = {c.start for c in best.values()}
    for cand in reported.values():
        if cand.start in applied:
            continue
        note = f"looks like {cand.after}" + (f"; kept: {cand.veto} guard" if cand.veto else "; gain below typo_threshold" if cand.gain < threshold else "; another change in this clause")
        items.append(Suggestion(NAME, cand.start, cand.start + 1, cand.before, cand.after, score=round(cand.gain, 3), note=note))
    items.sort(key=lambda e: (e.start, isinstance(e, Suggestion)))
    yield from items


def _keep_best(reported: dict[int, Candidate], cand: Candidate) -> None:
    prev = reported.get(cand.start)
    if prev is None or cand.gain > prev.gain:
        reported[cand.start] = cand


def ocr_confusion_rule(text: str, config: Config) -> Iterator[Edit | Suggestion]:
    """The registered rule: :func:`find` with the thresholds of ``config``,
    then, when ``config.model`` names a character model,
    :func:`cleaner.typos.context.with_model` on the characters :func:`find`
    left alone."""
    if config.model is None:  # issue 16: without a model, exactly as before
        return find(text, config.typo_threshold, config.suggest_threshold)
    from .charmodel import cached
    from .context import with_model
    from .context.alikes import with_engine_pairs

    found = list(find(text, config.typo_threshold, config.suggest_threshold))  # now, not lazily (with_model reads it all first): its screen leaves the text's misspelled pairs for _banned_pairs
    banned = _banned_pairs(text)
    neighbours = with_engine_pairs(config.confusions) if config.confusions else None
    return iter(with_model(text, cached(config.model), found, rule=NAME, banned=banned, repeats=_Repeats(text), neighbours=neighbours))


RULE = Rule(
    name=NAME,
    func=ocr_confusion_rule,
    summary="replace a character misread as a look-alike when the word model's gain (and a --model's context) clears typo_threshold",
    stage="final",
    options=("typo_threshold", "suggest_threshold", "model", "confusions"),
)
