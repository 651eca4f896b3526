"""The speed ladder against ftfy.fix_text, in one run (issue 12, issue 15.6).

Corpora: ``news`` (THUCNews articles, one document each, from the
evaluation data; skipped when absent), ``zh`` and ``en`` (one damaged
document each, :func:`benchmarks.inject.throughput_text`).  1 MB each in
full mode, 100 KB in quick mode.  Each case times the rungs of
:mod:`benchmarks.ladder` (plain read/write, one regex pass, ftfy, the
pipeline with the typo rules off (``notypo``) and on (``default``)) in
turn, round after round, on the CPU clock, and records per rung MB per
CPU-second and ftfy time / rung time in ``extra_info["ladder"]``; the
summary at the end of the run and ``python -m benchmarks.report`` show them.
The two pipeline ratios are gated.

The floors are what the code reaches today with a margin; the targets of
issue 12 (typo rules off: 4x on Chinese, 2x on English; on: 1x) are given
in each ratio's note until they are reached.  In quick mode a miss is
advisory (see benchmarks/conftest.py).
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

import cleaner
from benchmarks import evaldata_path
from benchmarks.conftest import Budget
from benchmarks.gates import Gate
from benchmarks.inject import throughput_text
from benchmarks.ladder import Interleaved, figures, rungs

SIZES = {"full": 1_000_000, "quick": 100_000}
#: rounds of the ladder: at least five (each rung once in each position of
#: the rotating order), about a second (quick) or four (full) of CPU time
LADDER_BUDGET = {"quick": Budget(seconds=1.0, min_rounds=5, max_rounds=100), "full": Budget(seconds=4.0, min_rounds=5, max_rounds=200)}
#: (corpus, pipeline) -> (floor, issue 12 target) of ftfy time / pipeline time
#: (floors raised on 2026-12-03 from 1.5/0.5/0.2 and 0.1 to about two thirds
#: of a full run's figures, full-2026-12-03g: 4.5/2.4/1.7x and 1.1/1.2/2.0x;
#: without the optional C module the default pipeline is about 0.8-0.9x on
#: news, still above its floor; raised again on 2026-12-03, seventh
#: session, for damaged zh and en to about two thirds of full-2026-12-03h:
#: 3.4/3.1x typo rules off, 1.4/2.9x default; without the C module the
#: same code measured 3.5/3.1x and 1.4/2.9x there, since these texts give
#: the typo rules little to screen; raised on 2026-12-04, eighth session,
#: for typo rules off on damaged zh and en and the default on damaged zh to
#: about two thirds of full-2026-12-04b: 4.9/3.5x and 1.6x (zh typo rules
#: off to 2.6, under two thirds: the quick run's 100 KB measured 2.98x in
#: a fresh-clone CI, where fixed costs weigh more); without the optional C
#: modules the same code measured 4.2x typo rules off on zh and 0.79x
#: default on news)
FLOORS: dict[tuple[str, str], tuple[float, float]] = {
    ("news", "notypo"): (3.0, 4.0),
    ("zh", "notypo"): (2.6, 4.0),
    ("en", "notypo"): (2.3, 2.0),
    ("news", "default"): (0.6, 1.0),
    ("zh", "default"): (1.0, 1.0),
    ("en", "default"): (1.9, 1.0),
}


@functools.cache
def documents(corpus: str, size: int) -> tuple[str, ...]:
    """About ``size`` UTF-8 bytes of the corpus, as documents."""
    if corpus != "news":
        return (throughput_text(corpus, size),)
    path = evaldata_path("prose/thucnews_cnews_val_1000.tsv")
    if path is None:
        pytest.skip("THUCNews (prose/thucnews_cnews_val_1000.tsv) is absent from the evaluation data")
    out: list[str] = []
    total = 0
    for row in path.read_text(encoding="utf-8").splitlines():
        text = row.split("\t", 1)[-1]
        out.append(text)
        total += len(text.encode("utf-8"))
        if total >= size:
            break
    return tuple(out)


@pytest.mark.parametrize("corpus", ["news", "zh", "en"])
def test_ladder(benchmark: Any, gate: Gate, quick: bool, corpus: str) -> None:
    """Every rung of the ladder over the same documents, interleaved; the
    pipeline's ratios to ftfy are gated against FLOORS."""
    docs = documents(corpus, SIZES["quick" if quick else "full"])
    timer = Interleaved(rungs(docs))
    size = sum(len(d.encode("utf-8")) for d in docs)
    timed = bool(getattr(benchmark, "enabled", False))
    if timed:
        one_round = timer.warm_up()
    else:  # every rung once, as a smoke test
        benchmark.pedantic(timer.warm_up, rounds=1, iterations=1)
    for results in (timer.first["notypo"], timer.first["default"]):  # the timed work is the real work
        assert all(cleaner.apply_edits(d, r.edits) == r.text for d, r in zip(docs, results))
    if timed:
        budget = LADDER_BUDGET["quick" if quick else "full"]
        benchmark.pedantic(timer.round, rounds=budget.rounds(one_round), iterations=1, warmup_rounds=0)
        benchmark.extra_info["ladder"] = {
            "corpus": corpus, "size_bytes": size, "documents": len(docs), "rounds": timer.rounds,
            "clock": "process_time", "rungs": figures(timer.medians(), size),
        }
    gate.info("corpus", corpus)
    gate.info("documents", len(docs))
    for pipeline in ("notypo", "default"):
        floor, target = FLOORS[(corpus, pipeline)]
        ratio = benchmark.extra_info["ladder"]["rungs"][pipeline]["vs_ftfy"] if timed else None
        gate.speed(
            f"speed.{corpus}.{pipeline}.vs_ftfy", ratio, floor=floor, reference="ftfy.fix_text",
            note=f"issue 12 target: {target}x", regression_tolerance=None,
        )
