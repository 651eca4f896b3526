"""``_cleaner_speedups.proposal_lists`` (what the context pass reads of the
proposals before the gains, in one C call) against the Python it replaces:
:func:`context.proposals.proposals_of`' lists, :func:`context.score._rarity_discounted`,
:func:`context.proposals._left_out_of` and :func:`context.score._left_out_evidence`; the
same values and the same floats bit for bit.  And the regex scans of
:func:`cleaner.typos.guards._sentence_span` against its character loops.
The C comparisons skip when the module is not built."""

from __future__ import annotations

import random

import numpy as np
import pytest

from benchmarks.inject.corpora import throughput_text
from cleaner.typos import context, guards
from cleaner.typos.model import code_points, model
from tests.typos.test_charmodel_speedups import _random_text, _swapped, cm, fast  # noqa: F401 (fixtures)


def _python_lists(text, cm, nb, m):
    """The reference: the proposals read in Python, as :func:`context.score.score_all` does without ``proposal_lists``."""
    ids = cm.ids(text)
    left_out: list[context.proposals.LeftOut] = []
    pos, alts, chan, visual, lone, flags = context.proposals.proposals_of(text, cm, nb, m, ids, left_out=left_out)
    if context.settings.CONTEXT_RARE_RATIO is not None:
        chan = context.score._rarity_discounted(text, pos, alts, chan, visual, cm)
    return (pos, alts, chan, visual, lone, flags), *context.score._left_out_evidence(left_out)


def _same(got, want) -> bool:
    """Equal, the floats bit for bit (and of the same types)."""
    def key(x):
        if isinstance(x, float):
            return ("f", x.hex())
        if isinstance(x, (list, tuple)):
            return (type(x).__name__, [key(y) for y in x])
        if isinstance(x, (set, frozenset)):
            return (type(x).__name__, sorted(key(y) for y in x))
        return (type(x).__name__, x)

    return key(got) == key(want)


def test_proposal_lists_are_pythons(fast, cm, monkeypatch):
    """The same lists on pieces with look-alikes, look-alikes of look-alikes,
    rare, foreign and outside-the-BMP characters, with the look-alikes apart
    left out or not, with the rarity discount and without; every part
    (discounts, look-alikes left out, plausible ones, long-word flags)
    occurs."""
    rng = random.Random(41)
    corpus = throughput_text("zh", 60_000)
    texts = ["天", "天气", "。天"] + [_random_text(rng, corpus, rng.randrange(1, 200)) for _ in range(200)]
    texts += [_swapped(rng, t) for t in texts[3:]] + [_swapped(rng, t, steps=2) for t in texts[3:203]]
    nb, m = context.score._default_neighbours(), model()
    settings = ({}, {"CONTEXT_RARE_RATIO": None}, {"CONTEXT_LONE_BESIDE": False}, {"CONTEXT_RARE_RATIO": 0.5, "CONTEXT_PLAUSIBLE": -6.0}, {"CONTEXT_LONG_WORD": None})
    for constants in settings:
        for name, value in constants.items():
            monkeypatch.setattr(context.settings, name, value)
        seen = {"discount": 0, "away": 0, "plausible": 0, "unverified": 0}
        for t in texts:
            got = context.score._c_score_lists(t, cm, nb, cm.ids(t), code_points(t))
            assert got is not None
            want = _python_lists(t, cm, nb, m)
            assert _same(got[:4], want), t
            (pos, alts, chan, visual, _, flags), away, _, plausible, at, codes = got
            assert at.tolist() == pos and codes.tolist() == list(map(ord, alts))  # for CharModel.gains_at
            undiscounted = context.proposals.proposals_of(t, cm, nb, m, cm.ids(t), left_out=[])[2]
            seen["discount"] += sum(a != b for a, b in zip(chan, undiscounted))
            seen["away"] += len(away)
            seen["plausible"] += len(plausible)
            seen["unverified"] += sum(f is None for f in flags)
        assert seen["discount"] > 0 or constants.get("CONTEXT_RARE_RATIO", 0.01) is None
        assert seen["away"] > 0 and seen["plausible"] > 0 if constants.get("CONTEXT_LONE_BESIDE", True) else seen["away"] == 0
        assert seen["unverified"] > 0 or "CONTEXT_LONG_WORD" in constants
        monkeypatch.undo()


def test_score_all_is_the_same_with_and_without_the_c_module(fast, cm, monkeypatch):
    """:func:`context.score.score_all` (the candidates and their scores) with the
    C module and with context's Python only."""
    rng = random.Random(43)
    corpus = throughput_text("zh", 60_000)
    texts = [_swapped(rng, _random_text(rng, corpus, rng.randrange(20, 200))) for _ in range(120)]
    got = [context.score.score_all(t, cm, frozenset(), None, None) for t in texts]
    monkeypatch.setattr(context.settings, "SPEEDUPS", None)
    want = [context.score.score_all(t, cm, frozenset(), None, None) for t in texts]
    assert got == want and sum(len(g[0]) for g in got) > 20


