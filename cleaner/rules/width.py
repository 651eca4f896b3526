"""Rule ``width``: full-width letters and digits, and ASCII punctuation in Chinese.

* Full-width ASCII letters and digits become half-width (``ＡＢＣ１２３`` ->
  ``ABC123``).  Full-width punctuation stays: it is correct in Chinese.
  A full-width ``０`` next to a Chinese numeral is the Chinese zero and
  becomes ``〇`` (``二０００年`` -> ``二〇〇〇年``); so does a letter ``Ｏ``
  between two Chinese numerals (``二ＯＯ八``).  The letters ``O`` and
  ``o``, which OCR reads for 〇, become ``〇`` inside a number written in
  Chinese digits: between two of them (``二O二一年`` -> ``二〇二一年``), or
  ending a year of four (``一九九O年``); never next to a Latin letter or an
  Arabic digit (``二O二1``, ``三OK``), nor first in the number.  The digit
  ``0`` there is left as written: authors type it (``二00八年`` in edited
  news), while a letter among Chinese digits is never meant.
* ASCII ``, ; : ? !`` standing in Chinese context become ``，；：？！``: the
  character before is Chinese, or the one after is Chinese (or nothing, or
  punctuation) and the token before is not English: a number, unit or word
  glued to Chinese on its left (``达到了6000t;一个是``) is part of the
  Chinese sentence.  Numbers (``3,000``, ``1:2``), URLs, e-mail, code and
  CSV rows (three short fields or more, no Chinese punctuation) keep theirs.  Numbers (``1,000``, ``3:30``), URLs,
  e-mail addresses, inline and fenced code, and English sentences are left
  alone.
* A pair of ASCII parentheses becomes ``（）`` when it holds Chinese or
  follows a Chinese character (``第62次(扩大)`` -> ``第62次（扩大）``);
  ``f(x)`` and unmatched parentheses stay.

>>> from cleaner import clean
>>> clean("２０２１年,增长5.2%;见(附表)", only=["width"])
'2021年，增长5.2%；见（附表）'
>>> clean("达到了6000t;一个是,比例1:2", only=["width"])
'达到了6000t；一个是，比例1:2'
>>> clean("He said: Hello, world! 价格1,000元 http://a.cn/x?a=1,2", only=["width"])
'He said: Hello, world! 价格1,000元 http://a.cn/x?a=1,2'
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..chars import CJK, HAN, class_table, code_windows
from ..edits import Edit
from ..rule import Rule, lines_around

if TYPE_CHECKING:
    from ..config import Config

NAME = "width"

#: a full-width letter or digit
_FULLWIDTH_CLASS = "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
_FULLWIDTH_ALNUM = re.compile(f"{_FULLWIDTH_CLASS}{_FULLWIDTH_CLASS}*")  # (a class first: the engine skips to it)
#: the block of :data:`_FULLWIDTH_ALNUM`'s three ranges: a regex of one range
#: scans text for them about twice as fast as one of three (a gate)
_FULLWIDTH_BLOCK = re.compile("[\uff10-\uff5a]")
#: the Chinese numerals that write a number digit by digit (二〇〇八)
_CHINESE_DIGITS = frozenset("〇零一二三四五六七八九")
_ZERO = "\uff10"  # ０
#: characters that OCR reads for 〇 and no author means there: the letters
#: O and o (their full-width forms are judged once the full-width runs are
#: ASCII); not the digit 0, which authors type for 〇 (二00八年)
_ZERO_LOOKALIKES = frozenset("Oo")
#: a Chinese digit and one of them after it: every zero :func:`_zero_lookalikes`
#: changes follows one (it expands each hit to the number it stands in)
_ZERO_HINT = re.compile("[〇零一二三四五六七八九](?=[Oo])")
_LETTER_O = "\uff2f"  # Ｏ
#: a run of ``,;:?!`` or one parenthesis (``[,;:?!]+|[()]`` written with one
#: class first, so that the regex engine skips to its candidates)
_PUNCT = re.compile(r"[,;:?!()](?:(?<=[,;:?!])[,;:?!]*)?")
_ANY_PUNCT = re.compile(r"[,;:?!()]")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_CJK_CHAR = re.compile(f"[{CJK}]")
_QUOTES = "“”‘’"


@functools.cache
def _rare_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two patterns only some marks need, compiled on first use (a CJK class
    costs milliseconds to compile): a Han character, and the token before a
    mark at a line end (\\Z: "$" also matches before a final newline, so a
    line above leaked in)."""
    return re.compile(f"[{HAN}]"), re.compile(f"([{CJK}])?[A-Za-z0-9.%‰+_-]+ ?\\Z")


