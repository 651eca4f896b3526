"""The verdict: rapidfuzz similarity of two matching keys.

``score = fuzz.ratio(key_a, key_b)``: 100 times one minus the normalised
Indel distance (insertions and deletions; a substitution costs two), so a
paragraph of ``L`` key characters with ``k`` substituted characters scores
``100 * (1 - k / L)``.  Two paragraphs are duplicates when the score is at
least the threshold (default 90: one differing character in ten).

Cheap filters run first and never change a verdict: a ratio of at least
``t`` needs ``2 * min(la, lb) / (la + lb) >= t / 100``.  The optional
numbers guard (used inside a document) rejects pairs whose keys do not
hold the same sequence of numbers: ``2020年增长5%`` and ``2021年增长6%`` in an
otherwise identical template are different facts, not a duplicate.

>>> ratio_scores(["今天天气很好我们去公园玩", "今天天气很好我们去公园玩"], ["今天天气很好我们去公园玩耍", "完全不同的一句话"], score_cutoff=90).tolist()
[96.0, 0.0]
>>> same_numbers("2021年增长5", "2021年增长5"), same_numbers("2020年增长5", "2021年增长6")
(True, False)
>>> same_numbers("年满三十岁居住九年", "年满二十五岁居住七年"), same_numbers("统一行动", "一起行动")
(False, True)

:func:`numbers_in` gives the numbers the guard compares, faster than the
regular expression on a key whose numbers are all ASCII digits (Latin
text; :func:`ascii_numbers` tells those apart cheaply).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["length_ok", "same_numbers", "numbers_in", "ascii_numbers", "regex_numbers", "ratio_scores"]

# Arabic numbers; Chinese numbers written out: a run of two or more numeral
# characters (三十, 二十五), or one numeral with a counter (九年, 七岁).  A
# lone 一 is left out: it is part of too many ordinary words (统一, 一起).
_NUMBER = re.compile(r"\d+|[〇零一二三四五六七八九十百千万亿两]{2,}|[〇零一二三四五六七八九十两](?=[年月日岁歲届屆次条條项項号號期个個人名])")


def length_ok(la: npt.NDArray[np.int64], lb: npt.NDArray[np.int64], threshold: float) -> npt.NDArray[np.bool_]:
    """Whether keys of these lengths can reach ``threshold`` at all."""
    return 200.0 * np.minimum(la, lb) >= threshold * (la + lb) - 1e-9


def same_numbers(a: str, b: str) -> bool:
    """Whether two keys hold the same numbers in the same order."""
    return _NUMBER.findall(a) == _NUMBER.findall(b)


# A character that a number of _NUMBER other than a run of ASCII digits
# needs: a decimal digit of another script or a Chinese numeral.
_OTHER_NUMERAL = re.compile(r"[\d〇零一二三四五六七八九十百千万亿两]")
# UTF-8 bytes: the ASCII digits stay, every other byte becomes a space
_DIGITS_ONLY = bytes(c if 48 <= c <= 57 else 32 for c in range(256))
_ASCII_BYTES = bytes(range(128))


def ascii_numbers(key: str) -> list[str] | None:
    """``_NUMBER.findall(key)`` when that is cheap to read, else None.  A key
    without a Chinese numeral or a decimal digit of another script holds no
    number but its runs of ASCII digits: those are read off its UTF-8 bytes
    (about 20x faster than the regular expression on a long English key,
    which tries three alternatives at every character).  A mostly CJK key
    is not searched for numerals (it mostly holds one): None.

    >>> ascii_numbers("growth of 5 in 2020 café"), ascii_numbers("2020年增长5"), ascii_numbers("年满三十岁")
    (['5', '2020'], None, None)
    """
    if key.isascii():
        data = key.encode("ascii")
    else:
        data = key.encode("utf-8", "surrogatepass")
        if len(data) > len(key) + (len(key) >> 3):  # (mostly CJK: numerals are likely, the search costs)
            return None
        if _OTHER_NUMERAL.search(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
            return None
    return [run.decode("ascii") for run in data.translate(_DIGITS_ONLY).split()]


def numbers_in(key: str) -> list[str]:
    """Exactly ``_NUMBER.findall(key)``, the numbers :func:`same_numbers`
    compares (:func:`ascii_numbers` when it can tell).

    >>> numbers_in("2020年增长5"), numbers_in("年满三十岁")
    (['2020', '5'], ['三十'])
    """
    found = ascii_numbers(key)
    return regex_numbers(key) if found is None else found


def regex_numbers(key: str) -> list[str]:
    """``_NUMBER.findall(key)``: the numbers of a key that
    :func:`ascii_numbers` could not read."""
    return _NUMBER.findall(key)


def ratio_scores(a: Sequence[str], b: Sequence[str], *, score_cutoff: float = 0.0, workers: int = 1) -> npt.NDArray[np.float32]:
    """``fuzz.ratio(a[i], b[i])`` for every ``i`` (0 below ``score_cutoff``),
    computed in rapidfuzz's C++ with ``workers`` threads."""
    from rapidfuzz import fuzz, process

    if not a:
        return np.zeros(0, dtype=np.float32)
    return np.asarray(
        process.cpdist(a, b, scorer=fuzz.ratio, processor=None, score_cutoff=score_cutoff, workers=workers, dtype=np.float32)
    )

