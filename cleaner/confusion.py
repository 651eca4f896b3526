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
from collections.abc import Iterable, Mapping
from importlib import resources
from types import MappingProxyType

from .chars import is_han

__all__ = ["TABLE", "COMPONENTS", "confusion_table", "visual_neighbours", "table_bytes", "engine_pairs", "count_engine_pairs", "format_engine_pairs"]

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


#: how :func:`engine_pairs` reads a line: what OCR wrote, what was right, and
#: how often (optional), separated by tabs or spaces
_PAIR_LINE = "WRITTEN RIGHT [COUNT]"


def engine_pairs(lines: Iterable[str], *, name: str = "confusions") -> Mapping[str, tuple[str, ...]]:
    """A table of one OCR engine's own misreadings (``Config.confusions``,
    ``--confusions FILE``): per line the character the engine wrote and the
    right one, and how often the pair was seen (optional, at least 1);
    blank lines and ``#`` comments are skipped.  Returns what was written ->
    the right characters, the most frequent first (then in file order);
    ``ValueError`` naming the line (1-based, among ``lines``) that is not
    two different characters and an optional count.

    These pairs need not look alike (an engine misreads 情 as 结): the
    context pass (:mod:`cleaner.typos.context`) proposes them beside the
    visual table's look-alikes, where a character model judges them.

    >>> dict(engine_pairs(["# from 2,000 corrected lines", "结 情 4", "己\\t已", "结 洁 9"]))
    {'结': ('洁', '情'), '己': ('已',)}
    >>> engine_pairs(["结情"])
    Traceback (most recent call last):
    ...
    ValueError: confusions line 1: expected WRITTEN RIGHT [COUNT] (two characters and an optional count of 1 or more), got '结情'
    """
    counts: dict[str, dict[str, int]] = {}
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        count = fields[2] if len(fields) == 3 else "1"
        if len(fields) not in (2, 3) or len(fields[0]) != 1 or len(fields[1]) != 1 or fields[0] == fields[1] or not count.isdigit() or int(count) < 1:
            raise ValueError(f"{name} line {number}: expected {_PAIR_LINE} (two characters and an optional count of 1 or more), got {line.strip()[:40]!r}")
        row = counts.setdefault(fields[0], {})
        row[fields[1]] = row.get(fields[1], 0) + int(count)
    return MappingProxyType({w: tuple(sorted(row, key=lambda r: -row[r])) for w, row in counts.items()})


def count_engine_pairs(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """What an OCR engine wrote for what was right, counted over ``pairs``
    of (the engine's line, the same line corrected): lines of the same
    length are compared character by character, and each position where
    two different Han characters stand counts once; a line whose length
    the correction changed is left out (its characters no longer line up).
    The counts, most frequent first (then by the pair).  :func:`engine_pairs`
    reads them back from :func:`format_engine_pairs`.

    >>> count_engine_pairs([("我们明天炮面吧", "我们明天见面吧"), ("炮火", "炮火"), ("心结很好，", "心情很好。"), ("少了字", "少了个字")])
    {('炮', '见'): 1, ('结', '情'): 1}
    """
    counts: dict[tuple[str, str], int] = {}
    for wrote, right in pairs:
        if len(wrote) != len(right):
            continue
        for a, b in zip(wrote, right):
            if a != b and is_han(a) and is_han(b):
                counts[(a, b)] = counts.get((a, b), 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def format_engine_pairs(counts: Mapping[tuple[str, str], int], *, header: Iterable[str] = ()) -> str:
    """``counts`` (:func:`count_engine_pairs`) as the lines :func:`engine_pairs`
    reads: ``#`` lines of ``header``, then ``WRITTEN<TAB>RIGHT<TAB>COUNT``.

    >>> format_engine_pairs({("炮", "见"): 2}, header=["from 10 lines"])
    '# from 10 lines\\n炮\\t见\\t2\\n'
    """
    out = [f"# {h}\n" for h in header]
    out += [f"{a}\t{b}\t{n}\n" for (a, b), n in counts.items()]
    return "".join(out)
