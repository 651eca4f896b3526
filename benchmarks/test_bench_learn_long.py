"""``cleaner clean --learn`` on one long document (issue 16): the time a
whole document takes against the same text cut into pieces, with the same
model learned from it.

The context benchmarks cut their articles into pieces of about 300
characters, so no benchmark saw what a whole document costs.  A model
learned from its input (``clean --learn``: ``stats["from_input"]``) takes
the Python proposals (the C ones refuse it: a typo seen only in its own
document must stay a suspect), and one of their steps scanned every listed
candidate at every isolated suspect: a 33 KB document took 19.5 s, 70 KB
110 s (fixed 2026-12-04, ad5d909); then, with the model's few thousand
characters, it still looked up all of each suspect's characters two steps
away in the n-gram table (about 220 per suspect; fixed 2026-12-05).

The set-up: the first ``ARTICLES`` THUCNews dev articles (the split of
:mod:`benchmarks.test_bench_context`), cut into pieces with one real OCR
confusion injected in each, joined by line breaks into one document; a
model learned from that document alone (``min_count=2``, as ``clean
--learn`` learns it).  Timed in the same run, interleaved, CPU time:
the document in one call, and its pieces one call each.  The ratio is the
pieces' time over the document's; it is below 1 since a whole document has
more to compare (the document guard reads every other line).

First runs (2026-12-05, default pipeline, CPU seconds):

=======================  ===========  ===========  =====================
document                 whole        pieces       whole, code of
                                                   2026-12-04 (ad5d909)
=======================  ===========  ===========  =====================
40 articles, 46 KB       0.91         0.53         2.50
100 articles, 113 KB     2.71         1.16         7.36
=======================  ===========  ===========  =====================

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


def test_a_whole_document_with_a_model_of_itself(benchmark: Any, gate: Any, request: Any) -> None:
    quick = _quick(request)
    parts = [c.damaged for c in inject(pieces(splits()["dev"][: QUICK_ARTICLES if quick else ARTICLES]))]
    doc = "\n".join(parts)
    model = learn([doc], min_count=2)
    model.stats["from_input"] = True  # as clean --learn marks it
    config = Config(model=model)
    explain(parts[0], config=config)  # tables loaded once, outside the timing

    def whole() -> None:
        explain(doc, config=config)

    def each() -> None:
        for p in parts:
            explain(p, config=config)

    times = [(_cpu(whole), _cpu(each)) for _ in range(ROUNDS)]
    benchmark.pedantic(whole, rounds=1, iterations=1)
    ratio = statistics.median(b / a for a, b in times)
    _report(benchmark, "learned_whole_document", {
        "chars": len(doc), "pieces": len(parts),
        "whole_cpu_s": statistics.median(a for a, _ in times), "pieces_cpu_s": statistics.median(b for _, b in times),
        "pieces_over_whole": ratio,
    })
    gate.speed(
        "speed.context.learned_whole_document.vs_pieces", ratio, floor=0.2,
        reference="the same text in pieces of about 300 characters, the same model learned from it",
        note="2026-12-05 (fifteenth session): 0.58 at 46 KB, 0.43 at 113 KB (default pipeline, CPU time); with the code of 2026-12-04 (ad5d909) 0.21 and 0.16, before it (the quadratic scan) about 0.01",
        regression_tolerance=None,
    )
