"""Typo repair (issue 16) on a second newspaper: People's Daily, January
1998 (:mod:`benchmarks.peoples_daily`; ``python -m benchmarks.peoples_daily``
fetches it, every test here skips without it).  No constant of
``cleaner`` was chosen on its test split, and until the sixteenth session
(2026-12-05) on none of it: THUCNews was the only same-source corpus the
context pass had been measured on.

What it measures:

* **In-domain, another source** (:func:`test_in_domain`): pieces of the
  held-out blocks with one real OCR confusion each (as
  :mod:`benchmarks.test_bench_context` injects them), a model of the other
  People's Daily lines (0.4M, 0.8M characters, all 1.53M), recall,
  precision and clean pieces changed, dev and test.  Issue 16 asks 0.20 at
  0.95 with no clean control changed in the same domain.
* **The other direction, a larger corpus**
  (:func:`test_thucnews_pieces_with_a_model_of_all_peoples_daily`): the
  THUCNews pieces, a model of all 1.84M characters (0.15 at 0.95 asked).
* **Clean text changed** (:func:`test_clean_documents_are_left_alone`): the
  corpus is edited news, so every typo-rule edit on it is very likely clean
  text changed (the corpus has a few typos of its own: 倡仪书 for 倡议书).
  The edits of the default pipeline without a model, of ``clean --learn``
  (a model of the whole corpus, each document's own n-grams left out), and
  of the held-out test blocks with a model of the training lines, per rule.

Reading every edit here on 2026-12-05 found the harms the sixteenth
session fixed (a byline's surname, 一本一本地, numbers, variations of idioms,
a word before each part of a coordination, paragraph openings): with
``--learn`` 13 ocr_confusion, 3 phrase_consistency, 5 stutter and 24
paragraphs edits before, 7, 1, 3 and 5 after (this file run on 8482c9d and
on the session's last commit).

* **Clean text held out two ways** (:func:`test_held_out_clean_text_two_ways`):
  the training side of both newspapers (People's Daily's training lines in
  documents of 25 lines, THUCNews's training articles), each cut in two
  halves; a model of one half cleans the other.  Every context-pass edit
  there changes text that nothing here was tuned to repair: 44 before the
  seventeenth session's guards, 32 after (a few of them right: 倡仪书 ->
  倡议书, 几分种 -> 几分钟).  Tuning may read it (it is train-side text).

Run: ``pytest benchmarks/test_bench_peoples_daily.py -s -p no:cacheprovider``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from benchmarks import peoples_daily
from benchmarks.test_bench_context import TYPO_RULES, _chars, _quick, _report, corrector, evaluate, gate_against_baseline, inject, learn_chars, pieces, splits
from cleaner import Config, explain
from cleaner.typos.charmodel import learn

#: the rules whose edits on clean text are counted (the layout rules' joins too)
COUNTED = (*TYPO_RULES, "phrase_consistency", "paragraphs")


def _splits() -> dict[str, tuple[str, ...]]:
    got = peoples_daily.splits()
    if got is None:
        pytest.skip("People's Daily 1998-01 is not fetched (python -m benchmarks.peoples_daily)")
    return got


@pytest.mark.parametrize("size", [400_000, 800_000, None], ids=["400k", "800k", "all"])
def test_in_domain(benchmark: Any, gate: Any, request: Any, size: int | None) -> None:
    quick = _quick(request)
    if quick and size is not None:
        pytest.skip("full mode only")
    s = _splits()
    model = learn_chars(s["train"], size)
    label = f"{_chars(model) // 1000}k"
    for split in ("dev", "test"):
        cases = inject(pieces(s[split]))[: 150 if quick else None]
        m = benchmark.pedantic(evaluate, args=(cases, corrector(model)), rounds=1, iterations=1) if split == "test" else evaluate(cases, corrector(model))
        _report(benchmark, f"peoples_daily_{label}_{split}", m)
        if split == "test" and size is None:
            gate_against_baseline(gate, "peoples_daily", m, quick, note="People's Daily test pieces, a model of the other People's Daily lines (1.53M characters); issue 16 asks 0.20 at 0.95 and no control changed")
    if size is None:
        cases = inject(pieces(s["test"]))[: 150 if quick else None]
        _report(benchmark, "peoples_daily_no_model_test", evaluate(cases, corrector(None)))


def test_thucnews_pieces_with_a_model_of_all_peoples_daily(benchmark: Any, gate: Any, request: Any) -> None:
    """THUCNews pieces (those of :mod:`benchmarks.test_bench_context`), a
    model of all of People's Daily 1998-01 (1.84M characters): the
    direction of ``test_bench_context.test_cross_source``, whose model of
    People's Daily and MSRA test lines holds 0.36M characters, with a
    corpus five times larger.  No constant was chosen on it.  First run
    (2026-12-05, nineteenth session): dev 0.127 at 0.978 with 1 of 355
    controls changed (the one wrong change, 辨证关系 -> 辩证关系, is made in
    the control too: the source's own misspelling); test 0.093 at 0.882,
    2 of 323 controls (a transliterated name, 萨迪厄斯; 182关 -> 182美 in a
    game's text), where the small model reads 0.050 at 1.00.  Gated
    against the baseline only: the issue's 0.15 at 0.95 is not met."""
    quick = _quick(request)
    text = peoples_daily.lines()
    if text is None:
        pytest.skip("People's Daily 1998-01 is not fetched (python -m benchmarks.peoples_daily)")
    model = learn_chars(text, None)
    for split in ("test",) if quick else ("dev", "test"):
        cases = inject(pieces(splits()[split]))[: 150 if quick else None]
        m = benchmark.pedantic(evaluate, args=(cases, corrector(model)), rounds=1, iterations=1) if split == "test" else evaluate(cases, corrector(model))
        _report(benchmark, f"thucnews_from_peoples_daily_{_chars(model) // 1000}k_{split}", m)
        if split == "test":
            gate_against_baseline(gate, "thucnews_from_peoples_daily", m, quick, note="THUCNews test pieces, a model of all People's Daily 1998-01; issue 16 asks 0.15 at 0.95 from another source")


def _edits(texts: tuple[str, ...], config: Config) -> Counter[str]:
    out: Counter[str] = Counter()
    for t in texts:
        out.update(e.rule for e in explain(t, config=config).edits if e.rule in COUNTED)
    return out


def test_clean_documents_are_left_alone(benchmark: Any, gate: Any, request: Any) -> None:
    if _quick(request):
        pytest.skip("full mode only")
    s = _splits()
    docs = peoples_daily.documents()
    assert docs is not None
    learned = learn(iter(docs), min_count=2)
    learned.stats["from_input"] = True  # as clean --learn makes it
    runs = {
        "no_model": (docs, Config()),
        "learn": (docs, Config(model=learned)),
        "held_out": (s["test"], Config(model=learn_chars(s["train"], None))),
    }
    for name, (texts, config) in runs.items():
        found = benchmark.pedantic(_edits, args=(texts, config), rounds=1, iterations=1) if name == "learn" else _edits(texts, config)
        chars = sum(map(len, texts))
        _report(benchmark, f"peoples_daily_edits_{name}", {"chars": chars, **{r: found.get(r, 0) for r in COUNTED}})
        for rule in COUNTED:
            gate.quality(f"typos.peoples_daily.edits.{name}.{rule}", found.get(rule, 0), higher_is_better=False, tolerance=0.0, note="edits on edited news (People's Daily 1998-01): each is very likely clean text changed")


#: the rules of the context pass whose edits on held-out clean text are counted
CONTEXT_COUNTED = ("ocr_confusion", "phrase_consistency")


def _two_ways(docs: list[str]) -> Counter[str]:
    """The context pass's edits on each half of ``docs`` with a model of
    the other half (the default pipeline with that model)."""
    out: Counter[str] = Counter()
    halves = (tuple(docs[0::2]), tuple(docs[1::2]))
    for model_half, cleaned in ((halves[0], halves[1]), (halves[1], halves[0])):
        out += _edits(cleaned, Config(model=learn_chars(model_half, None)))
    return Counter({r: out[r] for r in CONTEXT_COUNTED if out[r]})


@pytest.mark.parametrize("source", ["peoples_daily", "thucnews"])
def test_held_out_clean_text_two_ways(benchmark: Any, gate: Any, request: Any, source: str) -> None:
    if _quick(request):
        pytest.skip("full mode only")
    if source == "peoples_daily":
        lines = _splits()["train"]
        docs = ["".join(lines[i : i + 25]) for i in range(0, len(lines), 25)]
    else:
        docs = list(splits()["train"])
    found = benchmark.pedantic(_two_ways, args=(docs,), rounds=1, iterations=1)
    _report(benchmark, f"held_out_clean_{source}", {"chars": sum(map(len, docs)), **{r: found.get(r, 0) for r in CONTEXT_COUNTED}})
    for rule in CONTEXT_COUNTED:
        gate.quality(f"typos.held_out_clean.{source}.{rule}", found.get(rule, 0), higher_is_better=False, tolerance=0.0, note="context-pass edits on train-side clean news, a model of the other half: each is very likely clean text changed")
