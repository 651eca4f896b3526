"""Visual confusion table: Chinese characters whose glyphs look alike.

The table (``cleaner/data/visual_confusion.tsv``, built by
``scripts/build_confusion.py`` from rendered Noto CJK glyphs) gives, for
about 6,800 common Simplified and Traditional characters, the characters
that OCR is likely to read in their place, each with a similarity score in
0..1, best first.  The relation is symmetric among them.  About 12,000
rarer characters of GBK's range have one-way rows: each lists up to three
common look-alikes (OCR prints 釆 for 采, 廋 for 瘦), and no common
character lists a rare one.  Scores are comparable within a row; simple
glyphs (一, 二, 口) score lower than dense ones throughout.

It is read once, on first use.

>>> [c for c, _ in visual_neighbours("己")[:2]]
['已', '巳']
>>> visual_neighbours("未")[0]
('末', 0.982)
>>> "土" in dict(visual_neighbours("士", limit=1))
True
>>> visual_neighbours("釆")[0]
('采', 0.938)
>>> visual_neighbours("A")
()
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

__all__ = ["TABLE", "confusion_table", "visual_neighbours"]

#: the packaged table, under ``cleaner/data/``
TABLE = "visual_confusion.tsv"

Neighbours = tuple[tuple[str, float], ...]


@functools.cache
def confusion_table() -> Mapping[str, Neighbours]:
    """The whole table, read-only: character -> ((neighbour, score), ...), best first.

    >>> table = confusion_table()
    >>> len(table) > 3500, ("戌", 0.936) in table["戊"]
    (True, True)
    """
    text = resources.files("cleaner").joinpath("data", TABLE).read_text(encoding="utf-8")
    return MappingProxyType(parse(text))


def visual_neighbours(char: str, *, limit: int | None = None) -> Neighbours:
    """The characters that look like ``char``, best first, with their scores.

    ``limit`` keeps the first ``limit`` of them.  A character not in the
    table (Latin letters, punctuation, a rare character like no common
    one) has none.

    >>> visual_neighbours("天", limit=2)
    (('夭', 0.961), ('灭', 0.892))
    >>> visual_neighbours("人入")
    Traceback (most recent call last):
    ...
    ValueError: visual_neighbours takes one character, got '人入'
    """
    if len(char) != 1:
        raise ValueError(f"visual_neighbours takes one character, got {char!r}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be None or >= 0, got {limit}")
    found = confusion_table().get(char, ())
    return found if limit is None else found[:limit]


def parse(text: str) -> dict[str, Neighbours]:
    """Parse the table format: ``#`` comment lines, then ``char<TAB>neighbour:score...`` lines.

    >>> parse("# header\\n土\\t士:0.980\\t上:0.920\\n")
    {'土': (('士', 0.98), ('上', 0.92))}
    """
    table: dict[str, Neighbours] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        char, *fields = line.split("\t")
        try:
            row = tuple((n, float(s)) for n, s in (f.rsplit(":", 1) for f in fields))
        except ValueError:
            raise ValueError(f"{TABLE} line {number}: expected char<TAB>neighbour:score..., got {line[:40]!r}") from None
        if len(char) != 1 or char in table or any(len(n) != 1 for n, _ in row):
            raise ValueError(f"{TABLE} line {number}: not one new character with one-character neighbours: {line[:40]!r}")
        table[char] = row
    return table
