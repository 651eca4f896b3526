"""Rule ``unicode``: mojibake and broken Unicode, without harming Chinese.

* ftfy repairs UTF-8 that was read as Windows-1252 or Latin-1, HTML entities,
  terminal escapes, ligatures and C1 controls.  It runs with
  ``fix_character_width=False`` and ``uncurl_quotes=False`` (its defaults fold
  ``，（`` to ASCII and ``“”`` to ``""``, which is wrong for Chinese) and
  ``fix_line_breaks=False`` (line endings are the document's own).
* UTF-8 that was read as GBK (``涓枃`` for ``中文``) and GBK that was read
  as Latin-1 (``ÖÐÎÄ``) are repaired when the re-decoded text is made of
  common characters (the first level of GB 2312) and the damaged text is not.
* Control characters, byte-order marks and zero-width characters are removed;
  a lone surrogate (JSON can carry one) becomes U+FFFD, so output is UTF-8.
  Zero-width joiners stay between two non-CJK characters (emoji sequences,
  Indic and Arabic scripts need them).  U+2028/U+2029 become line breaks.

ftfy is slow on clean text, so it only sees lines that contain a character
it could act on; plain Chinese text never reaches it.

>>> from cleaner import clean
>>> clean("Ningboï¼ŒChina", only=["unicode"])
'Ningbo，China'
>>> clean("“引号”与（括号）保持不变", only=["unicode"])
'“引号”与（括号）保持不变'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import ftfy
from rapidfuzz.distance import Indel

from ..chars import HAN
from ..config import Config
from ..edits import Edit

NAME = "unicode"

_FTFY = ftfy.TextFixerConfig(
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    explain=False,
)

# Characters that ftfy (or our own removal) could act on.
_NEEDS_FTFY = re.compile(
    # Anything from DEL to the end of the general-symbols blocks, except the
    # typography that clean Chinese text uses every day (· – — ‘ ’ “ ” …),
    # plus surrogates, ligatures, BOM, interlinear annotation, U+FFFD.
    r"[\x00-\x08\x0b\x0e-\x1f\x7f-\u00b6\u00b8-\u2012\u2016\u2017\u201a\u201b\u201e-\u2025\u2027-\u2fff"
    r"\ud800-\udfff\ufb00-\ufb06\ufeff\ufff9-\ufffd]"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060"
_REMOVE_ALWAYS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f\ufeff]")
_LINE_SEP = re.compile(r"[\u2028\u2029]")
# A surrogate that ftfy could not pair up (JSON can carry "\ud800"): no
# UTF-8 can encode it, so it becomes the replacement character.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SUSPECT = re.compile(
    _NEEDS_FTFY.pattern + r"|[\u200b-\u200d\u2060\u2028\u2029]"
)
_CJK_OR_SPACE = re.compile(rf"[{HAN}\u3000-\u303f\uff00-\uffef\s]")
_MAX_CHUNK = 4096


@functools.cache
def _level1() -> frozenset[str]:
    """The 3,755 first-level (most common) characters of GB 2312, from the codec."""
    chars = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


@functools.cache
def _rare_pair() -> re.Pattern[str]:
    """Two adjacent Han characters outside GB 2312's first level: UTF-8 read as
    GBK is made of such characters (``涓枃``), real text seldom is."""
    common = sorted(ord(c) for c in _level1())
    ranges = []
    lo = 0x4E00
    for cp in common:
        if cp > lo:
            ranges.append(f"\\u{lo:04x}-\\u{cp - 1:04x}")
        lo = max(lo, cp + 1)
    ranges.append(f"\\u{lo:04x}-\\u9fff")
    rare = "".join(ranges)
    return re.compile(f"[{rare}]{{2}}")


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\s]{2,}")
_LATIN1_RUN = re.compile(r"[\xa1-\xff]{4,}")
_HIGH_LATIN1 = re.compile(r"[\xa1-\xff]{4}")


def _common_share(text: str) -> float:
    han = [c for c in text if c > "\u3000"]
    if not han:
        return 0.0
    level1 = _level1()
    return sum(c in level1 for c in han) / len(han)


def _regbk(run: str) -> str | None:
    """UTF-8 bytes that were decoded as GBK, decoded back; None if not that."""
    try:
        fixed = run.encode("gbk").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if _common_share(fixed) >= 0.8 and _common_share(run) <= 0.3:
        return fixed
    return None


def _relatin1(run: str) -> str | None:
    """GBK bytes that were decoded as Latin-1, decoded back; None if not that."""
    try:
        raw = run.encode("latin-1")
        fixed = raw.decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    try:
        raw.decode("utf-8")
        return None  # UTF-8 read as Latin-1: ftfy's job
    except UnicodeDecodeError:
        pass
    if len(fixed) >= 2 and _common_share(fixed) >= 0.9 and all(c > "\u3000" for c in fixed):
        return fixed
    return None


def _fix_run(run: str) -> str:
    """Re-decode a run of characters, or the tail of it that starts at its
    first rare character (mojibake glued to real text: 标题：姘旇薄...)."""
    m = _rare_pair().search(run)
    if not m:
        return run
    fixed = _regbk(run)
    if fixed is not None:
        return fixed
    # Trim a few characters at either end: real text before the
    # damage, or a last character whose bytes were cut (shown as U+FFFD).
    for start in range(m.start(), max(m.start() - 3, -1), -1):
        for end in range(len(run), max(len(run) - 5, start + 1), -1):
            fixed = _regbk(run[start:end])
            if fixed is not None:
                return run[:start] + fixed + run[end:]
    return run


def _fix_legacy_mojibake(line: str) -> str:
    if _rare_pair().search(line):
        line = _NON_ASCII_RUN.sub(lambda m: _fix_run(m.group()), line)
    if re.search(r"[\xa1-\xff]", line):
        line = _LATIN1_RUN.sub(lambda m: _relatin1(m.group()) or m.group(), line)
    return line


_ZW_RUN = re.compile(f"[{_ZERO_WIDTH}]+")


def _drop_zero_width(line: str) -> str:
    """Remove zero-width characters; joiners (ZWJ, ZWNJ) stay between two
    characters of scripts that use them (not CJK, not spaces, not two ASCII)."""
    if not any(z in line for z in _ZERO_WIDTH):
        return line

    def fix(m: re.Match[str]) -> str:
        prev = line[m.start() - 1] if m.start() else ""
        nxt = line[m.end()] if m.end() < len(line) else ""
        keep = (
            prev
            and nxt
            and not _CJK_OR_SPACE.match(prev)
            and not _CJK_OR_SPACE.match(nxt)
            and not (prev.isascii() and nxt.isascii())
        )
        return "".join(c for c in m.group() if c in "\u200c\u200d") if keep else ""

    return _ZW_RUN.sub(fix, line)


def fix_line(line: str) -> str:
    """Repair one line (no line breaks inside).

    >>> fix_line("ç®€ä½“ä¸\\xadæ–‡")
    '简体中文'
    >>> fix_line("零\\u200b宽")
    '零宽'
    """
    # Removing a control character can leave a sequence that reads as
    # mojibake again: repeat until the line is stable, so a second clean
    # changes nothing.
    for _ in range(4):
        fixed = _fix_legacy_mojibake(line)
        if _NEEDS_FTFY.search(fixed):
            fixed = ftfy.fix_text(fixed, _FTFY)
        fixed = _REMOVE_ALWAYS.sub("", fixed)
        fixed = _LONE_SURROGATE.sub("\ufffd", fixed)
        fixed = _drop_zero_width(fixed)
        fixed = _LINE_SEP.sub("\n", fixed)
        if fixed == line:
            break
        line = fixed
    return fixed


def _chunks(line: str, size: int = _MAX_CHUNK) -> Iterator[tuple[int, str]]:
    """Split a long line at spaces or CJK punctuation so diffs stay cheap."""
    start = 0
    n = len(line)
    while n - start > size:
        cut = start + size
        m = None
        window = line[start + size // 2 : cut]
        for m in re.finditer(r"[\s，。、；！？]", window):
            pass
        if m is not None:
            cut = start + size // 2 + m.end()
        yield start, line[start:cut]
        start = cut
    yield start, line[start:]


def _diff_edits(offset: int, before: str, after: str) -> Iterator[Edit]:
    """Edits that turn ``before`` into ``after``, adjacent changes merged."""
    if before == after:
        return
    ops = [op for op in Indel.opcodes(before, after) if op.tag != "equal"]
    i = 0
    while i < len(ops):
        s1, e1, s2, e2 = ops[i].src_start, ops[i].src_end, ops[i].dest_start, ops[i].dest_end
        j = i + 1
        # merge ops that touch or are separated by at most one unchanged character
        while j < len(ops) and ops[j].src_start <= e1 + 1 and ops[j].dest_start <= e2 + 1:
            e1, e2 = ops[j].src_end, ops[j].dest_end
            j += 1
        yield Edit(NAME, offset + s1, offset + e1, before[s1:e1], after[s2:e2])
        i = j


def _candidate_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line that holds something this rule could act on,
    in order; linear in the text even when it is one enormous line."""
    hits = sorted(
        [m.start() for m in _SUSPECT.finditer(text)]
        + [m.start() for m in _rare_pair().finditer(text)]
        + ([m.start() for m in _LATIN1_RUN.finditer(text)] if _HIGH_LATIN1.search(text) else [])
    )
    line_end = -1  # where the last yielded line ended (its newline)
    for pos in hits:
        if pos <= line_end:
            continue  # in the line already yielded
        nl = text.rfind("\n", line_end + 1, pos)  # never searches before that line
        start = nl + 1 if nl >= 0 else line_end + 1
        line_end = text.find("\n", pos)
        if line_end < 0:
            line_end = len(text)
        yield start, line_end


def unicode_rule(text: str, config: Config) -> Iterator[Edit]:
    """Edits that repair mojibake and remove invisible characters."""
    for start, end in _candidate_lines(text):
        line = text[start:end]
        for off, chunk in _chunks(line):
            fixed = fix_line(chunk)
            if fixed != chunk:
                yield from _diff_edits(start + off, chunk, fixed)
