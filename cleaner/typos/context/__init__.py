"""Context from a character n-gram model learned from the user's corpus
(issue 16), for the rule ``ocr_confusion`` (:mod:`.confusion_rule`).

:func:`find_in_context` judges in context the characters that the word
model left alone: suspects are those the corpus never writes between their
two neighbours (:func:`suspects`); isolated ones, that it writes beside
neither, need less evidence.  Candidates are the visual table's look-alikes
and, at isolated suspects, the characters the corpus writes between the
same neighbours.  Each candidate's score is the character model's gain plus
the word model's gain less a channel cost per source (:class:`Scored`), and
a change needs :data:`CONTEXT_THRESHOLD` (plus :data:`CONTEXT_UNISOLATED`
where the suspect is not isolated) plus the text's noise penalty
(:func:`noise_penalty`); a change at a text's first or last character
:data:`CONTEXT_EDGE` more (:func:`one_sided`).  :func:`with_model` merges its
edits with those of the word model and, as the word model's pass does, only
suggests a change in a sentence that still reads as damaged
(:data:`CONTEXT_DAMAGED_GUARD`).  A missing or doubled character
(:func:`find_indels`, :data:`INDEL_APPLY`, off by default) is looked for
where the corpus never writes two neighbours side by side, at a strict
threshold.

The constants were chosen on the dev split of
``benchmarks/test_bench_context.py`` (THUCNews articles with real OCR
confusions from FASPell's train split injected); its test split measures.

>>> from cleaner.typos.charmodel import learn
>>> cm = learn(["我们在北京工作。他们在北京学习。"] * 30)
>>> suspects("我们在北涼工作。", cm)
[3, 4, 5]
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from ...edits import Edit, Suggestion
from .. import guards
from ..model import WordModel, c_word_gain_bounds, c_word_gain_bounds_many, code_points, han_span, is_han_run, model, search_positions, word_gain_bound, word_starts
from . import settings
from .alikes import CODE_BITS, Neighbours, alike_starts, alike_table, look_alike_row, traditional_table, two_steps, visual_alikes, visual_han_neighbours, visual_two_step_table
from .detect import han_mask, rare_ngrams, suspect_masks, suspects
from .middles import corpus_proposals, middle_runs, runs_of

if TYPE_CHECKING:
    from ..charmodel import CharModel

__all__ = ["Scored", "suspects", "one_sided", "scored_candidates", "noise_penalty", "find_in_context", "with_model", "han_span", "in_title", "rare_ngrams", "indel_candidates", "find_indels", "Neighbours", "own_rare_char", "modifies_a_title"]


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate at ``start`` with the evidence for it: the character
    model's gain (``context``), the word model's (``word``), the channel
    cost, whether the visual table lists it (else the corpus proposed it),
    the guard that objects (if any), and the best rival's context gain."""

    start: int
    before: str
    after: str
    context: float
    word: float
    channel: float
    visual: bool = True
    veto: str | None = None
    #: the character model's best gain for another candidate at ``start``
    rival: float = -math.inf
    #: whether the corpus writes what is written beside neither neighbour
    #: (else only not between the two): a change needs
    #: :data:`CONTEXT_UNISOLATED` more
    isolated: bool = True
    #: whether the candidate completes a long dictionary word that what is
    #: written does not (:data:`CONTEXT_LONG_WORD`)
    long_word: bool = False

    @property
    def score(self) -> float:
        return self.context + settings.CONTEXT_WORD_WEIGHT * self.word - self.channel


#: positions, characters, channel costs, look-alike or not, the isolated
#: positions and the long-word flags of :func:`_py_proposals`
Proposals = tuple[list[int], list[str], list[float], list[bool], frozenset[int], list[bool | None]]


def _proposals(text: str, cm: CharModel, nb_fn: Neighbours, m: WordModel, ids: np.ndarray | None = None, *, left_out: list[LeftOut] | None = None) -> Proposals:
    """:func:`_py_proposals` in one C call when the module is built and the
    neighbours are the visual table's (``_cleaner_speedups.proposals``: the
    suspects, the corpus's middles, the look-alikes and the long-word
    proposals' 4-gram counts, in that function's order): the dozen numpy
    calls and the loops per suspect cost about 0.46 ms a 300-character
    piece of unseen news, the C call 0.1 ms (0.2 on a first read of the
    model's tables).  ``ids``: ``cm.ids(text)`` when the caller has them.
    The C call's buffers are read as lists (no numpy arrays: 20 -> 9 ms of
    post-processing over 323 unseen pieces).  ``left_out``: when given
    (and :func:`_apart_on`), the look-alikes of :func:`_split_apart` are not
    among the candidates but appended to it (one :data:`LeftOut`)."""
    sink = left_out if left_out is not None and _apart_on(cm) else None
    found = _c_proposal_buffers(text, cm, nb_fn, ids, apart=sink is not None)
    if found is None:
        if sink is None:
            return _py_proposals(text, cm, nb_fn, m)
        kept, away = _split_apart(text, cm, _py_proposals(text, cm, nb_fn, m), cm.ids(text) if ids is None else ids)
        sink.append(away)
        return kept
    isolated, pos_buf, codes, deficit, kind_buf, *away_bufs = found
    costs = (0.0, settings.CONTEXT_TWO_STEP_COST, settings.CONTEXT_LONG_WORD_COST, settings.CONTEXT_CORPUS_COST, settings.CONTEXT_TWO_STEP_NEAR_COST or 0.0)  # by kind, after the look-alikes'
    kinds = _int64s(kind_buf)
    slope, cost = settings.CONTEXT_CHANNEL_SLOPE, settings.CONTEXT_CHANNEL_COST
    # the channel costs in a list (one product, one sum per float, as numpy did: the same floats): with the look-alikes left out (CONTEXT_LONE_BESIDE) 28 candidates a piece of unseen news, where a loop costs less than numpy's calls (5.5 -> 4.2 us with the kinds' lists)
    chan = [d * slope + cost if k == 0 else costs[k] for d, k in zip(memoryview(deficit).cast("d").tolist(), kinds)]
    flags: list[bool | None] = [None if k == 2 else False for k in kinds] if 2 in kinds else [False] * len(kinds)
    taken: list[tuple[int, str]] = []
    if sink is not None:
        away = _left_out_of(cm, cm.ids(text) if ids is None else ids, *away_bufs)
        sink.append(away)
        taken = list(zip(away[0].tolist(), map(chr, away[3].tolist()))) if settings.CONTEXT_WORD_PROPOSAL_COST is not None else []
    return _with_word_proposals(text, cm, m, (_int64s(pos_buf), list(map(chr, _int64s(codes))), chan, [k == 0 for k in kinds], frozenset(_int64s(isolated)), flags), taken=taken)


def _with_word_proposals(text: str, cm: CharModel, m: WordModel, found: Proposals, *, taken: Iterable[tuple[int, str]] = ()) -> Proposals:
    """``found`` with the dictionary's proposals (:func:`_word_proposals`)
    at its isolated suspects, after the other candidates of each position
    (both the C and the Python proposals go through here); none of
    ``taken`` (the look-alikes left out, :func:`_split_apart`)."""
    pos, alts, chan, visual, lone, flags = found
    if settings.CONTEXT_WORD_PROPOSAL_COST is None or not lone:
        return found
    extra = _word_proposals(text, cm, m, sorted(lone), set(zip(pos, alts)).union(taken))
    if not extra:
        return found
    pos = pos + [i for i, _ in extra]
    alts = alts + [x for _, x in extra]
    chan = chan + [settings.CONTEXT_WORD_PROPOSAL_COST] * len(extra)
    visual = visual + [False] * len(extra)
    flags = flags + [False] * len(extra)
    order = sorted(range(len(pos)), key=pos.__getitem__)  # stable: per position, the dictionary's last
    return [pos[j] for j in order], [alts[j] for j in order], [chan[j] for j in order], [visual[j] for j in order], lone, [flags[j] for j in order]


#: the word length of :func:`_word_proposals`
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


