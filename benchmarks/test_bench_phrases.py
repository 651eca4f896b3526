"""Rule ``phrase_consistency``: phrase-level damage repaired from the
document's own repetitions, and clean text left alone.

Run: ``pytest benchmarks/test_bench_phrases.py -s -p no:cacheprovider``
(``--quick`` or ``CLEANER_BENCH_QUICK=1``: 100 articles per split).

Data, read from ../shared/evaldata at run time (research-only, never copied):

* damage: THUCNews articles (``prose/thucnews_cnews_val_1000.tsv``)
  shuffled with a fixed seed and halved into dev (the constants of
  :mod:`cleaner.typos.phrases` were chosen on it) and test (reported and
  gated); in each article one copy of a phrase written three times or more
  is garbled by each kind of :mod:`benchmarks.inject.phrases` (a word
  doubled inside it, a character dropped, inserted, or misread), one case
  per kind and article;
* controls: all 1,000 THUCNews articles, People's Daily and MSRA news
  (``prose/icwb2_{pku,msr}_test.utf8.txt``, 20 lines a document), the
  zh-Wikipedia sample and CityU's Traditional news, as they are.

With a model (:func:`test_with_a_model`, :func:`test_clean_controls_with_a_model`):
a character model learned from the other split's articles and People's
Daily + MSRA (:func:`corpus_for`, about 0.85M characters; never from the
articles measured) stands in for the document's second copy: phrases the
article writes exactly twice are garbled once (:func:`written_twice`), and
measured without and with it; the constants of the corpus test
(``CORPUS_MIN``, ``CORPUS_MIN5``) were chosen on dev.

Metrics, per case: recall = cases whose text comes back as the clean
article does; precision = those / cases the rule changes beyond what it
changes in the clean article (none: THUCNews holds one real doubled word,
宏耐地板地板北京公司, which the rule only suggests, since the place its
phrase stands ends a clause).  The rule runs alone
(:func:`cleaner.typos.phrases.find` at the default thresholds).
"""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import time
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import pytest

from benchmarks import evaldata_path
from benchmarks.inject import phrases as inject
from benchmarks.inject.phrases import KINDS, damage
from cleaner import Config
from cleaner.edits import Edit, apply_edits
from cleaner.typos.charmodel import CharModel, learn
from cleaner.typos.phrases import find

SEED = 16
THUC = "prose/thucnews_cnews_val_1000.tsv"
#: what the test split reaches with the defaults (dev: 0.150 at 1.00):
#: recall 0.119 at precision 1.00 (doubled words 0.24, dropped characters
#: 0.18, inserted 0.03, misread 0.04)
GATES = {"recall": 0.11, "precision": 0.95}
#: with a model (:func:`test_with_a_model`), phrases written exactly twice
#: and garbled once, test split: recall 0.108 at precision 1.00 (0.013
#: without a model; doubled words 0.023 -> 0.309, dropped characters 0.015
#: -> 0.053, inserted 0.013 -> 0.030, misread 0 -> 0.030; dev 0.014 ->
#: 0.137); 0.041 before a doubled pair or a look-alike was taken as its own
#: evidence (``CORPUS_PAIRS``, ``CORPUS_LOOK_ALIKES``, 2026-12-04: 0.103
#: with the first alone); phrases written three times or more:
#: 0.136 at 1.00 (0.119 without; 0.122 before ``CORPUS_PAIRS``); clean
#: controls: :data:`MODEL_CONTROL_LIMITS`.  Parallel wording taken out of
#: the doubled pairs on 2026-12-04 (tenth session): dev 0.137 -> 0.133, test
#: unchanged
MODEL_GATES = {"once_recall": 0.09}
#: clean documents the rule may change: none
CONTROL_LIMITS = {"thucnews": 0, "pku": 0, "msr": 0, "wiki": 0, "cityu": 0}
#: ... with a model of another source (:func:`test_clean_controls_with_a_model`):
#: two of the 1,000 THUCNews articles, whose text has lost its paragraph
#: breaks, are changed (a name written twice where a caption meets the
#: speaker's line, 指数的指数基金)
MODEL_CONTROL_LIMITS = {**CONTROL_LIMITS, "thucnews": 2}


def _quick(request: Any) -> bool:
    return bool(request.config.getoption("--quick", default=False)) or os.environ.get("CLEANER_BENCH_QUICK", "") not in ("", "0")


def _read(relative: str) -> str:
    path = evaldata_path(relative)
    if path is None or not path.exists():
        pytest.skip(f"evaluation data not present: {relative}")
    return path.read_text(encoding="utf-8")


@cache
def articles() -> tuple[str, ...]:
    return tuple(line.split("\t", 1)[1].strip() for line in _read(THUC).split("\n") if "\t" in line)


