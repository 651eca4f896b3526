"""Rule ``boilerplate``: the promotional footer that pages carry at their end.

Scraped and OCR'd articles often end with page furniture: a QR code to scan,
"follow our WeChat account", "subscribe", "download the app".  The rule
drops a trailing block of such lines, and nothing else:

* only the last lines of the document (at most :data:`MAX_LINES` non-blank
  lines), contiguous to the end;
* every line of the block is short (at most :data:`MAX_CHARS` characters)
  and reads as a caption, not as prose (no ``，。`` inside);
* at least one line of the block contains a phrase from
  ``cleaner/data/boilerplate.txt`` (二维码, 扫码, 关注我们, 公众号...).

The block starts at the first line (counting back from the end) that still
meets these conditions, so an article's last real sentence stays.  The edit
says what it dropped.

>>> from cleaner import clean
>>> clean("正文第一段，内容完整。\\n\\n扫描下方二维码\\n\\n关注我们的公众号\\n", only=["boilerplate"])
'正文第一段，内容完整。\\n'
>>> clean("我们用手机扫码支付，非常方便。\\n", only=["boilerplate"])
'我们用手机扫码支付，非常方便。\\n'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING

from ..edits import Edit
from ..rule import Rule

if TYPE_CHECKING:
    from ..config import Config

NAME = "boilerplate"
#: at most this many trailing non-blank lines form the footer block
MAX_LINES = 6
#: a footer line is at most this many characters long
MAX_CHARS = 30
_PROSE = re.compile(r"[，。；！？,;]|[.!?](?:\s|$)")


@functools.cache
def phrases() -> tuple[str, ...]:
    """The footer phrases from the data file (lower-cased)."""
    text = resources.files("cleaner").joinpath("data/boilerplate.txt").read_text(encoding="utf-8")
    return tuple(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _is_footer_line(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= MAX_CHARS and not _PROSE.search(s[:-1] if s[-1:] in "。.!！" else s)


#: characters of the text's end read first by :func:`boilerplate_rule`
#: (then four times more, and so on, until the lines read decide)
_TAIL = 4096


def boilerplate_rule(text: str, config: Config) -> Iterator[Edit]:
    """One edit that drops the trailing footer block, if there is one.

    Only the end of the text is split into lines (from a line feed on: a
    line starts there whatever precedes it), widened until the footer block
    and the content line before it lie inside: not the 8,500 lines of a
    long document (1 MB of damaged Chinese: 1.0 -> 0.01 ms a run; the rule
    runs twice).
    """
    size = _TAIL
    while True:
        cut = text.rfind("\n", 0, len(text) - size) + 1 if size < len(text) else 0
        found = _footer(text[cut:], whole=cut == 0)
        if found is not None:
            break
        size *= 4
    if found:
        start, count = found
        yield Edit(NAME, cut + start, len(text), text[cut + start :], "", note=f"promotional footer of {count} lines")


def _footer(text: str, whole: bool) -> tuple[int, int] | tuple[()] | None:
    """(start, line count) of the footer block that ends ``text``; ``()``
    when there is none; None when the lines of ``text``, the end of a longer
    text (unless ``whole``), cannot tell (the footer or the content line
    before it may begin before them)."""
    lines = text.splitlines(keepends=True)
    # (start offset, line) of the non-blank lines, last first
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    block_start = None
    has_phrase = False
    count = 0
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i].strip():
            continue
        if count >= MAX_LINES or not _is_footer_line(lines[i]):
            break
        count += 1
        low = lines[i].lower()
        has_phrase = has_phrase or any(p in low for p in phrases())
        block_start = i
    else:
        if not whole:
            return None  # (every line read is blank or a footer line: more may be)
    if block_start is None or not has_phrase:
        return ()
    # keep at least one line of content before the footer
    prior = [i for i in range(block_start) if lines[i].strip()]
    if not prior:
        return () if whole else None
    last = prior[-1]
    body_end = offsets[last] + len(lines[last].rstrip("\r\n"))
    ending = lines[last][len(lines[last].rstrip("\r\n")) :]
    start = body_end + len(ending)
    if start >= len(text):
        return ()
    return start, count


RULE = Rule(
    name=NAME,
    func=boilerplate_rule,
    summary="drop a trailing promotional footer (scan the QR code, follow our account)",
    stage="final",
    removes_paragraphs=True,
)
