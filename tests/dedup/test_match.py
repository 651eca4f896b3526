"""The in-document path of duplicate finding (cleaner.dedup.match)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup import match, phases
from cleaner.dedup.key import forget_recent_keys, recent_verdicts
from cleaner.dedup.match import find_duplicates, neighbour_pairs

_PARA = "图书馆今年完成了老馆改造，新增阅览座位{}个，延长了周末的开放时间"


def _same(a: match.Matches, b: match.Matches) -> None:
    assert (a.ref, a.score, a.pairs, a.pair_scores, a.rep, a.candidates) == (b.ref, b.score, b.pairs, b.pair_scores, b.rep, b.candidates)


@pytest.mark.parametrize("near", [None, 2])
def test_remembered_verdicts_give_the_same_matches_and_skip_the_known_pairs(monkeypatch: pytest.MonkeyPatch, near: int | None) -> None:
    keys = [_PARA.format(n) for n in ("三百", "三佰", "四百", "三百")] * 20 + ["完全不同的另一段文字内容，长度也差不多一样长的"] * 3
    forget_recent_keys()
    try:
        plain = find_duplicates(keys, threshold=90, numbers=True, near=near)
        first = find_duplicates(keys, threshold=90, numbers=True, near=near, remember=True)
        assert len(recent_verdicts()) > 0
        seen: list[int] = []
        real = phases.verify
        monkeypatch.setattr(phases, "verify", lambda pairs, *a, **k: seen.append(len(pairs)) or real(pairs, *a, **k))
        again = find_duplicates(keys, threshold=90, numbers=True, near=near, remember=True)
        other = find_duplicates(keys, threshold=99, numbers=True, near=near, remember=True)  # another threshold: asked again
        asked = list(seen)
    finally:
        forget_recent_keys()
    _same(plain, first)
    _same(plain, again)
    _same(other, find_duplicates(keys, threshold=99, numbers=True, near=near))
    assert len(asked) == 1 and asked[0] > 0  # (only the call with another threshold verified pairs)
    assert recent_verdicts() == {}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-1, 6), min_size=2, max_size=40), st.integers(1, 5))
def test_neighbour_pairs_are_sorted_and_distinct(reps: list[int], near: int) -> None:
    rep = np.asarray([r if r < 0 else min(r, i) for i, r in enumerate(reps)], dtype=np.int64)
    rep = np.where(rep >= 0, rep[np.maximum(rep, 0)], -1)  # (a representative is its own)
    out = neighbour_pairs(np.arange(len(rep)), rep, np.ones(len(rep), dtype=bool), near=near)
    rows = [tuple(r) for r in out.tolist()]
    assert rows == sorted(set(rows))
    assert all(0 <= a < b for a, b in rows)