def _word_proposals(text: str, cm: CharModel, m: WordModel, lone: Sequence[int], listed: set[tuple[int, str]]) -> list[tuple[int, str]]:
    """At the isolated suspects ``lone`` (ascending): the characters the
    model knows that make a dictionary word of :data:`_WORD_PROPOSAL_LENGTH`
    Han characters with the text around them where what is written makes
    none, not ``listed`` there, as (position, character) pairs: by
    position, then by the word's start, then by code point.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["这种快乐其乐无穷。"] * 3)
    >>> _word_proposals("他说其乐无穹啊", cm, model(), [5], set())
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


def _c_proposal_lists(text: str, cm: CharModel, nb_fn: Neighbours, ids: np.ndarray | None = None) -> tuple[list[int], list[int], list[int], list[float], list[int]] | None:
    """:func:`_c_proposals` as lists (read straight from the C call's
    buffers), or None where :func:`_py_proposals` runs."""
    out = _c_proposal_buffers(text, cm, nb_fn, ids)
    if out is None:
        return None
    isolated, pos, codes, deficit, kind = out[:5]
    return _int64s(isolated), _int64s(pos), _int64s(codes), cast(list[float], memoryview(deficit).cast("d").tolist()), _int64s(kind)


def _int64s(buffer: bytearray) -> list[int]:
    """The native int64 values of ``buffer``.

    >>> _int64s(bytearray(np.array([5, -1], dtype=np.int64).tobytes()))
    [5, -1]
    """
    return memoryview(buffer).cast("q").tolist()


def _c_proposals(text: str, cm: CharModel, nb_fn: Neighbours) -> tuple[np.ndarray, ...] | None:
    """``_cleaner_speedups.proposals`` of ``text`` (the isolated positions,
    then per candidate its position, code point, similarity deficit and
    kind: 0 a look-alike, 1 a corpus proposal two steps away in the visual
    table (:func:`two_steps`) or a two-step candidate beside a neighbour
    (:func:`_two_steps_beside`), 2 a long-word proposal, 3 another corpus
    proposal, 4 a two-step candidate where what is written is not isolated
    (:func:`_two_steps_between`)), or None where :func:`_py_proposals` runs: no C module, other
    neighbours than the visual table's (:func:`visual_alikes` holds the row
    of every character: checked for each of the basic block), a model
    learned from its input."""
    out = _c_proposal_buffers(text, cm, nb_fn)
    if out is None:
        return None
    isolated, pos, codes, deficit, kind = out[:5]
    return np.frombuffer(isolated, dtype=np.int64), np.frombuffer(pos, dtype=np.int64), np.frombuffer(codes, dtype=np.int64), np.frombuffer(deficit, dtype=np.float64), np.frombuffer(kind, dtype=np.int64)


def _c_proposal_buffers(text: str, cm: CharModel, nb_fn: Neighbours, ids: np.ndarray | None = None, *, apart: bool = False, cp: np.ndarray | None = None) -> tuple[bytearray, ...] | None:
    """The eight buffers of ``_cleaner_speedups.proposals`` (int64 but the
    deficits, float64) or None (see :func:`_c_proposals`): five of the
    candidates, three of the look-alikes left out (positions, code points,
    deficits: :func:`_split_apart`, only with ``apart``); ``ids``:
    ``cm.ids(text)`` when the caller has them, ``cp``: ``code_points(text)``."""
    if settings.SPEEDUPS is None or nb_fn is not visual_han_neighbours or cm.stats.get("from_input") or not text or (settings.CONTEXT_NEAR_PAIRS is not None and settings.CONTEXT_NEAR_PAIRS < 0):
        return None  # (a count below 0: no suspect but the isolated ones, which C reads as -1, any)
    long_on = settings.CONTEXT_LONG_WORD is not None and bool(settings.CONTEXT_CORPUS_CANDIDATES)
    values = (settings.CONTEXT_DETECT, settings.CONTEXT_DETECT_PAIRS, settings.CONTEXT_CORPUS_CANDIDATES, settings.CONTEXT_CORPUS_MIN_COUNT, settings.CONTEXT_CORPUS_CANDIDATES if long_on else 0, max(settings.CONTEXT_CORPUS_MIN_COUNT, 1), settings.CONTEXT_LONG_WORD_MIN_COUNT, 0 if settings.CONTEXT_TWO_STEP_BESIDE is None else max(settings.CONTEXT_TWO_STEP_BESIDE, 1), settings.CONTEXT_TWO_STEP_NEAR_LIMIT if settings.CONTEXT_TWO_STEP_NEAR_COST is not None else 0, int(apart), -1 if settings.CONTEXT_NEAR_PAIRS is None else settings.CONTEXT_NEAR_PAIRS)
    held = _PROPOSAL_ARGS.get(cm)
    if held is None or held[0] != values or held[1] is not cm.counts or held[2] is not cm.table or held[3] is not cm._vocab_codes:
        held = (values, cm.counts, cm.table, cm._vocab_codes, *_proposal_args(cm, values))
        _PROPOSAL_ARGS[cm] = held
    cp = code_points(text) if cp is None else cp
    ids = cm.table[cp].astype(np.int64) if ids is None else ids
    out = settings.SPEEDUPS.proposals(*held[4], ids, cp, *held[5])
    return None if out is NotImplemented else tuple(out)


#: per model, the arguments of ``_cleaner_speedups.proposals`` around the
#: text's (:func:`_proposal_args`), with the parameters and the model's
#: arrays they were made for: made again when one of those changes
_PROPOSAL_ARGS: weakref.WeakKeyDictionary[CharModel, tuple[tuple[int, ...], np.ndarray, np.ndarray, np.ndarray, tuple[object, ...], tuple[object, ...]]] = weakref.WeakKeyDictionary()


def _proposal_args(cm: CharModel, values: tuple[int, ...]) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The arguments of ``_cleaner_speedups.proposals`` before the text's
    ids and code points, and after them (the parameters ``values`` as int64,
    the visual two-step table, the pair bitmaps): the same arrays every
    call, so gathered once per model (1.7 us a call of Python)."""
    table = visual_alikes()
    params = np.array(values, dtype=np.int64)
    head = (*cm._c_table, cm.counts, *cm._c_middles, table.keys, table.rank, table.deficit, alike_starts(), cm.table, cm._vocab_codes, traditional_table())
    tail = (params, *visual_two_step_table(), _pair_bits(cm, max(settings.CONTEXT_TWO_STEP_BESIDE or 1, 1)), _pair_bits(cm, 1), _pair_bits(cm, max(settings.CONTEXT_NEAR_PAIRS or 0, 0) + 1))
    return head, tail


def _py_proposals(text: str, cm: CharModel, nb_fn: Neighbours, m: WordModel) -> Proposals:
    """Per suspect, its look-alikes that the model knows (with the channel
    cost) and the characters the corpus writes between its neighbours
    (:meth:`CharModel.middles`, one batch for the text); and the isolated
    suspects.  Where what is written is not isolated, a look-alike the
    corpus never writes between the same two neighbours is dropped before
    it is scored (on the dev split none of them scored a repair; they were
    15 of 16 look-alikes there: time only), and the corpus proposes only
    characters that complete a long word (:data:`CONTEXT_LONG_WORD`) or
    that are two steps away in the visual table (:func:`_two_steps_between`);
    at isolated suspects all count in the text's noise, and the characters
    two steps away that the corpus writes beside a neighbour are candidates
    too (:func:`_two_steps_beside`).  Per position: the look-alikes, then
    the corpus's proposals, then those two steps away.  Last, per candidate:
    whether it completes a long word: None where it may (at suspects that
    are not isolated, :func:`_verified`), False elsewhere until it is scored
    (:func:`_score_all` looks the few that reach a score up)."""
    trad = guards.traditional_chars()
    found_mask, isolated = suspect_masks(text, cm)
    at = np.flatnonzero(isolated if settings.CONTEXT_DETECT_PAIRS else found_mask)  # Han characters, all below U+A000
    at = at[~traditional_table()[code_points(text)[at]]]
    is_lone = isolated[at]
    found, lone, near = at.tolist(), at[is_lone].tolist(), at[~is_lone].tolist()
    runs = middle_runs(text, cm, found)  # one look-up of the corpus's middles for every use below
    near_runs = runs_of(runs, ~is_lone)  # read, never written, by both users
    pos_list, alt_list, deficit = _visual_candidates(text, cm, nb_fn, lone, near, runs=near_runs)
    chan = (settings.CONTEXT_CHANNEL_COST + settings.CONTEXT_CHANNEL_SLOPE * deficit).tolist()
    visual = [True] * len(pos_list)
    n_visual = len(pos_list)
    extra_at: list[int] = []
    extra_alt: list[str] = []
    for i, extra in zip(lone, corpus_proposals(text, lone, cm, runs=runs_of(runs, is_lone))):
        seen = {text[i], *alt_list[bisect.bisect_left(pos_list, i, 0, n_visual) : bisect.bisect_right(pos_list, i, 0, n_visual)]}
        for x in extra:
            if x not in seen and "\u4e00" <= x <= "\u9fff" and x not in trad:  # is_han_run of one character
                seen.add(x)
                extra_at.append(i)
                extra_alt.append(x)
    for i, x in zip(extra_at, extra_alt):  # at isolated suspects a long word lifts guards, it costs as any proposal
        chan.append(settings.CONTEXT_TWO_STEP_COST if x in two_steps(text[i], nb_fn) else settings.CONTEXT_CORPUS_COST)
    pos_list += extra_at
    alt_list += extra_alt
    listed = set(zip(pos_list, alt_list))
    beside_at, beside_alt = _two_steps_beside(text, cm, nb_fn, lone, listed)
    pos_list += beside_at
    alt_list += beside_alt
    chan += [settings.CONTEXT_TWO_STEP_COST] * len(beside_at)
    listed.update(zip(beside_at, beside_alt))
    visual += [False] * (len(pos_list) - n_visual)
    flags_: list[bool | None] = [False] * len(pos_list)  # at isolated suspects found when scored (_score_all)
    between = _two_steps_between(text, cm, nb_fn, near, near_runs, listed)
    taken = listed.union(between)  # a middle two steps away is no long-word proposal
    for i, x in zip(*_near_long_words(text, near, cm, m, verify=False, runs=near_runs)):
        if (i, x) not in taken and "\u4e00" <= x <= "\u9fff" and x not in trad:  # is_han_run of one character
            pos_list.append(i)
            alt_list.append(x)
            chan.append(settings.CONTEXT_LONG_WORD_COST)
            visual.append(False)
            flags_.append(None)  # a long word, unless _verified finds none
    for i, x in between:
        pos_list.append(i)
        alt_list.append(x)
        chan.append(cast(float, settings.CONTEXT_TWO_STEP_NEAR_COST))
        visual.append(False)
        flags_.append(False)
    lone_set = frozenset(np.flatnonzero(isolated).tolist())
    if len(pos_list) == n_visual:
        return _with_word_proposals(text, cm, m, (pos_list, alt_list, chan, visual, lone_set, flags_))  # already by position
    order = sorted(range(len(pos_list)), key=pos_list.__getitem__)  # per position: look-alikes, then proposals
    return _with_word_proposals(text, cm, m, ([pos_list[j] for j in order], [alt_list[j] for j in order], [chan[j] for j in order], [visual[j] for j in order], lone_set, [flags_[j] for j in order]))


#: per model, :func:`_pair_bits` by the count they were made for
_PAIR_BITS: weakref.WeakKeyDictionary[CharModel, dict[int, np.ndarray]] = weakref.WeakKeyDictionary()


def _pair_bits(cm: CharModel, least: int) -> np.ndarray:
    """One bit per pair of ids (``left << 12 | right``, little-endian within
    each byte: 2 MB): whether the corpus writes the pair at least ``least``
    times, then a summary of one bit per 64 pairs (32 KB); made once per model (and count), so that the C proposals test
    two-step candidates beside a neighbour (:func:`_two_steps_beside`) with
    two bit reads, not two searches of the n-gram table.

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["天气很好。"] * 2)
    >>> bits = _pair_bits(cm, 2)
    >>> l, r = cm.ids("天气").tolist()
    >>> bool(bits[(l << 12 | r) >> 3] >> ((l << 12 | r) & 7) & 1), bool(bits[(r << 12 | l) >> 3] >> ((r << 12 | l) & 7) & 1)
    (True, False)
    """
    held = _PAIR_BITS.get(cm)
    if held is not None and least in held:  # the common case first: no import, no setdefault
        return held[least]
    from ..charmodel import BITS, huge_pages

    held = _PAIR_BITS.setdefault(cm, {})
    flags = np.zeros(1 << (2 * BITS), dtype=bool)
    flags[cm.pairs_at_least(least)] = True
    # then one bit per 64 pairs, set when one of them is (32 KB): the C reads it first, and a pair the corpus does not write mostly stays out of the 2 MB
    bits = np.concatenate((np.packbits(flags, bitorder="little"), np.packbits(flags.reshape(-1, 64).any(axis=1), bitorder="little")))
    held[least] = bits = huge_pages(bits)  # read at random by the C proposals
    return bits