_PROTECTED = re.compile(
    r"```.*?(?:```|\Z)"  # fenced code
    r"|`[^`\n]+`"  # inline code
    r"|(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+"  # URL
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"  # e-mail (ASCII: \w would scan CJK runs)
    # a CSV row: three fields or more, short, without Chinese punctuation
    r"|(?m:^(?:[^,\n\r，。；：！？、]{1,30},){2,}[^,\n\r，。；：！？、]{0,30}$)",
    re.S,
)


#: what each kind of protected span needs on its line: a backquote, a URL
#: scheme or ``www.``, an ``@``, or two commas (a CSV row)
_PROTECT_TRIGGER = re.compile(r"`|@|://|www\.|,[^,\n]*,")  # (each branch opens with a literal: the engine skips to them)
#: the triggers but the CSV row's two commas
_OTHER_TRIGGERS = ("`", "@", "://", "www.")


def _protected(text: str) -> list[tuple[int, int]]:
    """The spans of :data:`_PROTECTED` in ``text``.  Without a code fence no
    protected span crosses a line break, so only the lines that hold a
    trigger are searched (the regex tries its five alternatives at every
    position of the text otherwise).

    >>> _protected("见 http://a.cn/x?a=1,2 及 a@b.cn\\n中文,没有")
    [(2, 21), (24, 30)]
    """
    tick = "`" in text  # (none: no fence either, and one scan of the text fewer)
    if tick and "```" in text:
        return [(m.start(), m.end()) for m in _PROTECTED.finditer(text)]
    others = tick or any(k in text for k in _OTHER_TRIGGERS if k != "`")
    if not others and text.count(",") < 2:
        return []  # (no trigger at all: found by C string searches, not the regex)
    out: list[tuple[int, int]] = []
    pos = 0
    while (at := _next_trigger(text, pos, others)) >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        if others and any(k in text[start:end] for k in _OTHER_TRIGGERS):
            out.extend((m.start(), m.end()) for m in _PROTECTED.finditer(text, _first_possible(text, start, end), end))
        elif (m := _PROTECTED.match(text, start, end)) is not None:
            # only commas: of the alternatives only the CSV row can match, and
            # it only at a line start, the line's own start (as finditer finds)
            out.append((m.start(), m.end()))
        pos = end + 1
    return out


def _next_trigger(text: str, pos: int, others: bool) -> int:
    """Where :data:`_PROTECT_TRIGGER` matches first in ``text`` from
    ``pos`` on (-1: nowhere); without ``others`` (none of
    :data:`_OTHER_TRIGGERS` in the text) only its comma pair can, found by
    string searches from comma to comma (the regex tries its alternatives
    at every character: 0.66 ms on 1 MB of Chinese with 100 commas).

    >>> _next_trigger("a,b\\nc,d,e", 0, False), _next_trigger("a,b\\nc,d", 0, False)
    (5, -1)
    """
    if others:
        m = _PROTECT_TRIGGER.search(text, pos)
        return -1 if m is None else m.start()
    i = text.find(",", pos)
    while i >= 0:
        j = text.find(",", i + 1)
        if j < 0:
            return -1
        if text.find("\n", i + 1, j) < 0:
            return i  # (the next comma is on its line)
        i = j
    return -1


