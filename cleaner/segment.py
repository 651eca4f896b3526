"""Chinese word segmentation.

Segmentation uses the one word model of :mod:`cleaner.typos.model` (built
from jieba's dictionary and wordfreq's Chinese list); jieba itself never
runs, so it writes no cache of its own.  The word model is cached in the
folder of :func:`cleaner.cache.cache_dir`.
"""

from __future__ import annotations

import functools

from .typos.model import MAX_WORD, model

__all__ = ["words", "straddles", "logprob", "cohesion"]


def words(text: str) -> list[str]:
    """Segment ``text`` into words: the best segmentation under the word
    model (dictionary words only; an unknown character is a word of its own).

    >>> words("认真察看")
    ['认真', '察看']
    """
    return model().segment(text)


def logprob(text: str) -> float:
    """Natural-log probability of the best segmentation of ``text`` under
    the word model of :mod:`cleaner.typos.model` (jieba's dictionary and
    wordfreq's Chinese list; one model in memory for every rule)."""
    return model().logprob(text)


def cohesion(left: str, right: str, context: int = 4) -> float:
    """How much more likely the text is read across the boundary than as two
    separate pieces: ``logprob(a + b) - logprob(a) - logprob(b)`` on the
    ``context`` characters either side.  A word that runs across the boundary
    gives a large value (认|真 about 8 or more); a chance word (董伟|大庆
    reads 伟大) a small one; no word across gives 0 (exactly 0, without
    segmenting, where no dictionary word can run across: :func:`_crossable`).
    Memoised.

    >>> cohesion("请读者认", "真填写") > 6 > cohesion("部门要", "主动承担")
    True
    """
    return _cohesion(left[-context:], right[:context])


@functools.lru_cache(maxsize=8192)
def _cohesion(a: str, b: str) -> float:
    if not _crossable(a, b):
        return 0.0  # (the best segmentation of a + b is that of a and that of b: the difference is 0 but for rounding)
    return logprob(a + b) - logprob(a) - logprob(b)


def _crossable(a: str, b: str) -> bool:
    """Whether a word of the model can run across the boundary between
    ``a`` and ``b``: a string that starts in ``a`` and ends with the first
    character of ``b`` is a word or a word's prefix (the segmentation reads
    a string that starts at a character only as far as the table lists its
    prefixes: :meth:`WordModel.logprob <cleaner.typos.model.WordModel.logprob>`).
    Half of the breaks between Han characters in a page-broken text pass
    no such string, and their gain needs no segmentation.

    >>> _crossable("读者认", "真填写"), _crossable("部门要", "主动承担")
    (True, False)
    """
    if not a or not b:
        return False
    table = model().table
    first = b[0]
    return any(a[-k:] + first in table for k in range(1, min(len(a), MAX_WORD - 1) + 1))


def straddles(left: str, right: str, context: int = 4) -> bool:
    """Whether a dictionary word spans the boundary between ``left`` and ``right``
    in the best segmentation.

    >>> straddles("请读者认", "真填写")
    True
    >>> straddles("部门要", "主动承担")
    False
    """
    a = left[-context:]
    b = right[:context]
    pos = 0
    for w in words(a + b):
        end = pos + len(w)
        if pos < len(a) < end and len(w) >= 2:
            return True
        pos = end
    return False
