"""Paragraphs of a document, and the edits that drop some of them.

Paragraphs are separated by blank lines (a line break, then one or more
lines holding only whitespace or a form feed).  A document without any
blank line but with several lines is one paragraph per line (subtitles,
scraped lists, ``one paragraph per line`` corpora).  Whitespace at the very
start and end of the document belongs to no paragraph.

>>> text = "第一段。\\n\\n第二段，\\n还是第二段。\\n\\n第三段。\\n"
>>> [text[s:e] for s, e in split_paragraphs(text)]
['第一段。', '第二段，\\n还是第二段。', '第三段。']
>>> lines = "一行\\n两行\\n"
>>> [lines[s:e] for s, e in split_paragraphs(lines)]
['一行', '两行']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..edits import Edit

__all__ = ["split_paragraphs", "drop_edits", "Drop"]

_BLANKS = r"(?:[ \t\u3000\f\v]*(?:\r\n|\n|\r|\f))+"
# ``(?:\r\n|\n|\r)BLANKS|\f+`` with the line break distributed over the
# alternatives (the same matches, tried in the same order) and ``\f+``
# written ``\f\f*``: every alternative starts with one literal character,
# so the regex engine skips ahead to the next line break or form feed
# instead of trying every position (3x on 300 KB of English, 5x on Chinese).
# A lone ``\r`` is a line break only when no ``\n`` follows it: else the
# engine would backtrack from ``\r\n`` to ``\r`` and read the ``\n`` as a
# blank line, so that a single CRLF separated paragraphs where a single LF
# does not (a CRLF file was cut line by line).
_BLANK_SEP = re.compile(rf"\r\n{_BLANKS}|\n{_BLANKS}|\r(?!\n){_BLANKS}|\f\f*")
# ``_BLANK_SEP`` for text without ``\r`` or ``\f`` (the alternatives that
# need them cannot match, so the matches are the same): one literal line
# break where that has an alternation, which the regex engine finds by
# scanning for the character instead of testing a set at every position
# (4x on 1 MB of English).
_LF_SEP = re.compile(r"\n(?:[ \t\u3000\v]*\n)+")
_INLINE = " \t\u3000\v"
_LINE_SEP = re.compile(r"(?:\r\n|\n|\r)")
_EDGE = " \t\u3000\f\v\r\n"


def _spans(text: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in sep.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s] in _EDGE:
            s += 1
        while e > s and text[e - 1] in _EDGE:
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every paragraph, in order (see the module docstring)."""
    if "\n" not in text and "\r" not in text and "\f" not in text:  # one line: the common case in corpora
        s, e = 0, len(text)
        while s < e and text[s] in _EDGE:
            s += 1
        while e > s and text[e - 1] in _EDGE:
            e -= 1
        return [(s, e)] if s < e else []
    spans = _spans(text, _BLANK_SEP if "\r" in text or "\f" in text else _LF_SEP)
    if len(spans) == 1:
        lines = _spans(text, _LINE_SEP)
        if len(lines) > 1:
            return lines
    return spans


#: why a paragraph goes: the span of the paragraph it duplicates (None when
#: that is in another document), the score and a short note
Drop = tuple["tuple[int, int] | None", float, str]


def drop_edits(
    text: str, spans: Sequence[tuple[int, int]], drops: Mapping[int, Drop], *, rule: str = "dedup"
) -> list[Edit]:
    """One edit per dropped paragraph, sorted and non-overlapping.

    A dropped paragraph goes with the separator before it, so the text keeps
    its ending; when no kept paragraph precedes it, it goes with the
    separator after it instead.  ``ref`` is the span of the kept paragraph.
    Blanks that end a dropped paragraph's line go with it; the next dropped
    paragraph's edit then starts where this one ends, so two dropped
    paragraphs never claim the same characters.

    >>> text = "甲段落。\\n\\n乙段落。\\n\\n甲段落。\\n"
    >>> spans = split_paragraphs(text)
    >>> [(e.start, e.end, e.before) for e in drop_edits(text, spans, {2: (spans[0], 100.0, "")})]
    [(10, 16, '\\n\\n甲段落。')]
    >>> text = "x\\nA line \\nB line\\n"
    >>> spans = split_paragraphs(text)
    >>> [(e.start, e.end) for e in drop_edits(text, spans, {1: (None, 100.0, ""), 2: (None, 100.0, "")})]
    [(1, 9), (9, 16)]
    """
    edits: list[Edit] = []
    kept_before = False
    done = 0  # where the last edit ended
    n = len(spans)
    for i, (s, e) in enumerate(spans):
        if i not in drops:
            kept_before = True
            continue
        ref, score, note = drops[i]
        if kept_before:
            # the separator before it, its indentation, its trailing blanks
            start, end = max(spans[i - 1][1], done), e
            while end < len(text) and text[end] in _INLINE:
                end += 1
        else:
            # its indentation, the separator after it, not the next one's indentation
            start, end = s, (spans[i + 1][0] if i + 1 < n else len(text))
            while start > 0 and text[start - 1] in _INLINE:
                start -= 1
            while i + 1 < n and end > e and text[end - 1] in _INLINE:
                end -= 1
        edits.append(Edit(rule, start, end, text[start:end], "", score=score, ref=ref, note=note))
        done = end
    return edits