_SCHEME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_MAILBOX = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _first_possible(text: str, start: int, end: int) -> int:
    """Where on the line ``text[start:end]`` (no code fence in the text) the
    first match of :data:`_PROTECTED` can start at the earliest: at its
    start (a CSV row or anything else matches there), else at the first
    backquote, ``www.``, or run of scheme or mailbox characters before the
    first ``://`` or ``@`` (no branch can match before those), so that the
    regex does not try its branches at every position before.

    >>> text = "新闻正文很长，来源 www.a.cn"
    >>> _first_possible(text, 0, len(text))
    10
    """
    if _PROTECTED.match(text, start, end):
        return start
    cands = [end]
    for mark, run in (("`", None), ("www.", None), ("://", _SCHEME), ("@", _MAILBOX)):
        i = text.find(mark, start, end)
        if i >= 0:
            while run is not None and i > start and text[i - 1] in run:
                i -= 1
            cands.append(i)
    return min(cands)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_CHAR.match(ch) is not None


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest character before (step=-1) or after (step=1) position i on
    the same line, skipping ASCII spaces."""
    n = len(text)
    while 0 <= i < n and text[i] == " ":
        i += step
    if 0 <= i < n and text[i] not in "\r\n":
        return text[i]
    return ""


def _chinese_context(text: str, start: int, end: int) -> bool:
    prev = _neighbour(text, start - 1, -1)
    nxt = _neighbour(text, end, 1)
    if prev.isdigit() and nxt.isdigit():
        return False  # 1,000  3:30  2,3
    if _is_cjk(prev):
        return True
    # a closing quote between Chinese and the mark ("他说”,"); at a line
    # start prev is "" (and "" is in every string): the line above decides
    # nothing, else a later pass that removed blanks there changed the mark
    if prev and prev in _QUOTES and _is_cjk(_neighbour(text, start - 2, -1)):
        return True
    if _is_cjk(nxt) or not nxt or not (nxt.isascii() and nxt.isalnum()):
        if _is_cjk(nxt) and not (prev.isascii() and prev.isalnum()):
            return True
        # "达到了6000t;一个是" or "增长15%;" at a line end: the shape of the
        # token before the mark decides, not its last letter: a number, a
        # unit or a word glued to Chinese on its left is part of the Chinese
        # sentence ("He said: 你好" has English before its word)
        m = _rare_patterns()[1].search(text[max(0, start - 40) : start])
        return bool(m and m.group(1) and _is_cjk(m.group(1)))
    return False


def _parens(text: str) -> list[int]:
    """The positions of ``(`` and ``)``, in order, by C string searches (a
    regex class steps through every character).

    >>> _parens("甲(乙)\\n(丙")
    [1, 3, 5]
    """
    at: list[int] = []
    for c in "()":
        i = text.find(c)
        while i >= 0:
            at.append(i)
            i = text.find(c, i + 1)
    at.sort()
    return at


def _paren_pairs(text: str, protected: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The pairs of parentheses of ``text`` on one line, outside the
    ``protected`` spans (sorted, disjoint): a scan of every ``(``, ``)``
    and line break, a line break outside them clearing the open ones.  Only
    the parentheses are visited; the line breaks between two of them are
    looked for (str.find) when one is open, not listed one by one.

    >>> list(_paren_pairs("见(表)\\n(甲\\n乙)", []))
    [(1, 3)]
    """
    starts = [a for a, _ in protected]

    def inside(i: int) -> bool:
        k = bisect.bisect_right(starts, i) - 1
        return k >= 0 and i < protected[k][1]

    stack: list[int] = []
    last = -1
    for i in _parens(text):
        if stack:
            j = text.find("\n", last + 1, i)
            while j >= 0 and protected and inside(j):
                j = text.find("\n", j + 1, i)
            if j >= 0:
                stack.clear()
        last = i
        if protected and inside(i):
            continue
        if text[i] == "(":
            stack.append(i)
        elif stack:
            yield stack.pop(), i


