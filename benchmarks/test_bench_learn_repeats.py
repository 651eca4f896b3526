"""A corpus that repeats a paragraph, typos and all (issue 16: "learning
from text that still holds typos is expected: rare variants stay rare").

A news feed prints an article again: a syndicated piece, a section printed
three times in one digest, sometimes with a word changed.  A model that
counts every copy learns the copies' typos as common, so it protects them
where they stand and, worse, "repairs" the right spelling elsewhere into
them.  ``learn`` leaves out a sentence it has learned before in a line at
least half of whose sentences are repeats (``keep_repeats=False``, the
default), which keeps a repeated typo about as rare as a typo seen once.

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

=====================  ========================  ========================
corpus                 every copy counted        repeats left out
                       (``keep_repeats=True``)   (the default)
=====================  ========================  ========================
each piece once        1 harmed, 25 repaired     1 harmed, 25 repaired
three copies           5 harmed, all 5 into the  as once
                       typo; 12 repaired
three near copies      5 harmed (5), 12          4 harmed (3), 24
(another character                               repaired
changed in each)
=====================  ========================  ========================

A near copy keeps the sentence its changed character is in; when that is
the typo's sentence, the typo is learned again.  (An exploratory run with
another order of the corpus, ten identical copies, every copy counted: 13
clean pieces changed into the typo.)

The gates: with repeats left out, three copies harm no more than one and
repair as many; the near copies' figures against their baseline.

Run: ``pytest benchmarks/test_bench_learn_repeats.py -s -p no:cacheprovider``
(``--quick``: 50 articles).
"""

from __future__ import annotations

import random
from typing import Any

from benchmarks.test_bench_context import _HAN, SEED, TYPO_RULES, Case, _quick, _report, inject, pieces, splits, subset
from cleaner import Config, explain
from cleaner.typos.charmodel import learn

#: training articles whose pieces are damaged and repeated
ARTICLES = 150


def near_copy(case: Case, rng: random.Random) -> str:
    """The damaged piece with one more Han character replaced by another of
    the piece, more than ten characters from the typo (a copy that differs
    in a word: a feed's second printing, an OCR pass of another scan)."""
    text = case.damaged
    spots = [i for i, c in enumerate(text) if _HAN.match(c) and abs(i - case.pos) > 10]
    i, j = rng.choice(spots), rng.choice(spots)
    return text[:i] + text[j] + text[i + 1 :]


def measure(articles: int, times: int, *, keep_repeats: bool, near: bool = False) -> dict[str, int]:
    """Harm and repairs with a model of a corpus that gives each damaged
    piece ``times`` times (see the module's docstring); ``near``: the
    copies after the first each differ from it in one more character."""
    train = splits()["train"]
    cases = inject(pieces(train[:articles]))
    rng = random.Random(SEED)
    corpus = [c.damaged if k == 0 or not near else near_copy(c, rng) for c in cases for k in range(times)] + list(train[articles:])
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
    near = measure(articles, 3, keep_repeats=False, near=True)
    near_counted = measure(articles, 3, keep_repeats=True, near=True)
    _report(benchmark, "repeats_once", once)
    _report(benchmark, "repeats_thrice", thrice)
    _report(benchmark, "repeats_thrice_keep_repeats", counted)
    _report(benchmark, "near_copies_thrice", near)
    _report(benchmark, "near_copies_thrice_keep_repeats", near_counted)
    gate.quality(subset("context.repeats.harmed", quick), thrice["harmed"], higher_is_better=False, limit=once["harmed"], note="clean pieces changed, a model of a corpus that gives each damaged piece three times")
    gate.quality(subset("context.repeats.repaired", quick), thrice["repaired"], limit=once["repaired"], note="damaged pieces repaired, the same model")
    gate.quality(subset("context.repeats.near.harmed", quick), near["harmed"], higher_is_better=False, note="clean pieces changed, three copies of each damaged piece that differ in a character")
    gate.quality(subset("context.repeats.near.repaired", quick), near["repaired"], note="damaged pieces repaired, the same model")
    assert thrice == once  # the repeats are whole texts: the corpus learned is the same
