"""Page numbers left by PDF extraction and OCR: found, dropped, and the
paragraphs they cut rejoined; numbered lines that are no page numbers kept.

Documents are built from real paragraphs (:func:`benchmarks.inject.zh_paragraphs`
and :func:`~benchmarks.inject.en_paragraphs`) laid out as pages of about
:data:`PAGE_CHARS` characters.  Between two pages stands a page-number line
in one format per document (``— 3 —``, ``第 3 页 共 9 页``, ``Page 3 of 9``,
``3/9``); at half the page breaks the page ends inside a paragraph, which
the next page continues.  The gold is the document without the page lines
and with every paragraph whole.

* ``quality.pages.recall``: page-number lines gone from the output /
  inserted;
* ``quality.pages.false_drops``: edits of the ``page_numbers`` rule (run
  alone) that drop anything but an inserted page line and blank space
  (gated at 0);
* ``quality.pages.rejoined``: paragraphs cut by a page break that come out
  whole;
* ``quality.pages.control_changed``: documents with numbered lines that are
  no page numbers (bare chapter numbers, a ``- 1 -`` list, one lone page
  mark) that the rule changes (gated at 0).

Run: ``pytest benchmarks/test_bench_pages.py -s -p no:cacheprovider``.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

import cleaner
from benchmarks.gates import Gate
from benchmarks.inject import MissingData, en_paragraphs, zh_paragraphs

SEED = 20261126
DOCUMENTS = 40
PAGE_CHARS = {"zh": 500, "en": 1500}
FORMATS = ("— {n} —", "- {n} -", "第 {n} 页 共 {total} 页", "Page {n} of {total}", "{n}/{total}")


def _pages_document(rng: random.Random, paragraphs: tuple[str, ...], lang: str) -> tuple[str, str, list[str], list[str]]:
    """(text, gold, the page lines inserted, the paragraphs a page break cut)."""
    paras = rng.sample(paragraphs, min(len(paragraphs), rng.randint(8, 20)))
    fmt = rng.choice(FORMATS)
    # lay the paragraphs out on pages; a page may end inside a paragraph
    pages: list[list[str]] = [[]]
    size = 0
    cut: list[str] = []
    for p in paras:
        if size + len(p) > PAGE_CHARS[lang] and pages[-1]:
            if rng.random() < 0.5 and len(p) > 40:
                # the page ends inside this paragraph, at a character (zh)
                # or a word boundary (en), and the next page goes on with it
                k = rng.randint(len(p) // 4, 3 * len(p) // 4)
                if lang == "en":
                    k = p.rfind(" ", 0, k)
                if k > 0:
                    head, tail = p[:k], p[k:].lstrip(" ")
                    pages[-1].append(head)
                    pages.append([tail])
                    cut.append(p)
                    size = len(tail)
                    continue
            pages.append([])
            size = 0
        pages[-1].append(p)
        size += len(p)
    total = len(pages)
    parts: list[str] = []
    marks: list[str] = []
    for n, page in enumerate(pages, start=1):
        parts.append("\n\n".join(page))
        if n < total or rng.random() < 0.5:
            marks.append(fmt.format(n=n, total=total))
            parts.append(marks[-1])
    text = "\n\n".join(parts) + "\n"
    gold = "\n\n".join(paras) + "\n"
    return text, gold, marks, cut


def _control_document(rng: random.Random, paragraphs: tuple[str, ...]) -> str:
    paras = [rng.choice(paragraphs) for _ in range(rng.randint(4, 10))]
    kind = rng.randrange(3)
    if kind == 0:  # bare chapter numbers
        return "\n\n".join(f"{n}\n\n{p}" for n, p in enumerate(paras, start=1)) + "\n"
    if kind == 1:  # a dashed list, items close together
        items = "\n".join(f"- {n} -" for n in range(1, 5))
        return paras[0] + "\n\n" + items + "\n\n" + "\n\n".join(paras[1:]) + "\n"
    return "\n\n".join(paras[:2]) + "\n\n— 1 —\n\n" + "\n\n".join(paras[2:]) + "\n"


def _paragraphs(lang: str) -> tuple[str, ...]:
    try:
        found = zh_paragraphs() if lang == "zh" else en_paragraphs()
    except MissingData as e:
        pytest.skip(str(e))
    long = tuple(p for p in found if len(p) >= 60)
    if len(long) < 10:
        pytest.skip(f"too few {lang} paragraphs")
    return long


def test_page_numbers(benchmark: Any, gate: Gate) -> None:
    rng = random.Random(SEED)
    sources = {"zh": _paragraphs("zh"), "en": _paragraphs("en")}
    docs = []
    for k in range(DOCUMENTS):
        lang = "zh" if k % 4 else "en"
        docs.append(_pages_document(rng, sources[lang], lang))
    controls = [_control_document(rng, sources["zh" if k % 2 else "en"]) for k in range(DOCUMENTS)]

    def run() -> list[cleaner.Explanation]:
        return [cleaner.explain(text) for text, _, _, _ in docs]

    results = benchmark.pedantic(run, rounds=1, iterations=1)
    inserted = dropped = false_drops = cut_total = rejoined = whole_docs = 0
    for (text, gold, marks, cut), r in zip(docs, results):
        inserted += len(marks)
        left = set(r.text.splitlines())
        dropped += sum(m not in left for m in marks)
        # what the rule alone drops must be page lines and blank space only
        alone = cleaner.explain(text, only=["page_numbers"])
        false_drops += sum(e.before.strip(" \r\n\f") not in marks for e in alone.edits)
        cut_total += len(cut)
        rejoined += sum(p in r.text for p in cut)
        whole_docs += r.text == gold
    control_changed = sum(cleaner.explain(t, only=["page_numbers"]).text != t for t in controls)
    figures = {
        "documents": len(docs),
        "page_lines": inserted,
        "recall": dropped / inserted,
        "false_drops": false_drops,
        "cut_paragraphs": cut_total,
        "rejoined": rejoined / cut_total if cut_total else 1.0,
        "documents_equal_to_gold": whole_docs,
        "controls": len(controls),
        "control_changed": control_changed,
    }
    print("\npages: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()))
    gate.info("quality.pages.figures", figures)
    gate.quality("quality.pages.recall", figures["recall"], tolerance=0.02)
    gate.quality("quality.pages.rejoined", figures["rejoined"], tolerance=0.05)
    gate.quality("quality.pages.false_drops", false_drops, higher_is_better=False, limit=0)
    gate.quality("quality.pages.control_changed", control_changed, higher_is_better=False, limit=0)
    assert inserted > 0 and cut_total > 0
