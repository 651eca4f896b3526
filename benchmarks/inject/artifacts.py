"""The injection functions, one per artifact class and language, in three
shapes (:mod:`benchmarks.inject.registry` says which class uses which):

* paragraph-local, ``(paragraph, rng, context) -> Swap | None``: damage
  one span inside a paragraph, or None when the paragraph offers no place;
* separator, ``(site, rng, context) -> Gap | None``: the damaged text
  that replaces the separator after a paragraph;
* wrapper, ``(paragraph, width) -> str``: a whole paragraph hard-wrapped.

Each function draws from ``rng`` only, so a corpus is the same for the same
seed.  Words are jieba words (the dictionary `cleaner` also uses; so
"inside a word" means inside a jieba word).
"""

from __future__ import annotations

import functools
import random
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .sources import HAN, HAN_RE, OcrTable, trad_only

__all__ = [
    "Swap", "Context", "Site", "Gap", "LocalInjector", "SeparatorInjector", "Wrapper",
    "zh_page_break", "en_page_break", "space_in_cjk", "ascii_punct", "fullwidth_alnum", "stray_traditional",
    "mojibake", "zero_width", "stutter", "ocr_confusion", "pdf_radicals", "dash_for_one", "whitespace_line", "exact_duplicate", "near_duplicate",
    "near_copy", "wrap_zh", "wrap_en",
]


class Swap(NamedTuple):
    """A paragraph-local injection: ``prefix + original + suffix`` is the
    paragraph, ``prefix + injected + suffix`` the damaged one."""

    prefix: str
    original: str
    injected: str
    suffix: str
    note: str = ""


class Context(NamedTuple):
    """What an injection may need besides the paragraph: its language and
    the OCR confusion table (None unless the corpus loaded it)."""

    lang: str
    ocr: OcrTable | None


class Site(NamedTuple):
    """The separator after paragraph ``i`` of a document being built."""

    paragraphs: Sequence[str]
    i: int
    #: paragraph k carries an injection, or is copied by one
    damaged: Sequence[bool]
    sep: str
    layout: str


class Gap(NamedTuple):
    """A separator injection: the damaged text in place of the separator, a
    note, and the paragraph it copies (-1 for none)."""

    injected: str
    note: str
    copied: int = -1


LocalInjector = Callable[[str, random.Random, Context], "Swap | None"]
SeparatorInjector = Callable[[Site, random.Random, Context], "Gap | None"]
Wrapper = Callable[[str, int], str]

_HAN_WORD = re.compile(f"^[{HAN}]+$")
_ZW = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_FULL_PUNCT = {"，": ",", "；": ";", "：": ":", "？": "?", "！": "!"}
_ASCII_RUN = re.compile(r"[0-9A-Za-z]+")
_LATIN_WORD = re.compile(r"[a-z]{7,}")
_LATIN_TOKEN = re.compile(r"\S+")
_WHITESPACE_LINES = ("\n \n", "\n  \n", "\n\u3000\n", "\n\t\n", "\n \n\n", "\n\n \u3000 \n")


@functools.cache
def _words(p: str) -> tuple[tuple[int, str], ...]:
    """(offset, word) of the jieba segmentation of ``p``."""
    from cleaner.segment import words

    out: list[tuple[int, str]] = []
    pos = 0
    for w in words(p):
        out.append((pos, w))
        pos += len(w)
    return tuple(out)


def _han_words(p: str, lo: int, hi: int) -> list[tuple[int, str]]:
    return [(i, w) for i, w in _words(p) if lo <= len(w) <= hi and _HAN_WORD.match(w)]