def _two_steps_beside(text: str, cm: CharModel, nb_fn: Neighbours, lone: Sequence[int], listed: set[tuple[int, str]]) -> tuple[list[int], list[str]]:
    """At the isolated suspects ``lone`` between two Han characters
    (:data:`CONTEXT_TWO_STEP_BESIDE`): the look-alikes of the look-alikes of
    what is written, not ``listed`` there, that the model knows and the
    corpus writes beside the left or the right neighbour
    :data:`CONTEXT_TWO_STEP_BESIDE` times or more, as positions and
    characters (by position, then by code point).

    >>> from cleaner.typos.charmodel import learn
    >>> rows = {"洋": [("泮", 0.9)], "泮": [("洋", 0.9), ("京", 0.8)], "京": [("泮", 0.8)]}
    >>> cm = learn(["北京的工作。"] * 20 + ["上海工作。"])
    >>> _two_steps_beside("在北洋工作", cm, lambda c: rows.get(c, []), [2], set())
    ([2], ['京'])
    >>> _two_steps_beside("在北洋工作", learn(["北京的工作。"] * 3), lambda c: rows.get(c, []), [2], set())
    ([], [])
    """
    if settings.CONTEXT_TWO_STEP_BESIDE is None or not lone:
        return [], []
    from ..charmodel import FIRST_ID

    trad = guards.traditional_chars()
    at: list[int] = []
    alts: list[str] = []
    for i in lone:
        if not (0 < i < len(text) - 1 and "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i + 1] <= "\u9fff"):
            continue
        seen = {text[i], *(x for p, x in listed if p == i)}
        for x in sorted(two_steps(text[i], nb_fn)):
            if x not in seen and "\u4e00" <= x <= "\u9fff" and x not in trad:
                at.append(i)
                alts.append(x)
    if not at:
        return [], []
    ids, new, where = cm.ids(text), cm.ids("".join(alts)), np.asarray(at, dtype=np.int64)
    least = max(settings.CONTEXT_TWO_STEP_BESIDE, 1)
    keep = (new >= FIRST_ID) & ((cm.count(np.stack((ids[where - 1], new), axis=1)) >= least) | (cm.count(np.stack((new, ids[where + 1]), axis=1)) >= least))
    picked = np.flatnonzero(keep).tolist()
    return [at[k] for k in picked], [alts[k] for k in picked]


def _two_steps_between(text: str, cm: CharModel, nb_fn: Neighbours, near: Sequence[int], runs: tuple[np.ndarray, ...], listed: set[tuple[int, str]]) -> list[tuple[int, str]]:
    """At the suspects ``near`` (not isolated) between two Han characters
    (:data:`CONTEXT_TWO_STEP_NEAR_COST`): the characters the corpus writes
    between the same neighbours (``runs``: their :func:`middle_runs`, in
    the corpus's order) that are look-alikes of look-alikes of what is
    written, not ``listed`` there, as (position, character) pairs.

    >>> from cleaner.typos.charmodel import learn
    >>> rows = {"洋": [("泮", 0.9)], "泮": [("洋", 0.9), ("京", 0.8)], "京": [("泮", 0.8)]}
    >>> cm = learn(["在北京工作。", "北洋。"] * 3)
    >>> _two_steps_between("在北洋工作", cm, lambda c: rows.get(c, []), [2], middle_runs("在北洋工作", cm, [2]), set())
    [(2, '京')]
    """
    if settings.CONTEXT_TWO_STEP_NEAR_COST is None or not len(near):
        return []
    owner, rank, mids, _ = runs
    trad = guards.traditional_chars()
    out: list[tuple[int, str]] = []
    for o, r, code in zip(owner.tolist(), rank.tolist(), cm.codes(mids).tolist()):
        i = near[o]
        if r >= settings.CONTEXT_TWO_STEP_NEAR_LIMIT or not (0 < i < len(text) - 1 and "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i + 1] <= "\u9fff") or not 0x4E00 <= code <= 0x9FFF:
            continue
        x = chr(code)
        if x != text[i] and (i, x) not in listed and x not in trad and x in two_steps(text[i], nb_fn):
            out.append((i, x))
    return out


def _near_long_words(
    text: str, near: Sequence[int], cm: CharModel, m: WordModel, *, verify: bool = True, runs: tuple[np.ndarray, ...] | None = None
) -> tuple[list[int], list[str]]:
    """At the suspects ``near`` (not isolated, between two Han characters):
    the characters the corpus writes between the same neighbours
    (:data:`CONTEXT_CORPUS_CANDIDATES`, at least
    :data:`CONTEXT_CORPUS_MIN_COUNT` times) that complete a long word
    (:func:`_long_words`), as positions and characters; the corpus's counts
    screen them in one batch (half the Han characters of unseen text are
    such suspects).  ``verify=False``: the candidates that pass the counts,
    their words not looked for yet (:func:`_verified`); ``runs``:
    :func:`middle_runs` of ``near`` when the caller has it.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["他们大力发展旅游业。", "大力发展经济。"] * 3 + ["要大刀阔斧。"])
    >>> _near_long_words("要大刀发展经济", [2], cm, model())
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
        if not verify or _long_span(text, i, x, m) is not None:
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


def _long_words(text: str, at: Sequence[int], alts: Sequence[str], cm: CharModel, m: WordModel, *, size: int | None = None, ids: np.ndarray | None = None) -> list[bool]:
    """Per candidate (``alts[j]`` at ``at[j]``): whether it completes a
    dictionary word of :data:`CONTEXT_LONG_WORD` characters or more around
    its position where what is written has none as long; looked for only
    where the corpus writes a 4-gram holding the candidate
    :data:`CONTEXT_LONG_WORD_MIN_COUNT` times (one look-up for the text).

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["我们在北京工作，大力发展旅游业。"] * 3)
    >>> _long_words("要大刀发展经济", [2, 2], ["力", "人"], cm, model())
    [True, False]

    ``ids``: ``cm.ids(text)`` when the caller has them.
    """
    if settings.CONTEXT_LONG_WORD is None or not at:
        return [False] * len(at)
    counts = _candidate_counts(cm.ids(text) if ids is None else ids, np.asarray(at, dtype=np.int64), cm.ids("".join(alts)), cm)
    out = [False] * len(at)
    for j in np.flatnonzero(counts >= settings.CONTEXT_LONG_WORD_MIN_COUNT).tolist():
        out[j] = _long_span(text, at[j], alts[j], m, size=size) is not None
    return out


def _common_word(text: str, i: int, after: str, cm: CharModel, m: WordModel) -> bool:
    """Whether ``after`` at ``i`` completes a common dictionary word (log
    probability at least :data:`cleaner.typos.guards.COMMON_WORD_LOGP`) of
    :data:`CONTEXT_GUARD_WORD` characters or more where what is written has
    none as long (:func:`_long_span`), a word the corpus writes at least
    :data:`CONTEXT_LONG_WORD_MIN_COUNT` times.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["这样的人越来越多。"] * 3)
    >>> _common_word("这样的人越采越多。", 5, "来", cm, model()), _common_word("这样的人越采越多。", 5, "米", cm, model())
    (True, False)
    """
    span = _long_span(text, i, after, m, size=settings.CONTEXT_GUARD_WORD) if settings.CONTEXT_GUARD_WORD else None
    if span is None:
        return False
    word = text[span[0] : i] + after + text[i + 1 : span[1]]
    lp = m.word_logp(word)
    return lp is not None and lp >= guards.COMMON_WORD_LOGP and int(cm.count(cm.ids(word[: cm.order])[None, :])[0]) >= settings.CONTEXT_LONG_WORD_MIN_COUNT


def _long_span(text: str, i: int, after: str, m: WordModel, *, size: int | None = None) -> tuple[int, int] | None:
    """The span of the longest dictionary word of at least
    :data:`CONTEXT_LONG_WORD` characters around ``i`` with ``after`` there,
    when what is written has none as long there.

    >>> from cleaner.typos.model import model
    >>> _long_span("要大刀发展经济", 2, "力", model()), _long_span("要大力发展经济", 2, "刀", model())
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


def _visual_candidates(
    text: str, cm: CharModel, nb_fn: Neighbours, lone: Sequence[int], near: Sequence[int], *, runs: tuple[np.ndarray, ...] | None = None
) -> tuple[list[int], list[str], np.ndarray]:
    """The look-alikes the model knows, in the order of their rows, by
    position, with their similarity deficits: all of them at the ``lone``
    (isolated) suspects; at the others (``near``) only those the corpus
    writes between the same two neighbours, found from that side (the
    corpus's middles of each pair that are look-alikes of what is written:
    2 per suspect on news, against 14 look-alikes; ``runs``:
    :func:`middle_runs` of ``near`` when the caller has it)."""
    from ..charmodel import FIRST_ID

    pos: list[np.ndarray] = []
    rank: list[np.ndarray] = []
    alts: list[str] = []
    deficit: list[np.ndarray] = []
    if lone:
        rows = [look_alike_row(text[i], nb_fn) for i in lone]
        joined = "".join(row for row, _ in rows)
        sizes = np.fromiter((len(row) for row, _ in rows), dtype=np.int64, count=len(rows))
        known = cm.ids(joined) >= FIRST_ID
        pos.append(np.repeat(np.asarray(lone, dtype=np.int64), sizes)[known])
        rank.append((np.arange(len(joined), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes))[known])
        alts.extend(compress(joined, known.tolist()))
        deficit.append(np.concatenate([dist for _, dist in rows])[known])
    if near:
        at = np.asarray(near, dtype=np.int64)
        owner, _, mids, _ = middle_runs(text, cm, near) if runs is None else runs
        table = visual_alikes() if nb_fn is visual_han_neighbours else alike_table({text[i] for i in near}, nb_fn)
        codes = cm.codes(mids)
        key = (code_points(text)[at[owner]] << CODE_BITS) | codes
        j = search_positions(table.keys, key) if len(table.keys) else np.zeros(len(key), dtype=np.int64)
        hit = table.keys[j] == key if len(table.keys) else np.zeros(len(key), dtype=bool)
        pos.append(at[owner[hit]])
        rank.append(table.rank[j[hit]])
        alts.extend(map(chr, codes[hit].tolist()))
        deficit.append(table.deficit[j[hit]])
    if not pos:
        return [], [], np.zeros(0)
    all_pos, all_rank = np.concatenate(pos), np.concatenate(rank)
    order = np.lexsort((all_rank, all_pos))
    return all_pos[order].tolist(), [alts[k] for k in order.tolist()], np.concatenate(deficit)[order]


