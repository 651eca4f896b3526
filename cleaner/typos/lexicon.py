"""Rule ``lexicon``: near misses of the user's own terms (``--lexicon FILE``).

The user knows the names, places and organisations of their documents
(``Config.lexicon``).  A string of the text within one edit (Levenshtein
distance 1, :mod:`rapidfuzz`) of exactly one term is corrected to it:

* terms of three or more characters: one substitution; from four characters
  on also one character too many or too few;
* two-character terms: only a substitution by a visual neighbour from the
  confusion table (桃岭/桃玲 differ in one component; 桃花 is no near miss);
* never an exact occurrence of a term, nor a string that is itself a
  dictionary word (桃花 for 桃华) or whose changed character is in a common
  word where it stands (东湖科技园 for 东湖科技馆: 科技园 is a word): such
  near misses are reported as suggestions;
* ambiguous matches (overlapping windows near two different terms) are left
  alone; of overlapping windows near one term the closest wins.

The edit covers only the characters that differ; its score is
:func:`rapidfuzz.fuzz.ratio` of the near miss and the term (0-100).

>>> from cleaner import clean
>>> clean("会议由赵明运主持。", only=["lexicon"], lexicon=("赵明远",))
'会议由赵明远主持。'
>>> clean("会议由赵明远主持。", only=["lexicon"], lexicon=("赵明远",))
'会议由赵明远主持。'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..edits import Edit, Suggestion
from ..rule import Rule
from .confusion_rule import Neighbours, default_neighbours
from .model import WordModel, model

if TYPE_CHECKING:
    from ..config import Config

__all__ = ["RULE", "NAME", "lexicon_rule", "find"]

NAME = "lexicon"
#: a near miss that makes a word this probable where it stands is a word, not a miss
COMMON_LOGP = -15.0
CONTEXT = 3

def _occurrences(text: str, needle: str) -> Iterator[int]:
    i = text.find(needle)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1)


def _windows(text: str, term: str) -> set[tuple[int, int]]:
    """Spans of ``text`` that may be within one edit of ``term``: one half of
    the term is intact in any such string."""
    n = len(term)
    h = n // 2
    lengths = (n - 1, n, n + 1) if n >= 4 else (n,)
    spans: set[tuple[int, int]] = set()
    head, tail = term[:h], term[h:]
    for i in _occurrences(text, head):
        for length in lengths:
            if i + length <= len(text):
                spans.add((i, i + length))
    for i in _occurrences(text, tail):
        end = i + len(tail)
        for length in lengths:
            if end - length >= 0:
                spans.add((end - length, end))
    return spans


def _diff(before: str, after: str) -> tuple[int, int, int]:
    """Common prefix length, and the ends of the differing middles."""
    p = 0
    while p < min(len(before), len(after)) and before[p] == after[p]:
        p += 1
    s = 0
    while s < min(len(before), len(after)) - p and before[-1 - s] == after[-1 - s]:
        s += 1
    return p, len(before) - s, len(after) - s


def _across(text: str, point: int, m: WordModel) -> bool:
    """Whether a common word covers the characters on both sides of ``point``
    (东湖科技|园区: 科技园 runs across, so nothing is missing there)."""
    a = max(0, point - CONTEXT)
    window = text[a : point + CONTEXT]
    for s, e in m.covering_words(window, point - a):
        lp = m.word_logp(window[s:e])
        if a + s < point and lp is not None and lp >= COMMON_LOGP:
            return True
    return False


def find(
    text: str,
    lexicon: Sequence[str],
    *,
    neighbours: Neighbours | None = None,
    word_model: WordModel | None = None,
) -> Iterator[Edit | Suggestion]:
    """Corrections of near misses of the ``lexicon`` terms in ``text``."""
    terms = sorted({t for t in lexicon if len(t) >= 2})
    if not terms or not text:
        return
    m = word_model or model()
    nb_fn: Neighbours | None = neighbours
    exact: list[tuple[int, int]] = []
    for t in terms:
        exact.extend((i, i + len(t)) for i in _occurrences(text, t))
    matches: dict[tuple[int, int], set[str]] = {}
    for term in terms:
        for start, end in _windows(text, term):
            window = text[start:end]
            if window == term or window in terms or not window.strip() or "\n" in window:
                continue
            if Levenshtein.distance(window, term, score_cutoff=1) > 1:
                continue
            if len(term) == 2:
                if nb_fn is None:
                    nb_fn = neighbours or default_neighbours()
                p, _, _ = _diff(window, term)
                if term[p] not in {n for n, _ in nb_fn(window[p])}:
                    continue
            matches.setdefault((start, end), set()).add(term)
    # overlapping windows form clusters; a cluster that points at one term
    # keeps its closest window (then the same-length one), a cluster that
    # points at two terms is ambiguous
    clusters: list[list[tuple[int, int]]] = []
    for span in sorted(matches):
        if clusters and span[0] < max(e for _, e in clusters[-1]):
            clusters[-1].append(span)
        else:
            clusters.append([span])
    taken: list[tuple[int, int]] = list(exact)
    out: list[Edit | Suggestion] = []
    for cluster in clusters:
        owners = set().union(*(matches[s] for s in cluster))
        if len(owners) > 1:
            continue
        (term,) = owners
        span = max(cluster, key=lambda s: (fuzz.ratio(text[s[0] : s[1]], term), s[1] - s[0] == len(term), -s[0]))
        if any(a < span[1] and span[0] < b for a, b in exact):
            continue
        before = text[span[0] : span[1]]
        p, e1, e2 = _diff(before, term)
        start, end = span[0] + p, span[0] + e1
        score = round(fuzz.ratio(before, term), 3)
        note = f"near miss of lexicon term {term}"
        if end > start:
            common = m.is_word(before) or any(m.in_common_word(text, q, context=CONTEXT, floor=COMMON_LOGP) for q in range(start, min(len(text), end)))
        else:  # an insertion: does a word already run across the point?
            common = 0 < start < len(text) and _across(text, start, m)
        if common:
            out.append(Suggestion(NAME, start, end, before[p:e1], term[p:e2], score=score, note=note + "; a word itself"))
            continue
        if any(a < end and start < b for a, b in taken):
            continue
        taken.append((start, end))
        out.append(Edit(NAME, start, end, before[p:e1], term[p:e2], score=score, note=note))
    out.sort(key=lambda e: (e.start, e.end))
    yield from out


def lexicon_rule(text: str, config: Config) -> Iterator[Edit | Suggestion]:
    """The registered rule: :func:`find` with ``config.lexicon``."""
    if not config.lexicon:
        return iter(())
    return find(text, config.lexicon)


RULE = Rule(
    name=NAME,
    func=lexicon_rule,
    summary="correct near misses (one edit) of the terms given with --lexicon FILE",
    stage="final",
    options=("lexicon",),
)
