"""Chinese word segmentation.

Segmentation uses the one word model of :mod:`cleaner.typos.model` (built
from jieba's dictionary and wordfreq's Chinese list); jieba itself never
runs, so it writes no cache of its own.  The word model is cached in the
folder of :func:`cleaner.cache.cache_dir`.
"""

from __future__ import annotations

import functools

from .typos.model import model

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
    reads 伟大) a small one; no word across gives 0.  Memoised.

    >>> cohesion("请读者认", "真填写") > 6 > cohesion("部门要", "主动承担")
    True
    """
    return _cohesion(left[-context:], right[:context])


@functools.lru_cache(maxsize=8192)
def _cohesion(a: str, b: str) -> float:
    return logprob(a + b) - logprob(a) - logprob(b)


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
