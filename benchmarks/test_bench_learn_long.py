"""``cleaner clean --learn`` on one long document (issue 16): the time a
character of a document four times as long, with a model learned from it.

The context benchmarks cut their articles into pieces of about 300
characters, so no benchmark saw what a whole document costs.  A model
learned from its input (``clean --learn``: ``stats["from_input"]``) took
the Python proposals until 2026-12-05 (the C ones found the suspects
without leaving the text's own n-grams out; now they are given them), and
one of their steps scanned every listed candidate at every isolated
suspect: a 33 KB document took 19.5 s, 70 KB 110 s (fixed 2026-12-04,
ad5d909).  A model learned from one document alone makes
nearly every Han character of it a suspect (its own occurrences do not
count), so this is the most a document of that length costs.

The set-up: the first ``ARTICLES`` THUCNews dev articles (the split of
:mod:`benchmarks.test_bench_context`), cut into pieces with one real OCR
confusion injected in each, joined by line breaks into one document, and
the first quarter of the articles as another; each with a model learned
from that document alone (``min_count=2``, as ``clean --learn`` learns
it).  Timed in the same run, interleaved, CPU time.  The gated ratio is the
short document's time a character over the long one's: 1 where the time
grows with the length, about a quarter where it grows with its square; the
median of :data:`ROUNDS`.  Reported beside it: the same document in pieces, one call
each, with the whole document's model.

First runs (2026-12-05, default pipeline, CPU seconds; load average 2-5):

=======================  =========  ======  =============  ============
document                 whole      pieces  whole, Python  whole, code
                                            proposals      of ad5d909
=======================  =========  ======  =============  ============
10 articles, 10 KB       0.11       -       0.19-0.25      -
27 KB                    0.20       -       0.40           -
40 articles, 46 KB       0.34-0.36  0.29    0.75           2.50
100 articles, 113 KB     1.01-1.04  0.65    1.87-1.89      7.36
=======================  =========  ======  =============  ============

"Python proposals": before the C proposals took a model learned from its
input (the same day).  The ratio: 0.83-0.86 (quick: 1.5).  Before
ad5d909: 19.5 s at 33 KB, 110 s at 70 KB (the time 5.6 times for 2.1
times the length: about 0.4).  Such a document is scored in segments of
10,000 characters (:mod:`cleaner.typos.context.segments`; before that, one
430 KB document held 3.5 GB, then 0.2 GB, with the same output).

Run: ``pytest benchmarks/test_bench_learn_long.py -s -p no:cacheprovider``
(``--quick``: 40 articles).
"""

from __future__ import annotations

import gc
import statistics
import time
from typing import Any

from benchmarks.test_bench_context import _quick, _report, inject, pieces, splits
from cleaner import Config, explain
from cleaner.typos.charmodel import learn

#: dev articles in the document (quick mode: :data:`QUICK_ARTICLES`)
ARTICLES = 100
QUICK_ARTICLES = 40
#: interleaved rounds; the median ratio is judged
ROUNDS = 3


def _cpu(fn: Any) -> float:
    gc.collect()
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def _document(articles: int) -> tuple[list[str], str, Config]:
    """The damaged pieces of the first ``articles`` dev articles, joined,
    and the configuration of ``clean --learn`` on that document."""
    parts = [c.damaged for c in inject(pieces(splits()["dev"][:articles]))]
    doc = "\n".join(parts)
    model = learn([doc], min_count=2)
    model.stats["from_input"] = True  # as clean --learn marks it
    return parts, doc, Config(model=model)


def test_a_whole_document_with_a_model_of_itself(benchmark: Any, gate: Any, request: Any) -> None:
    articles = QUICK_ARTICLES if _quick(request) else ARTICLES
    parts, doc, config = _document(articles)
    _, short, short_config = _document(articles // 4)
    explain(parts[0], config=config)  # tables loaded once, outside the timing

    def whole() -> None:
        explain(doc, config=config)

    times = [(_cpu(lambda: explain(short, config=short_config)), _cpu(whole)) for _ in range(ROUNDS)]
    benchmark.pedantic(whole, rounds=1, iterations=1)
    each = _cpu(lambda: [explain(p, config=config) for p in parts])
    ratio = statistics.median((a / len(short)) / (b / len(doc)) for a, b in times)
    _report(benchmark, "learned_whole_document", {
        "chars": len(doc), "short_chars": len(short), "pieces": len(parts),
        "whole_cpu_s": statistics.median(b for _, b in times), "short_cpu_s": statistics.median(a for a, _ in times),
        "pieces_cpu_s": each, "short_over_whole_per_char": ratio,
    })
    gate.speed(
        "speed.context.learned_whole_document.vs_quarter", ratio, floor=0.5,
        reference="a document a quarter as long (its first articles), with a model learned from it",
        note="the time a character of the short document over the long one's: 1 where the time grows with a document's length, about 0.25 where it grows with its square; 2026-12-05 (fifteenth session): 0.69-0.86 with the C proposals (0.87-0.92 with the Python ones) at 113 KB against 27 KB, quick 1.5-1.8 (46 against 10 KB); the code before ad5d909 (the quadratic scan) about 0.4 for twice the length",
        regression_tolerance=None,
    )
