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

A second, one-way table (``cleaner/data/component_confusion.tsv``, built by
the same script from jionlp's character decompositions) adds to a
character's row the characters that contain it as a component, with the
same glyph score: OCR that drops part of a glyph reads 门 for 们, 水 for 冰
(the other way is left out: it proposes a common part for a rarer whole;
at most ten wholes a part, none where the part is drawn as a radical's
other shape, 言 in 说).

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

__all__ = ["TABLE", "COMPONENTS", "confusion_table", "visual_neighbours", "table_bytes"]

#: the packaged table, under ``cleaner/data/``
TABLE = "visual_confusion.tsv"
#: ... and the one-way component pairs merged into its rows
COMPONENTS = "component_confusion.tsv"

Neighbours = tuple[tuple[str, float], ...]


@functools.cache
def confusion_table() -> Mapping[str, Neighbours]:
    """The whole table, read-only: character -> ((neighbour, score), ...), best first.

    >>> table = confusion_table()
    >>> len(table) > 3500, ("戌", 0.936) in table["戊"]
    (True, True)
    """
    data = resources.files("cleaner").joinpath("data")
    table = parse(data.joinpath(TABLE).read_text(encoding="utf-8"))
    return MappingProxyType(merged(table, parse(data.joinpath(COMPONENTS).read_text(encoding="utf-8"), name=COMPONENTS)))


def table_bytes() -> bytes:
    """The bytes of both packaged tables, for the keys of caches built from them."""
    data = resources.files("cleaner").joinpath("data")
    return data.joinpath(TABLE).read_bytes() + b"|" + data.joinpath(COMPONENTS).read_bytes()


def merged(table: dict[str, Neighbours], extra: dict[str, Neighbours]) -> dict[str, Neighbours]:
    """``table`` with each row of ``extra`` added to the row of its
    character (a neighbour listed in both keeps the table's score), sorted by
    score descending, then by character.

    >>> merged({"门": (("闩", 0.53),)}, {"门": (("们", 0.65), ("闩", 0.1)), "水": (("冰", 0.669),)})
    {'门': (('们', 0.65), ('闩', 0.53)), '水': (('冰', 0.669),)}
    """
    out = dict(table)
    for char, row in extra.items():
        have = dict(out.get(char, ()))
        for n, s in row:
            have.setdefault(n, s)
        out[char] = tuple(sorted(have.items(), key=lambda ns: (-ns[1], ns[0])))
    return out


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


def parse(text: str, *, name: str = TABLE) -> dict[str, Neighbours]:
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
            raise ValueError(f"{name} line {number}: expected char<TAB>neighbour:score..., got {line[:40]!r}") from None
        if len(char) != 1 or char in table or any(len(n) != 1 for n, _ in row):
            raise ValueError(f"{name} line {number}: not one new character with one-character neighbours: {line[:40]!r}")
        table[char] = row
    return table
