"""Seeded artifact injection: clean paragraphs in, damaged documents out, every
injection recorded.

A :class:`Document` holds the gold text (clean paragraphs), the damaged text
and one :class:`Injection` per artifact (class, span in the damaged and in
the gold text, original and injected text); replacing every injected span by
its original gives the gold text back exactly, which is checked for every
document that is built.

Modules, from the bottom up:

==============  ==============================================================
``sources``     the clean paragraphs (zh-Wikipedia, OpenCC's Simplified US
                Constitution, paragraphs written for this project; accepted by
                :func:`is_clean_zh` / :func:`is_clean_en`) and the real OCR
                misreadings (FASPell train split, read at run time)
``artifacts``   the injection functions: one per class and language
``registry``    :data:`ARTIFACTS`, each artifact class declared once: its
                name, the rule that should repair it, its injection
                functions and languages, where it goes (inside a paragraph,
                at a separator, a whole document wrapped), whether it copies
                a paragraph, whether the mixed corpora carry it, the data it
                needs, and so how it is scored; :data:`CLASSES`,
                :data:`REPAIRED_BY`, :data:`SEPARATOR_CLASSES`,
                :data:`DUPLICATE_CLASSES`, :data:`ZH_MIXED`, :data:`EN_MIXED`
                are derived from it
``documents``   :class:`Document`, :class:`Injection`,
                :func:`inject_paragraphs`, :func:`wrap_document`
``corpora``     :data:`CORPORA` (named, seeded :class:`CorpusSpec`),
                :func:`build_corpus`, :func:`throughput_text`
``cli``         ``python -m benchmarks.inject`` (``--list`` names the corpora
                and the classes with their rules)
==============  ==============================================================

Adding an artifact class takes two steps:

1. write its injection function in ``artifacts.py``: for damage inside a
   paragraph ``(paragraph, rng, context) -> Swap | None`` (None when the
   paragraph offers no place for it), for damage at the separator after a
   paragraph ``(site, rng, context) -> Gap | None``; draw from ``rng`` only;
2. add one entry to ``_REGISTRY`` in ``registry.py``: ``Local(name=...,
   rule=..., inject={"zh": fn}, description=...)`` or ``Separator(...)``,
   at the end of the tuple (the rotating queue of a corpus follows the
   registry's order; the mixed corpora change only if ``mixed`` is left on).

Everything else (document checks, the mixed corpora, ``--input``'s default
classes, scoring in :mod:`benchmarks.quality`, the report's recall table
and the quality gates) reads the registry.  ``tests/benchmarks/test_inject.py``
checks that each class has an injection function that works, a repairing
rule registered in `cleaner` and a score that can both pass and fail.

>>> docs = build_corpus("zh-mixed", seed=7)
>>> all(d.restore() == d.gold for d in docs)
True
>>> build_corpus("zh-mixed", seed=7)[3] == docs[3]
True
"""

from __future__ import annotations

from .cli import main
from .corpora import CORPORA, DEFAULT_SEED, CorpusSpec, build_corpus, throughput_text
from .documents import Document, Injection, inject_paragraphs, wrap_document
from .registry import (
    ARTIFACTS,
    CLASSES,
    DUPLICATE_CLASSES,
    EN_MIXED,
    REPAIRED_BY,
    SEPARATOR_CLASSES,
    ZH_MIXED,
    Artifact,
)
from .sources import (
    OCR_TRAIN,
    MissingData,
    en_paragraphs,
    is_clean_en,
    is_clean_zh,
    ocr_confusions,
    wiki_articles,
    zh_paragraphs,
    zh_traditional_paragraphs,
)

__all__ = [
    "ARTIFACTS",
    "Artifact",
    "CLASSES",
    "REPAIRED_BY",
    "SEPARATOR_CLASSES",
    "DUPLICATE_CLASSES",
    "ZH_MIXED",
    "EN_MIXED",
    "CORPORA",
    "DEFAULT_SEED",
    "OCR_TRAIN",
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
    "wiki_articles",
    "ocr_confusions",
    "throughput_text",
    "main",
]
