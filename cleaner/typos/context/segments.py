"""A long text scored in segments (:func:`score_segments`).

The context pass holds the candidates of a text at once: about 0.3 KB a
character with a model of other news, and far more with a model learned
from the input (``cleaner clean --learn``), where a text's own n-grams do
not count when its suspects are found (:func:`.detect.rare_ngrams`).  A
text file is one document, and when the input is one long file its own
n-grams are the whole corpus: nearly every Han character becomes a suspect
with dozens of candidates.  One document of 430 KB took 3.4 GB that way, so
a book-length file could exhaust memory.  A text longer than
:data:`CONTEXT_SEGMENT` is therefore scored a segment at a time, with
:data:`SEGMENT_MARGIN` characters of context either side; the suspects are
still those of the whole text (with a model of the input, its own n-grams
left out: :func:`.detect.own_ngrams`), and what comes after the scores
(the thresholds, the noise of the whole text, the document guard) reads
the whole text, so the outcome is the one of the whole text at once but
near the segments' edges.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from ..model import WordModel
from . import settings
from .alikes import Neighbours
from .detect import own_ngrams
from .score import Scored, score_all

if TYPE_CHECKING:
    from ..charmodel import CharModel

#: characters either side of a segment that its scores read as context
#: (:data:`.settings.GUARD_CONTEXT` and the word model's window, twice
#: over); candidates there belong to the next segment
SEGMENT_MARGIN = 24

#: where a segment may end when no line break is near: after a sentence's end mark
_SENTENCE_END = re.compile(r"[。！？!?；;]")


def segment_bounds(text: str, size: int) -> list[tuple[int, int]]:
    """Spans that cover ``text`` in order, each at most about ``size``
    characters: cut after the last line break that keeps a span within
    ``size``, else after the last sentence end mark, else at ``size``.

    >>> segment_bounds("第一行。\\n第二行。\\n第三行。", 6)
    [(0, 5), (5, 10), (10, 14)]
    >>> segment_bounds("一句。两句。三句。", 4)
    [(0, 3), (3, 6), (6, 9)]
    >>> segment_bounds("没有标点的一长串字", 4)
    [(0, 4), (4, 8), (8, 9)]
    """
    out: list[tuple[int, int]] = []
    a = 0
    while len(text) - a > size:
        window = text[a : a + size]
        end = window.rfind("\n") + 1 or _last_end(window, _SENTENCE_END) or size
        out.append((a, a + end))
        a += end
    out.append((a, len(text)))
    return out


def _last_end(window: str, mark: re.Pattern[str]) -> int:
    """Where a segment of ``window`` ends after the last ``mark`` (0: none)."""
    last = 0
    for m in mark.finditer(window):
        last = m.end()
    return last


def score_segments(
    text: str, cm: CharModel, banned: frozenset[str], neighbours: Neighbours | None, word_model: WordModel | None
) -> tuple[list[Scored], int]:
    """:func:`.score.score_all` of ``text``; of a text longer than
    :data:`CONTEXT_SEGMENT`, of each segment (:func:`segment_bounds`) with
    its margins, each candidate once (the segment it stands in), the
    plausible suspects added up (a margin's are counted in both segments it
    borders: a few in thousands); with a model learned from its input, each
    segment leaves out the whole text's own n-grams, not the segment's."""
    size = settings.CONTEXT_SEGMENT
    if size is None or len(text) <= size:
        return score_all(text, cm, banned, neighbours, word_model)
    own = own_ngrams(cm.ids(text)) if cm.stats.get("from_input") else None
    out: list[Scored] = []
    plausible = 0
    for a, b in segment_bounds(text, size):
        lo, hi = max(0, a - SEGMENT_MARGIN), min(len(text), b + SEGMENT_MARGIN)
        scored, n = score_all(text[lo:hi], cm, banned, neighbours, word_model, own=own)
        plausible += n
        out.extend(dataclasses.replace(c, start=c.start + lo) for c in scored if a <= c.start + lo < b)
    return out, plausible