def scored_candidates(
    text: str, cm: CharModel, *, banned: frozenset[str] = frozenset(), neighbours: Neighbours | None = None, word_model: WordModel | None = None
) -> list[Scored]:
    """Every candidate (:func:`_proposals`) whose score may reach
    :data:`CONTEXT_SUGGEST`, with its evidence and guard; ``banned``: the
    text's word pairs that the word model lists but are misspellings."""
    return _score_all(text, cm, banned, neighbours, word_model)[0]


def noise_penalty(plausible: int, length: int) -> float:
    """How much the threshold rises for a text of ``length`` characters with
    ``plausible`` suspects (see :data:`CONTEXT_PRIOR_RATE`).

    >>> noise_penalty(3, 300), round(noise_penalty(60, 300), 2)
    (0.0, 9.63)
    """
    rate = plausible / max(length, 1)
    return settings.CONTEXT_PRIOR_WEIGHT * math.log(max(1.0, rate / settings.CONTEXT_PRIOR_RATE))


#: the look-alikes left out (:func:`_split_apart`): positions (ascending),
#: character model gains, channel costs and code points
LeftOut = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _apart_on(cm: CharModel) -> bool:
    """Whether look-alikes are left out (:data:`CONTEXT_LONE_BESIDE`): only
    where an isolated suspect's pairs are never written (the detection at
    :data:`CONTEXT_DETECT` 0, a model not learned from its input), which
    the gain of :attr:`CharModel.solo_logp` needs."""
    return settings.CONTEXT_LONE_BESIDE and settings.CONTEXT_DETECT == 0 and not cm.stats.get("from_input")


def _split_apart(text: str, cm: CharModel, found: Proposals, ids: np.ndarray) -> tuple[Proposals, LeftOut]:
    """``found`` without the look-alikes at isolated suspects that the
    corpus writes beside neither neighbour (beyond the text: the edge of a
    document), and those, with their gains (:attr:`CharModel.solo_logp`):
    the reference of the C proposals' (``params[P_APART]``).

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["北京很好。", "天凉了。"] * 3)
    >>> found = ([3, 3], ["京", "天"], [8.0, 9.0], [True, True], frozenset({3}), [False, False])
    >>> kept, away = _split_apart("他说北凉。", cm, found, cm.ids("他说北凉。"))
    >>> kept[1], away[0].tolist(), [chr(c) for c in away[3].tolist()]  # 北京 is written; 北天, 天。 are not
    (['京'], [3], ['天'])
    """
    from ..charmodel import BITS, EDGE

    pos, alts, chan, visual, lone, flags = found
    js = [j for j, (p, v) in enumerate(zip(pos, visual)) if v and p in lone]
    at = np.array([pos[j] for j in js], dtype=np.int64)
    codes = np.array([ord(alts[j]) for j in js], dtype=np.int64)
    x = cm.table[codes].astype(np.int64)
    padded = np.concatenate(([EDGE], np.asarray(ids, dtype=np.int64), [EDGE]))
    bits = _pair_bits(cm, 1)
    left, right = (padded[at] << BITS) | x, (x << BITS) | padded[at + 2]
    apart = (((bits[left >> 3] >> (left & 7)) & 1) | ((bits[right >> 3] >> (right & 7)) & 1)) == 0
    drop = set(compress(js, apart.tolist()))
    keep = [j not in drop for j in range(len(pos))]
    kept: Proposals = (list(compress(pos, keep)), list(compress(alts, keep)), list(compress(chan, keep)), list(compress(visual, keep)), lone, list(compress(flags, keep)))
    solo = cm.solo_logp
    return kept, (at[apart], solo[x[apart]] - solo[ids[at[apart]]], np.array([chan[j] for j in js], dtype=np.float64)[apart], codes[apart])


def _left_out_of(cm: CharModel, ids: np.ndarray, pos_buf: bytearray, code_buf: bytearray, deficit_buf: bytearray) -> LeftOut:
    """The C proposals' look-alikes left out as :data:`LeftOut` (the same
    floats as :func:`_split_apart`'s)."""
    pos, codes = np.frombuffer(pos_buf, dtype=np.int64), np.frombuffer(code_buf, dtype=np.int64)
    solo = cm.solo_logp
    return pos, solo[cm.table[codes]] - solo[ids[pos]], np.frombuffer(deficit_buf, dtype=np.float64) * settings.CONTEXT_CHANNEL_SLOPE + settings.CONTEXT_CHANNEL_COST, codes


def _c_score_lists(text: str, cm: CharModel, nb_fn: Neighbours, ids: np.ndarray, cp: np.ndarray) -> tuple[Proposals, list[int], list[float], set[int], np.ndarray, np.ndarray] | None:
    """What :func:`_score_all` reads before the gains in one C call after
    the proposals' (``_cleaner_speedups.proposal_lists``): :func:`_proposals`'
    candidates (with the look-alikes left out when :func:`_apart_on`) with
    :func:`_rarity_discounted`'s channel costs (per candidate: the same
    before or after :func:`_verified`), then :func:`_left_out_evidence` of
    the look-alikes left out; the same values, or None where the Python
    functions run (no C module, the dictionary's proposals on, a cost that
    is not a float); then the candidates' positions and code points as
    int64 arrays (for :meth:`CharModel.gains_at`).  The lists and numpy
    calls of those functions cost about 40 us a piece of unseen news;
    ``ids`` and ``cp``: the text's ids and code points."""
    costs = (settings.CONTEXT_CHANNEL_SLOPE, settings.CONTEXT_CHANNEL_COST, settings.CONTEXT_TWO_STEP_COST, settings.CONTEXT_LONG_WORD_COST, settings.CONTEXT_CORPUS_COST, settings.CONTEXT_TWO_STEP_NEAR_COST or 0.0, settings.CONTEXT_PLAUSIBLE)
    rare = settings.CONTEXT_RARE_RATIO is not None
    if settings.SPEEDUPS is None or settings.CONTEXT_WORD_PROPOSAL_COST is not None or not all(type(x) is float for x in (*costs, settings.CONTEXT_RARE_RATIO if rare else 0.0, settings.CONTEXT_RARE_DISCOUNT)):
        return None
    found = _c_proposal_buffers(text, cm, nb_fn, ids, apart=_apart_on(cm), cp=cp)
    if found is None:
        return None
    params = np.array((*costs, float(rare), settings.CONTEXT_RARE_RATIO if rare else 0.0, settings.CONTEXT_RARE_DISCOUNT), dtype=np.float64)
    out = settings.SPEEDUPS.proposal_lists(*found, ids, cm.table, cm.solo_logp, cm.unigram_counts if rare else _NO_COUNTS, params)
    if out is NotImplemented:
        return None
    pos, alts, chan, visual, lone, flags, away_pos, away_gain, counted = out
    return (pos, alts, chan, visual, lone, flags), away_pos, away_gain, counted, np.frombuffer(found[1], dtype=np.int64), np.frombuffer(found[2], dtype=np.int64)


#: the unigram counts :func:`_c_score_lists` passes with the rarity discount off
_NO_COUNTS = np.zeros(0, dtype=np.int64)


def _left_out_evidence(left_out: Sequence[LeftOut]) -> tuple[list[int], list[float], set[int]]:
    """The positions and gains of the look-alikes left out (as lists, for
    :func:`_rival`) and the isolated suspects they make plausible (as
    :func:`_score_all` counts them: the same floats)."""
    if not left_out or not len(left_out[0][0]):
        return [], [], set()
    pos, gain, chan, _ = left_out[0]
    plausible = pos[gain - (chan - settings.CONTEXT_CHANNEL_COST) / settings.CONTEXT_CHANNEL_SLOPE >= settings.CONTEXT_PLAUSIBLE]
    return pos.tolist(), gain.tolist(), set(plausible.tolist())


def _score_all(text: str, cm: CharModel, banned: frozenset[str], neighbours: Neighbours | None, word_model: WordModel | None) -> tuple[list[Scored], int]:
    """The candidates and the number of plausible suspects (isolated
    positions with a look-alike whose character model gain, less its
    similarity deficit, reaches :data:`CONTEXT_PLAUSIBLE`).  A candidate
    where what is written is not isolated needs :data:`CONTEXT_UNISOLATED`
    more to be reported at all."""
    nb_fn = neighbours or _default_neighbours()
    m = word_model or model()
    cp = code_points(text)
    ids = cm.table[cp].astype(np.int64)  # cm.ids(text), once for the proposals and the gains
    fused = _c_score_lists(text, cm, nb_fn, ids, cp) if nb_fn is visual_han_neighbours else None
    if fused is None:
        left_out: list[LeftOut] = []
        found = _proposals(text, cm, nb_fn, m, ids, left_out=left_out)
        away_pos, away_gain, counted = _left_out_evidence(left_out)  # in the noise and as rivals (CONTEXT_LONE_BESIDE)
    else:
        found, away_pos, away_gain, counted, at, codes = fused  # the rarity discount made
    pos, alts, chan, visual, isolated, maybe = found
    if not pos:
        return [], len(counted)
    gain_list = (cm.gains(text, pos, alts, ids=ids) if fused is None else cm.gains_at(ids, at, codes)).tolist()
    pos, alts, chan, visual, longs, gain_list = _verified(text, pos, alts, chan, visual, maybe, gain_list, m)
    if settings.CONTEXT_RARE_RATIO is not None and fused is None:
        chan = _rarity_discounted(text, pos, alts, chan, visual, cm)
    lone_floor, other_floor = settings.CONTEXT_SUGGEST, settings.CONTEXT_SUGGEST + settings.CONTEXT_UNISOLATED
    out: list[Scored] = []
    floors = (settings.CONTEXT_WORD_WEIGHT * settings.CONTEXT_WORD_SLACK, lone_floor, other_floor, settings.CONTEXT_CHANNEL_COST, settings.CONTEXT_CHANNEL_SLOPE, settings.CONTEXT_PLAUSIBLE)
    got = settings.SPEEDUPS.floor_groups(text, pos, gain_list, chan, visual, isolated, counted, alts, np.array(floors, dtype=np.float64), settings.WINDOW) if settings.SPEEDUPS is not None and all(type(x) is float for x in floors) else NotImplemented
    plausible, spans, groups, chars = _py_floor_groups(text, pos, gain_list, chan, visual, isolated, counted, alts) if got is NotImplemented else got
    if not groups:
        return out, plausible
    if settings.CONTEXT_WORD_WEIGHT >= 0:  # drop those that cannot reach the floor with the most the word model could give (every position in one batch)
        bounds = _word_gain_bounds_many(text, spans, chars, m, banned)
        weight, bars = settings.CONTEXT_WORD_WEIGHT, [(lone_floor if i in isolated else other_floor) - WORD_BOUND_MARGIN for _, _, i in spans]  # per position: the same floats
        groups = [[j for j, u in zip(g, ub) if gain_list[j] + weight * u - chan[j] >= bar] for g, ub, bar in zip(groups, bounds, bars)]
    live: list[tuple[int, int, float]] = []  # (candidate, position, word gain) of those that reach the floor
    for (a, b, i), js in zip(spans, groups):
        if not js:
            continue
        floor = lone_floor if i in isolated else other_floor
        base, news = m.logprob_variants(text[a:b], i - a, [alts[j] for j in js], banned)
        for j, new in zip(js, news):
            word = new - base
            if gain_list[j] + settings.CONTEXT_WORD_WEIGHT * word - chan[j] >= floor:  # Scored.score, the same float
                live.append((j, i, word))
    ask = [k for k, (j, _, _) in enumerate(live) if not longs[j] and not visual[j]]  # the corpus proposals not yet known to complete a long word: one look-up for all
    completes = dict(zip(ask, _long_words(text, [live[k][1] for k in ask], [alts[live[k][0]] for k in ask], cm, m, ids=ids)))
    simplified = bool(live) and not guards.has_traditional(text)  # the script guard: once for the text
    for k, (j, i, word) in enumerate(live):
        g = gain_list[j]
        long = longs[j] or completes.get(k, False)
        veto = _context_veto(text, i, alts[j], g if visual[j] else -math.inf, cm, m, banned, long_word=long, simplified=simplified)
        if veto in _LONG_WORD_YIELDS and not long and _long_words(text, [i], [alts[j]], cm, m, ids=ids)[0]:  # a look-alike that completes a long word
            long = True
            veto = _context_veto(text, i, alts[j], g, cm, m, banned, long_word=True, simplified=simplified)
        elif veto in _GUARD_WORD_YIELDS and visual[j] and _common_word(text, i, alts[j], cm, m):
            veto = _context_veto(text, i, alts[j], g, cm, m, banned, lifted=_GUARD_WORD_YIELDS, simplified=simplified)
        out.append(Scored(i, text[i], alts[j], g, word, chan[j], visual[j], veto, rival=max(_rival(pos, gain_list, j), _rival(away_pos, away_gain, -1, at=i)), isolated=i in isolated, long_word=long))
    return out, plausible


