"""Seeded artifact injection: clean paragraphs in, damaged documents out, every
injection recorded.

A :class:`Document` holds the gold text (clean paragraphs), the damaged text
and one :class:`Injection` per artifact: its class, its span in the damaged
text, its span in the gold text, the original and the injected text.  Outside
the injected spans the damaged text equals the gold text, so replacing every
injected span by its original gives the gold text back exactly
(:meth:`Document.restore`, checked for every document that is built).

Clean paragraphs come from text the project may redistribute (see
``samples/golden/README.md``): zh-Wikipedia (CC BY-SA), the Simplified US
Constitution of OpenCC's test data (Apache-2.0) and paragraphs written for
this project.  A paragraph is used only if :func:`is_clean_zh` (or
:func:`is_clean_en`) accepts it: those predicates are written here, from the
artifact definitions, and do not call `cleaner`.

Artifact classes (:data:`CLASSES`) and the rule meant to repair each
(:data:`REPAIRED_BY`):

==========================  ===============  ===========================================
class                       rule             injection (span recorded)
==========================  ===============  ===========================================
page_break_in_word          paragraphs       a blank line or a line break inside a word
                                             (Latin: ``infor-`` + break + ``mation``)
hard_wrap                   paragraphs       every paragraph of a document wrapped at a
                                             fixed width (Latin: at spaces, textwrap)
whitespace_line             whitespace       a blank line holding spaces, tabs or U+3000
space_in_cjk                whitespace       a space between two Han characters
ascii_punct                 width            ``，；：？！`` or a ``（）`` pair to ASCII
fullwidth_alnum             width            an ASCII letter or digit run to full width
stray_traditional           script           a word converted with OpenCC ``s2t``
mojibake                    unicode          a span (or a whole paragraph) encoded as
                                             UTF-8 and decoded as Windows-1252
zero_width                  unicode          U+200B/200C/200D/2060/FEFF inside a word
stutter                     stutter          a 2-4 character word written twice
ocr_confusion               ocr_confusion    a character replaced by an OCR misreading
                                             observed in FASPell's train split
exact_duplicate_paragraph   dedup            a copy of the paragraph just before it
near_duplicate_paragraph    dedup            such a copy with 1-3 character edits
==========================  ===============  ===========================================

Words are jieba words (the dictionary `cleaner` also uses; so "inside a
word" means inside a jieba word).  OCR confusions are read at run time from
``../shared/evaldata/csc/faspell_ocr_train_3575.jsonl`` (GPL-3.0: never
copied), train split only; without it the ``zh-ocr`` corpus is not built.

>>> docs = build_corpus("zh-mixed", seed=7)
>>> all(d.restore() == d.gold for d in docs)
True
>>> build_corpus("zh-mixed", seed=7)[3] == docs[3]
True
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import sys
import textwrap
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

from . import ROOT, SOURCES, evaldata_path

__all__ = [
    "CLASSES",
    "REPAIRED_BY",
    "CORPORA",
    "DEFAULT_SEED",
    "CorpusSpec",
    "Document",
    "Injection",
    "MissingData",
    "build_corpus",
    "inject_paragraphs",
    "wrap_document",
    "is_clean_zh",
    "is_clean_en",
    "zh_paragraphs",
    "en_paragraphs",
    "zh_traditional_paragraphs",
    "ocr_confusions",
    "throughput_text",
    "main",
]

DEFAULT_SEED = 20211216

CLASSES: tuple[str, ...] = (
    "page_break_in_word",
    "hard_wrap",
    "whitespace_line",
    "space_in_cjk",
    "ascii_punct",
    "fullwidth_alnum",
    "stray_traditional",
    "mojibake",
    "zero_width",
    "stutter",
    "ocr_confusion",
    "exact_duplicate_paragraph",
    "near_duplicate_paragraph",
)

#: the rule meant to repair each class; a class's figures are gated only
#: while that rule is registered (cleaner.RULES) and on by default
REPAIRED_BY: dict[str, str] = {
    "page_break_in_word": "paragraphs",
    "hard_wrap": "paragraphs",
    "whitespace_line": "whitespace",
    "space_in_cjk": "whitespace",
    "ascii_punct": "width",
    "fullwidth_alnum": "width",
    "stray_traditional": "script",
    "mojibake": "unicode",
    "zero_width": "unicode",
    "stutter": "stutter",
    "ocr_confusion": "ocr_confusion",
    "exact_duplicate_paragraph": "dedup",
    "near_duplicate_paragraph": "dedup",
}

#: classes injected at the separator after a paragraph (not inside one)
SEPARATOR_CLASSES = frozenset({"whitespace_line", "exact_duplicate_paragraph", "near_duplicate_paragraph"})
#: classes whose injection is a copy of another paragraph (recorded in ``ref``)
DUPLICATE_CLASSES = frozenset({"exact_duplicate_paragraph", "near_duplicate_paragraph"})

OCR_TRAIN = "csc/faspell_ocr_train_3575.jsonl"


class MissingData(LookupError):
    """A corpus needs evaluation data that is not on this machine."""


# --------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class Injection:
    """One artifact: ``text[start:end] == injected`` replaced
    ``gold[gold_start:gold_end] == original``."""

    cls: str
    start: int
    end: int
    injected: str
    gold_start: int
    gold_end: int
    original: str
    note: str = ""
    #: for a duplicate paragraph: the gold span of the paragraph it copies
    ref: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.ref is None:
            del d["ref"]
        else:
            d["ref"] = list(self.ref)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Injection:
        d = dict(d)
        if d.get("ref") is not None:
            d["ref"] = tuple(d["ref"])
        return cls(**d)


@dataclass(frozen=True, slots=True)
class Document:
    """A damaged document, its gold text and the injections between them."""

    id: str
    lang: str
    layout: str  # "blank": paragraphs separated by a blank line; "lines": one per line
    gold: str
    text: str
    injections: tuple[Injection, ...] = ()

    def restore(self) -> str:
        """The damaged text with every injected span replaced by its original."""
        out: list[str] = []
        pos = 0
        for inj in self.injections:
            out.append(self.text[pos : inj.start])
            out.append(inj.original)
            pos = inj.end
        out.append(self.text[pos:])
        return "".join(out)

    def check(self) -> None:
        """Raise ValueError unless the injections are recorded exactly: spans in
        order, apart from each other, holding what they say, and restoring the
        gold text."""
        prev_end = prev_gold_end = -1
        for inj in self.injections:
            if inj.cls not in CLASSES:
                raise ValueError(f"{self.id}: unknown class {inj.cls!r}")
            if self.text[inj.start : inj.end] != inj.injected or self.gold[inj.gold_start : inj.gold_end] != inj.original:
                raise ValueError(f"{self.id}: {inj.cls} at {inj.start} does not hold what it records")
            if inj.start <= prev_end or inj.gold_start <= prev_gold_end:
                raise ValueError(f"{self.id}: {inj.cls} at {inj.start} touches or overlaps the previous injection")
            if inj.injected == inj.original:
                raise ValueError(f"{self.id}: {inj.cls} at {inj.start} changes nothing")
            if inj.cls in DUPLICATE_CLASSES:
                src = self.gold[inj.ref[0] : inj.ref[1]] if inj.ref else ""
                copy = inj.injected[len(inj.original) : len(inj.injected) - len(inj.original)]
                if not src or "\n" in src or (inj.cls == "exact_duplicate_paragraph") != (copy == src):
                    raise ValueError(f"{self.id}: {inj.cls} at {inj.start} does not copy the paragraph it refers to")
            prev_end, prev_gold_end = inj.end, inj.gold_end
        if self.restore() != self.gold:
            raise ValueError(f"{self.id}: restoring the injections does not give the gold text")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["injections"] = [i.to_dict() for i in self.injections]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        return cls(
            id=d["id"],
            lang=d["lang"],
            layout=d["layout"],
            gold=d["gold"],
            text=d["text"],
            injections=tuple(Injection.from_dict(i) for i in d["injections"]),
        )


class _Swap(NamedTuple):
    """A paragraph-local injection: ``prefix + original + suffix`` is the
    paragraph, ``prefix + injected + suffix`` the damaged one."""

    prefix: str
    original: str
    injected: str
    suffix: str
    note: str = ""


class _Builder:
    """Assembles gold and damaged text side by side, recording offsets."""

    def __init__(self) -> None:
        self.gold: list[str] = []
        self.text: list[str] = []
        self.g = 0
        self.d = 0
        self.injections: list[Injection] = []

    def plain(self, s: str) -> None:
        self.gold.append(s)
        self.text.append(s)
        self.g += len(s)
        self.d += len(s)

    def swap(self, cls: str, original: str, injected: str, note: str = "", ref: tuple[int, int] | None = None) -> None:
        self.injections.append(
            Injection(cls, self.d, self.d + len(injected), injected, self.g, self.g + len(original), original, note, ref)
        )
        self.gold.append(original)
        self.text.append(injected)
        self.g += len(original)
        self.d += len(injected)

    def local(self, cls: str, sw: _Swap) -> None:
        self.plain(sw.prefix)
        self.swap(cls, sw.original, sw.injected, sw.note)
        self.plain(sw.suffix)

    def document(self, doc_id: str, lang: str, layout: str) -> Document:
        doc = Document(doc_id, lang, layout, "".join(self.gold), "".join(self.text), tuple(self.injections))
        doc.check()
        return doc


# --------------------------------------------------------------------------
# Clean source paragraphs

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = "\u3040-\u30ff\u31f0-\u31ff"
_CJK = _HAN + _KANA + "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_HAN_RE = re.compile(f"[{_HAN}]")
_HAN_WORD = re.compile(f"^[{_HAN}]+$")
_ZH_DIRTY = [
    re.compile(p)
    for p in (
        f"[{_CJK}] ?[,;:?!()]",  # ASCII punctuation in Chinese
        f"[,;:?!()] ?[{_CJK}]",
        f"[{_CJK}][ \u3000\t]+[{_CJK}]",  # spaces inside Chinese
        f"[{_CJK}] [\\w]|[\\w] [{_CJK}]",
        "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]",  # full-width letters and digits
        f"[{_KANA}]",  # Japanese: not the text these corpora are about
        r"\s\s|\t",
        r"[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060\ufeff\ufffd]",  # invisible, controls
    )
]
_ZH_START = re.compile(f"[{_HAN}“《「（]")
_EN_DIRTY = re.compile(r"\s\s|\t|[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2060\ufeff\ufffd]|[\u3000-\u9fff\uff00-\uffef]")


@functools.cache
def _trad_only() -> frozenset[str]:
    from zhon import cedict

    return frozenset(set(cedict.traditional) - set(cedict.simplified))


@functools.cache
def _ftfy_config() -> Any:
    import ftfy

    return ftfy.TextFixerConfig(fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False)


def _ftfy_noop(p: str) -> bool:
    import ftfy

    return ftfy.fix_text(p, _ftfy_config()) == p


def is_clean_zh(p: str) -> bool:
    """Whether ``p`` is a clean Simplified Chinese prose paragraph: at least 30
    characters, a full stop at the end and a comma inside, no ASCII
    punctuation or spaces in Chinese, no full-width letters or digits, no
    Traditional-only characters, no kana, no invisible characters, nothing
    that ftfy would change.

    >>> is_clean_zh("会议要求各部门加强协调配合，落实责任，认真做好年底前的收尾工作。")
    True
    >>> is_clean_zh("会议要求各部门加强协调配合,落实责任,认真做好年底前的收尾工作。")
    False
    """
    if len(p) < 30 or p != p.strip() or not p.endswith("。") or "，" not in p:
        return False
    if not _ZH_START.match(p) or any(r.search(p) for r in _ZH_DIRTY):
        return False
    trad = _trad_only()
    if any(c in trad for c in p):
        return False
    return _ftfy_noop(p)


def is_clean_en(p: str) -> bool:
    """Whether ``p`` is a clean English prose paragraph (80 characters or more,
    ends a sentence, no doubled or odd whitespace, no CJK, nothing ftfy would
    change).

    >>> is_clean_en("The harbour town grew up around a narrow inlet where fishing boats could shelter from storms.")
    True
    """
    if len(p) < 80 or p != p.strip() or p[-1] not in ".!?”\"" or _EN_DIRTY.search(p):
        return False
    return _ftfy_noop(p)


def _source_lines(name: str) -> list[str]:
    return (SOURCES / name).read_text(encoding="utf-8").split("\n")


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@functools.cache
def zh_paragraphs() -> tuple[str, ...]:
    """Clean Simplified paragraphs: zh-Wikipedia, OpenCC's Simplified US
    Constitution, and the paragraphs written for this project."""
    lines = _source_lines("wiki_zh_200.txt") + _source_lines("us_constitution_zhs.input.txt") + _source_lines("zh_paragraphs.txt")
    return _unique(p for p in lines if is_clean_zh(p))


@functools.cache
def zh_traditional_paragraphs(variant: str = "s2tw") -> tuple[str, ...]:
    """OpenCC's reviewed Traditional rendering (``s2tw``: Taiwan, ``s2hk``:
    Hong Kong) of the clean constitution paragraphs, line-aligned with the
    Simplified input.  A document mixes no standards: Hong Kong writes 税
    and 脱 where Taiwan writes 稅 and 脫."""
    if variant not in ("s2tw", "s2hk"):
        raise ValueError(f"variant must be 's2tw' or 's2hk', not {variant!r}")
    simp = _source_lines("us_constitution_zhs.input.txt")
    trad = _source_lines(f"us_constitution_zhs.{variant}.txt")
    return _unique(t for s, t in zip(simp, trad) if is_clean_zh(s) and t != s)


@functools.cache
def en_paragraphs() -> tuple[str, ...]:
    """Clean English paragraphs written for this project."""
    return _unique(p for p in _source_lines("en_paragraphs.txt") if is_clean_en(p))


@functools.cache
def wiki_articles() -> tuple[str, ...]:
    """The zh-Wikipedia articles as they are (titles, headings, lists), for
    throughput runs only: they are not clean enough to serve as gold."""
    text = (SOURCES / "wiki_zh_200.txt").read_text(encoding="utf-8")
    return tuple(a.strip("\n") for a in text.split("\n\n") if a.strip())


@functools.cache
def ocr_confusions(path: Path | None = None) -> dict[str, tuple[tuple[str, int], ...]] | None:
    """Real OCR misreadings from FASPell's train split: for each correct Han
    character, the Han characters OCR read instead and how often (pairs
    where either side is not Han are left out).  None when the file is absent.
    """
    path = path or evaldata_path(OCR_TRAIN)
    if path is None or not path.exists():
        return None
    counts: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if not row.get("same_len"):
                continue
            src, tgt = row["src"], row["tgt"]
            for p in row["pos"]:
                wrong, right = src[p], tgt[p]
                if wrong != right and _HAN_RE.fullmatch(wrong) and _HAN_RE.fullmatch(right):
                    counts.setdefault(right, {}).setdefault(wrong, 0)
                    counts[right][wrong] += 1
    return {right: tuple(sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))) for right, w in sorted(counts.items())}


# --------------------------------------------------------------------------
# Paragraph-local injectors: (paragraph, rng, context) -> _Swap | None


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


def _cut(p: str, start: int, end: int, injected: str, note: str = "") -> _Swap:
    return _Swap(p[:start], p[start:end], injected, p[end:], note)


_ZW = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_FULL_PUNCT = {"，": ",", "；": ";", "：": ":", "？": "?", "！": "!"}
_ASCII_RUN = re.compile(r"[0-9A-Za-z]+")
_LATIN_WORD = re.compile(r"[a-z]{7,}")
_LATIN_TOKEN = re.compile(r"\S+")


class _Context(NamedTuple):
    lang: str
    ocr: dict[str, tuple[tuple[str, int], ...]] | None


def _zh_page_break(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
    words = [(i, w) for i, w in _han_words(p, 2, 8) if i > 0 and i + len(w) < len(p) - 1]
    if not words:
        return None
    i, w = rng.choice(words)
    k = rng.randint(1, len(w) - 1)
    brk = rng.choice(("\n\n", "\n"))
    return _cut(p, i, i + len(w), w[:k] + brk + w[k:], f"break {brk!r} after {w[:k]!r}")


def _en_page_break(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
    words = [m for m in _LATIN_WORD.finditer(p) if m.start() > 0 and p[m.start() - 1] == " " and m.end() < len(p) - 1]
    if not words:
        return None
    m = rng.choice(words)
    w = m.group()
    k = rng.randint(3, len(w) - 3)
    brk = rng.choice(("\n\n", "\n"))
    return _cut(p, m.start(), m.end(), w[:k] + "-" + brk + w[k:], f"hyphen and break {brk!r} after {w[:k]!r}")


def _space_in_cjk(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
    spots = [i for i in range(1, len(p)) if _HAN_RE.match(p[i - 1]) and _HAN_RE.match(p[i])]
    if not spots:
        return None
    i = rng.choice(spots)
    space = rng.choice((" ", " ", "  ", "\u3000"))
    return _cut(p, i - 1, i + 1, p[i - 1] + space + p[i], f"space {space!r}")


def _ascii_punct(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
    spots: list[tuple[int, int, str]] = [(i, i + 1, _FULL_PUNCT[c]) for i, c in enumerate(p) if c in _FULL_PUNCT]
    for m in re.finditer(r"（([^（）\n]*)）", p):
        spots.append((m.start(), m.end(), "(" + m.group(1) + ")"))
    if not spots:
        return None
    start, end, injected = rng.choice(spots)
    return _cut(p, start, end, injected)


def _fullwidth_alnum(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
    runs = list(_ASCII_RUN.finditer(p))
    if not runs:
        return None
    m = rng.choice(runs)
    full = "".join(chr(ord(c) + 0xFEE0) for c in m.group())
    return _cut(p, m.start(), m.end(), full)


def _stray_traditional(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
    s2t, t2s = _opencc("s2t"), _opencc("t2s")
    trad = _trad_only()
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


def _mojibake(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
    if ctx.lang == "en":
        tokens = [m for m in _LATIN_TOKEN.finditer(p) if not m.group().isascii()]
        if not tokens:
            return None
        if rng.random() < 0.3:
            start, end = 0, len(p)
        else:
            m = rng.choice(tokens)
            start, end = m.start(), m.end()
    elif rng.random() < 0.3:
        start, end = 0, len(p)
    else:
        words = _words(p)
        k = rng.randrange(len(words))
        start = words[k][0]
        end = start
        for i, w in words[k : k + 3]:
            if end - start + len(w) > 8:
                break
            end = i + len(w)
        if end - start < 2 or not _HAN_RE.search(p[start:end]):
            return None
    import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)

    span = p[start:end]
    bad = span.encode("utf-8").decode("sloppy-windows-1252")
    return _cut(p, start, end, bad, "utf-8 read as windows-1252")


def _zero_width(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
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


def _stutter(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
    words = _han_words(p, 2, 4)
    if not words:
        return None
    i, w = rng.choice(words)
    if p[i + len(w) : i + 2 * len(w)] == w or p[max(0, i - len(w)) : i] == w:
        return None  # already reduplicated in the source
    return _cut(p, i, i + len(w), w + w)


def _ocr_confusion(p: str, rng: random.Random, ctx: _Context) -> _Swap | None:
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


_Injector = Callable[[str, random.Random, _Context], "_Swap | None"]

_LOCAL: dict[str, dict[str, _Injector]] = {
    "zh": {
        "page_break_in_word": _zh_page_break,
        "space_in_cjk": _space_in_cjk,
        "ascii_punct": _ascii_punct,
        "fullwidth_alnum": _fullwidth_alnum,
        "stray_traditional": _stray_traditional,
        "mojibake": _mojibake,
        "zero_width": _zero_width,
        "stutter": _stutter,
        "ocr_confusion": _ocr_confusion,
    },
    "en": {
        "page_break_in_word": _en_page_break,
        "fullwidth_alnum": _fullwidth_alnum,
        "mojibake": _mojibake,
        "zero_width": _zero_width,
    },
}


def _near_copy(p: str, rng: random.Random, lang: str) -> tuple[str, int]:
    """A copy of ``p`` with 1-3 character edits (substitute, delete, insert)."""
    k = rng.randint(1, 3)
    chars = list(p)
    alphabet = [c for c in p if (_HAN_RE.match(c) if lang == "zh" else c.isalpha())] or list(p)
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


_WHITESPACE_LINES = ("\n \n", "\n  \n", "\n\u3000\n", "\n\t\n", "\n \n\n", "\n\n \u3000 \n")


# --------------------------------------------------------------------------
# Documents


def _layout_sep(layout: str) -> str:
    if layout not in ("blank", "lines"):
        raise ValueError(f"layout must be 'blank' or 'lines', not {layout!r}")
    return "\n\n" if layout == "blank" else "\n"


def inject_paragraphs(
    paragraphs: Sequence[str],
    *,
    lang: str,
    classes: Iterable[str],
    rng: random.Random,
    layout: str = "blank",
    rate: float = 0.6,
    doc_id: str = "doc",
    queue: deque[str] | None = None,
    ocr: dict[str, tuple[tuple[str, int], ...]] | None = None,
) -> Document:
    """A document of ``paragraphs`` with artifacts injected.

    Each paragraph, with probability ``rate``, gets one artifact; the class is
    the first applicable one in ``queue`` (a rotating queue of ``classes``,
    shared across the documents of a corpus so that the classes come out
    balanced).  Separator classes (whitespace lines, duplicate paragraphs)
    go after the paragraph.  Injected spans never touch each other: a
    separator artifact leaves both neighbouring paragraphs undamaged.

    >>> doc = inject_paragraphs(["第一段，内容完整。", "第二段，内容也完整。"], lang="zh",
    ...     classes=["ascii_punct"], rng=random.Random(1), rate=1.0)
    >>> doc.text, [(i.cls, i.original, i.injected) for i in doc.injections]
    ('第一段,内容完整。\\n\\n第二段,内容也完整。\\n', [('ascii_punct', '，', ','), ('ascii_punct', '，', ',')])
    """
    if lang not in _LOCAL:
        raise ValueError(f"lang must be one of {', '.join(_LOCAL)}, not {lang!r}")
    sep = _layout_sep(layout)
    wanted = [c for c in classes if c != "hard_wrap"]
    for c in wanted:
        if c not in CLASSES:
            raise ValueError(f"unknown class {c!r}; valid classes: {', '.join(CLASSES)}")
    if queue is None:
        queue = deque(wanted)
    ctx = _Context(lang, ocr)
    n = len(paragraphs)
    b = _Builder()
    damaged = [False] * n  # paragraph i carries an injection, or is copied by one
    blocked = [False] * n  # the separator before paragraph i carries one
    starts: list[int] = []  # gold offset of each paragraph
    for i, p in enumerate(paragraphs):
        local: tuple[str, _Swap] | None = None
        after: tuple[str, str, str, int] | None = None  # (class, injected separator, note, copied paragraph)
        if queue and not blocked[i] and rng.random() < rate:
            # the first applicable class in the queue; it then goes to the back
            for cls in list(queue):
                if cls in SEPARATOR_CLASSES:
                    after = _separator(cls, i, paragraphs, damaged, sep, layout, rng, lang)
                    if after is not None:
                        break
                elif cls in _LOCAL[lang]:
                    sw = _LOCAL[lang][cls](p, rng, ctx)
                    if sw is not None:
                        local = (cls, sw)
                        break
            else:
                cls = ""
            if cls:
                queue.remove(cls)
                queue.append(cls)
        starts.append(b.g)
        if local is not None:
            damaged[i] = True
            b.local(*local)
        else:
            b.plain(p)
        if i == n - 1:
            b.plain("\n")
        elif after is not None:
            blocked[i + 1] = True  # the next paragraph stays intact: spans never touch
            cls, injected, note, j = after
            ref = None
            if j >= 0:
                damaged[j] = True  # copied once at most, and never damaged
                ref = (starts[j], starts[j] + len(paragraphs[j]))
            b.swap(cls, sep, injected, note, ref)
        else:
            b.plain(sep)
    return b.document(doc_id, lang, layout)


def _separator(
    cls: str,
    i: int,
    paragraphs: Sequence[str],
    damaged: list[bool],
    sep: str,
    layout: str,
    rng: random.Random,
    lang: str,
) -> tuple[str, str, str, int] | None:
    """The damaged separator after paragraph ``i`` for a separator class and
    the paragraph it copies (-1 for none), or None when it cannot go there."""
    if i >= len(paragraphs) - 1:
        return None
    if cls == "whitespace_line":
        if layout != "blank":
            return None  # in one-paragraph-per-line text a blank line is structure, not an artifact
        ws = rng.choice(_WHITESPACE_LINES)
        return cls, ws, f"{ws!r}", -1
    # OCR and extraction repeat a section right after itself (a page or a
    # block printed twice): the copy follows the paragraph it copies.  A
    # repeat further away is often deliberate in real prose (see the
    # ``dedup`` rule) and is not injected as damage.
    if damaged[i]:
        return None
    j = i
    if cls == "exact_duplicate_paragraph":
        return cls, sep + paragraphs[j] + sep, f"copy of paragraph {j}", j
    copy, k = _near_copy(paragraphs[j], rng, lang)
    return cls, sep + copy + sep, f"copy of paragraph {j} with {k} edits", j


def _wrap_zh(p: str, width: int) -> str:
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


def _wrap_en(p: str, width: int) -> str:
    return "\n".join(textwrap.wrap(p, width, break_long_words=False))


def wrap_document(paragraphs: Sequence[str], *, lang: str, width: int, layout: str, doc_id: str) -> Document:
    """Every paragraph hard-wrapped at ``width`` columns (a CJK character is
    two); each paragraph that wrapping changed is one ``hard_wrap``
    injection.

    >>> d = wrap_document(["会议要求各部门加强协调配合，落实责任。"], lang="zh", width=20, layout="blank", doc_id="w")
    >>> d.text
    '会议要求各部门加强协\\n调配合，落实责任。\\n'
    """
    sep = _layout_sep(layout)
    wrap = _wrap_zh if lang == "zh" else _wrap_en
    b = _Builder()
    for i, p in enumerate(paragraphs):
        wrapped = wrap(p, width)
        if wrapped != p:
            b.swap("hard_wrap", p, wrapped, f"width {width}")
        else:
            b.plain(p)
        b.plain("\n" if i == len(paragraphs) - 1 else sep)
    return b.document(doc_id, lang, layout)


# --------------------------------------------------------------------------
# Corpora


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """A named, seeded corpus.

    ``kind`` is ``"mixed"`` (artifacts of ``classes`` injected at ``rate``),
    ``"wrapped"`` (every document hard-wrapped, nothing else) or
    ``"control"`` (clean documents that must come back unchanged).
    """

    name: str
    lang: str
    kind: str
    n_docs: int
    paragraphs: tuple[int, int]
    classes: tuple[str, ...] = ()
    rate: float = 0.6
    pool: str = ""  # "" = the clean paragraphs of ``lang``; "s2tw" or "s2hk" = zh_traditional_paragraphs(pool)
    needs: str = ""  # an evaluation-data file without which the corpus cannot be built


#: the classes of the mixed corpora: every class but those measured on
#: their own corpora (hard wraps, OCR confusions) and, in English, those that
#: only Chinese text has; in CLASSES order (the rotating queue depends on it)
ZH_MIXED = tuple(c for c in CLASSES if c not in ("hard_wrap", "ocr_confusion"))
EN_MIXED = tuple(c for c in ZH_MIXED if c not in ("space_in_cjk", "ascii_punct", "stray_traditional", "stutter"))

CORPORA: dict[str, CorpusSpec] = {
    s.name: s
    for s in (
        CorpusSpec("zh-mixed", "zh", "mixed", 80, (6, 12), ZH_MIXED),
        CorpusSpec("zh-wrapped", "zh", "wrapped", 24, (4, 8)),
        CorpusSpec("zh-ocr", "zh", "mixed", 40, (6, 12), ("ocr_confusion",), needs=OCR_TRAIN),
        CorpusSpec("en-mixed", "en", "mixed", 40, (4, 8), EN_MIXED),
        CorpusSpec("en-wrapped", "en", "wrapped", 16, (3, 6)),
        CorpusSpec("zh-control", "zh", "control", 24, (3, 10)),
        CorpusSpec("zh-tw-control", "zh", "control", 8, (3, 8), pool="s2tw"),
        CorpusSpec("zh-hk-control", "zh", "control", 8, (3, 8), pool="s2hk"),
        CorpusSpec("en-control", "en", "control", 12, (2, 6)),
    )
}

_ZH_WIDTHS = (40, 50, 60, 64, 70, 80)
_EN_WIDTHS = (60, 66, 72, 78)


def _pool(spec: CorpusSpec) -> tuple[str, ...]:
    if spec.pool:
        return zh_traditional_paragraphs(spec.pool)
    return zh_paragraphs() if spec.lang == "zh" else en_paragraphs()


def build_corpus(spec: CorpusSpec | str, *, seed: int = DEFAULT_SEED, ocr_path: Path | None = None) -> list[Document]:
    """The documents of a corpus (a name from :data:`CORPORA` or a spec),
    the same for the same seed.  Raises :class:`MissingData` when the corpus
    needs evaluation data that is absent."""
    if isinstance(spec, str):
        if spec not in CORPORA:
            raise ValueError(f"unknown corpus {spec!r}; valid corpora: {', '.join(CORPORA)}")
        spec = CORPORA[spec]
    ocr = None
    if spec.needs == OCR_TRAIN or "ocr_confusion" in spec.classes:
        ocr = ocr_confusions(ocr_path)
        if ocr is None:
            raise MissingData(f"corpus {spec.name} needs {OCR_TRAIN} under the evaluation data folder")
    rng = random.Random(f"{seed}:{spec.name}")
    pool = _pool(spec)
    queue = deque(rng.sample(spec.classes, len(spec.classes)))
    docs: list[Document] = []
    for k in range(spec.n_docs):
        n = min(len(pool), rng.randint(*spec.paragraphs))
        paras = rng.sample(pool, n)
        layout = rng.choice(("blank", "lines"))
        doc_id = f"{spec.name}-{k:03d}"
        if spec.kind == "wrapped":
            width = rng.choice(_ZH_WIDTHS if spec.lang == "zh" else _EN_WIDTHS)
            docs.append(wrap_document(paras, lang=spec.lang, width=width, layout=layout, doc_id=doc_id))
        elif spec.kind == "control":
            docs.append(inject_paragraphs(paras, lang=spec.lang, classes=(), rng=rng, layout=layout, rate=0.0, doc_id=doc_id))
        else:
            docs.append(
                inject_paragraphs(
                    paras, lang=spec.lang, classes=spec.classes, rng=rng, layout=layout, rate=spec.rate, doc_id=doc_id, queue=queue, ocr=ocr
                )
            )
    return docs


def throughput_text(lang: str, size: int, *, seed: int = DEFAULT_SEED, long_paragraph: bool = False) -> str:
    """About ``size`` bytes (UTF-8) of damaged text for speed runs.

    ``zh``: damaged documents, zh-Wikipedia articles as they are (headings,
    lists, real imperfections) and hard-wrapped documents, in turn, repeated
    with fresh damage until the size is reached; the artifact classes take
    turns too, so that every 10 KB holds each kind of work and a larger size
    differs from a smaller one in quantity, not in kind.  ``en``: the same
    with the English paragraphs (no articles).  ``long_paragraph``: one
    Chinese paragraph without a line break, made of clean paragraphs with
    local damage, to expose cost that grows faster than paragraph length.

    >>> len(throughput_text("zh", 10_000).encode()) <= 10_000
    True
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    rng = random.Random(f"{seed}:throughput:{lang}:{long_paragraph}")
    parts: list[str] = []
    total = 0
    local = ("space_in_cjk", "ascii_punct", "fullwidth_alnum", "stray_traditional", "mojibake", "zero_width")
    kinds = ("mixed", "article", "wrapped") if lang == "zh" else ("mixed", "wrapped")
    classes = ZH_MIXED if lang == "zh" else EN_MIXED
    queue = deque(local if long_paragraph else classes)
    pool = zh_paragraphs() if lang == "zh" else en_paragraphs()
    chunk = 0
    while total < size:
        if long_paragraph:
            doc = inject_paragraphs(rng.sample(pool, min(8, len(pool))), lang="zh", classes=local, rng=rng, layout="lines", rate=0.5, queue=queue)
            text = doc.text.replace("\n", "")
        else:
            kind = kinds[chunk % len(kinds)]
            layout = rng.choice(("blank", "lines"))
            paras = rng.sample(pool, min(rng.randint(4, 8), len(pool)))
            if kind == "article":
                text = rng.choice(wiki_articles()) + "\n"
            elif kind == "wrapped":
                width = rng.choice(_ZH_WIDTHS if lang == "zh" else _EN_WIDTHS)
                text = wrap_document(paras, lang=lang, width=width, layout=layout, doc_id="t").text
            else:
                text = inject_paragraphs(paras, lang=lang, classes=classes, rng=rng, layout=layout, rate=0.6, queue=queue).text
            if parts:
                text = "\n" + text  # documents follow each other after a blank line
        parts.append(text)
        total += len(text.encode("utf-8"))
        chunk += 1
    out = "".join(parts)
    data = out.encode("utf-8")[:size]
    out = data.decode("utf-8", errors="ignore")
    if not long_paragraph:
        cut = out.rfind("\n")
        out = out[: cut + 1] if cut > 0 else out
    return out


