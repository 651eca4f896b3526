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


def _neighbour_pairs_by_loop(units, rep, fuzzy, *, near, max_block=match.MAX_BLOCK):
    """The definition of :func:`neighbour_pairs`, one copy at a time."""
    n = len(units)
    ru = rep[units]
    found = set()
    for j in range(1, min(near, n - 1) + 1):
        found.update(zip(range(n - j), range(j, n)))
    for pa in range(n):
        later = [pb for pb in range(pa + 1, n) if ru[pb] == ru[pa]]
        if later and near < later[0] - pa <= max_block:
            pb, d = later[0], later[0] - pa
            found.update((pa + i, pb + i) for i in range(max(-d, -pa), min(d, n - 1 - pb) + 1))
    out = set()
    for x, y in found:
        a, b = int(ru[x]), int(ru[y])
        if a != b and a >= 0 and b >= 0 and fuzzy[a] and fuzzy[b]:
            out.add((min(a, b), max(a, b)))
    return sorted(out)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-1, 8), min_size=2, max_size=60), st.integers(1, 4), st.integers(2, 12))
def test_neighbour_pairs_follow_their_definition(reps: list[int], near: int, max_block: int) -> None:
    rep = np.asarray([r if r < 0 else min(r, i) for i, r in enumerate(reps)], dtype=np.int64)
    rep = np.where(rep >= 0, rep[np.maximum(rep, 0)], -1)
    fuzzy = np.asarray([i % 5 != 3 for i in range(len(rep))])
    out = neighbour_pairs(np.arange(len(rep)), rep, fuzzy, near=near, max_block=max_block)
    assert [tuple(r) for r in out.tolist()] == _neighbour_pairs_by_loop(np.arange(len(rep)), rep, fuzzy, near=near, max_block=max_block)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="甲乙丙ab ", max_size=6), min_size=1, max_size=30), st.data())
def test_exact_groups_by_dict_are_the_groups_by_hash(keys: list[str], data: st.DataObject) -> None:
    n = len(keys)
    rank = np.asarray(data.draw(st.permutations(range(n))), dtype=np.int64)
    eligible = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    by_dict = match.exact_groups(keys, rank, eligible)
    by_hash = phases.exact(phases.key_hashes(keys), rank, eligible)
    assert by_dict.rep.tolist() == by_hash.rep.tolist()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="甲乙丙丁ab", min_size=30, max_size=90), st.lists(st.tuples(st.integers(0, 89), st.sampled_from("甲乙丙丁abc")), max_size=12), st.sampled_from([50.0, 80.0, 90.0, 95.0]))
def test_the_multiset_bound_keeps_every_pair_that_reaches_the_threshold(a: str, changes: list[tuple[int, str]], threshold: float) -> None:
    from rapidfuzz import fuzz

    b = list(a)
    for at, ch in changes:  # (substitutions, insertions and deletions)
        at %= len(b) + 1
        if ch == "c":
            del b[min(at, len(b) - 1)]
        elif at % 2:
            b.insert(at, ch)
        else:
            b[min(at, len(b) - 1)] = ch
    keys = [a, "".join(b)]
    pairs = np.array([[0, 1]])
    kept = match.multiset_filter(pairs, keys, np.array([len(k) for k in keys]), threshold)
    if fuzz.ratio(keys[0], keys[1]) >= threshold:
        assert kept.tolist() == [[0, 1]]


def test_the_multiset_bound_drops_pairs_of_other_characters() -> None:
    keys = ["今天天气很好我们去公园玩" * 5, "完全不同的另一段文字内容" * 5, "今天天气很好我们去公园玩耍" * 5]
    lengths = np.array([len(k) for k in keys])
    assert match.multiset_filter(np.array([[0, 1], [0, 2], [1, 2]]), keys, lengths, 90).tolist() == [[0, 2]]
    assert match.multiset_filter(np.array([[0, 1], [0, 2]]), keys, lengths, 10).tolist() == [[0, 2]]  # (a low threshold: kept)
    assert match.multiset_filter(np.array([[0, 1]]), keys[:2], lengths[:2], 100).tolist() == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(max_codepoint=0x2FFFF, exclude_categories=("Cs",)), max_size=40), min_size=1, max_size=6))
def test_class_counts_are_the_counts_of_each_code_point_class(keys: list[str]) -> None:
    # Latin-1 keys are read a byte a character, others as code points: the same counts
    counts = match._class_counts("".join(keys), np.array([len(k) for k in keys], dtype=np.int64))
    for row, key in zip(counts.tolist(), keys):
        assert row == np.bincount([ord(c) % match.MULTISET_CLASSES for c in key], minlength=match.MULTISET_CLASSES).tolist()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789ab é中年月人个一二三十百千万两〇零٣३３") + ["\ud800", "\U0001d7ce"]), max_size=40))