def _punct_positions(view: str, protected: list[tuple[int, int]], marks: list[tuple[int, int]]) -> dict[int, str]:
    """Positions of ASCII punctuation that reads as Chinese in ``view``, with
    the full-width form for each; ``marks`` are the spans of :data:`_PUNCT`
    in ``view``."""
    starts = [a for a, _ in protected]

    def inside(i: int) -> bool:
        k = bisect.bisect_right(starts, i) - 1
        return k >= 0 and i < protected[k][1]

    out: dict[int, str] = {}
    for i, j in marks:
        mark = view[i:j]
        if mark in "()" or (protected and inside(i)):
            continue
        # fast path: right after a CJK character (the common case)
        if (i and _CJK_CHAR.match(view, i - 1) and not (view[i - 1].isdigit())) or _chinese_context(view, i, j):
            for k, ch in enumerate(mark):
                out[i + k] = _FULL[ch]
    if "(" in view:
        for o, c in _paren_pairs(view, protected):
            inner = view[o + 1 : c]
            if _rare_patterns()[0].search(inner) or _is_cjk(_neighbour(view, o - 1, -1)):
                out[o] = "（"
                out[c] = "）"
    return out


def _apply(text: str, changes: dict[int, str]) -> str:
    """``text`` with the single characters at the given positions replaced."""
    if not changes:
        return text
    parts: list[str] = []
    pos = 0
    for i in sorted(changes):
        parts.append(text[pos:i])
        parts.append(changes[i])
        pos = i + 1
    parts.append(text[pos:])
    return "".join(parts)


def _chinese_zero(text: str, start: int, end: int) -> bool:
    """Whether the run of full-width letters and digits ``text[start:end]``
    is the Chinese zero 〇 written as ``０`` (next to a Chinese numeral) or
    as the letter ``Ｏ`` (between two of them)."""
    run = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if not run.strip(_ZERO):
        return before in _CHINESE_DIGITS or after in _CHINESE_DIGITS
    if not run.strip(_ZERO + _LETTER_O):
        return before in _CHINESE_DIGITS and after in _CHINESE_DIGITS
    return False


def _latin_or_digit(ch: str) -> bool:
    """A Latin letter or an Arabic digit, ASCII or full-width."""
    return ch.isalnum() and (ch.isascii() or "\uff10" <= ch <= "\uff5a")


def _may_hold_zero_lookalikes(text: str, *, fullwidth: bool = False) -> bool:
    """Whether ``text`` holds a Chinese digit and an O or o (or, with
    ``fullwidth``, full-width letters that may become one): a dozen
    substring tests at C speed, where :data:`_ZERO_HINT`'s scan of a long
    English text with a stray full-width character cost 5 % of the
    pipeline with typo rules off."""
    return (fullwidth or "O" in text or "o" in text) and any(d in text for d in _CHINESE_DIGITS)


