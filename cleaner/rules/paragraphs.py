"""Rule ``paragraphs``: rejoin paragraphs that page breaks and hard wraps split.

Every break between two non-blank lines is a candidate.  The decision weighs
evidence, never one signal alone:

* how line A ends: a sentence end (``。！？.!?`` before any closing quote)
  forbids a join; a character mid-sentence (a Han character, a letter, a
  digit) or a clause mark (``，、；``) speaks for one;
* the document's own line lengths: when most lines that are followed by a
  single line break are nearly the same width, the document is hard-wrapped
  at that width, and a line of that width continues on the next line;
* whether line A is prose (it has clause punctuation, or it is a full-width
  line of a hard-wrapped document) and so is line B; titles, bylines,
  captions and verse lines are short and stand alone;
* whether the characters on both sides of the break form a word (jieba
  segmentation, ``认|真`` -> ``认真``), or a Latin word continues in lower case;
  in a document that separates its paragraphs by single line breaks, a
  blank line where a word runs across is a page break;
* no paragraph starts with a closing mark or a clause mark (``”他说。``):
  such a line always continues the one above; in a hard-wrapped document a
  full line ending with ``；`` or ``：`` continues too, and a full line is
  never a numbered heading.

Never joined: Markdown headings and the line above a setext underline, list
items, lines inside fenced code, lines that end a sentence (except inside a
hard-wrapped paragraph that blank lines delimit), indented paragraph starts
in a document that indents its paragraphs, short title-like lines, a
running header or footer (a short line the document repeats at the top of
its pages: :func:`running_headers`), and a line in capitals above one that
starts in lower case.

CJK joins with no space.  Latin ``infor-`` + ``mation`` loses the hyphen when
the joined form is a word (wordfreq) and the hyphenated form is not more
common; ``well-`` + ``known`` keeps it; a soft hyphen (U+00AD) at the line end
always goes.  Other Latin lines join with a space.

>>> from cleaner import clean
>>> clean("会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，认\\n\\n真做好年底前的收尾工作。", only=["paragraphs"])
'会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，认真做好年底前的收尾工作。'
>>> clean("床前明月光，\\n疑是地上霜。", only=["paragraphs"])
'床前明月光，\\n疑是地上霜。'
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
import operator
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, compress
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from ..chars import CJK, CJK_PUNCT, CLOSERS, HAN, KANA, WIDE, display_width, lines_of
from ..dedup.rule import HEADER_MIN_LETTERS
from ..edits import Edit, OffsetMap, Suggestion, apply_edits, compose, spans_after
from ..native import compiled
from ..rule import Rule
from ..segment import cohesion

if TYPE_CHECKING:
    from ..config import Config

NAME = "paragraphs"

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)\s*$")
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
_FENCE_LINE = re.compile(_FENCE.pattern, re.MULTILINE)  # (at the start of any line of a text)
#: a list item: a bullet (a filled CJK one, ●■◆►, often has no space after
#: it; ○ and □ without one may be a zero, 二○○二年, or a glyph OCR could not
#: read), a number or a letter with its mark, a chapter or article
_LIST = re.compile(
    r"^\s*[“「『\"']?(?:[-*+•·○□▪◇√]\s|[●■◆►](?!\s*$)"
    r"|\d{1,3}[.)．、]\s?"
    r"|[（(]\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[a-zA-Z])\s*[）)]"
    r"|[一二三四五六七八九十百]{1,3}[、.．]"
    r"|[①-⑳⑴-⒇⒈-⒛]"
    r"|第[一二三四五六七八九十百千\d]{1,4}[章节条款部分篇回卷]"
    r"|[a-zA-Z][.)]\s)"
)
_CLAUSE_PUNCT = re.compile(r"[，、；：,;:。！？!?]")
_INNER_PUNCT = re.compile(r"[，、；。！？,;]")
_SENTENCE_END = "。！？!?…．."
_CLAUSE_END = "，、,"
_CJK_CHAR = re.compile(f"[{CJK}]")
_HAN_CHAR = re.compile(f"[{HAN}]")
_D = "0-9０-９一二三四五六七八九十〇○"
#: how news paragraphs open: a dateline (新华社北京1月2日电, 本报讯), an
#: editor's note, or a date (2023年5月9日，, 2023年5月9日上午，)
_OPENER = re.compile(
    rf"^(?:(?:新华社|中新社|本报|据)[^，。]{{0,12}}?[{_D}]{{1,2}}月[{_D}]{{1,3}}日(?:电|讯)"
    rf"|本报讯|编者按|编者的话|按语|[【\[](?:记者|编者)"
    rf"|[{_D}]{{2,4}}年[{_D}]{{1,2}}月[{_D}]{{1,3}}日(?:凌晨|清晨|早晨|上午|中午|下午|傍晚|晚上|晚间|晚|夜间|夜)?[，,])"
)
_INDENT = re.compile(r"^(?:\u3000|\s{2,}|\t)")
_LATIN_HYPHEN = re.compile(r"([A-Za-z]+)[-\u00ad]$")
_HYPHENS = ("-", "\u00ad")  # (what _LATIN_HYPHEN needs at the end)
_LATIN_WORD_START = re.compile(r"^([a-z]+)")
#: a prose line is at least this wide (columns; a CJK character is 2)
MIN_PROSE_WIDTH = 30
#: widest hard wrap believed (display columns, a CJK character counts 2): a
#: printed or PDF line holds about 40 Chinese characters or 100 Latin ones;
#: longer lines are paragraphs, not wrapped lines
MAX_WRAP_WIDTH = 160
#: segmentation gain (natural log) of reading across the break: a word runs
#: across it (认|真 8.6, 农|业 11.6) or a chance word does (董伟|大庆 4.2)
STRONG_COHESION = 6.0
WEAK_COHESION = 3.0
#: any gain above this: the best segmentation reads a word across the break
#: (在这|一 0.9, 各种主|客观 1.0).  Of the 356 breaks between Han characters
#: after a line that does not end a sentence (headlines, captions, section
#: titles) in the dev half of PKU, MSR, CityU and zh-Wikipedia, none has a gain
#: above 0; of the page breaks inside a word in the dev documents, all do
SPAN_COHESION = 0.5


class _Lines(NamedTuple):
    """The lines of a text as parallel lists, not an object per line: every
    pass of the rule reads every line, and the lists are built in C."""

    starts: list[int]
    bodies: list[str]
    blanks: list[bool]  # nothing but whitespace


_START = operator.itemgetter(0)  # (of the rows of lines_of, read in C)
_TEXT = operator.itemgetter(1)
_NEXT = (1).__add__  # (a line's length and its line feed)


@dataclass(frozen=True, slots=True)
class _DocStats:
    wrap_width: int  # 0 when the document is not hard-wrapped
    tolerance: int  # (0 when it is not)
    blank_paragraphs: bool  # paragraphs are delimited by blank lines
    indents: bool  # paragraphs start with an indent
    headers: frozenset[str] = frozenset()  # running headers and footers (stripped lines)
    rare_blanks: bool = False  # paragraphs are separated by single line breaks; a blank line is a page break


def _width(s: str) -> int:
    if s.isascii():
        return len(s)
    return display_width(s)


#: at least this many lines are measured at once by :func:`_batch_widths`
#: (one numpy look-up instead of a regex call a line)
BATCH_WIDTHS = 256


@functools.cache
def _wide_table() -> Any:
    """A table by code point (read-only numpy array): 1 for a character
    that :func:`~cleaner.chars.display_width` counts twice, 0 otherwise;
    built from the ranges of its character class (``[a-bc-d...]``)."""
    import numpy as np

    ranges = WIDE.pattern[1:-1]
    table = np.zeros(0x110000, dtype=np.uint8)
    for k in range(0, len(ranges), 3):
        table[ord(ranges[k]) : ord(ranges[k + 2]) + 1] = 1
    table.flags.writeable = False
    return table


def _batch_widths(texts: list[str]) -> list[int]:
    """:func:`_width` of each of ``texts``, from one look-up per character
    of them all in :func:`_wide_table`: the width of a text is its length
    and its wide characters again (summed over the characters in C).

    >>> _batch_widths(["中文ab", "", "abc", "一二"])
    [6, 0, 3, 4]
    """
    import numpy as np

    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths)
    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wide = np.concatenate((np.zeros(1, dtype=np.int64), np.cumsum(_wide_table()[codes], dtype=np.int64)))
    return cast("list[int]", (lengths + wide[ends] - wide[ends - lengths]).tolist())


def _stats(lines: _Lines, cache: _LineCache | None = None) -> _DocStats:
    """What the document's lines say about its layout; ``cache`` keeps what
    is measured of each line for the next passes (which see the same lines
    again, except where they joined some)."""
    return _layout(_tally(lines, cache if cache is not None else _LineCache()))


class _Tally(NamedTuple):
    """The counts of a document's lines that its layout (:func:`_layout`)
    reads: kept with the lines, they are brought up to date by the lines a
    pass's few joins changed (:func:`_retallied`) instead of counted again."""

    content: int  # lines that are not blank
    line_breaks: int  # lines followed by a line (neither blank)
    ends_content: bool  # the last line is not blank
    widths: Counter[int]  # the widths of the followed lines that are prose wide (right-stripped)
    latin: int  # of those lines, the ASCII ones
    indents: int  # lines that open with an indent
    keys: Counter[str]  # running-header keys (:func:`_header_key`) of the lines that have one
    headers: frozenset[str]  # the running headers (see :func:`running_headers`)
    keyed: Counter[str]  # the lines that have a key, stripped