# --------------------------------------------------------------------------
# Command line


def _read_paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.inject``: write a corpus, or damage your own paragraphs."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.inject",
        description="Inject recorded artifacts into clean paragraphs, with a fixed seed.",
    )
    parser.add_argument("corpus", nargs="?", help=f"a corpus name: {', '.join(CORPORA)}")
    parser.add_argument("--input", type=Path, help="a UTF-8 file of clean paragraphs (one per line or per blank-line block) instead of a corpus")
    parser.add_argument("--lang", choices=sorted(_LOCAL), default="zh", help="language of --input (default zh)")
    parser.add_argument("--classes", default="", help="comma-separated classes for --input (default: all that apply)")
    parser.add_argument("--layout", choices=("blank", "lines"), default="blank")
    parser.add_argument("--rate", type=float, default=0.6)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="write ID.txt, ID.gold.txt and injections.jsonl here; default: JSON Lines documents on stdout")
    parser.add_argument("--list", action="store_true", help="list corpora and classes")
    args = parser.parse_args(argv)

    if args.list:
        for spec in CORPORA.values():
            print(f"{spec.name}\t{spec.kind}\t{spec.n_docs} documents\t{','.join(spec.classes) or '-'}")
        for c in CLASSES:
            print(f"class {c}\trepaired by {REPAIRED_BY[c]}")
        return 0
    try:
        if args.input is not None:
            classes = [c for c in args.classes.split(",") if c] or [c for c in CLASSES if c in _LOCAL[args.lang] or c in SEPARATOR_CLASSES]
            ocr = ocr_confusions() if "ocr_confusion" in classes else None
            docs = [
                inject_paragraphs(
                    _read_paragraphs(args.input), lang=args.lang, classes=classes, rng=random.Random(args.seed),
                    layout=args.layout, rate=args.rate, doc_id=args.input.stem, ocr=ocr,
                )
            ]
        elif args.corpus:
            docs = build_corpus(args.corpus, seed=args.seed)
        else:
            parser.error("give a corpus name, --input FILE or --list")
    except (ValueError, MissingData) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        for d in docs:
            print(json.dumps(d.to_dict(), ensure_ascii=False))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "injections.jsonl", "w", encoding="utf-8") as fh:
        for d in docs:
            (args.out / f"{d.id}.txt").write_text(d.text, encoding="utf-8")
            (args.out / f"{d.id}.gold.txt").write_text(d.gold, encoding="utf-8")
            for inj in d.injections:
                fh.write(json.dumps({"document": d.id, **inj.to_dict()}, ensure_ascii=False) + "\n")
    n = sum(len(d.injections) for d in docs)
    print(f"wrote {len(docs)} documents and {n} injections to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