def split(name: str) -> list[str]:
    arts = list(articles())
    order = list(range(len(arts)))
    random.Random(SEED).shuffle(order)
    half = len(order) // 2
    return [arts[i] for i in (order[:half] if name == "dev" else order[half:])]


def _edits(text: str, corpus: CharModel | None = None) -> list[Edit]:
    cfg = Config()
    return [e for e in find(text, cfg.typo_threshold, cfg.suggest_threshold, corpus=corpus) if isinstance(e, Edit)]


def people() -> list[str]:
    """People's Daily and MSRA news, 20 lines a document."""
    docs = []
    for name in ("pku", "msr"):
        lines = _read(f"prose/icwb2_{name}_test.utf8.txt").splitlines()
        docs += ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    return docs


@cache
def corpus_for(name: str) -> CharModel:
    """The character model for measuring on the split ``name``: learned
    from the other split's articles and People's Daily + MSRA (about 0.85M
    characters), so that no measured article is in the corpus."""
    return learn(split("test" if name == "dev" else "dev") + people())


@contextlib.contextmanager
def written_twice() -> Iterator[None]:
    """:func:`benchmarks.inject.phrases.damage` garbles phrases the article
    writes exactly twice: the copy left is the one place of the document
    that supports the repair (the corpus must confirm it)."""
    min_count, repeated = inject.MIN_COUNT, inject.repeated_phrases

    def twice(text: str) -> list[str]:
        return [p for p in repeated(text) if text.count(p) == 2]

    inject.MIN_COUNT, inject.repeated_phrases = 2, twice
    try:
        yield
    finally:
        inject.MIN_COUNT, inject.repeated_phrases = min_count, repeated


def evaluate(arts: Sequence[str], corpus: CharModel | None = None, *, seed: str = "") -> dict[str, Any]:
    """Recall and precision per kind of damage and over all (module doc),
    with the character model ``corpus`` when given (``seed`` tells apart
    the draws of another set of cases)."""
    per: dict[str, dict[str, int]] = {k: {"cases": 0, "changed": 0, "right": 0} for k in KINDS}
    for i, art in enumerate(arts):
        before = _edits(art, corpus)
        target = apply_edits(art, before)
        known = {(e.before, e.after, e.note) for e in before}
        for kind in KINDS:
            case = damage(art, random.Random(f"{SEED}:{i}:{kind}{seed}"), kind=kind)
            if case is None:
                continue
            found = _edits(case.damaged, corpus)
            row = per[kind]
            row["cases"] += 1
            right = apply_edits(case.damaged, found) == target
            row["right"] += right
            row["changed"] += right or any((e.before, e.after, e.note) not in known for e in found)
    out: dict[str, Any] = {}
    for kind, row in per.items():
        out[f"{kind}_recall"] = row["right"] / max(row["cases"], 1)
        out[f"{kind}_precision"] = row["right"] / max(row["changed"], 1)
    total = {k: sum(row[k] for row in per.values()) for k in ("cases", "changed", "right")}
    out.update(cases=total["cases"], recall=total["right"] / max(total["cases"], 1), precision=total["right"] / max(total["changed"], 1))
    return out