def _tally(lines: _Lines, cache: _LineCache) -> _Tally:
    """The :class:`_Tally` of ``lines``, counted in C where it can be."""
    bodies = lines.bodies
    blank = lines.blanks
    # (a line followed by a line: neither is blank)
    followed = list(map(operator.not_, map(operator.or_, blank, blank[1:])))
    joined = list(compress(bodies, followed))
    widths = cache.widths(joined)
    prose = list(map(MIN_PROSE_WIDTH.__le__, widths))
    # (an indent opens with a blank: the regex only where one does, the
    # lines that open with one found in C: lstrip returns the very same
    # string when it strips nothing)
    opens_blank = compress(bodies, map(operator.is_not, bodies, map(str.lstrip, bodies)))
    keys = cache.header_keys(bodies)
    # (the lines that have a key and their keys, in the same order: a key is never empty)
    keyed = list(map(str.strip, compress(bodies, keys)))
    only = cast("list[str]", list(filter(None, keys)))
    counts = Counter(only)
    return _Tally(
        content=len(bodies) - sum(blank),
        line_breaks=sum(followed),
        ends_content=bool(blank) and not blank[-1],
        widths=Counter(compress(widths, prose)),  # (headings and short lines say nothing about the wrap width)
        latin=sum(map(str.isascii, compress(joined, prose))),
        indents=sum(1 for body in opens_blank if not body.isspace() and _INDENT.match(body)),
        keys=counts,
        headers=_repeated(keyed, only, counts),
        keyed=Counter(keyed),
    )


def _layout(tally: _Tally) -> _DocStats:
    """The layout that the counts of a document's lines say (see :func:`_stats`)."""
    content, line_breaks = tally.content, tally.line_breaks
    blank_breaks = content - tally.ends_content - line_breaks
    soft = sum(tally.widths.values())
    wrap = 0
    tol = 0
    if soft >= 5:
        rank = int(0.9 * (soft - 1))  # (the rank of the 90th percentile width in the sorted widths)
        seen = 0
        top = 0
        for top in sorted(tally.widths):
            seen += tally.widths[top]
            if seen > rank:
                break
        tol = max(3, round(top * (0.2 if tally.latin > soft / 2 else 0.08)))
        near = soft - sum(n for width, n in tally.widths.items() if width < top - tol)  # (the widths of at least top - tol)
        # A document of long unwrapped lines (or a hard-wrapped one once
        # rejoined) is not hard-wrapped at its paragraph length.
        if MIN_PROSE_WIDTH <= top <= MAX_WRAP_WIDTH and near >= 0.6 * soft:
            wrap = top
    return _DocStats(
        wrap_width=wrap,
        # (the tolerance only counts in a hard-wrapped document: one layout
        # for every unwrapped state of a document, so that the passes and a
        # resumed run keep the verdicts they have)
        tolerance=tol if wrap else 0,
        blank_paragraphs=blank_breaks >= 2 and blank_breaks >= 0.2 * content,
        indents=tally.indents >= 2 and tally.indents >= 0.2 * content,
        headers=tally.headers,
        rare_blanks=line_breaks >= RARE_BLANK_BREAKS and blank_breaks <= RARE_BLANK_SHARE * line_breaks,
    )


def _retallied(lines: _Lines, tally: _Tally, edits: list[Edit], text: str, cache: _LineCache) -> tuple[_Lines, _Tally] | None:
    """The lines and the :class:`_Tally` of ``text``, the text of ``lines``
    once ``edits`` (sorted, apart) are made: only the lines the edits touch
    (and the line before each, whose break they change) are split and
    counted again (:func:`_recounted`), the others moved.  None where this
    cannot tell: a text with CR, or an edit past the last line's end.

    >>> lines = _lines("甲乙\\n丙丁\\n\\n戊")
    >>> after = _retallied(lines, _tally(lines, _LineCache()), [Edit("x", 2, 3, "\\n", "")], "甲乙丙丁\\n\\n戊", _LineCache())
    >>> after[0] == _lines("甲乙丙丁\\n\\n戊"), after[1] == _tally(after[0], _LineCache())
    (True, True)
    """
    starts, bodies, blanks = lines
    n = len(bodies)
    if not n or "\r" in text:
        return None
    # The runs of lines the edits touch, each from the line before: [first, stop), and the change of length.
    runs: list[list[int]] = []
    for edit in edits:
        first = max(bisect.bisect_right(starts, edit.start) - 2, 0)
        stop = bisect.bisect_right(starts, edit.end)
        if edit.end > starts[stop - 1] + len(bodies[stop - 1]) + (stop < n):
            return None
        change = len(edit.after) - (edit.end - edit.start)
        if runs and first < runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], stop)
            runs[-1][2] += change
        else:
            runs.append([first, stop, change])
    new_starts: list[int] = []
    new_bodies: list[str] = []
    new_blanks: list[bool] = []
    spans: list[tuple[int, int, int, int]] = []  # (the run's lines before, after)
    shift = 0
    done = 0
    for first, stop, change in runs:
        new_starts += map(shift.__add__, starts[done:first]) if shift else starts[done:first]
        new_bodies += bodies[done:first]
        new_blanks += blanks[done:first]
        begin = starts[first] + shift
        end = starts[stop - 1] + len(bodies[stop - 1]) + shift + change
        split = text[begin:end].split("\n")
        if end == len(text) and not split[-1]:
            split.pop()  # (a text that ends with a line break has no empty line after it)
        spans.append((first, stop, len(new_bodies), len(new_bodies) + len(split)))
        if split:
            new_starts += accumulate(map(_NEXT, map(len, split[:-1])), initial=begin)
        new_bodies += split
        new_blanks += map(operator.not_, map(str.strip, split))
        shift += change
        done = stop
    new_starts += map(shift.__add__, starts[done:]) if shift else starts[done:]
    new_bodies += bodies[done:]
    new_blanks += blanks[done:]
    after = _Lines(new_starts, new_bodies, new_blanks)
    return after, _recounted(tally, lines, [(a, b) for a, b, _, _ in spans], after, [(a, b) for _, _, a, b in spans], cache)


def _recounted(
    tally: _Tally, before: _Lines, removed: list[tuple[int, int]], after: _Lines, added: list[tuple[int, int]], cache: _LineCache,
) -> _Tally:
    """The :class:`_Tally` of the lines ``after``, from the one of the lines
    ``before``: the lines of the ranges ``removed`` of these counted out,
    those of the ranges ``added`` of those counted in.  Right when the
    lines out of the ranges are the same on both sides, in the same order,
    and so is the line after each (the line before a change is in its
    range: its break is counted with it)."""
    content, line_breaks, latin, indents = tally.content, tally.line_breaks, tally.latin, tally.indents
    widths = tally.widths.copy()
    keyed: Counter[tuple[str, str]] = Counter()  # (key, stripped line): added less removed
    for sign, side, ranges in ((-1, before, removed), (1, after, added)):
        bodies, blanks = side.bodies, side.blanks
        n = len(bodies)
        for i in itertools.chain.from_iterable(itertools.starmap(range, ranges)):
            if blanks[i]:
                continue
            body = bodies[i]
            content += sign
            if body[0].isspace() and _INDENT.match(body):
                indents += sign
            if (key := cache.header_key(body)) is not None:
                keyed[key, body.strip()] += sign
            if i + 1 < n and not blanks[i + 1]:
                line_breaks += sign
                width = cache.width(body)
                if width >= MIN_PROSE_WIDTH:
                    widths[width] += sign
                    latin += sign * body.isascii()
    keys, lines, headers = tally.keys, tally.keyed, tally.headers
    changed = {key for (key, _), change in keyed.items() if change}
    if changed:
        keys, lines = keys.copy(), lines.copy()
        for (key, line), change in keyed.items():
            keys[key] += change
            lines[line] += change
        # The headers of a key that comes back (or came back) are found again
        # among the lines that have a key.
        again = {key for key in changed if keys[key] >= HEADER_REPEATS or tally.keys[key] >= HEADER_REPEATS}
        if again:
            header_key = cache.header_key
            found = {line for line, n in lines.items() if n > 0 and (key := header_key(line)) in again and keys[key] >= HEADER_REPEATS}
            headers = frozenset({line for line in headers if header_key(line) not in again} | found)
    return _Tally(content, line_breaks, bool(after.blanks) and not after.blanks[-1], widths, latin, indents, keys, headers, lines)