def _zero_lookalikes(text: str, start: int = 0) -> list[int]:
    """Positions of the letters ``O`` and ``o`` that stand for the Chinese
    zero 〇 in a number written in Chinese digits: a run of Chinese digits
    and such letters with a Latin letter or Arabic digit on neither side;
    its letters that follow a Chinese digit and come before another, or end
    a run of four or more that holds two Chinese digits and is followed by
    年.  The first character of a run is never one (``O一`` may be a letter).

    >>> _zero_lookalikes("二O二一年，一九九O年，二oo八")
    [1, 9, 13, 14]
    >>> _zero_lookalikes("二00八年，二O二1年，三OK，O一二三，二O年，Hello一o二")
    []
    """
    out: list[int] = []
    end = -1
    for m in _ZERO_HINT.finditer(text, start):
        if m.start() < end:
            continue  # (in the run already read)
        a = m.start()
        while a > 0 and (text[a - 1] in _ZERO_LOOKALIKES or text[a - 1] in _CHINESE_DIGITS):
            a -= 1
        end = m.start() + 1
        while end < len(text) and (text[end] in _ZERO_LOOKALIKES or text[end] in _CHINESE_DIGITS):
            end += 1
        if (a and _latin_or_digit(text[a - 1])) or (end < len(text) and _latin_or_digit(text[end])):
            continue
        year = end - a >= 4 and text.startswith("年", end) and sum(text[k] in _CHINESE_DIGITS for k in range(a, end)) >= 2
        k = a + 1
        while k < end:
            if text[k] in _ZERO_LOOKALIKES and text[k - 1] in _CHINESE_DIGITS:
                e = k
                while e < end and text[e] in _ZERO_LOOKALIKES:
                    e += 1
                if e < end or year:
                    out.extend(range(k, e))
                k = e
            else:
                k += 1
    return out


#: where every CJK character stands (U+3001 on): one range, a fast gate
_CJK_BLOCK = re.compile("[\u3001-\U0010ffff]")