def _py_floor_groups(
    text: str, pos: list[int], gain_list: list[float], chan: list[float], visual: list[bool], isolated: frozenset[int], counted: set[int], alts: list[str]
) -> tuple[int, list[tuple[int, int, int]], list[list[int]], list[list[str]]]:
    """The plausible suspects (those of the look-alikes left out,
    ``counted``, and the isolated positions with a look-alike whose gain
    less its similarity deficit reaches :data:`CONTEXT_PLAUSIBLE`), then of
    the candidates that may reach their floor (:data:`CONTEXT_SUGGEST`,
    plus :data:`CONTEXT_UNISOLATED` where what is written is not isolated)
    with the most the word model could add (:data:`CONTEXT_WORD_SLACK`):
    per position (``pos`` ascending), its span (:func:`han_span` of
    :data:`WINDOW` and the position), the candidates' indices and their
    characters.  The reference of ``_cleaner_speedups.floor_groups``, the
    C loop :func:`_score_all` runs (8 us a piece of unseen news in Python).

    >>> _py_floor_groups("他在北凉工作", [3, 3, 4], [20.0, -5.0, 10.0], [8.0, 8.0, 28.0], [True, True, False], frozenset({3}), set(), ["京", "原", "作"])
    (1, [(0, 6, 3)], [[0]], [['京']])
    """
    # in lists, not numpy: 106 candidates a piece of unseen news on average (320 pieces), where the dozen numpy calls cost more than the loops (the same floats, the same order of operations)
    # one pass over the candidates (about 200 a piece of unseen news) for the plausible suspects and the live ones: four list passes before
    slack = settings.CONTEXT_WORD_WEIGHT * settings.CONTEXT_WORD_SLACK  # the word model may make up the rest
    lone_floor, other_floor = settings.CONTEXT_SUGGEST, settings.CONTEXT_SUGGEST + settings.CONTEXT_UNISOLATED
    plausible, seen = len(counted), -1  # pos ascending: the plausible suspects counted once each
    cost, slope, least = settings.CONTEXT_CHANNEL_COST, settings.CONTEXT_CHANNEL_SLOPE, settings.CONTEXT_PLAUSIBLE  # locals in the loop: the same floats
    groups: list[list[int]] = []  # the live candidates by position (pos ascending): one run each
    heads: list[int] = []
    last = -1
    for j, (p, g, c, v) in enumerate(zip(pos, gain_list, chan, visual)):
        if p in isolated:
            if p != seen and v and g - (c - cost) / slope >= least:
                plausible, seen = plausible + (p not in counted), p
            if not g - c + slack >= lone_floor:  # not <: the same outcome for a NaN
                continue
        elif not g - c + slack >= other_floor:
            continue
        if p == last:
            groups[-1].append(j)
        else:
            last = p
            heads.append(p)
            groups.append([j])
    return plausible, [(*han_span(text, i, settings.WINDOW), i) for i in heads], groups, [[alts[j] for j in g] for g in groups]


def _verified(
    text: str, pos: list[int], alts: list[str], chan: list[float], visual: list[bool], maybe: Sequence[bool | None], gains: list[float], m: WordModel
) -> tuple[list[int], list[str], list[float], list[bool], list[bool], list[float]]:
    """The candidates without those that might complete a long word
    (``maybe`` None: :func:`_near_long_words` unverified) and do not; only
    those whose character model gain may make them candidates, or rivals of
    one (within :data:`CONTEXT_CORPUS_MARGIN`), are looked up in the word
    list: the others cannot change an outcome (a tenth of them on news)."""
    if None not in maybe:  # identity first: no False == None compared in Python
        return pos, alts, chan, visual, [bool(f) for f in maybe], gains
    open_ = list(compress(range(len(maybe)), map(operator.is_, maybe, repeat(None))))
    bar = settings.CONTEXT_LONG_WORD_COST - settings.CONTEXT_WORD_WEIGHT * settings.CONTEXT_WORD_SLACK + settings.CONTEXT_SUGGEST + settings.CONTEXT_UNISOLATED - settings.CONTEXT_CORPUS_MARGIN
    mask = [True] * len(pos)
    for j in open_:
        mask[j] = gains[j] >= bar and _long_span(text, pos[j], alts[j], m) is not None
    if all(mask):
        return pos, alts, chan, visual, list(map(operator.is_not, maybe, repeat(False))), gains
    return (
        list(compress(pos, mask)), list(compress(alts, mask)), list(compress(chan, mask)), list(compress(visual, mask)),
        [f is not False for f in compress(maybe, mask)], list(compress(gains, mask)),
    )


def _rarity_discounted(text: str, pos: Sequence[int], alts: Sequence[str], chan: list[float], visual: Sequence[bool], cm: CharModel) -> list[float]:
    """``chan`` with :data:`CONTEXT_RARE_DISCOUNT` off each corpus proposal
    whose written character the corpus writes at most
    :data:`CONTEXT_RARE_RATIO` times as often as the proposal."""
    js = list(compress(range(len(visual)), map(operator.not_, visual)))
    if not js or settings.CONTEXT_RARE_RATIO is None:
        return chan
    chars = [text[pos[j]] for j in js] + [alts[j] for j in js]
    counts = cm.unigram_counts[cm.ids("".join(chars))].tolist()
    out = list(chan)
    n = len(js)
    for k, j in enumerate(js):
        if (counts[k] + 1) <= settings.CONTEXT_RARE_RATIO * (counts[n + k] + 1):
            out[j] = chan[j] - settings.CONTEXT_RARE_DISCOUNT
    return out


#: float rounding allowed for in :func:`_word_gain_bounds` (sums of a few
#: log probabilities: their rounding errors are far below it)
WORD_BOUND_MARGIN = 1e-6


def _word_gain_bounds(window: str, p: int, chars: Sequence[str], m: WordModel, banned: frozenset[str]) -> list[float]:
    """Per character of ``chars``: :func:`cleaner.typos.model.word_gain_bound`
    at ``p`` (the bound ``ocr_confusion`` uses without a model), sharing the
    old window's segment scores: of the 3,613 candidates of 80 unseen news
    pieces that reach the word model, 3,506 are dropped on it.

    >>> from cleaner.typos.model import model
    >>> m = model(); w = "越来赴好"
    >>> ub, = _word_gain_bounds(w, 2, ["越"], m, frozenset())
    >>> ub >= m.logprob("越来越好") - m.logprob(w)
    True
    """
    out = c_word_gain_bounds(window, p, chars, m, banned)  # one C call: the Python wrappers cost more than the bounds
    return _py_word_gain_bounds(window, p, chars, m, banned) if out is None else out


def _word_gain_bounds_many(text: str, spans: list[tuple[int, int, int]], chars: list[list[str]], m: WordModel, banned: frozenset[str]) -> list[list[float]]:
    """:func:`_word_gain_bounds` of ``text[a:b]`` at ``i - a`` for each
    ``(a, b, i)`` of ``spans`` with the characters of ``chars`` at the same
    place: one C call for the text (about ten places a piece of unseen news,
    each a Python call of its own before)."""
    out = c_word_gain_bounds_many(text, [(a, b, i - a) for a, b, i in spans], chars, m, banned)
    return [_word_gain_bounds(text[a:b], i - a, cs, m, banned) for (a, b, i), cs in zip(spans, chars)] if out is None else out


def _py_word_gain_bounds(window: str, p: int, chars: Sequence[str], m: WordModel, banned: frozenset[str]) -> list[float]:
    """:func:`_word_gain_bounds` one character at a time: the reference for
    the C one."""
    starts = word_starts(window, p, m)
    memo: dict[tuple[int, int], float] = {}
    return [word_gain_bound(window, p, c, m, banned, memo, starts) for c in chars]


#: the guards that yield to a candidate completing a long word
_LONG_WORD_YIELDS = frozenset({"parallel", "name", "proper", "word"})


_GUARD_WORD_YIELDS = frozenset({"parallel", "name", "proper"})


