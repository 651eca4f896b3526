"""Character classes shared by the rules (data, not logic).

Everything here is a constant string of ranges for use inside regular
expression character classes, plus a few predicates.

>>> is_han("汉"), is_han("A"), is_cjk("，"), is_cjk("한")
(True, False, True, False)
"""

from __future__ import annotations

import functools
import re
from importlib import resources

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
    "script_chars",
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
    if len(text.encode("utf-8", "surrogatepass")) > 2.5 * n:
        # mostly 3-byte characters (CJK): the regex engine lists the few
        # narrow ones faster than the many wide ones; same count
        return 2 * n - len(_NARROW.findall(text))
    return n + len(_WIDE.findall(text))


# East Asian Wide and Fullwidth characters (UAX #11), the blocks that matter.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_NARROW = re.compile("[^" + _WIDE.pattern[1:])


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