def _has_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK character, looked for from the first
    character of their block on (Latin text has none: one fast scan)."""
    gate = _CJK_BLOCK.search(text)
    return gate is not None and _CJK_CHAR.search(text, gate.start()) is not None


def _fullwidth_runs(text: str) -> Iterator[re.Match[str]]:
    """``_FULLWIDTH_ALNUM.finditer(text)``, from the first character of
    their block (none before: no match before)."""
    gate = _FULLWIDTH_BLOCK.search(text)
    return _FULLWIDTH_ALNUM.finditer(text, gate.start()) if gate else iter(())


#: a text this long or longer is scanned for full-width runs and CJK by a
#: look-up per character (:func:`_scan`), a shorter one by the regexes
_NUMPY_MIN = 1 << 14


def _scan(text: str) -> tuple[list[tuple[int, int]], bool]:
    """The spans of :data:`_FULLWIDTH_ALNUM` in ``text`` and whether it holds
    a CJK character (:func:`_has_cjk`), from one look-up per character
    (numpy), not the regex scans (one character at a time).

    >>> _scan("ＡＢ中１"), _scan("ａ b")
    (([(0, 2), (3, 4)], True), ([(0, 1)], False))
    """
    import numpy as np

    fullwidth = class_table(_FULLWIDTH_CLASS)
    cjk = class_table(_CJK_CHAR.pattern)
    found: list[Any] = []
    has_cjk = False
    for base, codes in code_windows(text):
        # (only the block of the full-width forms is looked up: code - U+FF10
        # wraps below it)
        block = np.flatnonzero(codes - 0xFF10 <= 0x4A)
        found.append(block[np.take(fullwidth, codes[block], mode="clip")] + base)
        if not has_cjk:
            # every CJK character is at or above U+3001: the first such
            # character (in Chinese, the first or nearly) and, if it is
            # none, all of them
            high = codes >= 0x3001
            first = int(high.argmax())
            if high[first]:
                has_cjk = bool(np.take(cjk, codes[first : first + 1], mode="clip")[0]) or bool(np.take(cjk, codes[high], mode="clip").any())
    at = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    # (a run breaks where the next one is not the next character)
    breaks = np.flatnonzero(np.diff(at) != 1) + 1
    starts = at[np.concatenate(([0], breaks))] if len(at) else at
    ends = at[np.concatenate((breaks - 1, [len(at) - 1]))] + 1 if len(at) else at
    return list(zip(starts.tolist(), ends.tolist())), has_cjk


def width_rule(text: str, config: Config) -> Iterator[Edit]:
    """Edits for full-width letters and digits and ASCII punctuation in Chinese."""
    changes: dict[int, str] = {}
    if len(text) < _NUMPY_MIN:
        runs = [m.span() for m in _fullwidth_runs(text)]
        has_cjk = None  # (looked for only when there is punctuation)
    else:
        runs, has_cjk = _scan(text)
    for start, end in runs:
        zero = _chinese_zero(text, start, end)
        for k in range(start, end):
            changes[k] = "〇" if zero else chr(ord(text[k]) - 0xFEE0)
    if _may_hold_zero_lookalikes(text, fullwidth=bool(runs)):  # (Ｏ and ｏ are in runs)
        # judged on the text as the full-width runs leave it: a ０ they make 〇 counts as a Chinese digit, a Ｏ or ｏ they make ASCII is judged here
        changes.update(dict.fromkeys(_zero_lookalikes(_apply(text, changes)), "〇"))
    if _ANY_PUNCT.search(text) and (_has_cjk(text) if has_cjk is None else has_cjk):  # no CJK, no Chinese context
        protected = _protected(text)
        # Decide on the text as it reads after each round of conversions, until
        # nothing more changes: one pass then gives what two would (idempotence).
        view = _apply(text, changes)
        marks = [m.span() for m in _PUNCT.finditer(view)]
        for _ in range(8):
            found = {i: c for i, c in _punct_positions(view, protected, marks).items() if i not in changes}
            if not found:
                break
            changes.update(found)
            view = _apply(view, found)
            # a round converts whole marks: the others stand where they stood
            marks = [(i, j) for i, j in marks if i not in found]
    # one edit per run of adjacent changed characters
    positions = sorted(changes)
    k = 0
    while k < len(positions):
        start = positions[k]
        end = start + 1
        while k + 1 < len(positions) and positions[k + 1] == end:
            k += 1
            end += 1
        after = "".join(changes[i] for i in range(start, end))
        yield Edit(NAME, start, end, text[start:end], after)
        k += 1


def width_reach(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """What the rule reads around changed spans: their lines (a mark's
    context, a pair of parentheses, a protected span end at the line), or
    the whole text when it holds a code fence, which spans lines.

    >>> width_reach("中文\\n(见,表)\\n末", [(4, 4)])
    [(2, 9)]
    """
    # (the one-character test first: on a long text without one, a fifth of the time)
    return [(0, len(text))] if "`" in text and "```" in text else lines_around(text, spans)


def width_acts(text: str) -> bool:
    """Whether :func:`width_rule` can change anything in ``text``: it holds a
    full-width letter or digit, ASCII punctuation and a CJK character, or a
    letter O or o that stands for 〇 (:func:`_zero_lookalikes`).

    >>> width_acts("中文,没有"), width_acts("plain, ASCII; text"), width_acts("ＡＢ")
    (True, False, True)
    """
    if text.isascii():
        return False  # (both need a character beyond ASCII: a CJK one or a full-width one)
    # (the seven marks of _ANY_PUNCT one C scan each, faster than a scan for
    # the class; most ranges the pipeline reads again hold none)
    above = _CJK_BLOCK.search(text)
    if above is None:
        return False  # (CJK and full-width characters alike are at or above U+3001: one scan for both)
    if ("," in text or ";" in text or ":" in text or "?" in text or "!" in text or "(" in text or ")" in text) and _CJK_CHAR.search(text, above.start()) is not None:
        return True
    if _may_hold_zero_lookalikes(text) and _zero_lookalikes(text, max(0, above.start() - 1)):
        return True
    gate = _FULLWIDTH_BLOCK.search(text, above.start())
    return gate is not None and _FULLWIDTH_ALNUM.search(text, gate.start()) is not None


RULE = Rule(
    name=NAME,
    func=width_rule,
    reach=width_reach,
    acts=width_acts,
    summary="full-width letters and digits to ASCII; ASCII , ; : ? ! ( ) in Chinese to full-width; O/o read for 〇 among Chinese digits",
)