def _realigned(old: _Measure, lines: _Lines, spans: list[tuple[int, int]], cache: _LineCache) -> _Tally | None:
    """The :class:`_Tally` of ``lines``, the lines of a text that reads as
    the one ``old`` measured but for ``spans`` (sorted): the runs of lines
    between the spans are found among the old lines (the same lines in the
    same order; any such place counts the same), and only the lines
    between them are counted out and in (:func:`_recounted`).  None where
    a run is not found near where it was.

    >>> old = _measured("甲乙\\n丙丁\\n\\n戊己\\n庚", _LineCache())
    >>> lines = _lines("甲乙\\n丙\\n丁\\n\\n戊己\\n庚")
    >>> _realigned(old, lines, [(4, 5)], _LineCache()) == _tally(lines, _LineCache())
    True
    """
    old_bodies, new_bodies, starts = old.lines.bodies, lines.bodies, lines.starts
    m, n = len(old_bodies), len(new_bodies)
    if not m or not n:
        return None
    # The runs of new lines the spans touch, each from the line before: [a, b).
    runs: list[list[int]] = []
    for s, e in spans:
        a, b = max(bisect.bisect_right(starts, s) - 2, 0), max(bisect.bisect_right(starts, e), 1)
        if runs and a <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    if not runs:
        return None
    # The lines between the runs, aligned: (old start, new start, length).
    aligned: list[tuple[int, int, int]] = []
    if runs[0][0]:
        if old_bodies[: runs[0][0]] != new_bodies[: runs[0][0]]:
            return None
        aligned.append((0, 0, runs[0][0]))
    low = runs[0][0]  # (old lines before are taken)
    for k, (_, b) in enumerate(runs):
        stop = runs[k + 1][0] if k + 1 < len(runs) else n
        size = stop - b
        if size <= 0:
            continue
        at = m - size if stop == n else _found(old_bodies, new_bodies[b:stop], low)  # (the last lines: at the end)
        if at is None or at < low or (stop == n and old_bodies[at:] != new_bodies[b:]):
            return None
        aligned.append((at, b, size))
        low = at + size
    removed: list[tuple[int, int]] = []
    added: list[tuple[int, int]] = []
    old_end = new_end = 0
    for at, b, size in [*aligned, (m, n, 0)]:
        if at > old_end or b > new_end or size == 0:
            removed.append((max(old_end - 1, 0), at))
            added.append((max(new_end - 1, 0), b))
        old_end, new_end = at + size, b + size
    return _recounted(old.tally, old.lines, removed, lines, added, cache)


#: where :func:`_found` looks for a run of lines: this many places at most
FIND_TRIES = 8


def _found(lines: list[str], run: list[str], low: int) -> int | None:
    """The first place from ``low`` where ``lines`` hold ``run`` (found by
    its first line, in C), among the first :data:`FIND_TRIES` places of
    that line; None past them."""
    first = run[0]
    at = low
    for _ in range(FIND_TRIES):
        try:
            at = lines.index(first, at)
        except ValueError:
            return None
        if lines[at : at + len(run)] == run:
            return at
        at += 1
    return None


#: a short line repeated this often is a running header (or footer): a line
#: of prose that a page break or a wrap cut rarely comes back word for word
HEADER_REPEATS = 2
#: widest running header (display columns: 30 Chinese characters, 60 Latin)
HEADER_MAX_WIDTH = 60
_HEADER_PUNCT = re.compile(r"[，。；！？、,;!?]")


class _LineCache:
    """Per document (see :func:`_line_cache`): the width (right-stripped) and
    the running-header key of each line seen, by its text."""

    __slots__ = ("_widths", "_keys")

    def __init__(self) -> None:
        self._widths: dict[str, int] = {}
        self._keys: dict[str, str | None] = {}

    def __len__(self) -> int:
        return len(self._widths) + len(self._keys)

    def widths(self, bodies: list[str]) -> list[int]:
        """The width of each of ``bodies`` (right-stripped); many lines not
        measured yet that are not ASCII are measured at once
        (:func:`_batch_widths`)."""
        known = self._widths
        wide: dict[str, str] = {}  # (the lines not ASCII, right-stripped)
        for body in set(bodies).difference(known):
            s = body.rstrip()
            if s.isascii():
                known[body] = len(s)
            else:
                wide[body] = s
        if len(wide) >= BATCH_WIDTHS:
            known.update(zip(wide, _batch_widths(list(wide.values()))))
        else:
            known.update(zip(wide, map(display_width, wide.values())))
        return list(map(known.__getitem__, bodies))

    def width(self, body: str) -> int:
        """The width of ``body`` (right-stripped)."""
        width = self._widths.get(body)
        if width is None:
            width = self._widths[body] = _width(body.rstrip())
        return width

    def header_key(self, line: str) -> str | None:
        """:func:`_header_key` of ``line``."""
        known = self._keys
        if line not in known:
            known[line] = _header_key(line)
        return known[line]

    def header_keys(self, lines: list[str]) -> list[str | None]:
        """:func:`_header_key` of each of ``lines``."""
        known = self._keys
        for line in set(lines).difference(known):
            known[line] = _header_key(line)
        return list(map(known.__getitem__, lines))


_UNSEEN: Any = object()  # (a break whose verdict is not yet known)
_new = tuple.__new__


def _header_key(line: str) -> str | None:
    """What a line is compared on as a running header (see
    :func:`running_headers`), or None when it cannot be one."""
    s = line.strip()
    # (a line longer than that in characters is wider still: no width to measure)
    if not s or len(s) > HEADER_MAX_WIDTH or _HEADER_PUNCT.search(s) or _wider(s, HEADER_MAX_WIDTH + 1):
        return None
    key = _DIGITS.sub("0", _NOT_WORD.sub("", unicodedata.normalize("NFKC", s).casefold()))
    return key if len(key.replace("0", "")) >= HEADER_MIN_LETTERS else None


def running_headers(lines: list[str], *, keys: Callable[[str], str | None] = _header_key) -> frozenset[str]:
    """The lines (stripped) that a document repeats as running headers or
    footers: a line at most :data:`HEADER_MAX_WIDTH` wide without clause or
    sentence punctuation, with at least
    :data:`~cleaner.dedup.rule.HEADER_MIN_LETTERS` letters that are not
    digits, that comes back (case, width, spaces and punctuation folded,
    digits ignored: ``Page 3``/``Page 4``) :data:`HEADER_REPEATS` times or
    more.  Such a line is never joined to the prose around it; the
    ``page_headers`` rule, when on, drops its copies.

    >>> sorted(running_headers(["User Guide 1", "text", "", "USER GUIDE 2", "more"]))
    ['USER GUIDE 2', 'User Guide 1']
    >>> running_headers(["User Guide", "text, more text", "text, more text"])
    frozenset()

    ``keys`` gives a line's key (None: it cannot be a header); a caller
    that judges the same lines again passes a cached one.
    """
    keyed = list(map(keys, lines))
    return _repeated(lines, keyed, _key_counts(keyed))


def _key_counts(keys: list[str | None]) -> Counter[str]:
    """How often each key comes (most lines have none: they are not counted, in C)."""
    return cast("Counter[str]", Counter(filter(_IS_KEY, keys)))


