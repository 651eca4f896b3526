"""A dash printed where ``一`` belongs: part of the ``ocr_confusion`` rule.

``一`` (one) is a single horizontal stroke; OCR and PDF extraction print it
as a dash (— － - ─ ― ‐ – ー), as the CJK stroke ``㇐`` or as the Kangxi
radical ``⼀`` (以防万—, 第—号, —五—十).  The visual table holds Han
characters only, so these never reach its candidates.

A lone dash (no dash beside it: ``——`` is Chinese punctuation) with a Han
character on at least one side and neither a space, a Latin letter or a
digit on either side, ASCII or full width (``3-5``, ``３万—４万``, ``A-B``,
``北京 - 上海`` are ranges and separators) is a candidate for ``一``.  Its
gain is how much better the word model reads ``一`` inside the words around it than alone: the best
segmentation of the Han text either side with ``一`` in place, less the two
sides and ``一`` on their own.  ``一`` is the commonest character and reads
fine as a word of its own, so the gain is high only where it completes a
word (万一, 第一, 一五一十) and low in a name or a separator (马丁-奥尔森, 阳竿在天—设有).

A dash with Han text on one side only (after a comma or at a line's start,
before a full stop) separates nothing, so there 一 gets :data:`EDGE_BONUS`
on top of a gain of at least :data:`EDGE_MIN` (，—号选手, 其中之—。): in 6M characters of clean
prose every such dash (a heading's, a bullet's, 银河-Ⅲ, 左键->选择) scored
0, and it stays 0 (no suggestion either).
"""

from __future__ import annotations

import re

from . import guards
from .model import WordModel

__all__ = ["DASHES", "dash_candidates", "dash_gain"]

#: what ``一`` is printed as: dashes, the prolonged sound mark, the CJK
#: stroke and the Kangxi radical
DASHES = "\u2014\uff0d-\u2500\u2015\u2010\u2013\u30fc\u31d0\u2f00"
#: Han characters read either side
WIDTH = 4
#: added to a positive gain where the dash has Han text on one side only
#: (no separator there): 一 that completes a word by 2 reaches the default
#: typo_threshold of 6
EDGE_BONUS = 4.0
#: ... to a gain at least this large (一 completes a word; where it joins
#: none the gain is 0 up to rounding)
EDGE_MIN = 0.5

#: what makes a dash a range or a separator beside it: a space, a digit or
#: a Latin letter, ASCII or full width (３万—４万 where ``width`` has not run)
_APART = "\\s0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_LONE = re.compile(f"(?<![{re.escape(DASHES)}{_APART}])[{re.escape(DASHES)}](?![{re.escape(DASHES)}{_APART}])")
_FIRST = re.compile(f"[{re.escape(DASHES)}]")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _side(text: str, i: int, step: int) -> str:
    """Up to :data:`WIDTH` Han characters next to ``text[i]`` (left for a
    step of -1, right for 1), in reading order."""
    out: list[str] = []
    j = i + step
    while 0 <= j < len(text) and _is_han(text[j]) and len(out) < WIDTH:
        out.append(text[j])
        j += step
    return "".join(reversed(out) if step < 0 else out)


def dash_gain(left: str, right: str, m: WordModel) -> float:
    """The word model's gain of ``一`` between ``left`` and ``right`` (Han
    text) over ``一`` as a word of its own.

    >>> from cleaner.typos.model import model
    >>> round(dash_gain("以防万", "", model()), 1) > 6, round(dash_gain("马丁", "", model()), 1) < 3
    (True, True)
    """
    one = m.logprob("一")
    return m.logprob(left + "一" + right) - (m.logprob(left) if left else 0.0) - (m.logprob(right) if right else 0.0) - one


def dash_candidates(text: str, m: WordModel, *, floor: float) -> list[tuple[int, str, float, str | None]]:
    """``(position, dash, gain, veto)`` for every lone dash of ``text`` next
    to a Han character whose gain as ``一`` reaches ``floor``; ``veto``
    names the guard (:func:`cleaner.typos.guards.vetoed`, on the Han text
    around) that keeps it, or is None.

    >>> from cleaner.typos.model import model
    >>> [(p, round(g, 1) > 6, v) for p, d, g, v in dash_candidates("以防万—", model(), floor=3)]
    [(3, True, None)]
    >>> dash_candidates("北京—上海，3-5天，——破折号", model(), floor=3)
    []
    >>> dash_candidates("运送３万—４万桶", model(), floor=3)
    []
    >>> [(p, round(g, 1)) for p, d, g, v in dash_candidates("来，—号选手；银河-Ⅲ", model(), floor=3)]
    [(2, 6.2)]
    """
    if _FIRST.search(text) is None:
        return []
    out: list[tuple[int, str, float, str | None]] = []
    for match in _LONE.finditer(text):
        i = match.start()
        left, right = _side(text, i, -1), _side(text, i, 1)
        if not (left or right):
            continue
        gain = dash_gain(left, right, m)
        if gain >= EDGE_MIN and not (left and right):
            gain += EDGE_BONUS
        if gain >= floor:
            out.append((i, text[i], gain, guards.vetoed(left + text[i] + right, len(left), "一", m)))
    return out
