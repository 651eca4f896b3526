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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...edits import Edit, Suggestion
from .. import guards
from ..model import WordModel, c_word_gain_bounds, c_word_gain_bounds_many, code_points, han_span, is_han_run, model, word_gain_bound, word_starts
from . import settings
from .alikes import Neighbours, visual_han_neighbours
from .damaged import doubted, still_damaged
from .detect import han_mask, rare_ngrams, suspects
from .proposals import LeftOut, Proposals, apart_on, c_proposal_buffers, proposals_of
from .vetoes import GUARD_WORD_YIELDS, LONG_WORD_YIELDS, context_veto, function_swap, in_a_list_of_names, in_quote, in_title, modifies_a_title, own_rare_char
from .words import common_word, long_span, long_words

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


def scored_candidates(
    text: str, cm: CharModel, *, banned: frozenset[str] = frozenset(), neighbours: Neighbours | None = None, word_model: WordModel | None = None
) -> list[Scored]:
    """Every candidate (:func:`proposals_of`) whose score may reach
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


def _c_score_lists(text: str, cm: CharModel, nb_fn: Neighbours, ids: np.ndarray, cp: np.ndarray) -> tuple[Proposals, list[int], list[float], set[int], np.ndarray, np.ndarray] | None:
    """What :func:`_score_all` reads before the gains in one C call after
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
    found = c_proposal_buffers(text, cm, nb_fn, ids, apart=apart_on(cm), cp=cp)
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
        found = proposals_of(text, cm, nb_fn, m, ids, left_out=left_out)
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
        items = doubted(text, items, {c.start for c in found if c.veto is None and c.score >= settings.CONTEXT_DOUBT} - changed - set(exclude))
    if settings.INDEL_APPLY:
        items.extend(find_indels(text, cm, rule=rule, exclude=taken, penalty=penalty, word_model=word_model))
    items.sort(key=lambda e: (e.start, isinstance(e, Suggestion)))
    return items


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
        extra = still_damaged(text, cm, items, extra)
    changed = {e.start for e in extra if isinstance(e, Edit)}
    items = [e for e in items if isinstance(e, Edit) or e.start not in changed]
    seen = {(e.start, e.after) for e in items}
    items.extend(e for e in extra if isinstance(e, Edit) or (e.start, e.after) not in seen)
    items.sort(key=lambda e: (e.start, isinstance(e, Suggestion)))
    return items


def one_sided(text: str, i: int) -> bool:
    """Whether ``text[i]`` has no character on one side: the first or last
    of the text or of a line, where the character model reads only one
    side's context.

    >>> one_sided("我们准各好了", 5), one_sided("我们准各好了", 3), one_sided("第一行\\n第二行", 2)
    (True, False, True)
    """
    return i == 0 or i == len(text) - 1 or text[i - 1] in "\n\r" or text[i + 1] in "\n\r"


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
    span = long_span(text, c.start, c.after, m)
    return span is None or text.count(text[span[0] : span[1]]) > 1


def _repeats_at(text: str, i: int) -> bool:
    return guards.document_repeats(text, i, i + 1)


def _default_neighbours() -> Neighbours:
    return visual_han_neighbours