def _repeated(lines: list[str], keys: Sequence[str | None], counts: Counter[str]) -> frozenset[str]:
    """:func:`running_headers` of ``lines`` whose keys are ``keys`` (``counts``: how often each comes)."""
    again = {key for key, n in counts.items() if n >= HEADER_REPEATS}
    if not again:
        return frozenset()
    return frozenset(map(str.strip, compress(lines, map(again.__contains__, keys))))  # (in C: every line is read)


_IS_KEY = functools.partial(operator.is_not, None)  # (a header key, not None: in C)
_DIGITS = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[\W_]+")


def _last_sig(s: str) -> str:
    s = s.rstrip()
    t = s.rstrip(CLOSERS)
    return (t or s)[-1:] if s else ""


def ends_sentence(s: str) -> bool:
    """Whether the line ends a sentence (closing quotes and brackets aside).

    >>> ends_sentence("他说：“走吧。”"), ends_sentence("要实施节能")
    (True, False)
    """
    last = _last_sig(s)
    return bool(last) and last in _SENTENCE_END


def _wider(s: str, width: int) -> bool:
    """Whether ``s`` is at least ``width`` columns wide; measured only where
    its length leaves that open (a width is at least the length, at most
    twice it).

    >>> _wider("中文ab", 6), _wider("中文ab", 7), _wider("abc", 4)
    (True, False, False)
    """
    n = len(s)
    return n >= width or (2 * n >= width and _width(s) >= width)


def _is_prose(s: str, stats: _DocStats) -> bool:
    if stats.wrap_width and _wider(s, stats.wrap_width - stats.tolerance):
        return True
    return _wider(s, MIN_PROSE_WIDTH) and bool(_CLAUSE_PUNCT.search(s))


def _blocked(a: str, b: str, b_raw: str, stats: _DocStats) -> bool:
    """Structural reasons never to join A and B."""
    if _marked(a) or _marked(b_raw) or _LIST.match(b_raw):
        return True
    if stats.indents and _INDENT.match(b_raw):
        return True
    # (a search for one space first: many times faster than a count of two)
    if (" " in a and a.count("  ") >= 2) or (" " in b and b.count("  ") >= 2) or a.startswith("|") or a.endswith("|"):
        return True  # columns of a table
    return False


#: what a Markdown heading, setext underline or code fence opens with
#: (after at most three spaces)
_MARK_OPENERS = " #=-`~"


def _marked(s: str) -> bool:
    """Whether ``s`` is a Markdown heading, a setext underline or a code
    fence (the regular expressions only for a line that opens with a space
    or a mark).

    >>> _marked("## 第一章"), _marked("======"), _marked("第一章")
    (True, True, False)
    """
    return s[:1] in _MARK_OPENERS and bool(_HEADING.match(s) or _SETEXT.match(s) or _FENCE.match(s))


def _header_break(line: str, b: str, stats: _DocStats) -> bool:
    """Whether a running header or footer stands on either side of the break,
    or a line in capitals stands above one that starts in lower case
    (``GNU GENERAL PUBLIC LICENSE`` / ``to respect the freedom...``)."""
    if line.strip() in stats.headers or b.strip() in stats.headers:
        return True
    return line.isupper() and sum(c.isalpha() for c in line) >= 4 and b[:1].islower()


@functools.cache
def _english_words() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en", "large")


def _zipf(word: str) -> float:
    f = _english_words().get(word.lower(), 0.0)
    return math.log10(f * 1e9) if f > 0 else 0.0


def _dehyphenate(left: str, right: str) -> bool:
    """Whether ``left-`` + ``right`` is one word broken by a hyphen at a line end.

    ``infor-mation``: the halves are not words and the whole is, so the hyphen
    goes.  ``well-known``: both halves are common words and ``wellknown`` is
    rare (Zipf < 3 in wordfreq), so the hyphen stays.

    >>> _dehyphenate("infor", "mation"), _dehyphenate("well", "known")
    (True, False)
    """
    joined = _zipf(left + right)
    if _zipf(left) >= 3 and _zipf(right) >= 3:
        return joined >= 3
    return joined > 0


def _word_across(a: str, b: str, page_break: bool) -> tuple[float, bool]:
    """Score for the segmentation gain of reading across the break between
    Han characters, and whether a word runs across it (``认|真``, a gain of
    :data:`WEAK_COHESION` or more); a ``page_break`` (a blank line where the
    document separates its paragraphs by line breaks) adds to such a gain.
    A smaller gain still speaks for a join: the best segmentation reads a
    word across (``可怕的是在这|一年龄段``)."""
    gain = cohesion(a, b)
    score = 2.0 if page_break and gain >= WEAK_COHESION else 0.0
    if gain >= STRONG_COHESION:
        return score + 3.0, True
    if gain >= WEAK_COHESION:
        return score + 2.0, True
    return (1.0 if gain > SPAN_COHESION else 0.0), False


def _stays_apart(a: str, b: str, ends: bool | None = None) -> bool:
    """Whether a break after the paragraph ``a`` before the line ``b``
    (its leading blanks stripped) stays whatever else the break shows, when
    line A is not a wrapped line: ``a`` ends a sentence (or with ``；``),
    and neither a hyphenated word nor a closing or clause mark opening the
    next line (:func:`_closing`) speaks for a join (the shortcut of
    :func:`_decide`); ``ends``: whether ``a`` ends a sentence, when known.

    >>> _stays_apart("会议结束。", "下"), _stays_apart("会议结束。", "”"), _stays_apart("会议", "结")
    (True, False, False)
    >>> _stays_apart("会议结束。", "’９７中国旅游年")
    True
    """
    if _closing(b) or a.endswith(_HYPHENS):
        return False
    return a[-1] in "；;" or (ends_sentence(a) if ends is None else ends)


def _decide(line: str, a: str, b_raw: str, blank_between: bool, stats: _DocStats) -> tuple[float, str] | None:
    """Score for joining line B to the paragraph ``a`` that ends with ``line``,
    and the text that replaces the break; None when they must stay apart."""
    b = b_raw.lstrip(" \t\u3000")
    a = a.rstrip()
    line = line.rstrip()
    if not a or not b:
        return None
    last, first = a[-1], b[0]
    wrapped = (
        not blank_between
        and stats.wrap_width > 0
        and _width(line) >= stats.wrap_width - stats.tolerance
    )
    ends = ends_sentence(a)
    if not wrapped and _stays_apart(a, b, ends):
        return None  # (what the checks below conclude, read first: most breaks end a sentence)
    if _blocked(a, b, b_raw, stats) or _header_break(line, b, stats):
        return None
    # Latin word broken by a hyphen at the line end.
    m = _LATIN_HYPHEN.search(a) if a.endswith(_HYPHENS) else None  # (a search at every position otherwise)
    w = _LATIN_WORD_START.match(b) if m else None
    if m and w:
        if a.endswith("\u00ad"):
            return 5.0, ""  # a soft hyphen: the break was discretionary
        return (5.0, "") if _dehyphenate(m.group(1), w.group(1)) else (5.0, "-")
    cjk = bool(_CJK_CHAR.match(last) or _CJK_CHAR.match(first))
    # A number cut by a wrap inside Chinese text (公元17|87年) joins without a space.
    cjk = cjk or (last.isdigit() and first.isdigit() and bool(_CJK_CHAR.search(a[-20:] + b[:20])))
    sep = "" if cjk else " "
    if _closing(b) and not (_LIST.match(b_raw) or _HEADING.match(b_raw)):
        # no paragraph starts with a closing mark or a clause mark: the line
        # continues the one above (”他说。 after a quotation)
        return 5.0, sep
    if ends or (last in "；;" and not wrapped):
        # (a line ending with ； is often an item of an enumeration; in a
        # hard-wrapped document a full line that ends with ； is wrapped)
        # Inside a hard-wrapped paragraph delimited by blank lines (or by
        # indents), a full line that ends a sentence still continues it.
        if wrapped and (stats.blank_paragraphs or (stats.indents and not _INDENT.match(b_raw))):
            return 4.0, sep
        return None
    if _LIST.match(a) and not _INNER_PUNCT.search(a, 0, len(a) - 1) and not wrapped:
        return None  # a numbered heading: 三、重视解决…… (a heading is not wrapped)
    score = 0.0
    word_across = False  # a word runs across the break
    if last.isalnum() or last in "-/":
        score += 1.0  # stops mid-sentence
    elif last in _CLAUSE_END or (wrapped and last in "；;：:"):
        score += 1.0  # stops after a clause
    elif not wrapped:
        return None  # ends with ：, a quote, a bracket...: a list or a quotation may follow
    if wrapped:
        score += 2.0
    # (the width only counts below 2 * MIN_PROSE_WIDTH, and it is at least the length)
    if _INNER_PUNCT.search(a, 0, len(a) - 1):  # (in a[:-1], not copied)
        score += 1.0  # A reads as prose, not as a title
    if _wider(a, 2 * MIN_PROSE_WIDTH):
        score += 1.0  # longer than titles and bylines are
    if _is_prose(b, stats) or (_INNER_PUNCT.search(b) and ends_sentence(b)):
        score += 1.0
    if _OPENER.match(b):
        score -= 2.0  # a dateline or a date opens a new paragraph
    if first in "，、；：。！？）」』》":
        score += 3.0  # nothing starts a paragraph with a clause mark
    if cjk and _HAN_CHAR.match(last) and _HAN_CHAR.match(first):
        extra, word_across = _word_across(a, b, blank_between and stats.rare_blanks)
        score += extra
    if not cjk and first.islower():
        score += 3.0
    if not cjk and first.isupper() and not wrapped:
        return None  # a new sentence may start a new paragraph
    if _short_stays(a, b, wrapped, score, word_across):
        return None
    return score, sep


