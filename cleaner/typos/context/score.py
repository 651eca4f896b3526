"""The score of each candidate (:class:`Scored`): the character model's
gain, the word model's gain (bounded first, :func:`_word_gain_bounds`) and
the channel cost, the floors a candidate must reach to be scored at all,
and the noise of a text (:func:`noise_penalty`)."""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from typing import TYPE_CHECKING

import numpy as np

from .. import guards
from ..model import WordModel, c_word_gain_bounds, c_word_gain_bounds_many, code_points, han_span, model, word_gain_bound, word_starts
from . import settings
from .alikes import Neighbours, c_tables, visual_han_neighbours
from .detect import OwnNgrams
from .proposals import LeftOut, Proposals, apart_on, c_proposal_buffers, proposals_of
from .vetoes import GUARD_WORD_YIELDS, LONG_WORD_YIELDS, context_veto
from .words import common_word, long_span, long_words

if TYPE_CHECKING:
    from ..charmodel import CharModel


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


def scored_candidates(
    text: str, cm: CharModel, *, banned: frozenset[str] = frozenset(), neighbours: Neighbours | None = None, word_model: WordModel | None = None
) -> list[Scored]:
    """Every candidate (:func:`proposals_of`) whose score may reach
    :data:`CONTEXT_SUGGEST`, with its evidence and guard; ``banned``: the
    text's word pairs that the word model lists but are misspellings."""
    return score_all(text, cm, banned, neighbours, word_model)[0]


def noise_penalty(plausible: int, length: int) -> float:
    """How much the threshold rises for a text of ``length`` characters with
    ``plausible`` suspects (see :data:`CONTEXT_PRIOR_RATE`).

    >>> noise_penalty(3, 300), round(noise_penalty(60, 300), 2)
    (0.0, 9.63)
    """
    rate = plausible / max(length, 1)
    return settings.CONTEXT_PRIOR_WEIGHT * math.log(max(1.0, rate / settings.CONTEXT_PRIOR_RATE))


def _c_score_lists(text: str, cm: CharModel, nb_fn: Neighbours, ids: np.ndarray, cp: np.ndarray, own: OwnNgrams | None = None) -> tuple[Proposals, list[int], list[float], set[int], np.ndarray, np.ndarray] | None:
    """What :func:`score_all` reads before the gains in one C call after
    the proposals' (``_cleaner_speedups.proposal_lists``): :func:`proposals_of`'
    candidates (with the look-alikes left out when :func:`apart_on`) with
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
    found = c_proposal_buffers(text, cm, nb_fn, ids, apart=apart_on(cm), cp=cp, own=own)
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
    :func:`score_all` counts them: the same floats)."""
    if not left_out or not len(left_out[0][0]):
        return [], [], set()
    pos, gain, chan, _ = left_out[0]
    plausible = pos[gain - (chan - settings.CONTEXT_CHANNEL_COST) / settings.CONTEXT_CHANNEL_SLOPE >= settings.CONTEXT_PLAUSIBLE]
    return pos.tolist(), gain.tolist(), set(plausible.tolist())


def score_all(text: str, cm: CharModel, banned: frozenset[str], neighbours: Neighbours | None, word_model: WordModel | None, *, own: OwnNgrams | None = None) -> tuple[list[Scored], int]:
    """The candidates and the number of plausible suspects (isolated
    positions with a look-alike whose character model gain, less its
    similarity deficit, reaches :data:`CONTEXT_PLAUSIBLE`).  A candidate
    where what is written is not isolated needs :data:`CONTEXT_UNISOLATED`
    more to be reported at all.  ``own``: see :func:`.detect.suspect_masks`."""
    nb_fn = neighbours or _default_neighbours()
    m = word_model or model()
    cp = code_points(text)
    ids = cm.table[cp].astype(np.int64)  # cm.ids(text), once for the proposals and the gains
    fused = _c_score_lists(text, cm, nb_fn, ids, cp, own) if c_tables(nb_fn) is not None else None
    if fused is None:
        left_out: list[LeftOut] = []
        found = proposals_of(text, cm, nb_fn, m, ids, left_out=left_out, own=own)
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
    completes = dict(zip(ask, long_words(text, [live[k][1] for k in ask], [alts[live[k][0]] for k in ask], cm, m, ids=ids)))
    simplified = bool(live) and not guards.has_traditional(text)  # the script guard: once for the text
    for k, (j, i, word) in enumerate(live):
        g = gain_list[j]
        long = longs[j] or completes.get(k, False)
        veto = context_veto(text, i, alts[j], g if visual[j] else -math.inf, cm, m, banned, long_word=long, simplified=simplified)
        if veto in LONG_WORD_YIELDS and not long and long_words(text, [i], [alts[j]], cm, m, ids=ids)[0]:  # a look-alike that completes a long word
            long = True
            veto = context_veto(text, i, alts[j], g, cm, m, banned, long_word=True, simplified=simplified)
        elif veto in GUARD_WORD_YIELDS and visual[j] and common_word(text, i, alts[j], cm, m):
            veto = context_veto(text, i, alts[j], g, cm, m, banned, lifted=GUARD_WORD_YIELDS, simplified=simplified)
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
    C loop :func:`score_all` runs (8 us a piece of unseen news in Python).

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
    (``maybe`` None: :func:`near_long_words` unverified) and do not; only
    those whose character model gain may make them candidates, or rivals of
    one (within :data:`CONTEXT_CORPUS_MARGIN`), are looked up in the word
    list: the others cannot change an outcome (a tenth of them on news)."""
    if None not in maybe:  # identity first: no False == None compared in Python
        return pos, alts, chan, visual, [bool(f) for f in maybe], gains
    open_ = list(compress(range(len(maybe)), map(operator.is_, maybe, repeat(None))))
    bar = settings.CONTEXT_LONG_WORD_COST - settings.CONTEXT_WORD_WEIGHT * settings.CONTEXT_WORD_SLACK + settings.CONTEXT_SUGGEST + settings.CONTEXT_UNISOLATED - settings.CONTEXT_CORPUS_MARGIN
    mask = [True] * len(pos)
    for j in open_:
        mask[j] = gains[j] >= bar and long_span(text, pos[j], alts[j], m) is not None
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


def _default_neighbours() -> Neighbours:
    return visual_han_neighbours