def test_proposal_lists_leave_what_they_do_not_handle_to_python(fast, cm):
    t = "我们在北涼工作。"
    ids = cm.ids(t)
    bufs = list(context.proposals.c_proposal_buffers(t, cm, context.score._default_neighbours(), ids, apart=True))
    params = np.array((10.0, 8.0, 16.0, 16.0, 28.0, 8.0, -2.0, 1.0, 0.01, 5.0))
    args = [*bufs, ids, cm.table, cm.solo_logp, cm.unigram_counts, params]
    assert isinstance(fast.proposal_lists(*args), tuple)
    bad_kind = bytearray(np.full(len(bufs[4]) // 8, 5, dtype=np.int64).tobytes())
    bad_pos = bytearray(np.full(len(bufs[1]) // 8, len(t), dtype=np.int64).tobytes())
    assert len(bufs[1]) > 0
    for k, value in ((4, bad_kind), (1, bad_pos), (3, bytearray(7)), (8, ids.astype(np.int32)), (9, cm.table.astype(np.int64)), (12, params[:5])):
        wrong = list(args)
        wrong[k] = value
        assert fast.proposal_lists(*wrong) is NotImplemented
    with pytest.raises(TypeError):
        fast.proposal_lists(*args[:5])


def _loops(text: str, pos: int, width: int) -> tuple[int, int]:
    """:func:`guards._sentence_span` as character loops (the reference)."""
    a, b = max(0, pos - width), min(len(text), pos + width + 1)
    for i in range(pos - 1, a - 1, -1):
        if text[i] in guards._SENTENCE_END:
            a = i + 1
            break
    for i in range(pos + 1, b):
        if text[i] in guards._SENTENCE_END:
            b = i
            break
    return a, b


def test_sentence_span_is_the_loops():
    rng = random.Random(7)
    alphabet = "甲乙丙丁。！？!?\n\r a.；"
    for _ in range(20_000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        pos, width = rng.randrange(len(t)), rng.choice((0, 1, 3, 8, 40))
        assert guards._sentence_span(t, pos, width) == _loops(t, pos, width), (t, pos, width)


def test_floor_groups_is_the_python_loop(fast):
    """``_cleaner_speedups.floor_groups`` (the floor loop of
    :func:`context.score.score_all`) gives :func:`context.score._py_floor_groups`'
    counts, spans, groups and characters on random candidates: gains and
    costs around the floors (NaN too), isolated positions or not, counted
    ones, texts with Han runs broken by other characters."""
    rng = random.Random(47)
    floors = np.array((context.settings.CONTEXT_WORD_WEIGHT * context.settings.CONTEXT_WORD_SLACK, context.settings.CONTEXT_SUGGEST, context.settings.CONTEXT_SUGGEST + context.settings.CONTEXT_UNISOLATED,
                       context.settings.CONTEXT_CHANNEL_COST, context.settings.CONTEXT_CHANNEL_SLOPE, context.settings.CONTEXT_PLAUSIBLE))
    kinds = {"plausible": 0, "groups": 0, "empty": 0}
    for _ in range(3000):
        text = "".join(rng.choice("天气很好我们在北京工作。a1 ") for _ in range(rng.randint(1, 60)))
        n = rng.randint(0, 30)
        pos = sorted(rng.randrange(len(text)) for _ in range(n))
        gains = [rng.choice((float("nan"), rng.uniform(-20, 30), 0.0)) for _ in range(n)]
        chan = [rng.choice((8.0, 16.0, 28.0, rng.uniform(8, 18))) for _ in range(n)]
        visual = [rng.random() < 0.6 for _ in range(n)]
        isolated = frozenset(p for p in set(pos) if rng.random() < 0.7)
        counted = {p for p in range(len(text)) if rng.random() < 0.1}
        alts = [rng.choice("京凉原作") for _ in range(n)]
        args = (text, pos, gains, chan, visual, isolated, counted, alts)
        got = fast.floor_groups(*args, floors, context.settings.WINDOW)
        want = context.score._py_floor_groups(*args)
        assert got == want, args
        kinds["plausible"] += got[0] > len(counted)
        kinds["groups"] += len(got[2]) > 0
        kinds["empty"] += not got[2]
    assert min(kinds.values()) > 100
    t, args = "我们在北京工作", (["x"], [1.0], [2.0], [True], frozenset(), set(), ["京"])
    assert fast.floor_groups(t, [3, 2], [1.0, 1.0], [2.0, 2.0], [True, True], frozenset(), set(), ["京", "京"], floors, 4) is NotImplemented  # not ascending
    assert fast.floor_groups(t, [3], [1], [2.0], [True], frozenset(), set(), ["京"], floors, 4) is NotImplemented  # an int gain
    assert fast.floor_groups(t, [3], [1.0], [2.0], [True], frozenset(), set(), ["京"], floors[:3], 4) is NotImplemented
    assert fast.floor_groups(t, [9], [1.0], [2.0], [True], frozenset(), set(), ["京"], floors, 4) is NotImplemented  # past the text
    assert fast.floor_groups(t, *args, floors, 4) is NotImplemented  # pos is no list of ints
