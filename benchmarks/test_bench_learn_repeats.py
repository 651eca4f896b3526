"""A corpus that repeats a paragraph, typos and all (issue 16: "learning
from text that still holds typos is expected: rare variants stay rare").

A news feed prints an article again: a syndicated piece, a section printed
three times in one digest.  A model that counts every copy learns the
copies' typos as common, so it protects them where they stand and, worse,
"repairs" the right spelling elsewhere into them.  ``learn`` leaves out a
line it has learned before (``keep_repeats=False``, the default), which
keeps a repeated typo as rare as a typo seen once.

The set-up: the first ``ARTICLES`` THUCNews training articles (the train
split of :mod:`benchmarks.test_bench_context`; no dev or test article) cut
into pieces, one real OCR confusion injected per piece; the model learns
those damaged pieces, each given ``times`` times, and the rest of the train
split clean, with ``min_count=2`` as ``cleaner clean --learn`` learns.  Then
the clean copy of every piece is cleaned with the typo rules (``harmed``:
those changed, ``to_typo``: of them, changed into the injected typo) and
so is its damaged copy (``repaired``).

First run (2026-12-04, thirteenth session; 150 articles, 491 pieces, 0.8M
characters of training text):

=====  ========================  ========================
times  every copy counted        repeats learned once
       (``keep_repeats=True``)   (the default)
=====  ========================  ========================
1      1 harmed, 25 repaired     1 harmed, 25 repaired
3      5 harmed, all 5 into the  as once
       typo; 12 repaired
=====  ========================  ========================

(An exploratory run with another order of the corpus, ten copies: 13
clean pieces changed into the typo.)

The gate: with repeats learned once, three copies harm no more than one.

Run: ``pytest benchmarks/test_bench_learn_repeats.py -s -p no:cacheprovider``
(``--quick``: 50 articles).
"""

from __future__ import annotations

from typing import Any

from benchmarks.test_bench_context import TYPO_RULES, _quick, _report, inject, pieces, splits, subset
from cleaner import Config, explain
from cleaner.typos.charmodel import learn

#: training articles whose pieces are damaged and repeated
ARTICLES = 150


def measure(articles: int, times: int, *, keep_repeats: bool) -> dict[str, int]:
    """Harm and repairs with a model of a corpus that gives each damaged
    piece ``times`` times (see the module's docstring)."""
    train = splits()["train"]
    cases = inject(pieces(train[:articles]))
    corpus = [c.damaged for c in cases for _ in range(times)] + list(train[articles:])
    config = Config(only=TYPO_RULES, model=learn(corpus, min_count=2, keep_repeats=keep_repeats))
    harmed = to_typo = repaired = 0
    for c in cases:
        out = explain(c.clean, config=config).text
        if out != c.clean:
            harmed += 1
            to_typo += len(out) == len(c.clean) and out[c.pos] == c.damaged[c.pos]
        repaired += explain(c.damaged, config=config).text == c.clean
    return {"pieces": len(cases), "harmed": harmed, "to_typo": to_typo, "repaired": repaired}


def test_a_repeated_typo_is_learned_once(benchmark: Any, gate: Any, request: Any) -> None:
    quick = _quick(request)
    articles = 50 if quick else ARTICLES
    once = measure(articles, 1, keep_repeats=False)
    thrice = benchmark.pedantic(measure, args=(articles, 3), kwargs={"keep_repeats": False}, rounds=1, iterations=1)
    counted = measure(articles, 3, keep_repeats=True)
    _report(benchmark, "repeats_once", once)
    _report(benchmark, "repeats_thrice", thrice)
    _report(benchmark, "repeats_thrice_keep_repeats", counted)
    gate.quality(subset("context.repeats.harmed", quick), thrice["harmed"], higher_is_better=False, limit=once["harmed"], note="clean pieces changed, a model of a corpus that gives each damaged piece three times")
    gate.quality(subset("context.repeats.repaired", quick), thrice["repaired"], limit=once["repaired"], note="damaged pieces repaired, the same model")
    assert thrice == once  # the repeats are whole texts: the corpus learned is the same
