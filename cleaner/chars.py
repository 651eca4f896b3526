"""Character classes shared by the rules (data, not logic).

Everything here is a constant string of ranges for use inside regular
expression character classes, plus a few predicates.

>>> is_han("汉"), is_han("A"), is_cjk("，"), is_cjk("한")
(True, False, True, False)
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

__all__ = [
    "HAN",
    "KANA",
    "CJK_PUNCT",
    "CJK",
    "SENTENCE_END",
    "CLOSERS",
    "LINE",
    "lines_of",
    "is_han",
    "is_cjk",
    "display_width",
    "WIDE",
    "script_chars",
    "class_table",
    "code_windows",
]

#: Han ideographs: URO, Ext A, compatibility ideographs, Ext B and beyond, 〇.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
#: Hiragana, katakana and their extensions (Japanese writes no spaces either).
KANA = "\u3040-\u30ff\u31f0-\u31ff"
#: CJK symbols and punctuation, full-width forms (，。！？（）), corner brackets.
CJK_PUNCT = "\u3001-\u3006\u3008-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
#: Characters of a CJK run (Hangul is left out: Korean separates words with spaces).
CJK = HAN + KANA + CJK_PUNCT

#: Punctuation that ends a sentence, Chinese and Latin.
SENTENCE_END = "。！？!?…．.；;"
#: Closing quotes and brackets that may follow sentence-final punctuation.
CLOSERS = "”’」』）》〉】〕〗\"')]"
#: A line and its line break (LF, CRLF, CR, or none at the end of the text).
LINE = re.compile(r"([^\r\n]*)(\r\n|\n|\r|$)")
#: a character of the basic block of CJK unified ideographs (U+4E00-U+9FFF),
#: what the word model and the typo rules read
HAN_BLOCK = re.compile("[\u4e00-\u9fff]")



def lines_of(text: str) -> list[tuple[int, str, str]]:
    """(start, text, line break) of each line, as :data:`LINE` reads them:
    the last line has an empty line break, and a text that ends with one has
    no empty line after it.

    >>> lines_of("第一行\\n第二行"), lines_of("甲\\r\\n\\n"), lines_of("")
    ([(0, '第一行', '\\n'), (4, '第二行', '')], [(0, '甲', '\\r\\n'), (3, '', '\\n')], [])
    """
    out: list[tuple[int, str, str]] = []
    if "\r" in text:
        for m in LINE.finditer(text):
            if m.start() == len(text) and not m.group(0):
                break
            out.append((m.start(), m.group(1), m.group(2)))
        return out
    # (only LF: a split in C, not a regex match per line)
    pieces = text.split("\n")
    pos = 0
    for body in pieces[:-1]:
        out.append((pos, body, "\n"))
        pos += len(body) + 1
    if pieces[-1]:
        out.append((pos, pieces[-1], ""))
    return out


_HAN_RANGES = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
_CJK_EXTRA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3001, 0x303F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40), (0xFF5B, 0xFF65))


def is_han(ch: str) -> bool:
    """Whether ``ch`` (one character) is a Han ideograph."""
    o = ord(ch)
    return any(a <= o <= b for a, b in _HAN_RANGES)


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is Han, kana or CJK punctuation (not Hangul)."""
    o = ord(ch)
    return is_han(ch) or any(a <= o <= b for a, b in _CJK_EXTRA)


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced layout: wide characters count 2.

    >>> display_width("中文ab")
    6
    """
    if text.isascii():
        return len(text)
    n = len(text)
    if text[n >> 1] >= "\u1100":
        # (judged by its middle character) most likely CJK: the regex engine
        # lists the few narrow characters faster than the many wide ones;
        # either count is the same, the guess only picks the faster one
        return 2 * n - len(_NARROW.findall(text))
    return n + len(WIDE.findall(text))


#: East Asian Wide and Fullwidth characters (UAX #11), the blocks that matter
#: (one character class: paragraphs reads its ranges for a look-up table)
WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_NARROW = re.compile("[^" + WIDE.pattern[1:])


#: the sections of ``cleaner/data/script_chars.txt`` (built by scripts/build_script_chars.py)
SCRIPT_SECTIONS = ("traditional_only", "simplified_only", "t2s", "block_simplified")


@functools.cache
def script_chars(section: str) -> str:
    """A section of ``cleaner/data/script_chars.txt`` as one string: the
    characters that mark Traditional or Simplified writing (CC-CEDICT and
    OpenCC, precomputed), or for ``"t2s"`` the pairs (Traditional,
    Simplified) one after the other.

    >>> "這" in script_chars("traditional_only"), "这" in script_chars("simplified_only")
    (True, True)
    >>> script_chars("t2s")[:2] in ("丟丢", "並并")
    True
    """
    if section not in SCRIPT_SECTIONS:
        raise ValueError(f"script_chars: unknown section {section!r}; use one of {', '.join(SCRIPT_SECTIONS)}")
    return _script_sections()[section]


@functools.cache
def _script_sections() -> dict[str, str]:
    text = resources.files("cleaner").joinpath("data/script_chars.txt").read_text(encoding="utf-8")
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = parts.setdefault(line[1:-1], [])
        elif current is None:
            raise ValueError("script_chars.txt: characters before the first [section]; regenerate it with scripts/build_script_chars.py")
        else:
            current.append(line.replace(" ", ""))
    return {name: "".join(lines) for name, lines in parts.items()}


@functools.cache
def class_table(pattern: str) -> Any:
    """A numpy table by code point, True for the characters that the regex
    ``pattern`` matches, a class of characters and ranges or alternatives of
    such (how the classes here are written), read from its parse: a look-up
    of every character of a long text at once (``np.take(table, codes,
    mode="clip")``) instead of a regex scan, one character at a time.  The
    table ends one entry past the highest of them: that last entry, False,
    stands for every code point beyond.

    >>> t = class_table("[a-c中]|[，]")
    >>> bool(t[ord("b")]), bool(t[ord("中")]), bool(t[ord("，")]), bool(t[ord("d")]), len(t) == ord("，") + 2
    (True, True, True, False, True)
    """
    import numpy as np

    spans = _class_spans(importlib.import_module("re._parser").parse(pattern), pattern)
    table = np.zeros(max(b for _, b in spans) + 2, dtype=bool)
    for a, b in spans:
        table[a : b + 1] = True
    return table


def _class_spans(items: Any, pattern: str) -> list[tuple[int, int]]:
    """The code point ranges of a parsed one-character regex (see :func:`class_table`)."""
    c = importlib.import_module("re._constants")
    if len(items) != 1:
        raise ValueError(f"class_table: {pattern!r} is not one character class")
    op, av = items[0]
    if op is c.LITERAL:
        return [(av, av)]
    if op is c.BRANCH:
        return [span for branch in av[1] for span in _class_spans(branch, pattern)]
    if op is c.IN and all(o in (c.LITERAL, c.RANGE) for o, _ in av):
        return [(v, v) if o is c.LITERAL else v for o, v in av]
    raise ValueError(f"class_table: {pattern!r} is not a class of characters and ranges")


#: characters read at a time by :func:`code_windows` (4 bytes each)
CODE_WINDOW = 1 << 20


def code_windows(text: str, extra: int = 0, window: int | None = None) -> Iterator[tuple[int, Any]]:
    """(start, code points) of each window of ``window`` characters of
    ``text`` (:data:`CODE_WINDOW`), with ``extra`` characters more of what
    follows (what a match across the window's end needs): numpy uint32, a
    lone surrogate read as its code point, as the word model reads text.

    >>> [(start, codes.tolist()) for start, codes in code_windows("中文ab", 1, 2)]
    [(0, [20013, 25991, 97]), (2, [97, 98])]
    """
    import numpy as np

    size = CODE_WINDOW if window is None else window
    for base in range(0, len(text), size):
        yield base, np.frombuffer(text[base : base + size + extra].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
