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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import usable_cache_dir
from ..edits import Edit, Suggestion
from ..rule import Rule
from . import guards
from .model import WordModel, announce_build, cache_path, model

if TYPE_CHECKING:
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

_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
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

    >>> [(c.before, c.after, round(c.gain, 1)) for c in candidates("工作己经完成了", floor=6)]
    [('己', '已', 7.8)]
    """
    if len(text) > CHUNK + 2 * GUARD_CONTEXT:
        return _chunked_candidates(text, neighbours=neighbours, word_model=word_model, floor=floor)
    nb_fn = neighbours or default_neighbours()
    m = word_model or model()
    n = len(text)
    if n < 2:
        return []
    shipped = neighbours is None and word_model is None
    covered, banned = _covered_pairs(text, m, nb_fn, shipped=shipped)
    partners = _default_partners() if shipped else _Partners(m, nb_fn)
    # only characters with a look-alike that forms a word pair can change:
    # decided once per distinct character (digits, punctuation never pass)
    changeable = frozenset(c for c in set(text) if partners.get(c) is not None)
    alone = map(
        operator.and_,
        map(changeable.__contains__, text),
        map(operator.not_, map(operator.or_, itertools.chain((False,), covered), covered)),
    )
    out: list[Candidate] = []
    for i in itertools.compress(range(n), alone):
        out.extend(_scored_at(text, i, partners, m, banned, floor))
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


def _covered_pairs(text: str, m: WordModel, nb_fn: Neighbours, *, shipped: bool) -> tuple[list[bool], frozenset[str]]:
    """For each character, whether it forms a common word pair with the next
    one (one more False at the end), and the pairs taken for misspellings.

    The fast path, in C loops: a character is suspicious when it forms no
    common word with either neighbour (about one character in eight of
    normal prose, two OCR misreadings in three).  Web word lists carry
    common misspellings (周未, 己经): a pair that only wordfreq lists and
    that has a far more frequent look-alike is no word.
    """
    pairs = list(map(operator.add, text, itertools.islice(text, 1, None)))
    covered = list(map(m.bigrams.__contains__, pairs))
    banned_set: set[str] = set()
    if shipped:
        misspelled = _default_misspellings()  # precomputed, cached on disk
        for j in itertools.compress(range(len(pairs)), map(misspelled.__contains__, pairs)):
            covered[j] = False
            banned_set.add(pairs[j])
    else:
        verdicts: dict[str, bool] = {}
        for j in itertools.compress(range(len(pairs)), map(m.web_only.__contains__, pairs)):
            pair = pairs[j]
            bad = verdicts.get(pair)
            if bad is None:
                bad = verdicts[pair] = _misspelling(pair, m, nb_fn)
            if bad:
                covered[j] = False
                banned_set.add(pair)
    covered.append(False)
    return covered, frozenset(banned_set)


def _scored_at(text: str, i: int, partners: _Partners, m: WordModel, banned: frozenset[str], floor: float) -> Iterator[Candidate]:
    """The candidates at suspect position ``i`` whose gain reaches ``floor``."""
    n = len(text)
    c = text[i]
    top, c_lp, nbs = partners.memo[c]  # type: ignore[misc]  # changeable: it has an entry
    left = text[i - 1] if i else ""
    right = text[i + 1] if i + 1 < n else ""
    left_pairs = partners.lefts(left, c, nbs) if left else ()
    right_pairs = partners.rights(right, c, nbs) if right else ()
    if not (left_pairs or right_pairs):
        return  # no look-alike forms a word pair with a neighbour
    # A quick estimate of each look-alike's gain from the best word that
    # its pair with a neighbour occurs in; only promising ones are scored.
    estimates: dict[str, tuple[float, float]] = {}
    char_logp = m.char_logp
    left_cost = c_lp + char_logp(left) if left else 0.0
    right_cost = c_lp + char_logp(right) if right else 0.0
    # No pair scores above the model's best bigram: look-alikes further
    # below the closest one than that allows cannot reach the floor
    # (``nbs`` is sorted by similarity, best first).
    reach = top - (partners.best_pair - min(left_cost, right_cost) - CHANNEL_COST - floor + ESTIMATE_SLACK) / CHANNEL_SLOPE
    for side_pairs, cost in ((left_pairs, left_cost), (right_pairs, right_cost)):
        for nb, sim, lp in side_pairs:
            if sim < reach:
                break
            est = lp - cost - CHANNEL_COST - CHANNEL_SLOPE * (top - sim)
            if est + ESTIMATE_SLACK >= floor and est > estimates.get(nb, (-math.inf, 0.0))[0]:
                estimates[nb] = (est, sim)
    if not estimates:
        return
    a, b = _span(text, i, WINDOW)
    window = text[a:b]
    pos = i - a
    base_lp = m.logprob(window, banned)
    for nb, (_, sim) in estimates.items():
        channel = CHANNEL_COST + CHANNEL_SLOPE * (top - sim)
        gain = m.logprob(window[:pos] + nb + window[pos + 1 :], banned) - base_lp - channel
        if gain < floor:
            continue
        ga, gb = _span(text, i, GUARD_CONTEXT)
        yield Candidate(i, text[i], nb, gain, sim, guards.vetoed(text[ga:gb], i - ga, nb, m, banned))


class _Partners:
    """Per character: its closest look-alike's score, its own log probability
    as a word, and its look-alikes (Han, not itself) that form a word pair
    with some character.  A memo of the model and the table, one small tuple
    per character seen (the pairs themselves are looked up in the model)."""

    def __init__(self, m: WordModel, nb_fn: Neighbours) -> None:
        self.m = m
        self.nb_fn = nb_fn
        firsts: set[str] = set()
        seconds: set[str] = set()
        for pair in m.bigrams:
            firsts.add(pair[0])
            seconds.add(pair[1])
        self.in_pairs = frozenset(firsts | seconds)
        self.best_pair = max(m.bigrams.values(), default=0.0)
        self.memo: dict[str, tuple[float, float, tuple[tuple[str, float], ...]] | None] = {}
        # (side character, character) -> look-alikes that form a word pair
        # with that side character, with the pair's log probability; bounded
        self._sides: dict[str, tuple[tuple[str, float, float], ...]] = {}

    _SIDES_MAX = 200_000

    def _side(self, key: str, pairs: Iterator[tuple[str, float, str]]) -> tuple[tuple[str, float, float], ...]:
        found = self._sides.get(key)
        if found is None:
            bigrams = self.m.bigrams
            found = tuple((nb, sim, lp) for nb, sim, pair in pairs if (lp := bigrams.get(pair)) is not None)
            if len(self._sides) >= self._SIDES_MAX:
                self._sides.clear()
            self._sides[key] = found
        return found

    def lefts(self, left: str, c: str, nbs: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float, float], ...]:
        """Look-alikes ``nb`` of ``c`` such that ``left + nb`` is in a word."""
        return self._side("L" + left + c, ((nb, sim, left + nb) for nb, sim in nbs))

    def rights(self, right: str, c: str, nbs: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float, float], ...]:
        """Look-alikes ``nb`` of ``c`` such that ``nb + right`` is in a word."""
        return self._side("R" + c + right, ((nb, sim, nb + right) for nb, sim in nbs))

    def get(self, c: str) -> tuple[float, float, tuple[tuple[str, float], ...]] | None:
        try:
            return self.memo[c]
        except KeyError:
            pass
        nbs = _han_neighbours(c, self.nb_fn)
        useful = tuple(sorted(((nb, sim) for nb, sim in nbs if nb in self.in_pairs), key=lambda x: -x[1]))
        entry = (max(s for _, s in nbs), self.m.char_logp(c), useful) if useful else None
        self.memo[c] = entry
        return entry


@functools.cache
def _default_partners() -> _Partners:
    """The partner index of the default model and the shipped table."""
    return _Partners(model(), default_neighbours())


def _misspelling(pair: str, m: WordModel, nb_fn: Neighbours) -> bool:
    """Whether a two-character word is a look-alike of one at least
    ``e**MISSPELLING_MARGIN`` times as frequent (周未 for 周末)."""
    lp = m.table.get(pair)
    if lp is None or lp > MISSPELLING_CEILING:
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
    with the model, the table and the constants."""
    import hashlib

    from ..confusion import TABLE

    m = model()
    table = resources.files("cleaner").joinpath("data", TABLE).read_bytes()
    key = hashlib.sha1(
        b"%s|%r|%r|" % (cache_path().name.encode(), MISSPELLING_MARGIN, MISSPELLING_CEILING) + table
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


def _span(text: str, i: int, width: int) -> tuple[int, int]:
    """The run of Han characters around ``i``, at most ``width`` either side."""
    a = i
    while a > i - width and a and _is_han(text[a - 1]):
        a -= 1
    b = i + 1
    n = len(text)
    while b <= i + width and b < n and _is_han(text[b]):
        b += 1
    return a, b


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
    han = len(text) - len(_HAN_CHAR.sub("", text))  # no list of every character
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
    if not found:
        return
    prior = document_prior(text, len({c.start for c in found if c.veto is None}))
    if prior < 0:
        found = [dataclasses.replace(c, gain=c.gain + prior) for c in found if c.gain + prior >= suggest_threshold]
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

    found = find(text, config.typo_threshold, config.suggest_threshold)
    banned = frozenset(set(map(operator.add, text, itertools.islice(text, 1, None))) & _default_misspellings())
    return iter(with_model(text, cached(config.model), found, rule=NAME, banned=banned, repeats=_Repeats(text)))


RULE = Rule(
    name=NAME,
    func=ocr_confusion_rule,
    summary="replace a character misread as a look-alike when the word model's gain (and a --model's context) clears typo_threshold",
    stage="final",
    options=("typo_threshold", "suggest_threshold", "model"),
)