def _report(benchmark: Any, name: str, metrics: dict[str, Any]) -> None:
    benchmark.extra_info[name] = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
    print(f"\n{name}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()))


def test_injected_phrase_damage(benchmark: Any, gate: Any, request: Any) -> None:
    """dev (for the record) and test (gated) halves of THUCNews."""
    quick = _quick(request)
    for name in ("test",) if quick else ("dev", "test"):
        arts = split(name)[: 100 if quick else None]
        m = benchmark.pedantic(evaluate, args=(arts,), rounds=1, iterations=1) if name == "test" else evaluate(arts)
        _report(benchmark, f"phrases_{name}", m)
    gate.quality("phrases.test.precision", m["precision"], limit=GATES["precision"], note="cases changed that come back as the clean article")
    gate.quality("phrases.test.recall", m["recall"], limit=0.0 if quick else GATES["recall"], note="phrase-level damage repaired")


def test_with_a_model(benchmark: Any, gate: Any, request: Any) -> None:
    """With a character model (:func:`corpus_for`: the other split's
    articles and People's Daily + MSRA), the corpus stands in for the
    document's second copy: phrases the article writes exactly twice, one
    copy garbled (:func:`written_twice`), without and with the model; and
    the phrases written three times or more with the model (the document
    alone repairs them; the model must not cost precision there)."""
    quick = _quick(request)
    for name in ("test",) if quick else ("dev", "test"):
        arts = split(name)[: 100 if quick else None]
        corpus = corpus_for(name)
        with written_twice():
            alone = evaluate(arts, seed=":once")
            once = benchmark.pedantic(evaluate, args=(arts, corpus), kwargs={"seed": ":once"}, rounds=1, iterations=1) if name == "test" else evaluate(arts, corpus, seed=":once")
        repeated = evaluate(arts, corpus)
        _report(benchmark, f"phrases_once_{name}_no_model", alone)
        _report(benchmark, f"phrases_once_{name}_model", once)
        _report(benchmark, f"phrases_{name}_model", repeated)
    for label, m in (("once", once), ("repeated", repeated)):
        gate.quality(f"phrases.test.model.{label}.precision", m["precision"], limit=GATES["precision"], note="with a model: cases changed that come back as the clean article")
    gate.quality("phrases.test.model.once.recall", once["recall"], limit=0.0 if quick else MODEL_GATES["once_recall"], note="phrases written twice, one copy garbled: repaired with the corpus's support")
    gate.quality("phrases.test.model.repeated.recall", repeated["recall"], limit=0.0 if quick else GATES["recall"], note="phrases written three times or more, with a model")


def control_documents() -> dict[str, list[str]]:
    docs: dict[str, list[str]] = {"thucnews": list(articles())}
    for name in ("pku", "msr"):
        lines = _read(f"prose/icwb2_{name}_test.utf8.txt").splitlines()
        docs[name] = ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    docs["wiki"] = _read("prose/wiki_zh_200.txt").split("\n\n")
    lines = _read("trad/icwb2_cityu_test.utf8.txt").splitlines()
    docs["cityu"] = ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    return docs


def test_clean_controls(benchmark: Any, gate: Any, request: Any) -> None:
    """Clean documents: the rule changes none."""
    docs = control_documents()
    if _quick(request):
        docs = {k: v[:200] for k, v in docs.items()}

    def run() -> dict[str, int]:
        return {name: sum(bool(_edits(d)) for d in ds) for name, ds in docs.items()}

    changed = benchmark.pedantic(run, rounds=1, iterations=1)
    _report(benchmark, "phrases_controls", {**changed, "documents": sum(len(v) for v in docs.values())})
    for name, n in changed.items():
        gate.quality(f"phrases.controls.{name}", n, higher_is_better=False, limit=CONTROL_LIMITS[name], note="clean documents changed")


def test_clean_controls_with_a_model(benchmark: Any, gate: Any, request: Any) -> None:
    """Clean documents with a model that never saw them: the THUCNews
    articles with a model of People's Daily + MSRA, the other sources with
    a model of all THUCNews (a corpus of another source, where "the corpus
    never writes the copy's form" is weak evidence).  Until 2026-12-04 this
    ran every set with :func:`corpus_for` ``("test")``, which holds half of
    the THUCNews articles and all of People's Daily and MSRA: it saw no
    harm where there was some (7 documents changed, now 2:
    :data:`MODEL_CONTROL_LIMITS`)."""
    docs = control_documents()
    if _quick(request):
        docs = {k: v[:200] for k, v in docs.items()}
    of_people, of_thucnews = learn(people()), learn(articles())

    def run() -> dict[str, int]:
        return {name: sum(bool(_edits(d, of_people if name == "thucnews" else of_thucnews)) for d in ds) for name, ds in docs.items()}

    changed = benchmark.pedantic(run, rounds=1, iterations=1)
    _report(benchmark, "phrases_controls_model", {**changed, "documents": sum(len(v) for v in docs.values())})
    for name, n in changed.items():
        gate.quality(f"phrases.controls.model.{name}", n, higher_is_better=False, limit=MODEL_CONTROL_LIMITS[name], note="clean documents changed with a model of another source")


def test_cost_against_ftfy(benchmark: Any, gate: Any) -> None:
    """The rule's CPU time on about 300 KB of THUCNews against ftfy.fix_text
    (interleaved, median of 5): why it is off by default (recorded, not
    gated: the default pipeline does not run it)."""
    import ftfy

    docs, total = [], 0
    for art in articles():
        docs.append(art)
        total += len(art.encode())
        if total >= 300_000:
            break
    _edits(docs[0])

    def measure() -> float:
        times: dict[str, list[float]] = {"rule": [], "ftfy": []}
        for _ in range(5):
            t = time.process_time()
            for d in docs:
                list(find(d, 6.0, 3.0))
            times["rule"].append(time.process_time() - t)
            t = time.process_time()
            for d in docs:
                ftfy.fix_text(d)
            times["ftfy"].append(time.process_time() - t)
        return statistics.median(times["rule"]) / statistics.median(times["ftfy"])

    ratio = benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info["phrases_time_vs_ftfy"] = round(ratio, 3)
    gate.info("phrases.time_vs_ftfy", round(ratio, 3))
    print(f"\nphrase_consistency CPU time / ftfy.fix_text on {total // 1000} KB of news: {ratio:.3f}")