def _context_veto(
    text: str, i: int, after: str, gain: float, cm: CharModel, m: WordModel, banned: frozenset[str], *, long_word: bool = False, lifted: frozenset[str] = frozenset(), simplified: bool = False
) -> str | None:
    """The guards of :func:`cleaner.typos.guards.vetoed`, where the corpus
    can overrule two of them: ``name``/``proper`` when it writes the
    corrected character with its neighbours (a 4-gram seen
    :data:`CONTEXT_NAME_WAIVER` times, when that is set), ``word`` at a gain of
    :data:`CONTEXT_WORD_WAIVER`; these three and ``parallel`` to a candidate
    that completes a long word (``long_word``, :data:`CONTEXT_LONG_WORD`:
    越采越多 -> 越来越多, 愈痛愈烈 -> 愈演愈烈).  ``simplified``: the text
    holds no Traditional character (:func:`guards.has_traditional`), so
    the ``script`` guard cannot object (asked once for the text)."""
    ga, gb = han_span(text, i, settings.GUARD_CONTEXT)
    run, k = text[ga:gb], i - ga
    lifted = _LONG_WORD_YIELDS if long_word else lifted
    if not simplified and (not guards.traditional_chars().isdisjoint(run) or guards.traditional_sentence(text, i)):
        return "script"
    if guards.parallel(run, k) and "parallel" not in lifted:
        return "parallel"
    if in_title(text, i):
        return "title"
    for name, check in (("name", guards.name), ("proper", guards.proper)):
        if check(run, k, after, m) and name not in lifted and not (settings.CONTEXT_NAME_WAIVER and _corpus_writes(text, i, after, cm)):
            if name == "proper" and settings.CONTEXT_PROPER_MADE is not None and _makes_a_known_proper_noun(text, i, after, cm, m):
                continue
            return name
    if gain < settings.CONTEXT_WORD_WAIVER and "word" not in lifted and any(run[a:b] not in banned for a, b in m.covering_words(run, k)):
        return "word"
    return None


def _makes_a_known_proper_noun(text: str, i: int, after: str, cm: CharModel, m: WordModel) -> bool:
    """Whether ``after`` at ``i`` makes a proper noun of the word list that
    the corpus writes :data:`CONTEXT_PROPER_MADE` times, where no proper noun
    covers what is written and the corpus never writes ``text[i]`` beside
    either (Han) neighbour.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["香港的人口在增长。"] * 30)
    >>> _makes_a_known_proper_noun("如果否港人口", 2, "香", cm, model()) == (settings.CONTEXT_PROPER_MADE is not None)
    True
    """
    if settings.CONTEXT_PROPER_MADE is None or not (0 < i < len(text) - 1) or not is_han_run(text[i - 1 : i + 2]):
        return False
    ga, gb = han_span(text, i, settings.GUARD_CONTEXT)
    run, k = text[ga:gb], i - ga
    if any(m.tag(run[a:b]) in guards.PROPER_TAGS for a, b in m.covering_words(run, k)):
        return False
    if cm.count(cm.ids(text[i - 1 : i + 1] + text[i : i + 2]).reshape(2, 2)).any():
        return False
    new = run[:k] + after + run[k + 1 :]
    made = [new[a:b] for a, b in m.covering_words(new, k) if 2 <= b - a <= 5 and m.tag(new[a:b]) in guards.PROPER_TAGS]
    return any(int(cm.count(cm.ids(w).reshape(1, -1))[0]) >= settings.CONTEXT_PROPER_MADE for w in made)


def _corpus_writes(text: str, i: int, after: str, cm: CharModel) -> bool:
    """Whether the corpus has a 4-gram of the text, with ``after`` at ``i``,
    at least :data:`CONTEXT_NAME_WAIVER` times."""
    a, b = max(0, i - 3), min(len(text), i + 4)
    ids = cm.ids(text[a:i] + after + text[i + 1 : b])
    rows = [ids[s : s + 4] for s in range(0, len(ids) - 3)]
    return bool(rows) and bool((cm.count(np.array(rows)) >= (settings.CONTEXT_NAME_WAIVER or 0)).any())


def find_in_context(
    text: str,
    cm: CharModel,
    *,
    rule: str,
    exclude: Sequence[int] = (),
    banned: frozenset[str] = frozenset(),
    repeats: Callable[[int], bool] | None = None,
    threshold: float | None = None,
    suggest_threshold: float | None = None,
    neighbours: Neighbours | None = None,
    word_model: WordModel | None = None,
) -> list[Edit | Suggestion]:
    """Edits where the combined score (:class:`Scored`) reaches
    ``threshold`` (default :data:`CONTEXT_THRESHOLD`) and no guard objects,
    the best first, at least :data:`CONTEXT_SPACING` characters from each
    other and from the positions in ``exclude``; suggestions from
    ``suggest_threshold``.  A noisy text needs more (:func:`noise_penalty`).
    ``repeats(i)``: whether the document writes the character at ``i`` with
    a neighbour elsewhere too (the ``document`` guard; default
    :func:`cleaner.typos.guards.document_repeats`).  Each edit's note names
    the model."""
    threshold = settings.CONTEXT_THRESHOLD if threshold is None else threshold
    suggest = settings.CONTEXT_SUGGEST if suggest_threshold is None else suggest_threshold
    scored, plausible = _score_all(text, cm, banned, neighbours, word_model)
    found = [c for c in scored if c.score >= suggest + (0.0 if c.isolated else settings.CONTEXT_UNISOLATED)]
    penalty = noise_penalty(plausible, len(text))
    if not found:
        return find_indels(text, cm, rule=rule, exclude=exclude, penalty=penalty, word_model=word_model) if settings.INDEL_APPLY else []
    threshold += penalty
    if repeats is None:
        repeats = functools.partial(_repeats_at, text)
    taken = list(exclude)
    label = f"model {Path(cm.path).name}" if cm.path else "model (in memory)"
    items: list[Edit | Suggestion] = []
    best: dict[int, Scored] = {}
    for c in sorted(found, key=lambda c: -c.score):
        clear = c.visual or c.context - c.rival >= settings.CONTEXT_CORPUS_MARGIN
        need = threshold + (0.0 if c.isolated else settings.CONTEXT_UNISOLATED) + (settings.CONTEXT_EDGE if one_sided(text, c.start) else 0.0)
        may_edit = c.veto is None and c.score >= need and clear and all(abs(c.start - t) >= settings.CONTEXT_SPACING for t in taken)
        if not may_edit and c.start in best:
            continue  # neither an edit nor its place's first suggestion: dropped unread (no guard, no note)
        if _written_here(text, c, repeats, word_model or model()):
            continue  # the document's own spelling (guard "document")
        evidence = f"context {c.context:+.1f}, words {c.word:+.1f}, channel {-c.channel:.1f}; {label}"
        held = None if c.veto else "function" if function_swap(c.before, c.after, c.word, word_model or model()) else "name list" if in_a_list_of_names(text, c.start) else "own word" if own_rare_char(text, c.before, cm) else "title" if modifies_a_title(text, c.start) else None
        if may_edit and held is None:
            taken.append(c.start)
            items.append(Edit(rule, c.start, c.start + 1, c.before, c.after, score=round(c.score, 3), note=f"looks like {c.after} in context ({evidence})"))
        elif c.start not in best:
            best[c.start] = c
            why = f"kept: {c.veto or held} guard" if c.veto or held else "score below the threshold" if c.score < need else "another candidate scores nearly as well" if not clear else "another change nearby"
            items.append(Suggestion(rule, c.start, c.start + 1, c.before, c.after, score=round(c.score, 3), note=f"looks like {c.after} in context ({evidence}); {why}"))
    changed = {e.start for e in items if isinstance(e, Edit)}
    items = [e for e in items if isinstance(e, Edit) or e.start not in changed]
    if settings.CONTEXT_DAMAGED_GUARD:
        items = _doubted(text, items, {c.start for c in found if c.veto is None and c.score >= settings.CONTEXT_DOUBT} - changed - set(exclude))
    if settings.INDEL_APPLY:
        items.extend(find_indels(text, cm, rule=rule, exclude=taken, penalty=penalty, word_model=word_model))
    items.sort(key=lambda e: (e.start, isinstance(e, Suggestion)))
    return items


def own_rare_char(text: str, ch: str, cm: CharModel) -> bool:
    """Whether ``text`` writes ``ch`` twice or more and the corpus of
    ``cm`` seldom (:data:`CONTEXT_OWN_RATE`).

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["我们在北京工作。"] * 40)
    >>> own_rare_char("可垦荒地很多，每年开垦一批。", "垦", cm), own_rare_char("可垦荒地很多。", "垦", cm)
    (True, False)
    >>> own_rare_char("我们在北京，我们在上海。", "我", cm)
    False
    """
    if text.count(ch) < 2:
        return False
    count = int(cm.unigram_counts[cm.ids(ch)[0]]) if cm.knows(ch) else 0
    chars = cm.stats.get("chars", 0)
    return count < settings.CONTEXT_OWN_RATE * max(1, chars if isinstance(chars, int) else 0)


def modifies_a_title(text: str, i: int) -> bool:
    """Whether the character at ``i`` is one that modifies a title (the
    ``title_modifiers`` of ``typo_guards.txt``: 原, 前, 副 ...) and a title
    (``titles``) follows it, after a 副 at most.  Of the context pass's right
    repairs on the benchmark's dev and test splits, the cross-source dev
    split and the People's Daily pieces, one stands before a title (本报记者
    from a misread 报), and its character is no modifier.

    >>> modifies_a_title("常委原副委员长出席", 2), modifies_a_title("本极记者报道", 1)
    (True, False)
    """
    lists = guards.word_lists()
    if text[i : i + 1] not in lists["title_modifiers"]:
        return False
    j = i + 2 if text[i + 1 : i + 2] == "副" else i + 1
    return any(text[j : j + k] in lists["titles"] for k in (2, 3, 4))


def function_swap(before: str, after: str, word: float, m: WordModel) -> bool:
    """Whether changing ``before`` to ``after`` swaps two common
    one-character words (:data:`CONTEXT_FUNCTION_LOGP`) that the word model,
    whose gain is ``word``, hardly prefers (:data:`CONTEXT_FUNCTION_WORDS`):
    such a change is only suggested (guard ``function``).

    >>> from cleaner.typos.model import model
    >>> function_swap("同", "向", 0.9, model()), function_swap("同", "向", 9.0, model())
    (True, False)
    >>> function_swap("粟", "渠", 0.9, model())
    False
    """
    return word < settings.CONTEXT_FUNCTION_WORDS and min(m.char_logp(before), m.char_logp(after)) >= settings.CONTEXT_FUNCTION_LOGP


