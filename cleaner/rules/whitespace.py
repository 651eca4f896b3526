"""Rule ``whitespace``: blank lines, trailing blanks, spaces inside Chinese.

* A whitespace-only line becomes an empty line; trailing blanks (spaces,
  tabs, ideographic spaces) are removed; a form feed (page break) becomes a
  line break.
* Runs of blank lines collapse to one; blank lines at the start and the end
  of the document go.  Line endings (LF, CRLF, CR) stay as they are.
* Spaces between two CJK characters are removed in prose lines (lines with
  Chinese clause punctuation) and wherever single characters are spaced out
  (``中 华 人 民``, also across quotation marks and numbers glued to a
  character: ``去 年10月 份 “ 差 异 化 ”``).  They stay in headings and titles (``新起点 新梦想``,
  and a short line that does not end a sentence), in lists of short items
  (``张三 李四 王五``), and between CJK and Latin text (``使用 Python
  开发``).  Leading indentation stays.
* In prose a space between two Han characters stays where it reads as a
  separator, not as a stray space: next to a number or Latin word (``开心10倍
  小拜膝伤``, ``佳能7D``), when its clause holds several such spaces (``本报记者
  李良 王妮娜``, ``(论坛 相册 户型)``), or inside short brackets (``(记者
  吴倩)``).  A headline glued to the text after it without a number is not
  told apart from a long first clause with a stray space: its space goes.

>>> from cleaner import clean
>>> clean("\\n\\n标题 第二段\\n \\n\\n\\n正文 内容，继续。  \\n", only=["whitespace"])
'标题 第二段\\n\\n正文内容，继续。\\n'
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..chars import CJK, CLOSERS, CODE_WINDOW, HAN, KANA, class_table, code_windows, lines_of
from ..edits import Edit, until_stable
from ..rule import Rule

if TYPE_CHECKING:
    from ..config import Config

NAME = "whitespace"

_LINE = re.compile(r"([^\r\n\f]*)(\r\n|\n|\r|\f|$)")
_BLANK = " \t\u3000\v"
_ANY_BLANK = re.compile(r"[ \t\u3000\v]")
_ANY_BLANK_RUN = re.compile(r"[ \t\u3000\v]+")
_TRAILING_BLANKS = " \t\u3000\v"
_CJK_CHAR = re.compile(f"[{CJK}]")
_PROSE = re.compile(r"[，。；！？、]")  # not ：, which titles use too
_SPACED_OUT = re.compile(f"[{CJK}](?:[ \u3000][{CJK}]){{2,}}")
# Spaced-out OCR prints a space between every two glyphs: one CJK character,
# quotation mark, ellipsis, dash or middle dot a token, a number or Latin run glued to at most one
# character either side (``年10月``, ``TLC旅``).
_QUOTES = "“”‘’…·—"
_SPACED_TOKEN = f"(?:[{CJK}{_QUOTES}]|[{CJK}]?[0-9A-Za-z.%]+[{CJK}]?)"
_SPACED_RUN = f"(?<![0-9A-Za-z]){_SPACED_TOKEN}(?:[ \u3000]{_SPACED_TOKEN}){{3,}}(?![^ \u3000\n])"
_SINGLE = re.compile(f"[{CJK}{_QUOTES}]")
# What both spaced-out patterns need (and cost little to look for): a
# one-character CJK token between two separators.  A spaced run of four
# tokens or more, three quarters of them single characters, has one inside.
_SPACED_SINGLE = re.compile(f"[ \u3000][{CJK}{_QUOTES}][ \u3000]")
#: the first CJK character (、): no character of :data:`CJK` is below it
_CJK_FLOOR = "\u3001"
# Cheap tests before :func:`_inner_candidate` (each class is small, a quick
# scan): a character at or above the first CJK one (every CJK character is),
# and, in a line without, two quotation marks one separator apart (spaced-out
# text, its only change there, has two single tokens next to each other: at
# least three quarters of four tokens or more are single).
_ABOVE_CJK_START = re.compile(f"[^\\x00-{chr(ord(_CJK_FLOOR) - 1)}]")
_SPACED_QUOTES = re.compile(f"[{_QUOTES}][ \u3000][{_QUOTES}]")
_GAP_BLANKS = re.compile("[ \t\u3000][ \t\u3000]*")  # (a class first: the engine skips to it)
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")
_SHORT_ITEMS = f"(?:^|[ \u3000])[{HAN}]{{2,4}}(?:[ \u3000]+[{HAN}]{{2,4}}){{2,}}(?=$|[ \u3000，。；])"
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
# A title line: this short, and not ending a sentence.
_TITLE_MAX = 20
_SENTENCE_END = "。！？…；.!?;"
# What ends a clause: its punctuation and brackets.
_OPENERS = "(（[【〔《「『"
_CLOSERS = ")）]】〕》」』"
_CLAUSE_BREAK = re.compile("[，。；！？、：,;:!?" + re.escape(_OPENERS + _CLOSERS) + "]")
_WORD_CHAR = f"[{HAN}{KANA}]"
_ALNUM = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
# One to three Han characters after a number or Latin word (10倍, 7月26日电),
# before the gap; or before one, after the gap (佳能7D).
_NUMBER_BEFORE = f"[{_ALNUM}][{HAN}]{{1,3}}$"
_NUMBER_AFTER = f"[{HAN}]{{1,3}}[{_ALNUM}]"
#: brackets this short or shorter hold a byline or a list: (记者 吴倩)
_SHORT_BRACKET = 12


@functools.cache
def _gap_patterns() -> tuple[re.Pattern[str], ...]:
    """The patterns that only lines with spaced-out text or gaps inside CJK
    prose need, compiled on first use (each CJK class costs milliseconds to
    compile, and most processes never need them): :data:`_SPACED_RUN`,
    :data:`_SHORT_ITEMS` in its two branches (the one after a space opens
    with a class, which the regex engine scans for, instead of trying both
    at every position), :data:`_WORD_CHAR`, :data:`_NUMBER_BEFORE` and
    :data:`_NUMBER_AFTER`."""
    return (
        re.compile(_SPACED_RUN),
        re.compile(_SHORT_ITEMS.replace("(?:^|[ \u3000])", "", 1)),
        re.compile(_SHORT_ITEMS.replace("(?:^|[ \u3000])", "[ \u3000]", 1)),
        re.compile(_WORD_CHAR),
        re.compile(_NUMBER_BEFORE),
        re.compile(_NUMBER_AFTER),
    )


@functools.cache
def _inner_candidate() -> re.Pattern[str]:
    """What every removal inside a line needs (:func:`_inner_edits`): a
    one-character token between two separators (:data:`_SPACED_SINGLE`,
    which spaced-out text holds) or a run of blanks between two CJK
    characters (a gap, :func:`_cjk_gaps`).  Each branch opens on the blank,
    a class the regex engine scans for, instead of trying a CJK class at
    every character; compiled on first use."""
    return re.compile(
        f"[ \t\u3000](?:(?<=[ \u3000])[{CJK}{_QUOTES}][ \u3000]|(?<=[{CJK}][ \t\u3000])[ \t\u3000]*[{CJK}])"
    )


@functools.cache
def _single_token() -> re.Pattern[str]:
    """A token of one character (:data:`_SINGLE`) in a run of single-spaced
    tokens: between two separators or the run's ends.  Counted in C rather
    than token by token (a run of English words is long); compiled on first
    use."""
    return re.compile(f"(?<![^ \u3000])[{CJK}{_QUOTES}](?![^ \u3000])")


def _inner_edits(line: str, pos: int) -> Iterator[Edit]:
    """Edits inside one non-blank line (without its line ending)."""
    if not _ANY_BLANK.search(line):
        return  # no blank character: nothing to remove
    body = line.rstrip(_TRAILING_BLANKS)
    trailing = len(body)
    if not _HEADING.match(body):
        keep: list[tuple[int, int]] = []
        remove: list[tuple[int, int]] = []
        if _spaced_single(body):
            for sm in _SPACED_OUT.finditer(body):
                for g in re.finditer(r"[ \u3000]", sm.group()):
                    remove.append((sm.start() + g.start(), sm.start() + g.end()))
            remove.extend(_spaced_gaps(body))
        gaps = _cjk_gaps(body) if _PROSE.search(body) and not _title_line(body) else []
        if gaps:
            # (a gap follows a CJK character, so it is never the indentation)
            keep = _short_items(body)
            keep_starts = [a for a, _ in keep]
            separators = _separators(body, gaps)
            for a, b in gaps:
                k = bisect.bisect_right(keep_starts, a) - 1
                if k >= 0 and a < keep[k][1]:
                    continue  # a list of short items: 张三 李四 王五
                if (a, b) not in separators:
                    remove.append((a, b))
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


def _short_items(body: str) -> list[tuple[int, int]]:
    """The spans of :data:`_SHORT_ITEMS` in a line (a list of short items:
    ``张三 李四 王五``), found as its ``finditer`` finds them.

    >>> _short_items("名单 张三 李四 王五，其他")
    [(0, 11)]
    """
    short_items_first, short_items_next = _gap_patterns()[1:3]
    out: list[tuple[int, int]] = []
    m = short_items_first.match(body)
    if m:
        out.append(m.span())
    start = m.end() if m else 0
    blanks = _blanks(body, " \u3000")
    if blanks is None:
        out.extend(k.span() for k in short_items_next.finditer(body, start))
        return out
    for p in blanks:  # (where the pattern, which opens with a blank, can match)
        if p >= start and (k := short_items_next.match(body, p)) is not None:
            out.append(k.span())
            start = k.end()
    return out


#: a line with fewer than one blank in this many characters is read blank by
#: blank (C string searches); a denser one by the regex engine's scan
_SPARSE = 16


def _blanks(body: str, chars: str) -> list[int] | None:
    """The positions of ``chars`` in ``body``, in order, or None where they
    are dense (each is then a step in Python, slower than a regex scan).

    >>> line = "本报记者 李良，" + "今天天气很好。" * 6 + "\u3000完"
    >>> _blanks(line, " \u3000"), _blanks("a b c", " ")
    ([4, 50], None)
    """
    if sum(body.count(c) for c in chars) * _SPARSE > len(body):
        return None
    out: list[int] = []
    for c in chars:
        i = body.find(c)
        while i >= 0:
            out.append(i)
            i = body.find(c, i + 1)
    out.sort()
    return out


def _spaced_single(body: str) -> bool:
    """Whether :data:`_SPACED_SINGLE` matches in ``body``.

    >>> _spaced_single("基 金 公司"), _spaced_single("基金 公司")
    (True, False)
    """
    blanks = _blanks(body, " \u3000")
    if blanks is None:
        return _SPACED_SINGLE.search(body) is not None
    n = len(body)
    return any(i + 2 < n and body[i + 2] in " \u3000" and _SINGLE.match(body, i + 1) is not None for i in blanks)


def _cjk_gaps(body: str) -> list[tuple[int, int]]:
    """The runs of blanks between two CJK characters (what ``_CJK_GAP``
    matches, found from the blanks: a lookbehind at every position costs
    more than a look at each run's two neighbours).

    >>> _cjk_gaps("中 文  字 a 字")
    [(1, 2), (3, 5)]
    """
    blanks = _blanks(body, " \t\u3000")
    runs: list[tuple[int, int]] = []
    if blanks is None:
        runs = [m.span() for m in _GAP_BLANKS.finditer(body)]
    else:
        for i in blanks:  # (maximal runs of blanks, as the regex finds them)
            if runs and runs[-1][1] == i:
                runs[-1] = (runs[-1][0], i + 1)
            else:
                runs.append((i, i + 1))
    out = []
    for a, b in runs:
        if a and b < len(body) and _CJK_CHAR.match(body, a - 1) and _CJK_CHAR.match(body, b):
            out.append((a, b))
    return out


def _spaced_gaps(body: str) -> Iterator[tuple[int, int]]:
    """The gaps of spaced-out text (``基 金 公 司 “ 差 异 化 ” 去 年10月 份``):
    runs of four or more tokens (:data:`_SPACED_TOKEN`) single-spaced, at
    least three quarters of them one character; a gap between two Latin
    letters or digits stays (``Take Home Chef``).

    >>> body = "基 金 公 司 “ 差 异 化 ” 去 年10月 份"
    >>> "".join(c for i, c in enumerate(body) if not any(a <= i < b for a, b in _spaced_gaps(body)))
    '基金公司“差异化”去年10月份'
    """
    single_token = _single_token()
    for m in _gap_patterns()[0].finditer(body):
        run = m.group()
        tokens = run.count(" ") + run.count("\u3000") + 1  # (one separator between two tokens)
        if len(single_token.findall(run)) < 0.75 * tokens:
            continue  # (a run of words, as a line of English is)
        for g in re.finditer(r"[ \u3000]", m.group()):
            a = m.start() + g.start()
            if not (_ASCII_ALNUM.match(body, a - 1) and _ASCII_ALNUM.match(body, a + 1)):
                yield a, a + 1


def _title_line(body: str) -> bool:
    """Whether a line is short and does not end a sentence: a title
    (``新时代，新征程 新作为``), whose spaces separate its parts."""
    text = body.strip(_BLANK)
    if len(text) > _TITLE_MAX:
        return False
    text = text.rstrip(CLOSERS)
    return not text or text[-1] not in _SENTENCE_END


def _separators(body: str, gaps: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The gaps between two CJK characters of a prose line that separate its
    parts rather than stray into a word (see the module docstring).  A gap's
    clause runs from the clause punctuation or bracket before it (or the line
    start) to the one after it (or the line end)."""
    word_char, number_before, number_after = _gap_patterns()[3:]
    between_words = [(a, b) for a, b in gaps if word_char.match(body, a - 1) and word_char.match(body, b)]
    if not between_words:
        return set()
    ydob = body[::-1]  # (the clause break before a gap: the first after it, read backwards)
    n = len(body)
    blank_runs: dict[int, int] = {}  # clause (by its start) -> its inner blank runs
    out: set[tuple[int, int]] = set()
    for a, b in between_words:
        m = _CLAUSE_BREAK.search(ydob, n - a)
        cs = n - m.start() if m else 0
        m = _CLAUSE_BREAK.search(body, a)
        ce = m.start() if m else n
        if cs not in blank_runs:
            blank_runs[cs] = len(_ANY_BLANK_RUN.findall(body, cs, ce)) - (body[cs] in _BLANK) - (body[ce - 1] in _BLANK)
        if (
            number_before.search(body, max(0, a - 4), a)
            or number_after.match(body, b)
            or blank_runs[cs] > 1
            or (cs and body[cs - 1] in _OPENERS and body[ce : ce + 1] in tuple(_CLOSERS) and ce - cs <= _SHORT_BRACKET)
        ):
            out.add((a, b))
    return out


def _lines(text: str) -> list[tuple[int, str, str]]:
    """(start, body, line ending) of each line (:data:`_LINE`).

    >>> _lines("甲\\r\\n乙\\f"), _lines("一行"), _lines("")
    ([(0, '甲', '\\r\\n'), (3, '乙', '\\x0c')], [(0, '一行', '')], [])
    """
    if "\r" not in text and "\f" not in text:
        return lines_of(text)  # (the same lines, split in C)
    lines: list[tuple[int, str, str]] = []
    for m in _LINE.finditer(text):
        if m.start() == len(text) and not m.group(0):
            break
        lines.append((m.start(), m.group(1), m.group(2)))
    return lines


def _changes_inside(body: str, inner_candidate: re.Pattern[str]) -> bool:
    """Whether a line with content can lose a blank inside it (before its
    trailing blanks): what every such removal needs, a single token between
    separators or a gap between CJK characters (:func:`_inner_candidate`);
    a line without a CJK character can only lose the spaces of spaced-out
    quotation marks (:data:`_SPACED_QUOTES`).

    >>> p = _inner_candidate()
    >>> _changes_inside("正文 内容，继续。", p), _changes_inside("He said “hi” to me — twice.", p), _changes_inside("正文内容 ", p)
    (True, False, False)
    """
    if body.isascii():
        return False
    return (inner_candidate if _ABOVE_CJK_START.search(body) else _SPACED_QUOTES).search(body) is not None


def whitespace_rule(text: str, config: Config) -> Iterator[Edit]:
    """Edits that tidy whitespace while keeping paragraph structure."""
    if len(text) >= _NUMPY_MIN and "\r" not in text and "\f" not in text:
        yield from _lf_rule(text)
        return
    lines = _lines(text)
    n = len(lines)
    inner_candidate = _inner_candidate()
    # The lines that can change (one test each, a C call): blank ones (empty
    # or ending with a blank, as every blank line does), those with trailing
    # blanks or a page break, and those that can lose a blank inside.  Every
    # other line has content, so it ends no run of blank lines either.
    todo = [
        i
        for i, (_, body, ending) in enumerate(lines)
        if body[-1:] in _BLANK or ending == "\f" or _changes_inside(body, inner_candidate)
    ]
    if not todo:
        return
    first = next((i for i, (_, body, _) in enumerate(lines) if body.strip(_BLANK)), n)
    last = next((i for i in range(n - 1, -1, -1) if lines[i][1].strip(_BLANK)), -1)
    i = 0  # (the lines before it are done)
    for k in todo:
        if k < i:
            continue  # (in a run of blank lines already judged)
        start, body, ending = lines[k]
        if body.strip(_BLANK):
            yield from _content_line(start, body, ending, inner_candidate)
            i = k + 1
            continue
        i = k
        j = i + 1
        while j < n and not lines[j][1].strip(_BLANK):
            j += 1
        run_start = start
        run_end = lines[j - 1][0] + len(lines[j - 1][1]) + len(lines[j - 1][2])
        if i < first or j > last + 1:
            keep = ""  # blank lines before the first or after the last content line
        else:
            # one blank line, ended the way the previous line was ended
            prev_ending = lines[i - 1][2]
            keep = prev_ending if prev_ending in ("\n", "\r\n", "\r") else "\n"
        yield from _blank_run(text, run_start, run_end, keep)
        i = j


def _content_line(start: int, body: str, ending: str, inner_candidate: re.Pattern[str]) -> Iterator[Edit]:
    """The edits of a line with content (``body``, at ``start``, without its
    line ending ``ending``)."""
    if not _changes_inside(body, inner_candidate):
        # only trailing blanks go
        if body[-1] in _TRAILING_BLANKS:
            kept = len(body.rstrip(_TRAILING_BLANKS))
            yield Edit(NAME, start + kept, start + len(body), body[kept:], "")
    else:
        # to a fixed point: whether a space separates depends on the
        # other spaces of its clause, which the same pass may remove
        for e in until_stable(lambda b: _inner_edits(b, 0), body):
            yield e._replace(start=e.start + start, end=e.end + start)
    if ending == "\f":
        yield Edit(NAME, start + len(body), start + len(body) + 1, "\f", "\n")


def _blank_run(text: str, start: int, end: int, keep: str) -> Iterator[Edit]:
    """The edit of a run of blank lines ``text[start:end]`` (line endings
    included) that leaves ``keep`` of it."""
    region = text[start:end]
    if region != keep:
        yield Edit(NAME, start, end, region, keep)


#: a text this long or longer, its lines all ending with LF, is read with
#: numpy (:func:`_lf_rule`); a shorter one line by line
_NUMPY_MIN = 1 << 14
#: code points of :data:`_BLANK`, and of the blanks that a removal inside a line is next to
_BLANK_CODES = tuple(map(ord, _BLANK))
_GAP_CODES = tuple(map(ord, " \t\u3000"))


def _lf_rule(text: str) -> Iterator[Edit]:
    """:func:`whitespace_rule` on a text whose lines all end with LF, from
    the lines that can change (:func:`_lf_todo`), not a test of every line.

    >>> [(e.start, e.end) for e in _lf_rule("标题 \\n\\n\\n正文 内容，继续。\\n\\n")]
    [(2, 3), (4, 6), (8, 9), (16, 17)]
    """
    n = len(text)
    inner_candidate = _inner_candidate()
    done = 0  # (the text before it is judged)
    for start, end in _lf_todo(text):
        if start < done:
            continue  # (in a run of blank lines already judged)
        body = text[start:end]
        if body.strip(_BLANK):
            yield from _content_line(start, body, "\n" if end < n else "", inner_candidate)
            done = end + 1
            continue
        # a run of blank lines, as far as it goes
        run_end = min(end + 1, n)
        while run_end < n:
            nxt = text.find("\n", run_end)
            nxt = n if nxt < 0 else nxt
            if text[run_end:nxt].strip(_BLANK):
                break
            run_end = min(nxt + 1, n)
        # (before the first or after the last line with content: nothing
        # stays; else one blank line, ended as the line before it is, LF)
        yield from _blank_run(text, start, run_end, "" if start == 0 or run_end == n else "\n")
        done = run_end


def _lf_todo(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines (without LF) of a text whose lines all end
    with LF that :func:`_lf_rule` must read, in order, found with numpy: the
    empty lines (but one alone between two lines that end with content, a
    paragraph break, which stays), those that end with a blank (blank lines
    of blanks too), and those with a space, tab or ideographic space next to
    a CJK character or a quotation mark, which every removal inside a line
    needs (:func:`_changes_inside`).  Any other line has content and keeps
    it as it is.

    >>> _lf_todo("甲\\n\\n乙 \\n丙 丁\\nab cd\\n")
    [(2, 2), (3, 5), (6, 9)]
    """
    import numpy as np

    n = len(text)
    near = class_table(f"[{CJK}{_QUOTES}]")
    breaks: list[Any] = []
    before: list[Any] = []
    gaps: list[Any] = []
    for base, codes in code_windows(text, 1, _WINDOW):
        # (codes[size] is the character after the window, when there is one)
        size = min(_WINDOW or CODE_WINDOW, n - base)
        own = codes[:size]
        at = np.flatnonzero(own == 10)
        breaks.append(at + base)
        # the character before each line break (-1 before none, at the
        # text's start; the previous window's last one before its first)
        prev = codes[np.maximum(at - 1, 0)].astype(np.int64)
        if len(at) and at[0] == 0:
            prev[0] = ord(text[base - 1]) if base else -1
        before.append(prev)
        blanks = np.flatnonzero(_any_of(own, _GAP_CODES))
        after = np.minimum(blanks + 1, len(codes) - 1)  # (none after the text's end)
        right = np.take(near, codes[after], mode="clip") & (blanks + 1 < len(codes))
        left = np.take(near, codes[np.maximum(blanks - 1, 0)], mode="clip") & (blanks > 0)
        if base and len(blanks) and blanks[0] == 0:
            left[0] = near[min(ord(text[base - 1]), len(near) - 1)]
        gaps.append(blanks[left | right] + base)
    ends = np.concatenate(breaks) if breaks else np.zeros(0, dtype=np.int64)
    last_chars = np.concatenate(before) if before else np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], ends + 1))
    if n and text[-1] != "\n":  # (a last line without LF)
        ends = np.append(ends, n)
        last_chars = np.append(last_chars, ord(text[-1]))
    starts = starts[: len(ends)]
    empty = starts == ends
    trailing = ~empty & _any_of(last_chars, _BLANK_CODES)
    content = ~empty & ~trailing  # (ends with something other than a blank)
    alone = np.zeros(len(ends), dtype=bool)  # an empty line between two such lines
    alone[1:-1] = empty[1:-1] & content[:-2] & content[2:]
    todo = trailing | (empty & ~alone)
    near_gap = np.concatenate(gaps) if gaps else np.zeros(0, dtype=np.int64)
    todo[np.searchsorted(starts, near_gap, side="right") - 1] = True
    lines = np.flatnonzero(todo)
    return list(zip(starts[lines].tolist(), ends[lines].tolist()))


#: characters read at a time by :func:`_lf_todo` (None: chars.CODE_WINDOW)
_WINDOW: int | None = None


def _any_of(codes: Any, values: tuple[int, ...]) -> Any:
    """Where ``codes`` (numpy) holds one of a few ``values``: a comparison
    each (np.isin sorts, several times slower on a long text)."""
    out = codes == values[0]
    for v in values[1:]:
        out |= codes == v
    return out


#: what a line that begins or ends with content does not begin or end with
_NOT_CONTENT = _BLANK + "\r\f\n"


def whitespace_reach(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What the rule reads around changed spans: their lines, widened over
    the blank lines next to them to a line that begins with content before
    and one that ends with content after (or the text's ends), so that a run
    of blank lines is judged with both its neighbours, as in the whole text.

    >>> whitespace_reach("标题\\n\\n \\n正文 一\\n\\n末行\\n", [(5, 5)])
    [(0, 11)]
    """
    out: list[tuple[int, int]] = []
    n = len(text)
    done = -1  # where the range before ends: after a line that ends with content, or n
    for a, b in spans:
        end = a if b < a else b
        if end < done:
            continue  # (its range would end there at the latest: nothing to add)
        if a <= done:
            start = a  # (the range before holds its start: no walk back)
        else:
            start = text.rfind("\n", 0, a) + 1
            while start > 0 and (start == n or text[start] in _NOT_CONTENT):
                start = text.rfind("\n", 0, start - 1) + 1
        while True:
            nl = text.find("\n", end)
            if nl < 0:
                end = n
                break
            end = nl + 1
            last = text[nl - 1] if nl else "\n"
            if last == "\r" and nl > 1:
                last = text[nl - 2]
            if last not in _NOT_CONTENT:
                break
        if out and start <= done:
            if end > done:
                out[-1] = (out[-1][0], end)
                done = end
        else:
            out.append((start, end))
            done = end
    return out


#: what every edit of the rule needs: a blank character or a form feed
#: (spaces, trailing blanks, blank lines of blanks, a page break), two line
#: breaks in a row (an empty line) or a line break first (one at the start)
_ACTS = re.compile(r"[ \t\u3000\v\f]|[\r\n][\r\n]|\A[\r\n]")


#: the ends of a text whose last line ends with a blank, or of one with an empty line last
_ENDS_BLANK = (*_BLANK, "\n\n")
#: in a text of LF lines: a line break after a blank (a line that ends
#: with one) or before two more (two empty lines); opens with the literal,
#: which the regex engine skips to
_LF_ACTS = re.compile(r"\n(?:(?<=[ \t\u3000\v]\n)|\n\n)")
#: a character at or above the first CJK one, or two quotation marks one
#: separator apart (:data:`_SPACED_QUOTES`, three characters): one scan
_CJK_OR_SPACED_QUOTES = re.compile(f"[{_QUOTES}{_CJK_FLOOR}-\U0010ffff](?:(?<=[{_CJK_FLOOR}-\U0010ffff])|[ \u3000][{_QUOTES}])")


def whitespace_acts(text: str) -> bool:
    """Whether :func:`whitespace_rule` can change anything in ``text``.

    In a text whose lines all end with LF (most text, and every range the
    pipeline reads again) the rule changes only a line that ends with a
    blank (blank lines of blanks too), a run of empty lines at the start, at
    the end or of two or more (one empty line between two lines with
    content is a paragraph break, kept), and a line that can lose a blank
    inside (:func:`_changes_inside`: a non-ASCII one); anything else reads
    :data:`_ACTS`.

    >>> whitespace_acts("第一行\\n第二行\\n"), whitespace_acts("标题\\n\\n正文"), whitespace_acts("正文 内容")
    (False, False, True)
    >>> whitespace_acts("标题\\n\\n\\n正文"), whitespace_acts("He said so. \\nThen left."), whitespace_acts("He said so.\\n\\nThen left.")
    (True, True, False)
    """
    if "\r" in text or "\f" in text:
        return _ACTS.search(text) is not None
    # (the pipeline asks for every range it reads again, thousands in a long
    # text: each test a C call, a regex only where it skips to a literal)
    if text.endswith(_ENDS_BLANK) or text.startswith("\n") or _LF_ACTS.search(text) is not None:
        return True  # (a line that ends with a blank, or empty lines that go)
    if text.isascii():
        return False  # (only a non-ASCII line can lose a blank inside)
    if " " not in text and "\u3000" not in text and "\t" not in text:
        return False  # (a gap and spaced-out text both hold one: three C scans for a character, not two regex scans)
    m = _CJK_OR_SPACED_QUOTES.search(text)
    if m is None:
        return False
    # (a gap between CJK characters or spaced-out text needs a CJK character,
    # all at or above U+3001: without one, no scan of every blank of the text)
    return m.end() - m.start() > 1 or _SPACED_QUOTES.search(text) is not None or _inner_candidate().search(text) is not None


RULE = Rule(
    name=NAME,
    func=whitespace_rule,
    reach=whitespace_reach,
    acts=whitespace_acts,
    summary="remove whitespace-only lines, trailing blanks and spaces inside Chinese; collapse blank lines",
)
