"""Rule ``page_numbers``: drop the page numbers that PDF extraction and OCR
leave on lines of their own (``— 3 —``, ``第 3 页``, ``Page 3 of 12``).

A page number printed between two pages also stands between the two halves
of a paragraph that the page break cut (``认`` / ``— 3 —`` / ``真``), so it
goes before ``paragraphs`` decides on joins.

Only a sequence is evidence: a line is dropped when it is nothing but a
number in one of the formats below and the document has other such lines of
the same format whose numbers go up page by page (each at most
:data:`MAX_STEP` above the one before, with at least :data:`MIN_PAGE_CHARS`
characters of other text between them).  A run needs
:data:`MIN_RUN` lines of the dash format, and two of the formats that say
"page" themselves.  A bare number on a line (a chapter heading, a table
cell) is never dropped, nor is a lone ``— 3 —``.

============  ==========================================
format        lines
============  ==========================================
``dash``      ``- 3 -``, ``— 3 —``, ``－3－``, ``~3~``
``zh``        ``第3页``, ``第 3 页 共 12 页``, ``第3页/共12页``
``en``        ``Page 3``, ``page 3 of 12``
``fraction``  ``3/12``, ``3 / 12`` (the same total on every page)
============  ==========================================

The line goes with its line break and the blank lines after it, so the text
around it meets as it did before the page break.  Each edit names the page.

>>> from cleaner import clean
>>> page = "第{}页的正文" + "，内容很长，一直写到页面的底部" * 6 + "。"
>>> doc = "\\n\\n".join(f"{page.format(n)}\\n\\n— {n} —" for n in (1, 2, 3))
>>> [line[:6] for line in clean(doc, only=["page_numbers"]).split("\\n")]
['第1页的正文', '', '第2页的正文', '', '第3页的正文']
>>> clean("第一章\\n\\n— 1 —\\n\\n正文", only=["page_numbers"])
'第一章\\n\\n— 1 —\\n\\n正文'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from ..chars import lines_of
from ..edits import Edit
from ..rule import Rule

if TYPE_CHECKING:
    from ..config import Config

__all__ = ["RULE", "NAME", "page_numbers_rule", "MIN_RUN", "MAX_STEP", "MIN_PAGE_CHARS"]

NAME = "page_numbers"
#: lines of the ``dash`` format a run needs (the others say "page": two)
MIN_RUN = 3
#: the largest step from one page number to the next (pages lost to OCR)
MAX_STEP = 3
#: characters of other text between two page numbers of a run (a page)
MIN_PAGE_CHARS = 80

_BLANK = " \t\u3000\f"
_DASH = "-－—–─~～"
_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dash", re.compile(rf"[{_DASH}]{{1,2}} *(\d{{1,4}}) *[{_DASH}]{{1,2}}")),
    ("zh", re.compile(r"第 *(\d{1,4}) *页(?: *[,，、/／]? *共 *(\d{1,4}) *页)?")),
    ("en", re.compile(r"(?i:page) *(\d{1,4})(?: *(?i:of) *(\d{1,4}))?")),
    ("fraction", re.compile(r"(\d{1,4}) *[/／] *(\d{1,4})")),
)
_SELF_DESCRIBING = frozenset({"zh", "en", "fraction"})
_DIGIT = re.compile(r"\d")


class _PageLine(NamedTuple):
    start: int  # of the number text (after leading blanks and form feeds)
    end: int  # of the line's text
    number: int
    fmt: str  # the format's name
    total: str  # the page count the line gives ('' when none)


def _short_lines(text: str) -> list[tuple[int, str]]:
    """(start, text) of each line of :func:`~cleaner.chars.lines_of` that is
    1 to 40 characters long and holds a digit (where only LF ends lines,
    without a tuple for every line: a page number is on one line in a
    hundred).

    >>> _short_lines("第1行\\n" + "长" * 41 + "\\n\\n— 2 —\\n第三行")
    [(0, '第1行'), (47, '— 2 —')]
    """
    if "\r" in text:
        return [(start, body) for start, body, _ in lines_of(text) if 0 < len(body) <= 40 and _DIGIT.search(body)]
    out: list[tuple[int, str]] = []
    pos = 0
    for body in text.split("\n"):
        if 0 < len(body) <= 40 and _DIGIT.search(body):
            out.append((pos, body))
        pos += len(body) + 1
    return out


def _page_lines(text: str) -> list[_PageLine]:
    out: list[_PageLine] = []
    for line_start, body in _short_lines(text) if "\r" in text else _candidates(text):
        core = body.strip(_BLANK)
        for name, pattern in _FORMATS:
            found = pattern.fullmatch(core)
            if found:
                total = (found.group(2) if found.re.groups > 1 else None) or ""
                if name == "fraction" and int(found.group(1)) > int(total):
                    break
                start = line_start + len(body) - len(body.lstrip(_BLANK))
                out.append(_PageLine(start, line_start + len(body.rstrip(_BLANK)), int(found.group(1)), name, total))
                break
    return out


#: what a line of each format begins with, blanks aside: a dash, 第, the P
#: of Page, a digit
_FIRST = f"[{_DASH}第pP\\d]"
#: a line feed and a line that is nothing but a page number in one of the
#: formats, blanks aside (what :func:`_page_lines` reads closely); the
#: lookahead for the first character of any format turns a line away in
#: one class test, not four alternatives (1 MB of zh: 1.06 -> 0.55 ms)
_AFTER_LF = re.compile(f"\n(?=[{_BLANK}]*{_FIRST})[{_BLANK}]*(?:{'|'.join(pattern.pattern for _, pattern in _FORMATS)})[{_BLANK}]*(?=\n|\\Z)")


def _candidates(text: str) -> list[tuple[int, str]]:
    """What :func:`_short_lines` gives of a text whose lines end with LF
    alone, less lines that cannot be a page number: the lines after a line
    feed are found by one regular expression over the text (a line that
    opens with no format goes in C, not through a loop over the lines: a
    page number is on one line in a hundred), the first line as
    :func:`_short_lines` reads it.

    >>> _candidates("第1行\\n" + "长" * 41 + "\\n\\n— 2 —\\n第三行")
    [(0, '第1行'), (47, '— 2 —')]
    """
    head = text[: text.find("\n")] if "\n" in text else text
    out = [(0, head)] if 0 < len(head) <= 40 and _DIGIT.search(head) else []
    for found in _AFTER_LF.finditer(text):
        start = found.start() + 1
        body = text[start : found.end()]
        if len(body) <= 40:
            out.append((start, body))
    return out


def _nonblank(s: str) -> int:
    return len(s) - sum(s.count(c) for c in "\r\n" + _BLANK)


def _runs(lines: list[_PageLine], gap: Callable[[_PageLine, _PageLine], int]) -> Iterator[list[_PageLine]]:
    """Runs of page lines of one format whose numbers go up page by page;
    ``gap(a, b)`` is the amount of other text between two of them."""
    by_format: dict[tuple[str, str], list[_PageLine]] = {}
    for line in lines:
        by_format.setdefault((line.fmt, line.total), []).append(line)
    for (fmt, _), members in by_format.items():
        need = 2 if fmt in _SELF_DESCRIBING else MIN_RUN
        run: list[_PageLine] = []
        for line in members:
            if run:
                prev = run[-1]
                if 1 <= line.number - prev.number <= MAX_STEP and gap(prev, line) >= MIN_PAGE_CHARS:
                    run.append(line)
                    continue
                if len(run) >= need:
                    yield run
            run = [line]
        if len(run) >= need:
            yield run


def _dropped(lines: list[_PageLine], text: str) -> list[_PageLine]:
    """The page lines to drop: the runs, found again among the lines left
    until no run is left (what a second clean would find, found now)."""
    dropped: set[_PageLine] = set()
    while True:
        left = [line for line in lines if line not in dropped]

        def gap(a: _PageLine, b: _PageLine) -> int:
            # other text between a and b, not counting lines already dropped
            inside = sum(_nonblank(text[d.start : d.end]) for d in dropped if a.end <= d.start < b.start)
            return _nonblank(text[a.end : b.start]) - inside

        found = {line for run in _runs(left, gap) for line in run}
        if not found:
            return sorted(dropped)
        dropped |= found


def page_numbers_rule(text: str, config: Config) -> Iterator[Edit]:
    """Edits that drop the page-number lines of :func:`_runs` (see the module doc)."""
    if not _DIGIT.search(text) or ("\n" not in text and "\r" not in text):
        return  # (no number, or one line: a run takes two)
    lines = _page_lines(text)
    if len(lines) < 2:
        return
    drops = _dropped(lines, text)
    n = len(text)
    taken = 0  # end of the last edit: edits must not overlap
    for line in drops:
        # the line, its line break and the blank lines after it
        start, end = line.start, line.end
        probe = end
        while probe < n:
            k = probe
            while k < n and text[k] in _BLANK:
                k += 1
            if k < n and text[k] in "\r\n":
                probe = k + (2 if text.startswith("\r\n", k) else 1)
            else:
                break
        if probe < n:
            end = probe
        else:
            # nothing follows: take the breaks before the line instead, and
            # leave the document's last line break where it is
            while start > taken and text[start - 1] in "\r\n" + _BLANK:
                start -= 1
        yield Edit(NAME, start, end, text[start:end], "", note=f"page number {line.number}")
        taken = end


RULE = Rule(
    name=NAME,
    func=page_numbers_rule,
    summary="drop page-number lines (— 3 —, 第3页, Page 3 of 12) that run up page by page through the document",
)