#: the characters that end an item of a list (besides 、)
_ITEM_ENDS = frozenset("、，,。；;：:！？!?（）()《》“”\"\n\t 　")


def _item(text: str, i: int) -> tuple[int, int]:
    """The span of the list item around ``text[i]`` (between two of
    :data:`_ITEM_ENDS`)."""
    a = i
    while a > 0 and text[a - 1] not in _ITEM_ENDS:
        a -= 1
    b = i + 1
    while b < len(text) and text[b] not in _ITEM_ENDS:
        b += 1
    return a, b


def in_a_list_of_names(text: str, i: int) -> bool:
    """Whether ``text[i]`` is in a name-sized place of a list written with
    、 whose neighbour across the 、 is a name: ``text[i]`` is one of the
    three characters after a 、 whose item before ends in a name (a common
    surname two or three characters before the 、), or one of the three
    before a 、 whose item after begins with a common surname
    (:func:`cleaner.typos.guards.word_lists`).  Lists of people name people
    the dictionary does not know (a rare surname, a given name that reads
    as a word), and a change there is only suggested.

    >>> in_a_list_of_names("出席的有刘健明、粟志常等人", 8)
    True
    >>> in_a_list_of_names("北京、上海、广州", 3), in_a_list_of_names("北京、上海、广州", 0)
    (False, False)
    """
    surnames = guards.word_lists()["surnames"]
    a, b = _item(text, i)
    if a >= 3 and text[a - 1] == "、" and i - a < 3:
        pa, pb = _item(text, a - 2)
        if any(pb - s >= 2 and s >= pa and text[s] in surnames for s in (pb - 3, pb - 2)):
            return True
    if b + 1 < len(text) and text[b] == "、" and b - i <= 3:
        return text[b + 1] in surnames
    return False


def indel_candidates(text: str, cm: CharModel, *, word_model: WordModel | None = None) -> list[Scored]:
    """A character missing between two Han characters that the corpus never
    writes side by side, and a doubled Han character whose pair the corpus
    never writes, as :class:`Scored` candidates (an insertion has an empty
    ``before``, a deletion an empty ``after``; windows of :data:`WINDOW`).

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["他们在北京工作。", "我们在上海学习。"] * 30)
    >>> [(c.start, c.before, c.after) for c in indel_candidates("他们北京工作。", cm)]
    [(2, '', '在')]
    >>> [(c.start, c.before, c.after) for c in indel_candidates("我们在上上海学习。", cm)]
    [(4, '上', '')]
    """
    if len(text) < 3:
        return []
    ids = cm.ids(text)
    han = han_mask(text)
    unseen = rare_ngrams(ids, cm, 2)[1:-1] & han[:-1] & han[1:]
    gaps = np.flatnonzero(unseen) + 1
    changes: list[tuple[int, str, str]] = []
    if len(gaps):
        mids, counts = cm.middles(ids[gaps - 1], ids[gaps], settings.INSERT_CANDIDATES)
        for g, row, cnt in zip(gaps.tolist(), mids.tolist(), counts.tolist()):
            for j, c in zip(row, cnt):
                ch = cm.char(j)
                if c >= settings.INSERT_MIN_COUNT and is_han_run(ch):
                    changes.append((g, "", ch))
    cp = code_points(text)  # the same character: characters the corpus lacks share a class id
    for i in np.flatnonzero(unseen & (cp[1:] == cp[:-1])).tolist():
        changes.append((i + 1, text[i + 1], ""))
    return _score_indels(text, cm, changes, word_model or model())


def _score_indels(text: str, cm: CharModel, changes: Sequence[tuple[int, str, str]], m: WordModel) -> list[Scored]:
    """Each change scored by both models on the text around it, with the
    guards: Traditional text, parallel turns, titles, and the ``word`` guard
    (the pair the change splits or drops is a word: 北大, 天天)."""
    if not changes:
        return []
    n = len(text)
    olds: list[str] = []
    news: list[str] = []
    firsts: list[int] = []
    for at, before, after in changes:
        a, b = max(0, at - settings.WINDOW), min(n, at + len(before) + settings.WINDOW)
        olds.append(text[a:b])
        news.append(text[a:at] + after + text[at + len(before) : b])
        firsts.append(at - a)
    lp = cm.tail_logprob(olds + news, firsts + firsts)
    gains = (lp[len(olds) :] - lp[: len(olds)]).tolist()
    out = []
    for (at, before, after), g, old, new, f in zip(changes, gains, olds, news, firsts):
        wa, wb = han_span(old, f, settings.WINDOW) if before else han_span(old, max(f - 1, 0), settings.WINDOW)
        word = m.logprob(new[wa : wb + len(after) - len(before)]) - m.logprob(old[wa:wb])
        seam = _seam(text, at, m, suffixes=not after)
        cost = (settings.INSERT_COST if after else settings.DELETE_COST) + (settings.INDEL_TWO_WORDS if seam else 0.0)
        veto = _indel_veto(text, at, m, doubled=bool(before))
        if veto is None and not _joins_a_word(new, f, after, m):
            veto = "unjoined"
        out.append(Scored(at, before, after, g, word, cost, visual=False, veto=veto))
    return out


def _seam(text: str, at: int, m: WordModel, *, suffixes: bool = False) -> bool:
    """Whether the gap before ``text[at]`` is the seam of two dictionary
    words, one ending there and one beginning there (``suffixes``: or a place
    or organisation suffix ending there, :func:`cleaner.typos.guards.word_lists`).
    Clean text reads so: a character inserted there breaks a word (一如|往常),
    and a doubled character there (its second copy at ``at``) is two words
    sharing it (居住住所, 学期期间, 出版社社长), which damage seldom makes.

    >>> from cleaner.typos.model import model
    >>> _seam("一切都一如往常", 5, model()), _seam("华人民共国成立", 4, model())
    (True, False)
    >>> _seam("还可在学期期间每周", 5, model()), _seam("经济济发展", 2, model())
    (True, False)
    """
    if at < 1 or at + 1 >= len(text):
        return False
    a, b = han_span(text, at, settings.WINDOW)
    run, k = text[a:b], at - a
    if not any(s == k for s, _ in m.covering_words(run, k)):
        return False
    return any(e == k for _, e in m.covering_words(run, k - 1)) or (suffixes and any(run[:k].endswith(x) for x in guards.word_lists()["proper_suffixes"]))


def _joins_a_word(new: str, at: int, after: str, m: WordModel) -> bool:
    """Whether, in the text with the change made (``new``, the change at
    ``at``), the inserted character, or the copy of a doubled one that
    stays, is in a dictionary word (众议员员 -> 议员, 经济济发展 -> 经济; a
    reduplication such as 趴趴走 leaves no word).

    >>> from cleaner.typos.model import model
    >>> _joins_a_word("高规划", 2, "", model()), _joins_a_word("到处趴走了", 3, "", model())
    (True, False)
    """
    pos = at if after else at - 1
    return 0 <= pos < len(new) and next(iter(m.covering_words(new, pos)), None) is not None


def _indel_veto(text: str, at: int, m: WordModel, *, doubled: bool) -> str | None:
    """The guard that keeps the pair ``text[at - 1 : at + 1]`` as written
    (a doubled character is no parallel turn: only a doubled word is)."""
    ga, gb = han_span(text, at, settings.GUARD_CONTEXT)
    run, k = text[ga:gb], at - ga
    if not guards.traditional_chars().isdisjoint(run) or guards.traditional_sentence(text, at):
        return "script"
    if not doubled and (guards.parallel(run, k) or guards.parallel(run, k - 1)):
        return "parallel"
    if in_title(text, at) or in_quote(text, at):
        return "title"
    if any(a < k and b > k for a, b in m.covering_words(run, k)):
        return "word"
    if doubled and _reduplicated(run, k):
        return "reduplication"
    return None


def _reduplicated(run: str, k: int) -> bool:
    """Whether the pair ``run[k - 1 : k + 1]`` of the same character is a
    measure word reduplicated after 一 (一台台, 一步步: one by one), which
    clean text writes.

    >>> _reduplicated("就好比一台台的车子", 5), _reduplicated("经济济发展", 2)
    (True, False)
    """
    return k >= 2 and run[k - 2] == "一"


def find_indels(
    text: str, cm: CharModel, *, rule: str, exclude: Sequence[int] = (), penalty: float = 0.0, word_model: WordModel | None = None
) -> list[Edit | Suggestion]:
    """Edits for the candidates of :func:`indel_candidates` whose score
    reaches :data:`INDEL_THRESHOLD` plus ``penalty`` (the text's noise) with
    no guard objecting, :data:`CONTEXT_SPACING` characters from each other
    and from ``exclude``; one per position; the rest that score above
    :data:`CONTEXT_SUGGEST` are suggestions."""
    label = f"model {Path(cm.path).name}" if cm.path else "model (in memory)"
    taken = list(exclude)
    items: list[Edit | Suggestion] = []
    seen: set[int] = set()
    for c in sorted(indel_candidates(text, cm, word_model=word_model), key=lambda c: -c.score):
        if c.score < settings.CONTEXT_SUGGEST or c.start in seen or text.count(text[max(c.start - 1, 0) : c.start + 1]) > 1:
            continue  # the document writes the pair elsewhere too (guard "document")
        seen.add(c.start)
        what = f"missing {c.after}" if c.after else f"doubled {c.before}"
        note = f"{what} in context (context {c.context:+.1f}, words {c.word:+.1f}, channel {-c.channel:.1f}; {label})"
        end = c.start + len(c.before)
        strong = c.score >= settings.INDEL_THRESHOLD + penalty and c.context >= settings.INDEL_MIN_CONTEXT
        if c.veto is None and strong and all(abs(c.start - t) >= settings.CONTEXT_SPACING for t in taken):
            taken.append(c.start)
            items.append(Edit(rule, c.start, end, c.before, c.after, score=round(c.score, 3), note=note))
        else:
            why = f"kept: {c.veto} guard" if c.veto else "score below the threshold" if not strong else "another change nearby"
            items.append(Suggestion(rule, c.start, end, c.before, c.after, score=round(c.score, 3), note=f"{note}; {why}"))
    return items


