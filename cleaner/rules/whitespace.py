"""Rule ``whitespace``: blank lines, trailing blanks, spaces inside Chinese.

* A whitespace-only line becomes an empty line; trailing blanks (spaces,
  tabs, ideographic spaces) are removed; a form feed (page break) becomes a
  line break.
* Runs of blank lines collapse to one; blank lines at the start and the end
  of the document go.  Line endings (LF, CRLF, CR) stay as they are.
* Spaces between two CJK characters are removed in prose lines (lines with
  Chinese clause punctuation) and wherever single characters are spaced out
  (``中 华 人 民``).  They stay in headings and titles (``新起点 新梦想``),
  in lists of short items (``张三 李四 王五``), and between CJK and Latin
  text (``使用 Python 开发``).  Leading indentation stays.

>>> from cleaner import clean
>>> clean("\\n\\n标题 第二段\\n \\n\\n\\n正文 内容，继续。  \\n", only=["whitespace"])
'标题 第二段\\n\\n正文内容，继续。\\n'
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from ..chars import CJK, HAN
from ..config import Config
from ..edits import Edit

NAME = "whitespace"

_LINE = re.compile(r"([^\r\n\f]*)(\r\n|\n|\r|\f|$)")
_BLANK = " \t\u3000\v"
_ANY_BLANK = re.compile(r"[ \t\u3000\v]")
_TRAILING = re.compile(r"[ \t\u3000\v]+$")
_CJK_GAP = re.compile(f"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")
_PROSE = re.compile(r"[，。；！？、]")  # not ：, which titles use too
_SPACED_OUT = re.compile(f"[{CJK}](?:[ \u3000][{CJK}]){{2,}}")
_SPACED_CHAR = re.compile(f"(?<=^[{CJK}])[ \u3000]|(?<=[ \u3000][{CJK}])[ \u3000]")
_SHORT_ITEMS = re.compile(f"(?:^|[ \u3000])[{HAN}]{{2,4}}(?:[ \u3000]+[{HAN}]{{2,4}}){{2,}}(?=$|[ \u3000，。；])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")


def _inner_edits(line: str, pos: int) -> Iterator[Edit]:
    """Edits inside one non-blank line (without its line ending)."""
    if not _ANY_BLANK.search(line):
        return  # no blank character: nothing to remove
    body = line
    m = _TRAILING.search(body)
    trailing = m.start() if m else len(body)
    body = body[:trailing]
    if not _HEADING.match(body):
        keep: list[tuple[int, int]] = []
        remove: list[tuple[int, int]] = []
        for sm in _SPACED_OUT.finditer(body):
            for g in re.finditer(r"[ \u3000]", sm.group()):
                remove.append((sm.start() + g.start(), sm.start() + g.end()))
        if _PROSE.search(body):
            # (a gap follows a CJK character, so it is never the indentation)
            keep = [(k.start(), k.end()) for k in _SHORT_ITEMS.finditer(body)]
            keep_starts = [a for a, _ in keep]
            for g in _CJK_GAP.finditer(body):
                k = bisect.bisect_right(keep_starts, g.start()) - 1
                if k >= 0 and g.start() < keep[k][1]:
                    continue  # a list of short items: 张三 李四 王五
                remove.append((g.start(), g.end()))
        merged: list[list[int]] = []
        for a, b in sorted(remove):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            yield Edit(NAME, pos + a, pos + b, body[a:b], "")
    if trailing < len(line):
        yield Edit(NAME, pos + trailing, pos + len(line), line[trailing:], "")


def whitespace_rule(text: str, config: Config) -> Iterator[Edit]:
    """Edits that tidy whitespace while keeping paragraph structure."""
    lines: list[tuple[int, str, str]] = []  # (start, body, ending)
    for m in _LINE.finditer(text):
        if m.start() == len(text) and not m.group(0):
            break
        lines.append((m.start(), m.group(1), m.group(2)))
    n = len(lines)
    blank = [not body.strip(_BLANK) for _, body, _ in lines]
    first = next((i for i in range(n) if not blank[i]), n)
    last = max((i for i in range(n) if not blank[i]), default=-1)
    i = 0
    while i < n:
        start, body, ending = lines[i]
        if not blank[i]:
            yield from _inner_edits(body, start)
            if ending == "\f":
                yield Edit(NAME, start + len(body), start + len(body) + 1, "\f", "\n")
            i += 1
            continue
        j = i
        while j < n and blank[j]:
            j += 1
        run_start = start
        run_end = lines[j - 1][0] + len(lines[j - 1][1]) + len(lines[j - 1][2])
        region = text[run_start:run_end]
        if i < first or j > last + 1:
            keep = ""  # blank lines before the first or after the last content line
        else:
            # one blank line, ended the way the previous line was ended
            prev_ending = lines[i - 1][2]
            keep = prev_ending if prev_ending in ("\n", "\r\n", "\r") else "\n"
        if region != keep:
            yield Edit(NAME, run_start, run_end, region, keep)
        i = j