@functools.cache
def _opencc(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def _cut(p: str, start: int, end: int, injected: str, note: str = "") -> Swap:
    return Swap(p[:start], p[start:end], injected, p[end:], note)


# --------------------------------------------------------------------------
# Paragraph-local injectors


def zh_page_break(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """A blank line or a line break inside a Chinese word."""
    words = [(i, w) for i, w in _han_words(p, 2, 8) if i > 0 and i + len(w) < len(p) - 1]
    if not words:
        return None
    i, w = rng.choice(words)
    k = rng.randint(1, len(w) - 1)
    brk = rng.choice(("\n\n", "\n"))
    return _cut(p, i, i + len(w), w[:k] + brk + w[k:], f"break {brk!r} after {w[:k]!r}")


def en_page_break(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """A hyphen and a blank line or line break inside a long Latin word."""
    words = [m for m in _LATIN_WORD.finditer(p) if m.start() > 0 and p[m.start() - 1] == " " and m.end() < len(p) - 1]
    if not words:
        return None
    m = rng.choice(words)
    w = m.group()
    k = rng.randint(3, len(w) - 3)
    brk = rng.choice(("\n\n", "\n"))
    return _cut(p, m.start(), m.end(), w[:k] + "-" + brk + w[k:], f"hyphen and break {brk!r} after {w[:k]!r}")


def space_in_cjk(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """A space (or U+3000) between two Han characters.

    >>> space_in_cjk("甲乙", random.Random(1), Context("zh", None))
    Swap(prefix='', original='甲乙', injected='甲 乙', suffix='', note="space ' '")
    """
    spots = [i for i in range(1, len(p)) if HAN_RE.match(p[i - 1]) and HAN_RE.match(p[i])]
    if not spots:
        return None
    i = rng.choice(spots)
    space = rng.choice((" ", " ", "  ", "\u3000"))
    return _cut(p, i - 1, i + 1, p[i - 1] + space + p[i], f"space {space!r}")


def ascii_punct(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """One of ``，；：？！`` or a ``（）`` pair turned to ASCII.

    >>> ascii_punct("好，走。", random.Random(1), Context("zh", None)).injected
    ','
    """
    spots: list[tuple[int, int, str]] = [(i, i + 1, _FULL_PUNCT[c]) for i, c in enumerate(p) if c in _FULL_PUNCT]
    for m in re.finditer(r"（([^（）\n]*)）", p):
        spots.append((m.start(), m.end(), "(" + m.group(1) + ")"))
    if not spots:
        return None
    start, end, injected = rng.choice(spots)
    return _cut(p, start, end, injected)


def fullwidth_alnum(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """An ASCII letter or digit run turned to full width.

    >>> fullwidth_alnum("共有2021个", random.Random(1), Context("zh", None)).injected
    '２０２１'
    """
    runs = list(_ASCII_RUN.finditer(p))
    if not runs:
        return None
    m = rng.choice(runs)
    full = "".join(chr(ord(c) + 0xFEE0) for c in m.group())
    return _cut(p, m.start(), m.end(), full)


def stray_traditional(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """A word converted with OpenCC ``s2t``, when that gives a character no
    Simplified text uses."""
    s2t, t2s = _opencc("s2t"), _opencc("t2s")
    trad = trad_only()
    words = []
    for i, w in _han_words(p, 1, 4):
        t = s2t.convert(w)
        # a stray Traditional character is one no Simplified text uses (OpenCC's
        # own variants such as 啓 for 启 are not in CC-CEDICT's Traditional set)
        if t != w and len(t) == len(w) and t2s.convert(t) == w and any(c in trad for c in t):
            words.append((i, w, t))
    if not words:
        return None
    i, w, t = rng.choice(words)
    return _cut(p, i, i + len(w), t, f"s2t {w}->{t}")


def _mojibake_span(p: str, rng: random.Random, ctx: Context) -> tuple[int, int] | None:
    """The span to garble: a whole paragraph (three times in ten), else a
    non-ASCII Latin token or a run of up to 8 characters of Chinese words."""
    if ctx.lang == "en":
        tokens = [m for m in _LATIN_TOKEN.finditer(p) if not m.group().isascii()]
        if not tokens:
            return None
        if rng.random() < 0.3:
            return 0, len(p)
        m = rng.choice(tokens)
        return m.start(), m.end()
    if rng.random() < 0.3:
        return 0, len(p)
    words = _words(p)
    k = rng.randrange(len(words))
    start = words[k][0]
    end = start
    for i, w in words[k : k + 3]:
        if end - start + len(w) > 8:
            break
        end = i + len(w)
    if end - start < 2 or not HAN_RE.search(p[start:end]):
        return None
    return start, end


def mojibake(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """A span (or a whole paragraph) encoded as UTF-8 and decoded as
    Windows-1252."""
    span = _mojibake_span(p, rng, ctx)
    if span is None:
        return None
    import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)

    start, end = span
    bad = p[start:end].encode("utf-8").decode("sloppy-windows-1252")
    return _cut(p, start, end, bad, "utf-8 read as windows-1252")


def zero_width(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """U+200B/200C/200D/2060/FEFF inside a word."""
    if ctx.lang == "en":
        words = [(m.start(), m.group()) for m in re.finditer(r"[A-Za-z]{4,}", p)]
    else:
        words = _han_words(p, 2, 8)
    if not words:
        return None
    i, w = rng.choice(words)
    k = rng.randint(1, len(w) - 1)
    z = rng.choice(_ZW)
    return _cut(p, i, i + len(w), w[:k] + z + w[k:], f"U+{ord(z):04X}")


def stutter(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """A 2-4 character word written twice (not one the source already
    repeats)."""
    words = _han_words(p, 2, 4)
    if not words:
        return None
    i, w = rng.choice(words)
    if p[i + len(w) : i + 2 * len(w)] == w or p[max(0, i - len(w)) : i] == w:
        return None  # already reduplicated in the source
    return _cut(p, i, i + len(w), w + w)


def ocr_confusion(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """A character replaced by an OCR misreading observed in FASPell's train
    split, drawn by how often it was observed.

    >>> ocr_confusion("天气", random.Random(1), Context("zh", {"气": (("汽", 1),)})).injected
    '汽'
    """
    table = ctx.ocr
    if not table:
        return None
    spots = [i for i, c in enumerate(p) if c in table]
    if not spots:
        return None
    i = rng.choice(spots)
    choices = table[p[i]]
    wrong = rng.choices([w for w, _ in choices], weights=[n for _, n in choices])[0]
    return _cut(p, i, i + 1, wrong, f"FASPell train: {p[i]} read as {wrong}")


@functools.cache
def _radical_forms() -> dict[str, str]:
    """Ideograph -> the radical code point a PDF font maps its glyph to
    (``cleaner/data/cjk_radicals.tsv`` read backwards; where a character
    has both, the supplement's simplified form)."""
    from importlib import resources

    text = resources.files("cleaner").joinpath("data/cjk_radicals.tsv").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            radical, char = line.split("\t")
            if char not in out or radical < out[char]:
                out[char] = radical
    return out


def pdf_radicals(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """The characters of a Han word that have a radical code point written
    as it, as PDF extraction writes them (人民 -> ⼈⺠).

    >>> pdf_radicals("人民", random.Random(1), Context("zh", None)).injected
    '⼈⺠'
    """
    forms = _radical_forms()
    words = [(i, w) for i, w in _han_words(p, 2, 6) if any(c in forms for c in w)]
    if not words:
        return None
    i, w = rng.choice(words)
    return _cut(p, i, i + len(w), "".join(forms.get(c, c) for c in w))


_DASHES_FOR_ONE = ("\u2014", "\uff0d", "-", "\u2500")


def dash_for_one(p: str, rng: random.Random, ctx: Context) -> Swap | None:
    """一 inside a Han word printed as a dash (— － - ─).

    >>> dash_for_one("统一", random.Random(1), Context("zh", None)).injected in ("统—", "统－", "统-", "统─")
    True
    """
    words = [(i, w) for i, w in _han_words(p, 2, 6) if "一" in w]
    if not words:
        return None
    i, w = rng.choice(words)
    k = rng.choice([j for j, c in enumerate(w) if c == "一"])
    dash = rng.choice(_DASHES_FOR_ONE)
    return _cut(p, i, i + len(w), w[:k] + dash + w[k + 1 :], f"一 as U+{ord(dash):04X}")


# --------------------------------------------------------------------------
# Separator injectors


def whitespace_line(site: Site, rng: random.Random, ctx: Context) -> Gap | None:
    """A blank line holding spaces, tabs or U+3000."""
    if site.layout != "blank":
        return None  # in one-paragraph-per-line text a blank line is structure, not an artifact
    ws = rng.choice(_WHITESPACE_LINES)
    return Gap(ws, f"{ws!r}")


# OCR and extraction repeat a section right after itself (a page or a block
# printed twice): the copy follows the paragraph it copies.  A repeat further
# away is often deliberate in real prose (see the ``dedup`` rule) and is not
# injected as damage.  A paragraph is copied once at most, and never damaged.


def exact_duplicate(site: Site, rng: random.Random, ctx: Context) -> Gap | None:
    """A copy of the paragraph just before the separator."""
    if site.damaged[site.i]:
        return None
    j = site.i
    return Gap(site.sep + site.paragraphs[j] + site.sep, f"copy of paragraph {j}", j)


def near_duplicate(site: Site, rng: random.Random, ctx: Context) -> Gap | None:
    """Such a copy with 1-3 character edits (:func:`near_copy`)."""
    if site.damaged[site.i]:
        return None
    j = site.i
    copy, k = near_copy(site.paragraphs[j], rng, ctx.lang)
    return Gap(site.sep + copy + site.sep, f"copy of paragraph {j} with {k} edits", j)


def near_copy(p: str, rng: random.Random, lang: str) -> tuple[str, int]:
    """A copy of ``p`` with 1-3 character edits (substitute, delete, insert),
    and the number of edits; never ``p`` itself.

    >>> copy, k = near_copy("会议要求各部门加强协调配合。", random.Random(2), "zh")
    >>> copy != "会议要求各部门加强协调配合。", 1 <= k <= 3
    (True, True)
    """
    k = rng.randint(1, 3)
    chars = list(p)
    alphabet = [c for c in p if (HAN_RE.match(c) if lang == "zh" else c.isalpha())] or list(p)
    for _ in range(k):
        i = rng.randrange(len(chars))
        op = rng.choice(("sub", "del", "ins"))
        if op == "sub":
            chars[i] = rng.choice([c for c in alphabet if c != chars[i]] or alphabet)
        elif op == "del" and len(chars) > 10:
            del chars[i]
        else:
            chars.insert(i, rng.choice(alphabet))
    copy = "".join(chars)
    if copy == p:
        copy = p[:-1] + rng.choice(alphabet) + p[-1]
    return copy, k


# --------------------------------------------------------------------------
# Wrappers


def wrap_zh(p: str, width: int) -> str:
    """``p`` hard-wrapped at ``width`` columns, a CJK character being two.

    >>> wrap_zh("会议要求各部门加强协调配合。", 10)
    '会议要求各\\n部门加强协\\n调配合。'
    """
    from cleaner.chars import display_width

    lines: list[str] = []
    cur: list[str] = []
    w = 0
    for c in p:
        cw = display_width(c)
        if cur and w + cw > width:
            lines.append("".join(cur))
            cur, w = [], 0
        cur.append(c)
        w += cw
    lines.append("".join(cur))
    return "\n".join(lines)


def wrap_en(p: str, width: int) -> str:
    """``p`` hard-wrapped at spaces (textwrap), long words left whole."""
    return "\n".join(textwrap.wrap(p, width, break_long_words=False))
