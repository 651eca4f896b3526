"""Clean source text: the paragraphs the corpora are built from, and the
real OCR misreadings the ``ocr_confusion`` class draws on.

Clean paragraphs come from text the project may redistribute (see
``samples/golden/README.md``): zh-Wikipedia (CC BY-SA), the Simplified US
Constitution of OpenCC's test data (Apache-2.0) and paragraphs written for
this project.  A paragraph is used only if :func:`is_clean_zh` (or
:func:`is_clean_en`) accepts it: those predicates are written here, from the
artifact definitions, and do not call `cleaner`.

OCR confusions are read at run time from
``../shared/evaldata/csc/faspell_ocr_train_3575.jsonl`` (GPL-3.0: never
copied), train split only.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import SOURCES, evaldata_path

__all__ = [
    "OCR_TRAIN",
    "MissingData",
    "OcrTable",
    "is_clean_zh",
    "is_clean_en",
    "zh_paragraphs",
    "en_paragraphs",
    "zh_traditional_paragraphs",
    "wiki_articles",
    "ocr_confusions",
]

#: the evaluation-data file of real OCR misreadings (FASPell, train split)
OCR_TRAIN = "csc/faspell_ocr_train_3575.jsonl"

#: correct Han character -> (misread character, count), most frequent first
OcrTable = dict[str, tuple[tuple[str, int], ...]]


class MissingData(LookupError):
    """A corpus needs evaluation data that is not on this machine."""


HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = "\u3040-\u30ff\u31f0-\u31ff"
_CJK = HAN + _KANA + "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
#: one Han character
HAN_RE = re.compile(f"[{HAN}]")
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
_ZH_START = re.compile(f"[{HAN}“《「（]")
_EN_DIRTY = re.compile(r"\s\s|\t|[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2060\ufeff\ufffd]|[\u3000-\u9fff\uff00-\uffef]")


@functools.cache
def trad_only() -> frozenset[str]:
    """Characters that only Traditional text uses (CC-CEDICT)."""
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
    trad = trad_only()
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


#: transcription errors of the copied sources (kept verbatim in
#: samples/golden/source), corrected where the benchmarks take them for
#: clean text: OpenCC's constitution prints a dash for 一 twice, in its
#: Simplified input and its Traditional renderings alike (found on
#: 2026-12-04, when ``ocr_confusion`` learned to repair that)
ERRATA: dict[str, tuple[tuple[str, str], ...]] = {
    name: (("：—旦", "：一旦"), ("任何—州", "任何一州"))
    for name in ("us_constitution_zhs.input.txt", "us_constitution_zhs.s2tw.txt", "us_constitution_zhs.s2hk.txt")
}


def _source_lines(name: str) -> list[str]:
    """The lines of a source file, its :data:`ERRATA` corrected.

    >>> any("—旦" in line for line in _source_lines("us_constitution_zhs.input.txt"))
    False
    """
    text = (SOURCES / name).read_text(encoding="utf-8")
    for wrong, right in ERRATA.get(name, ()):
        if wrong not in text:
            raise ValueError(f"{name}: erratum {wrong!r} not found; update benchmarks.inject.sources.ERRATA")
        text = text.replace(wrong, right)
    return text.split("\n")


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@functools.cache
def zh_paragraphs() -> tuple[str, ...]:
    """Clean Simplified paragraphs: zh-Wikipedia, OpenCC's Simplified US
    Constitution, and the paragraphs written for this project.

    >>> all(is_clean_zh(p) for p in zh_paragraphs()[:20])
    True
    """
    lines = _source_lines("wiki_zh_200.txt") + _source_lines("us_constitution_zhs.input.txt") + _source_lines("zh_paragraphs.txt")
    return _unique(p for p in lines if is_clean_zh(p))


@functools.cache
def zh_traditional_paragraphs(variant: str = "s2tw") -> tuple[str, ...]:
    """OpenCC's reviewed Traditional rendering (``s2tw``: Taiwan, ``s2hk``:
    Hong Kong) of the clean constitution paragraphs, line-aligned with the
    Simplified input.  A document mixes no standards: Hong Kong writes 税
    and 脱 where Taiwan writes 稅 and 脫.

    >>> zh_traditional_paragraphs("s2cn")
    Traceback (most recent call last):
    ValueError: variant must be 's2tw' or 's2hk', not 's2cn'
    """
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
def ocr_confusions(path: Path | None = None) -> OcrTable | None:
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
                if wrong != right and HAN_RE.fullmatch(wrong) and HAN_RE.fullmatch(right):
                    counts.setdefault(right, {}).setdefault(wrong, 0)
                    counts[right][wrong] += 1
    return {right: tuple(sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))) for right, w in sorted(counts.items())}
