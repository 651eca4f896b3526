"""benchmarks/ladder.py: the rungs do the work they are named for, the timer
interleaves them and keeps medians, the figures are plain units."""

from __future__ import annotations

import pytest

import cleaner
from benchmarks.ladder import RUNGS, TYPO_RULES, Interleaved, figures, rungs


def test_rungs_do_the_work_they_are_named_for() -> None:
    docs = ["天气  很好。\n第二段\t\t内容", "plain text"]
    out = {k: fn() for k, fn in rungs(docs).items()}
    assert list(out) == list(RUNGS)
    assert out["read_write"] == [d.encode("utf-8") for d in docs]
    assert out["regex"] == ["天气 很好。\n第二段 内容", "plain text"]
    assert [r.text for r in out["default"]] == [cleaner.explain(d).text for d in docs]
    for key in ("notypo", "default"):
        assert all(cleaner.apply_edits(d, r.edits) == r.text for d, r in zip(docs, out[key]))


def test_the_notypo_rung_runs_no_typo_rule() -> None:
    doc = "大力发展旅游旅游业。"  # a stutter: the default pipeline repairs it (cleaner/typos/stutter.py)
    out = rungs([doc])
    assert [r.text for r in out["default"]()] == ["大力发展旅游业。"]
    assert [r.text for r in out["notypo"]()] == [doc]
    assert not {e.rule for r in out["notypo"]() for e in r.edits} & set(TYPO_RULES)


def test_rounds_rotate_the_order_and_medians_are_per_call() -> None:
    calls: list[str] = []
    clock = iter(range(10_000))
    timer = Interleaved(
        {k: (lambda k=k: calls.append(k)) for k in "abc"}, clock=lambda: float(next(clock)), min_sample=3.0, max_repeat=10
    )
    timer.warm_up()
    assert calls == ["a", "b", "c"] and timer.repeat == {"a": 3, "b": 3, "c": 3}
    calls.clear()
    for _ in range(3):
        timer.round()
    firsts = [calls[i] for i in range(0, len(calls), 9)]
    assert firsts == ["a", "b", "c"]  # each function leads one round
    # three calls between two clock reads: one tick per sample, divided by the calls
    assert timer.medians() == {"a": pytest.approx(1 / 3), "b": pytest.approx(1 / 3), "c": pytest.approx(1 / 3)}


def _round_events(timer: Interleaved, events: list[str]) -> list[str]:
    """The full collections and clock reads of one timed round, in order."""
    import gc

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            events.append("collect")

    timer.warm_up()
    events.clear()
    gc.callbacks.append(on_gc)
    try:
        timer.round()
    finally:
        gc.callbacks.remove(on_gc)
    return list(events)


def test_each_sample_starts_after_a_full_collection_outside_the_clock() -> None:
    """A rung must not pay for the collection the previous rung's garbage
    made due: a full collection runs before every sample, never inside it."""
    events: list[str] = []

    def tick() -> float:
        events.append("clock")
        return float(len(events))

    timer = Interleaved({"a": lambda: None, "b": lambda: None}, clock=tick, min_sample=0)
    assert _round_events(timer, events) == ["collect", "clock", "clock"] * 2
    quiet = Interleaved({"a": lambda: None}, clock=tick, min_sample=0, collect=False)
    assert "collect" not in _round_events(quiet, events)


def test_medians_need_a_round_and_functions_are_required() -> None:
    with pytest.raises(ValueError, match="call round"):
        Interleaved({"a": lambda: None}).medians()
    with pytest.raises(ValueError, match="at least one"):
        Interleaved({})


def test_figures_are_megabytes_per_cpu_second_and_ratios_to_ftfy() -> None:
    f = figures({"default": 2.0, "ftfy": 0.5, "regex": 0.01}, 2_000_000)
    assert list(f) == ["regex", "ftfy", "default"]
    assert f["default"]["mb_per_cpu_s"] == 1.0 and f["default"]["vs_ftfy"] == 0.25
    assert f["regex"]["vs_ftfy"] == 50.0 and f["ftfy"]["vs_ftfy"] == 1.0
    assert figures({"default": 1.0}, 10)["default"]["vs_ftfy"] is None
    with pytest.raises(ValueError, match="positive"):
        figures({"ftfy": 1.0}, 0)