def with_model(
    text: str,
    cm: CharModel,
    found: Iterable[Edit | Suggestion],
    *,
    rule: str,
    banned: frozenset[str] = frozenset(),
    repeats: Callable[[int], bool] | None = None,
) -> list[Edit | Suggestion]:
    """The word model's edits and suggestions (``found``) with those of
    :func:`find_in_context` on the characters it did not change: a change
    the model makes replaces the word model's suggestion there; a suggestion
    of both is reported once."""
    items = list(found)
    done = [e.start for e in items if isinstance(e, Edit)]
    extra = find_in_context(text, cm, rule=rule, exclude=done, banned=banned, repeats=repeats)
    if settings.CONTEXT_DAMAGED_GUARD:
        extra = _still_damaged(text, cm, items, extra)
    changed = {e.start for e in extra if isinstance(e, Edit)}
    items = [e for e in items if isinstance(e, Edit) or e.start not in changed]
    seen = {(e.start, e.after) for e in items}
    items.extend(e for e in extra if isinstance(e, Edit) or (e.start, e.after) not in seen)
    items.sort(key=lambda e: (e.start, isinstance(e, Suggestion)))
    return items


def _still_damaged(text: str, cm: CharModel, found: Sequence[Edit | Suggestion], extra: list[Edit | Suggestion]) -> list[Edit | Suggestion]:
    """``extra`` (the context pass's items) with each one-character change
    that leaves its sentence reading as damaged, with every change of both
    passes made (:func:`cleaner.typos.guards.damaged_context`, the guard the
    word model's changes pass), reported as a suggestion instead (the
    ``context`` guard): a sentence with a second error that neither pass
    can mend is left for review.  Dropping a change can expose another's
    context, so repeat until the set holds.

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["所以我希望我每一场演唱会都有人来。所以我有时候会讨厌这种情况。"] * 20)
    >>> e = Edit("ocr_confusion", 3, 4, "着", "希", score=12.0, note="looks like 希 in context")
    >>> [type(x).__name__ for x in _still_damaged("历以我着望我每一场演唱会", cm, [], [e])]
    ['Suggestion']
    >>> e = Edit("ocr_confusion", 5, 6, "侯", "候", score=16.6, note="looks like 候 in context")
    >>> [type(x).__name__ for x in _still_damaged("所以我有时侯会讨厌这种情况", cm, [], [e])]
    ['Edit']
    """
    m = model()
    subs = {id(e) for e in extra if isinstance(e, Edit) and len(e.before) == len(e.after) == 1}
    kept = {p: e.after for e in found if isinstance(e, Edit) and len(e.before) == len(e.after) == 1 for p in (e.start,)}
    mine = {e.start: e for e in extra if id(e) in subs}
    dropped: set[int] = set()
    while mine:
        changes = {**kept, **{p: e.after for p, e in mine.items()}}
        damaged = [p for p in mine if _stray_near(text, changes, p, cm, m)]
        if not damaged:
            break
        for p in damaged:
            del mine[p]
            dropped.add(p)
    if not dropped:
        return extra
    out: list[Edit | Suggestion] = []
    for e in extra:
        if id(e) in subs and e.start in dropped:
            out.append(Suggestion(e.rule, e.start, e.end, e.before, e.after, score=e.score if e.score is not None else 0.0, note=f"{e.note}; kept: context guard"))
        else:
            out.append(e)
    return out


def one_sided(text: str, i: int) -> bool:
    """Whether ``text[i]`` has no character on one side: the first or last
    of the text or of a line, where the character model reads only one
    side's context.

    >>> one_sided("我们准各好了", 5), one_sided("我们准各好了", 3), one_sided("第一行\\n第二行", 2)
    (True, False, True)
    """
    return i == 0 or i == len(text) - 1 or text[i - 1] in "\n\r" or text[i + 1] in "\n\r"


_SENTENCE_END = frozenset("。！？!?\n\r")


def _around(text: str, p: int) -> tuple[int, int]:
    """The span within :data:`guards.CONTEXT_WIDTH` of ``p`` that does not
    cross the end of its sentence (。！？ or a line break).

    >>> _around("他说。我们准各好了吗？好", 6)
    (3, 10)
    """
    w = guards.CONTEXT_WIDTH
    a, b = max(0, p - w), min(len(text), p + w + 1)
    a = next((j + 1 for j in range(p - 1, a - 1, -1) if text[j] in _SENTENCE_END), a)
    b = next((j for j in range(p + 1, b) if text[j] in _SENTENCE_END), b)
    return a, b


def _doubted(text: str, items: list[Edit | Suggestion], doubts: set[int]) -> list[Edit | Suggestion]:
    """``items`` with each change that has, within its sentence's span
    (:func:`_around`), a position in ``doubts`` (a candidate no guard objects
    to, scoring at least :data:`CONTEXT_DOUBT`, left unchanged) reported as a
    suggestion: the sentence holds a second error the pass leaves.

    >>> e = Edit("ocr_confusion", 10, 11, "士", "土", score=23.7, note="looks like 土 in context")
    >>> [type(x).__name__ for x in _doubted("我对于各个地万那种风士人情", [e], {6})]
    ['Suggestion']
    >>> [type(x).__name__ for x in _doubted("我对于各个地万那种。风士人情", [e], {6})]
    ['Edit']
    """
    if not doubts:
        return items
    out: list[Edit | Suggestion] = []
    for e in items:
        a, b = _around(text, e.start)
        if isinstance(e, Edit) and any(a <= q < b for q in doubts):
            e = Suggestion(e.rule, e.start, e.end, e.before, e.after, score=e.score or 0.0, note=f"{e.note}; kept: context guard (a second error nearby)")
        out.append(e)
    return out


def _stray_near(text: str, changes: dict[int, str], p: int, cm: CharModel, m: WordModel) -> bool:
    """Whether, with ``changes`` made, a Han character within
    :data:`guards.CONTEXT_WIDTH` of ``p`` in its sentence, other than a
    changed one, reads as damage to both models: the word model's stray
    character (no word pair with either neighbour, log probability as a word
    below :data:`guards.STRAY_LOGP`, as :func:`guards.damaged_context`) that
    the corpus never writes between its two neighbours (:func:`suspect_masks`).
    The word model alone flags common characters of news (几 in 了几大分类,
    增 before a number) that an in-domain corpus writes where they stand.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["所以我希望我每一场演唱会都有人来。"] * 30)
    >>> _stray_near("历以我希望我每一场演唱会", {}, 3, cm, model()), _stray_near("所以我希望我每一场演唱会", {}, 3, cm, model())
    (True, False)
    """
    a, b = _around(text, p)
    lo, hi = max(0, a - 1), min(len(text), b + 1)
    seg = list(text[lo:hi])
    for q, ch in changes.items():
        if lo <= q < hi:
            seg[q - lo] = ch
    odd = suspect_masks("".join(seg), cm)[1]
    for q in range(a - lo, b - lo):
        ch = seg[q]
        if not odd[q] or q + lo in changes or (q > 0 and seg[q - 1] + ch in m.bigrams) or (q + 1 < len(seg) and ch + seg[q + 1] in m.bigrams):
            continue
        if m.char_logp(ch) < guards.STRAY_LOGP and not _in_name(seg, q, m):
            return True
    return False


def _in_name(seg: Sequence[str], q: int, m: WordModel) -> bool:
    """Whether ``seg[q]`` belongs to a name, which reads as stray to the
    word model and is not damage: a person's name, at ``q`` or starting
    there (a surname before a given name: 车 of 处长车伟民), or a proper
    noun (:func:`guards.name`, :func:`guards.proper`)."""
    run = "".join(seg)
    return guards.name(run, q, run[q], m) or (q + 1 < len(run) and guards.name(run, q + 1, run[q + 1], m)) or guards.proper(run, q, run[q], m)


def _rival(pos: Sequence[int], gains: Sequence[float], j: int, *, at: int | None = None) -> float:
    """The best gain of another proposal at the position of proposal ``j``
    (``pos`` in ascending order); ``at``: of every proposal at that
    position (``j`` then names none).

    >>> _rival([3, 3, 3, 7], [1.0, 5.0, 2.0, 4.0], 1), _rival([3, 3, 3, 7], [1.0, 5.0, 2.0, 4.0], 3)
    (2.0, -inf)
    >>> _rival([3, 3, 3, 7], [1.0, 5.0, 2.0, 4.0], -1, at=3)
    5.0
    """
    p = pos[j] if at is None else at
    lo, hi = bisect.bisect_left(pos, p), bisect.bisect_right(pos, p)
    return max((gains[k] for k in range(lo, hi) if k != j), default=-math.inf)


def in_title(text: str, i: int) -> bool:
    """Whether ``text[i]`` is inside a title in 《》 (a name, written as its
    author chose) of at most :data:`TITLE_WIDTH` characters.

    >>> in_title("电影《未血绸缪》上映", 4), in_title("《画壁》的魔幻爱结巨制", 8)
    (True, False)
    """
    a = text.rfind("《", max(0, i - settings.TITLE_WIDTH), i)
    if a < 0 or text.find("》", a, i) >= 0:
        return False
    b = text.find("》", i, a + settings.TITLE_WIDTH + 1)
    return b >= 0


def in_quote(text: str, i: int) -> bool:
    """Whether ``text[i]`` is inside a short quoted term (“”, at most
    :data:`QUOTE_WIDTH` characters): a coinage, slogan or name, often a
    parallel turn (宜商宜居) that a dropped character turns into a doubled
    one.

    >>> in_quote("打造“宜商宜居”的概念", 4), in_quote("他说：“我们明天去北京开会吧。”", 6)
    (True, False)
    """
    a = text.rfind("“", max(0, i - settings.QUOTE_WIDTH), i + 1)
    if a < 0 or text.find("”", a, i) >= 0:
        return False
    b = text.find("”", i, a + settings.QUOTE_WIDTH + 2)
    return b >= 0


def _written_here(text: str, c: Scored, repeats: Callable[[int], bool], m: WordModel) -> bool:
    """The ``document`` guard: whether the document writes what is written
    at ``c`` elsewhere too: the character with a neighbour (``repeats``), or,
    for a candidate that completes a long word, the whole stretch that word
    would cover (a near miss whose one pair the document also writes
    elsewhere, 要的 of 举足轻要的 in 我要的, is still a near miss).

    >>> from cleaner.typos.model import model
    >>> t = "它是举足轻要的角色。这是我要的。"
    >>> c = Scored(5, "要", "重", 18.0, 19.0, 16.0, visual=False, long_word=True)
    >>> _written_here(t, c, lambda i: True, model()), _written_here(t + "举足轻要", c, lambda i: True, model())
    (False, True)
    """
    if not c.long_word:
        return repeats(c.start)
    span = _long_span(text, c.start, c.after, m)
    return span is None or text.count(text[span[0] : span[1]]) > 1


def _repeats_at(text: str, i: int) -> bool:
    return guards.document_repeats(text, i, i + 1)


def _default_neighbours() -> Neighbours:
    return visual_han_neighbours