def test_numbers_are_read_as_the_guard_reads_them(key: str) -> None:
    from cleaner.dedup.verify import _NUMBER, ascii_numbers, numbers_in

    assert numbers_in(key) == _NUMBER.findall(key)
    cheap = ascii_numbers(key)
    assert cheap is None or cheap == _NUMBER.findall(key)


@pytest.mark.parametrize("numbers", [True, False])
def test_the_numbers_guard_before_rapidfuzz_gives_the_verdicts_of_the_guard_after_it(numbers: bool) -> None:
    # long Latin keys (checked before rapidfuzz), long Chinese ones (after it) and short ones
    text = "the library finished the renovation of the old building and added {} reading seats this year " * 3
    zh = "图书馆今年完成了老馆改造，新增阅览座位{}个，延长了周末的开放时间。" * 6
    keys = [text.replace("{}", n) for n in ("300", "300", "400", "three hundred")] + [zh.replace("{}", n) for n in ("三百", "四百", "三百")]
    keys += [_PARA.format(n) for n in ("三百", "四百", "300")]
    keys = [k.replace("，", "").replace("。", "") for k in keys]
    n = len(keys)
    cand = np.array([(a, b) for a in range(n) for b in range(a + 1, n)], dtype=np.int64)
    lengths = np.array([len(k) for k in keys], dtype=np.int64)
    got = match._verify(cand, keys, lengths, threshold=80, numbers=numbers, workers=1, remember=False)
    want = phases.verify(cand, keys, threshold=80, numbers=numbers)
    assert got.pairs.tolist() == want.pairs.tolist() and got.scores.tolist() == want.scores.tolist()
    assert ([0, 2] in want.pairs.tolist()) is not numbers  # (the same text but for a number)


def test_the_numbers_read_for_the_guard_are_remembered_until_forgotten() -> None:
    from cleaner.dedup.key import recent_numbers

    text = "the library finished the renovation of the old building and added {} reading seats this year " * 3
    keys = [text.replace("{}", n) for n in ("300", "400", "300 more")]
    forget_recent_keys()
    try:
        first = find_duplicates(keys, threshold=80, numbers=True, remember=True)
        assert recent_numbers() == {k: [n for n in k.split() if n.isdigit()] for k in keys}
        _same(first, find_duplicates(keys, threshold=80, numbers=True, remember=True))
        _same(first, find_duplicates(keys, threshold=80, numbers=True))
    finally:
        forget_recent_keys()
    assert recent_numbers() == {}


@pytest.mark.parametrize("keep", ["first", "longest"])
@pytest.mark.parametrize("near", [None, 2])
def test_near_duplicates_are_the_representatives_and_verified_pairs_of_find_duplicates(keep: str, near: int | None) -> None:
    """The rule's lighter call (issue 12) gives what find_duplicates gives
    before its clustering."""
    keys = [_PARA.format(n) for n in ("三百", "三佰", "四百", "三百", "三百个")] * 15 + ["完全不同的另一段文字内容，长度也差不多一样长的", "短"] * 4
    fuzzy = [len(k) >= 12 for k in keys]
    eligible = [i % 7 != 3 for i in range(len(keys))]
    m = find_duplicates(keys, threshold=90, keep=keep, fuzzy=fuzzy, eligible=eligible, numbers=True, near=near)
    rep, links = match.near_duplicates(keys, threshold=90, keep=keep, fuzzy=fuzzy, eligible=eligible, numbers=True, near=near)
    assert rep == m.rep
    assert links == {p: s for p, s in zip(m.pairs, m.pair_scores) if rep[p[0]] == p[0] and rep[p[1]] == p[1]}
    assert list(links) == m.pairs[: len(links)]


def test_the_order_of_the_numbers_and_multiset_filters_changes_no_verdict() -> None:
    """A batch whose first key is mostly CJK applies the multiset bound
    before the numbers prefilter (issue 12); the verified pairs are those
    of the other order."""
    latin = "growth of {} percent in the first quarter of the year, said the report of the bureau "
    keys = [latin.format(5) * 3, latin.format(6) * 3, latin.format(5) * 3 + "x", _PARA.format("三百") * 4, (_PARA.format("三百") * 4).replace("周末", "週日", 1), _PARA.format("四百") * 4]
    lengths = np.asarray([len(k) for k in keys], dtype=np.int64)
    pairs = np.asarray([[a, b] for a in range(6) for b in range(a + 1, 6)], dtype=np.int64)
    cjk_first = pairs[np.argsort(pairs[:, 0] < 3, kind="stable")]
    out = [match._verify(p, keys, lengths, threshold=90, numbers=True, workers=1, remember=False) for p in (pairs, cjk_first)]
    assert sorted(map(tuple, out[0].pairs.tolist())) == sorted(map(tuple, out[1].pairs.tolist())) == [(0, 2), (3, 4)]