def _short_stays(a: str, b: str, wrapped: bool, score: float, word_across: bool) -> bool:
    """Whether a short paragraph ``a`` stays apart from line ``b`` (the
    last checks of :func:`_decide`, with its ``score`` so far).

    * Both short and not hard-wrapped: a caption, an item of a list, a line
      of verse, whatever word reads across (李滨声／画|面人 in People's
      Daily: a byline over captions, where 画面 reads across).  A page
      break leaves the rest of a paragraph, seldom a short line, after a
      short start.
    * ``a`` very short: a title or a byline, unless the evidence is strong
      or a word runs across (of 321 short lines before a line in PKU, MSR
      and zh-Wikipedia that do not end a sentence, none reads as a word
      with the next line's start: the largest gain is 2.2, under
      WEAK_COHESION; a page break near a paragraph's start: 要不是今|年 5.1,
      要看|到 4.4).

    >>> _short_stays("李滨声／画", "面人", False, 4.0, True), _short_stays("我们要看", "到美好的前景，用积极的行动解除消极的意念。", False, 4.0, True)
    (True, False)
    """
    short_a = not _wider(a, MIN_PROSE_WIDTH // 2)
    if short_a and not wrapped and not _wider(b, MIN_PROSE_WIDTH // 2):
        return True
    return short_a and score < 4 + 2 and not word_across


#: in a document of at least this many single line breaks between lines,
#: and blank lines at most this share of them, paragraphs are separated by
#: line breaks and a blank line is a page break, not a paragraph break
RARE_BLANK_BREAKS = 5
RARE_BLANK_SHARE = 0.2

#: no paragraph starts with one of these: a closing quotation mark or
#: bracket, or a clause mark (:func:`_closing`)
NEVER_STARTS = frozenset("”’」』）》〉】〕，、；：。！？")
#: ... but ’ before two digits elides a year's century (’97 香港回归, ’99
#: 昆明世博会): a headline may open with it
_ELIDED_YEAR = re.compile("’[0-9０-９]{2}")


def _closing(b: str) -> bool:
    """Whether the line ``b`` (leading blanks stripped) opens with one of
    :data:`NEVER_STARTS`, not with an elided year.

    >>> _closing("”他说。"), _closing("’９７中国旅游年"), _closing("’他说")
    (True, False, True)
    """
    return b[:1] in NEVER_STARTS and _ELIDED_YEAR.match(b) is None

#: the last characters of a line (trailing blanks and closing marks aside)
#: after which a break that is not a wrap stays: see :func:`_stays_apart`
_CLOSED = frozenset(_SENTENCE_END + "；;")

#: a break is joined when its evidence scores at least this much
JOIN_SCORE = 4.0


def _lines(text: str) -> _Lines:
    """The lines of ``text`` as :func:`~cleaner.chars.lines_of` reads them
    (their starts and texts), each with whether it is blank; where only LF
    ends lines, a split, the offsets summed and the blanks found in C (in
    one pass of ``_cleaner_paragraphs``, when built: 1 ms less a pass on
    damaged Chinese, 1 MB).

    >>> _lines("甲\\n \\n乙")
    _Lines(starts=[0, 2, 4], bodies=['甲', ' ', '乙'], blanks=[False, True, False])
    >>> _lines("甲\\r\\n\\r乙\\n") == _Lines([0, 3, 4], ["甲", "", "乙"], [False, True, False]), _lines(""), _lines("\\n")
    (True, _Lines(starts=[], bodies=[], blanks=[]), _Lines(starts=[0], bodies=[''], blanks=[True]))
    """
    if "\r" in text:
        rows = lines_of(text)
        starts = list(map(_START, rows))
        bodies = list(map(_TEXT, rows))
    elif _WALK is not None and (done := _WALK.lines(text)) is not NotImplemented:
        return _Lines(*done)  # (the split, then the offsets and the blanks in one pass, in C)
    else:
        bodies = text.split("\n")
        if not bodies[-1]:
            bodies.pop()  # (a text that ends with a line break has no empty line after it)
        starts = list(accumulate(map(_NEXT, map(len, bodies)), initial=0))
        starts.pop()
    # (blank: empty or whitespace alone, which strip would take away whole:
    # isspace tests the same characters without copying the line)
    return _Lines(starts, bodies, [not body or body.isspace() for body in bodies])


#: the verdicts of :func:`_decide` under one document layout, by break
_Verdicts = dict[tuple[str, str, str, bool], "tuple[float, str] | None"]
#: the verdicts, kept across the passes of one call (a pass whose joins
#: change no line length sees the same layout again)
_Memo = dict[_DocStats, _Verdicts]
#: a break left alone: the start and text of line A, of line B, and the
#: paragraph that ends with A
_Kept = tuple[int, str, int, str, str]
#: passes of :func:`_joins` at most (each reads the layout its joins left)
MAX_PASSES = 4
#: :data:`_RECENT` keeps the verdicts of at most this many layouts...
RECENT_LAYOUTS = 3
#: ...and of at most this many characters of breaks (lines and paragraph
#: tails) in all: a few MB
RECENT_CHARS = 2_000_000
#: the line cache kept across calls is renewed past this many lines
RECENT_LINES = 100_000


class _RecentLayouts(dict[_DocStats, _Verdicts]):
    """The verdicts of the layouts seen last, kept across the calls on one
    document (the pipeline calls :func:`forget_layouts` when it is done
    with it): after ``dedup`` drops a paragraph the pipeline runs the rule
    again on a text that differs only at the seam, and usually has the
    same layout.  A verdict is a pure function of the break and the
    layout, so a verdict remembered from an earlier call is the one it
    would get."""

    def setdefault(self, stats: _DocStats, default: _Verdicts | None = None) -> _Verdicts:
        verdicts = self.pop(stats, None)
        if verdicts is None:
            verdicts = {}
        self[stats] = verdicts  # (now the newest)
        return verdicts

    def trim(self) -> None:
        """Forget the oldest layouts beyond the bounds."""
        while len(self) > RECENT_LAYOUTS:
            del self[next(iter(self))]
        sizes = {stats: sum(len(a) + len(p) + len(b) for a, p, b, _ in v) for stats, v in self.items()}
        total = sum(sizes.values())
        for stats in list(self):  # (oldest first)
            if total <= RECENT_CHARS:
                break
            total -= sizes[stats]
            del self[stats]


_LOCAL = threading.local()  # (one memo per thread: no locking needed)


def forget_layouts() -> None:
    """Forget the verdicts kept for this thread's document (see
    :class:`_RecentLayouts`); the next call starts afresh."""
    _LOCAL.__dict__.pop("layouts", None)
    _LOCAL.__dict__.pop("lines", None)
    _LOCAL.__dict__.pop("settled", None)


def _line_cache() -> _LineCache:
    """This thread's :class:`_LineCache`, kept across the calls on one
    document like the verdicts (a line's width and header key depend on
    the line alone); a new one when it has grown past :data:`RECENT_LINES`."""
    cache = getattr(_LOCAL, "lines", None)
    if cache is None or len(cache) > RECENT_LINES:
        cache = _LOCAL.lines = _LineCache()
    return cache


def _recent() -> _RecentLayouts:
    """This thread's :class:`_RecentLayouts`."""
    layouts = getattr(_LOCAL, "layouts", None)
    if layouts is None:
        layouts = _LOCAL.layouts = _RecentLayouts()
    return layouts


def paragraphs_rule(text: str, config: Config) -> Iterator[Edit | Suggestion]:
    """Edits that rejoin broken paragraphs (see the module docstring), and
    suggestions for the breaks left alone where a word may run across.

    A join changes the evidence around it (a short line joined to its
    neighbour is no longer short), so the rule runs again on its own output
    until it joins nothing more, and returns the composed edits.  On the
    final text, a break between Han characters after a line that does not
    end a sentence, where the best segmentation reads a word across
    (:data:`SPAN_COHESION`), is reported as a :class:`~cleaner.edits.Suggestion`
    (``但在看|过拜纳姆的伤情报告后``: a title is rarely that short and
    that unfinished, but the evidence is too thin to join).

    >>> from cleaner import explain
    >>> text = "但在看" + chr(10) + "过拜纳姆的伤情报告后，禅师乐观地宣称，他可以在季后赛复出。" + chr(10)
    >>> r = explain(text, only=["paragraphs"])
    >>> r.text == text, [(s.start, s.end) for s in r.suggestions]
    (True, [(3, 4)])
    """
    return _whole(text)


def _whole(text: str, first: _Measure | None = None) -> Iterator[Edit | Suggestion]:
    """:func:`paragraphs_rule`; ``first`` gives the lines of ``text``, their
    layout and counts when the caller has them already (a resumption that
    found it cannot resume).

    A pass after one that joined few breaks (:data:`FEW_JOINS`) counts the
    lines again only where the joins changed them (:func:`_retallied`), and
    when the layout stays the same and no line can open a code fence, it
    judges only the breaks next to the joins (:func:`_judged`): elsewhere a
    break has the key and the verdict it had in the pass before, which did
    not join it."""
    memo, cache = _recent(), _line_cache()
    kept: list[_Kept] = []
    layout: _DocStats | None = None  # (of the last pass that judged)
    edits: list[Edit] = []
    current = text
    settled = False
    measure = first
    near: list[tuple[int, int]] | None = None  # (the joins of the pass before, when only the breaks next to them are judged)
    for _ in range(MAX_PASSES):
        if "\n" not in current and "\r" not in current:
            kept = []
            settled = True  # (no break: nothing to judge)
            measure = None  # (the layout is the one of the pass before)
            break
        measure = measure if measure is not None else _measured(current, cache)
        lines, stats, tally = measure
        layout = stats
        more, kept = _judged(current, lines, stats, _layout_verdicts(memo, stats), kept, near)
        if not more:
            settled = True
            break  # the breaks this pass left alone are the final ones (measure: of the text)
        edits = compose(text, current, edits, more) if edits else more
        current = apply_edits(current, more)
        measure, near = None, None
        if len(more) * FEW_JOINS <= len(lines.bodies) and (counted := _retallied(lines, tally, more, current, cache)) is not None:
            measure = _Measure(counted[0], _layout(counted[1]), counted[1])
            if measure.stats == stats and not _may_fence(current):
                near = spans_after(more)
                kept = _shifted(kept, more)
    else:
        kept = []
        if "\n" in current or "\r" in current:
            lines, stats, _ = measure if measure is not None else _measured(current, cache)
            for _ in _walk(current, lines, stats, _layout_verdicts(memo, stats), _fenced(lines, current), kept, 0, len(lines.bodies), join=False):
                pass  # (joins nothing: only lists the breaks)
    memo.trim()
    _LOCAL.settled = _Settled(current, layout, measure) if settled and layout is not None else None
    doubts = [d for k in kept if (d := _doubt_at(current, k)) is not None]
    mapper = OffsetMap(edits)
    return iter([*edits, *(mapper.map_edit(s) for s in doubts)])


#: a pass after one that joined at most one break in this many lines
#: counts and judges again only next to the joins (see :func:`_whole`):
#: after many joins, the bookkeeping of the lines they touched costs more
#: than reading all of them
FEW_JOINS = 32


def _judged(
    text: str, lines: _Lines, stats: _DocStats, verdicts: _Verdicts, kept: list[_Kept], near: list[tuple[int, int]] | None,
) -> tuple[list[Edit], list[_Kept]]:
    """The joins of one pass over ``text`` and the breaks it leaves alone:
    all its breaks (``near`` None), or those next to the spans ``near``
    (no fences), the others being the ``kept`` breaks of the pass before
    that the spans do not touch (moved to ``text``)."""
    fresh: list[_Kept] = []
    if near is None:
        return list(_walk(text, lines, stats, verdicts, _fenced(lines, text), fresh, 0, len(lines.bodies))), fresh
    walked: list[tuple[int, int]] = []
    more = list(_walk_ranges(text, lines, stats, verdicts, fresh, _touched(lines, near), walked))
    starts = lines.starts
    return more, _merge_kept(kept, fresh, [(starts[i], starts[e] if e < len(starts) else len(text) + 1) for i, e in walked])


@dataclass(frozen=True, slots=True)
class _Settled:
    """What :func:`paragraphs_rule` returned last on this thread's document:
    a text none of whose breaks joins under its layout ``stats``."""

    text: str
    stats: _DocStats
    measure: _Measure | None = None  # (its lines, layout and counts, when known)


def paragraphs_resume(text: str, config: Config, spans: list[tuple[int, int]]) -> Iterator[Edit | Suggestion]:
    """:func:`paragraphs_rule` on ``text``, the text the rule returned last
    with the given spans changed since by other rules (the pipeline's
    :attr:`~cleaner.rule.Rule.resume`): when the layout is still the one
    under which that text joined nothing, a break away from the spans has
    the key and the verdict it had (no join), so only the breaks that touch
    the spans are judged again; their suggestions come back (the others
    were returned before).  A layout that differs only in its running
    headers (a drop made a line repeat, or no longer) judges again the
    breaks next to the lines that changed status as well.  A join near a
    span starts the passes of the rule from there (:func:`_onward`).
    Anything else (another layout, a code fence, a text the rule did not
    return) runs the rule on the whole text, on the lines and layout
    measured here.
    """
    last: _Settled | None = getattr(_LOCAL, "settled", None)
    if last is None or not _unchanged_beside(last.text, text, spans) or _may_fence(text):
        return paragraphs_rule(text, config)
    if not spans:
        return iter(())  # (the text it returned: nothing new to say)
    if "\n" not in text and "\r" not in text:
        return paragraphs_rule(text, config)  # (no break: nothing to judge)
    cache = _line_cache()
    lines = _lines(text)
    # (the counts of the lines from those of the text returned last, where the lines between the spans are found there)
    tally = _realigned(last.measure, lines, spans, cache) if last.measure is not None else None
    if tally is None:
        tally = _tally(lines, cache)
    measured = _Measure(lines, _layout(tally), tally)
    stats = measured.stats
    if stats != last.stats:
        if stats.headers == last.stats.headers or replace(last.stats, headers=stats.headers) != stats:
            return _whole(text, measured)
        # Only the running headers changed: a break between two lines whose
        # header status is as it was has the verdict it had, so the breaks
        # next to the lines that changed status are judged again too.
        changed = stats.headers ^ last.stats.headers
        spans = sorted(spans + [(start, start) for start, body, empty in zip(*lines) if not empty and body.strip() in changed])
    return _onward(text, measured, spans)


def _onward(text: str, measured: _Measure, spans: list[tuple[int, int]]) -> Iterator[Edit | Suggestion]:
    """The passes of :func:`paragraphs_rule` on ``text``, whose breaks away
    from ``spans`` join nothing under its layout (``measured``: its lines
    and layout): a pass judges only the breaks next to the spans, or next
    to what the pass before joined, as long as the layout stays the same
    but for its running headers (the breaks next to a line that changed
    status are judged too): elsewhere a break has the key and the verdict
    it had.  The breaks judged and left alone come back as suggestions
    where a word may run across (the others were returned before).  A
    layout that changes otherwise, or passes that keep joining, run the
    whole rule."""
    memo, cache = _recent(), _line_cache()
    lines, stats, tally = measured
    edits: list[Edit] = []
    current = text
    kept: list[_Kept] = []
    for _ in range(MAX_PASSES):
        more, kept = _judged(current, lines, stats, _layout_verdicts(memo, stats), kept, spans)
        if not more:
            _LOCAL.settled = _Settled(current, stats, _Measure(lines, stats, tally))
            doubts = [d for k in kept if (d := _doubt_at(current, k)) is not None]
            if not edits:
                return iter(doubts)
            memo.trim()
            mapper = OffsetMap(edits)
            return iter([*edits, *(mapper.map_edit(s) for s in doubts)])
        edits = compose(text, current, edits, more) if edits else more
        current = apply_edits(current, more)
        counted = _retallied(lines, tally, more, current, cache) if len(more) * FEW_JOINS <= len(lines.bodies) else None
        after, layout, tally = _Measure(counted[0], _layout(counted[1]), counted[1]) if counted is not None else _measured(current, cache)
        if replace(layout, headers=stats.headers) != stats or _may_fence(current):
            return _whole(text, measured)  # another layout: the whole rule
        spans = spans_after(more)
        if layout.headers != stats.headers:
            changed = layout.headers ^ stats.headers
            spans = sorted(spans + [(start, start) for start, body, empty in zip(*after) if not empty and body.strip() in changed])
        kept = _shifted(kept, more)
        lines, stats = after, layout
    return _whole(text, measured)  # (joins after every pass: the whole rule lists its breaks)


def _walk_ranges(
    text: str, lines: _Lines, stats: _DocStats, verdicts: _Verdicts, kept: list[_Kept], ranges: list[tuple[int, int]],
    walked: list[tuple[int, int]],
) -> Iterator[Edit]:
    """:func:`_walk` over the ranges of lines (no fences), each on past its
    end while it joins; the ranges of lines walked go to ``walked``."""
    fenced = [False] * len(lines.bodies)
    pos = 0  # (where the walk stands: a range that starts before goes on from there)
    for i, stop in ranges:
        i = max(i, pos)
        stopped: list[int] = []
        yield from _walk(text, lines, stats, verdicts, fenced, kept, i, stop, onward=True, stopped=stopped)
        walked.append((i, stopped[0]))
        pos = stopped[0]


def _shifted(kept: list[_Kept], edits: list[Edit]) -> list[_Kept]:
    """The kept breaks (sorted) that no edit (sorted) touches or adjoins,
    moved to where they stand once the edits are made.

    >>> _shifted([(0, "甲", 2, "乙", "甲"), (4, "丙", 6, "丁", "丙")], [Edit("x", 1, 1, "", "")])
    [(4, '丙', 6, '丁', '丙')]
    >>> _shifted([(4, "丙", 6, "丁", "丙")], [Edit("x", 1, 3, "ab", "")])
    [(2, '丙', 4, '丁', '丙')]
    """
    out: list[_Kept] = []
    k, delta, n = 0, 0, len(edits)
    for a_start, a, b_start, b, para in kept:
        while k < n and edits[k].end < a_start:
            delta += len(edits[k].after) - (edits[k].end - edits[k].start)
            k += 1
        if k < n and edits[k].start <= b_start + len(b):
            continue  # (next to an edit: judged again)
        out.append((a_start + delta, a, b_start + delta, b, para))
    return out


def _merge_kept(kept: list[_Kept], fresh: list[_Kept], walked: list[tuple[int, int]]) -> list[_Kept]:
    """The kept breaks of the passes before whose line A was not walked
    again (``walked``: ranges of offsets, sorted) and those the walk kept,
    in the order of the text.

    >>> _merge_kept([(0, "甲", 2, "乙", "甲"), (4, "丙", 6, "丁", "丙")], [(2, "乙", 4, "丙", "乙")], [(2, 4)])
    [(0, '甲', 2, '乙', '甲'), (2, '乙', 4, '丙', '乙'), (4, '丙', 6, '丁', '丙')]
    """
    if not kept:
        return fresh
    ends = [e for _, e in walked]
    left = []
    for entry in kept:
        k = bisect.bisect_right(ends, entry[0])
        if not (k < len(walked) and walked[k][0] <= entry[0]):
            left.append(entry)
    return sorted(left + fresh, key=_A_START)


_A_START = operator.itemgetter(0)


def _unchanged_beside(old: str, new: str, spans: list[tuple[int, int]]) -> bool:
    """Whether ``new`` reads as ``old`` before the first span and after the
    last one (a check that the spans describe changes to ``old``)."""
    if not spans:
        return old == new
    head, tail = spans[0][0], len(new) - spans[-1][1]
    return len(old) >= head + tail and old[:head] == new[:head] and old[len(old) - tail :] == new[len(new) - tail :]


def _touched(lines: _Lines, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges of lines ``[i, stop)`` whose breaks (each line as line A)
    can read a character of the spans: from the last non-blank line before
    the lines a span touches to the last line before the next non-blank one
    after them.  Each range opens a paragraph (no join ends at its line A).

    >>> lines = _lines("甲\\n乙\\n\\n丙\\n丁\\n戊")
    >>> _touched(lines, [(5, 5)])  # the blank line between 乙 and 丙
    [(1, 4)]
    """
    starts, _, blank = lines
    n = len(starts)
    out: list[tuple[int, int]] = []
    for s, e in spans:
        first = max(0, bisect.bisect_right(starts, max(s - 1, 0)) - 1)
        last = max(first, bisect.bisect_right(starts, e) - 1)
        i = first - 1
        while i > 0 and blank[i]:
            i -= 1
        i = max(i, 0)
        stop = last + 1
        while stop < n and blank[stop]:
            stop += 1
        if out and i <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], stop))
        else:
            out.append((i, stop))
    return out


def _doubt_at(text: str, kept: _Kept) -> Suggestion | None:
    """A suggestion to join a break of ``text`` that the walk left alone,
    when a word may run across it (see :func:`paragraphs_rule`)."""
    a_start, a, b_start, b, para = kept
    body = b.lstrip(" \t\u3000")
    end = para.rstrip()
    # (most breaks are not between two Han characters: that first, before the offsets are worked out)
    if not body or not end or not (_HAN_CHAR.match(end[-1]) and _HAN_CHAR.match(body[0])) or ends_sentence(end):
        return None
    gain = cohesion(end, body)
    if gain <= SPAN_COHESION:
        return None
    cut, stop = a_start + len(a.rstrip()), b_start + len(b) - len(body)
    return Suggestion(NAME, cut, stop, text[cut:stop], "", score=0.5, note=f"a word may run across this break (segmentation gain {gain:.1f})")


def _may_fence(text: str) -> bool:
    """Whether ``text`` holds a code fence mark (a search for one character
    first: it is many times faster than one for three, and most texts have
    neither a backtick nor a tilde).

    >>> _may_fence("代码：\\n```\\nx = 1\\n```"), _may_fence("约~3~公里")
    (True, False)
    """
    return _holds_three("`", text) or _holds_three("~", text)


#: :func:`_holds_three` looks at most at this many of the marks one by one
FEW_MARKS = 32


def _holds_three(mark: str, text: str) -> bool:
    """Whether ``text`` holds ``mark`` three times in a row: read at each
    of its first :data:`FEW_MARKS` ``mark`` (found in C, many times faster
    than a search for three, which scans a text with a few stray tildes to
    its end), past them by a search for three.

    >>> _holds_three("~", "约~3~公里"), _holds_three("~", "a~~b~~~"), _holds_three("`", "中文")
    (False, True, False)
    """
    run = mark * 3
    at = text.find(mark)
    for _ in range(FEW_MARKS):
        if at < 0:
            return False
        if text.startswith(run, at):
            return True
        at = text.find(mark, at + 1)
    return at >= 0 and text.find(run, at) >= 0  # (no run starts before a mark already read)


def _fenced(lines: _Lines, text: str) -> list[bool]:
    """Which lines are inside a fenced code block (or are its fences)."""
    fenced = [False] * len(lines.bodies)
    if not _may_fence(text):
        return fenced  # (no line can open a fence)
    if "\r" not in text:
        # (the fences found in C by one search over the text: a text may
        # hold ``` or ~~~ inside a line, and then no line opens a fence)
        marks = [bisect.bisect_left(lines.starts, m.start()) for m in _FENCE_LINE.finditer(text)]
        for opened, closed in zip(marks[::2], [*marks[1::2], len(fenced) - 1]):
            fenced[opened : closed + 1] = [True] * (closed + 1 - opened)  # (a fence left open runs to the end)
        return fenced
    in_fence = False
    for i, body in enumerate(lines.bodies):
        if _FENCE.match(body):
            in_fence = not in_fence
            fenced[i] = True
        elif in_fence:
            fenced[i] = True
    return fenced


def _joins(
    text: str, memo: _Memo, cache: _LineCache, kept: list[_Kept], *, join: bool = True, layout: list[_DocStats] | None = None,
    first: _Measure | None = None,
) -> Iterator[Edit]:
    """One pass of :func:`paragraphs_rule`; ``memo`` keeps the verdicts of
    :func:`_decide` (a pure function) for the next passes, which see the same
    breaks again except next to what was joined.  The breaks the pass
    leaves alone go to ``kept``; without ``join``, it joins none; the
    layout it judged under goes to ``layout``; ``first``: the lines of
    ``text`` and their layout, when known."""
    if "\n" not in text and "\r" not in text:
        return
    lines, stats, _ = first if first is not None else _measured(text, cache)
    if layout is not None:
        layout.append(stats)
    yield from _walk(text, lines, stats, _layout_verdicts(memo, stats), _fenced(lines, text), kept, 0, len(lines.bodies), join=join)


class _Measure(NamedTuple):
    """The lines of a text, their layout and the counts it comes from."""

    lines: _Lines
    stats: _DocStats
    tally: _Tally


def _measured(text: str, cache: _LineCache) -> _Measure:
    """The lines of ``text``, their layout and counts."""
    lines = _lines(text)
    tally = _tally(lines, cache)
    return _Measure(lines, _layout(tally), tally)


def _layout_verdicts(memo: _Memo, stats: _DocStats) -> _Verdicts:
    """The verdicts remembered under the layout ``stats`` (now the newest).
    A layout first seen that differs from a remembered one only in its
    running headers (a join or a drop changed which lines repeat) starts
    with that one's verdicts, less those of the breaks next to a line that
    became or ceased to be a header: the headers are the only part of the
    layout :func:`_decide` reads through :func:`_header_break`, on the two
    lines of the break."""
    verdicts = memo.setdefault(stats, {})
    if verdicts:
        return verdicts
    for other in reversed(memo):
        theirs = memo[other]
        if theirs and other.headers != stats.headers and replace(other, headers=stats.headers) == stats:
            changed = other.headers ^ stats.headers
            verdicts.update((key, v) for key, v in theirs.items() if key[0].strip() not in changed and key[2].strip() not in changed)
            break
    return verdicts


def _walk(
    text: str, lines: _Lines, stats: _DocStats, verdicts: _Verdicts, fenced: list[bool], kept: list[_Kept],
    i: int, stop: int, *, join: bool = True, onward: bool = False, stopped: list[int] | None = None,
) -> Iterator[Edit]:
    """The joins of the breaks after lines ``i`` to ``stop - 1`` (line ``i``
    opens a paragraph), under the layout ``stats``; see :func:`_joins`.
    ``onward``: on past ``stop`` while the last break joined; the line
    where the walk stopped goes to ``stopped``."""
    if _WALK is not None:
        done = _WALK.walk(text, *lines, fenced, verdicts, kept, i, stop, join, onward, stats, _WALK_CONTEXT)
        if done is not NotImplemented:
            joins, i = done
            yield from joins
            if stopped is not None:
                stopped.append(i)
            return
    starts, bodies, blank = lines
    n = len(bodies)
    wrap = stats.wrap_width
    para = ""  # the paragraph that ends with line i, as joined so far
    while i < stop or (onward and para):
        if blank[i] or fenced[i]:
            i += 1
            para = ""
            continue
        a = bodies[i]
        para = para or a
        j = i + 1
        while j < n and blank[j]:
            j += 1
        if j >= n or j - i - 1 > 1 or fenced[j]:
            i = j
            para = ""
            continue
        b = bodies[j]
        if a[-1:] in _CLOSED and (j > i + 1 or not wrap) and not _closing(b.lstrip(" \t\u3000")):
            # a line that ends a sentence (or with ；), not a wrapped one:
            # the break stays (the shortcut of _decide) and no word runs across
            i = j
            para = ""
            continue
        key = (a, para, b, j - i - 1 == 1)
        verdict = verdicts.get(key, _UNSEEN)
        if verdict is _UNSEEN:
            verdict = verdicts[key] = _decide(*key, stats)
        if join and verdict is not None and verdict[0] >= JOIN_SCORE:
            score, sep = verdict
            a_body = a.rstrip()
            cut = starts[i] + len(a_body)
            if sep in ("", "-") and a_body.endswith(_HYPHENS) and _LATIN_HYPHEN.search(a_body) and _LATIN_WORD_START.match(b.lstrip()):
                cut -= 1  # the hyphen is part of the break
            lead = len(b) - len(b.lstrip(" \t\u3000"))
            end = starts[j] + lead
            yield _new(Edit, (NAME, cut, end, text[cut:end], sep, score, None, ""))  # (Edit(..., score=score), built in C)
            # keep the tail of the joined paragraph: features only look at its end and size
            tail = para.rstrip()
            if cut < starts[i] + len(a_body):
                tail = tail[: len(tail) - (starts[i] + len(a_body) - cut)]  # (less the hyphen)
            para = (tail + sep + b[lead:])[-PARA_TAIL:]
        else:
            if verdict is None or verdict[0] < JOIN_SCORE:
                kept.append((starts[i], a, starts[j], b, para))
            para = ""
        i = j
    if stopped is not None:
        stopped.append(i)


#: the version of the C module's functions this code expects (its ``ABI``)
WALK_ABI = 3


def _walk_constants() -> dict[str, object]:
    """The character classes, sets and numbers the C walk is built with, as
    this code has them (:func:`walk_speedups` compares them)."""
    return {
        "HAN": HAN, "KANA": KANA, "CJK_PUNCT": CJK_PUNCT, "WIDE": WIDE.pattern[1:-1], "SENTENCE_END": _SENTENCE_END,
        "CLOSERS": CLOSERS, "NEVER_STARTS": NEVER_STARTS, "CLAUSE_END": _CLAUSE_END, "CLAUSE_PUNCT": _CLAUSE_PUNCT.pattern[1:-1],
        "INNER_PUNCT": _INNER_PUNCT.pattern[1:-1], "MARK_OPENERS": _MARK_OPENERS, "MIN_PROSE_WIDTH": MIN_PROSE_WIDTH,
        "JOIN_SCORE": JOIN_SCORE, "STRONG_COHESION": STRONG_COHESION, "WEAK_COHESION": WEAK_COHESION,
        "SPAN_COHESION": SPAN_COHESION, "PARA_TAIL": PARA_TAIL,
    }


def walk_speedups() -> Any:
    """The optional C module ``_cleaner_paragraphs``
    (``cleaner/rules/paragraphs_walk.c``, built by ``pip install`` when a C
    compiler works): :func:`_walk` and the common paths of :func:`_decide`
    in C, the same joins, verdicts and kept breaks (it calls back here for
    the rare cases: a Markdown mark, a list item, a dateline, a hyphen, the
    segmentation gain).  None when it is not built, when it is a stale
    build (its ``ABI`` or constants differ from this code's), or when the
    environment variable ``CLEANER_PURE_PYTHON`` is set (not to ``0`` or
    empty).  On damaged Chinese (1 MB, typo rules off) it cuts the walks
    and their verdicts (:func:`_judged`) from about 16 ms to about 6 ms a
    run, the rule from about 30 ms to about 20 ms.

    >>> mod = walk_speedups()
    >>> mod is None or mod.ABI == WALK_ABI
    True
    """
    return compiled("_cleaner_paragraphs", {"ABI": WALK_ABI, **_walk_constants()}, read=_compiled_constants)


def _compiled_constants(mod: Any) -> dict[str, object]:
    """The ABI and constants the C walk was built with, as :func:`_walk_constants` writes them."""
    constants = dict(getattr(mod, "CONSTANTS", {}))
    if "NEVER_STARTS" in constants:
        constants["NEVER_STARTS"] = frozenset(constants["NEVER_STARTS"])
    return {"ABI": getattr(mod, "ABI", None), **constants}


#: the last characters of a paragraph the walk keeps (features only look at its end and size)
PARA_TAIL = 400

_WALK = walk_speedups()
#: what the C walk calls back (see :func:`walk_speedups`)
_WALK_CONTEXT = (Edit, _decide, _marked, _LIST.match, _HEADING.match, _OPENER.match, cohesion, NAME)


RULE = Rule(
    name=NAME,
    func=paragraphs_rule,
    summary="rejoin paragraphs split by page breaks and hard wraps; dehyphenate Latin words",
    resume=paragraphs_resume,
)
