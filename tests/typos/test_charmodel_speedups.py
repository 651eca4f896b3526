"""The C versions of the context pass's look-ups (``ngram_find``,
``span_probs`` and ``word_gain_bounds`` of ``_cleaner_speedups``): the same
indices and the same floats, bit for bit, as the numpy and Python ones of
:mod:`cleaner.typos.charmodel` and :mod:`cleaner.typos.context` they
replace.  The comparisons skip when the module is not built."""

from __future__ import annotations

import copy

import random
from collections import Counter

import numpy as np
import pytest

from benchmarks.inject.corpora import throughput_text
from cleaner.typos import charmodel, context
from cleaner.typos.charmodel import CharModel, learn
from cleaner.typos.model import han_span, model, speedups


@pytest.fixture(scope="module")
def fast():
    mod = speedups()
    if mod is None:
        pytest.skip("_cleaner_speedups is not built (or CLEANER_PURE_PYTHON is set)")
    return mod


@pytest.fixture(scope="module")
def cm() -> CharModel:
    text = throughput_text("zh", 60_000)
    return learn([text[i : i + 2000] for i in range(0, len(text), 2000)])


def _random_text(rng: random.Random, corpus: str, n: int) -> str:
    """A piece of the corpus with a few characters replaced by others of it,
    by rare Han characters, digits, Latin letters or characters outside the
    BMP (ids of every class, and EDGE at either end)."""
    start = rng.randrange(0, max(1, len(corpus) - n))
    chars = list(corpus[start : start + n])
    for _ in range(rng.randrange(0, 6)):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice([rng.choice(corpus), chr(rng.randrange(0x4E00, 0xA000)), "7", "a", " ", "\n", chr(0x20000 + rng.randrange(50))])
    return "".join(chars)


def test_find_is_identical(fast, cm):
    rng = np.random.default_rng(16)
    stored = cm.keys[rng.integers(0, len(cm.keys), 3000)]
    keys = np.concatenate((stored, stored + np.uint64(1), stored - np.uint64(1), rng.integers(0, 2**63, 3000, dtype=np.uint64), np.array([0, 2**64 - 1], dtype=np.uint64), cm.keys[[0, -1]]))
    for shape in ((len(keys),), (len(keys) // 2, 2)):
        q = keys[: int(np.prod(shape))].reshape(shape)
        assert np.array_equal(cm._find(q), cm._py_find(q))
    assert (cm._find(stored) >= 0).all()


def test_gains_are_bit_identical(fast, cm, monkeypatch):
    rng = random.Random(16)
    corpus = throughput_text("zh", 60_000)
    cases = []
    for _ in range(300):
        text = _random_text(rng, corpus, rng.randrange(1, 60))
        k = rng.randrange(1, 12)
        pos = [rng.randrange(len(text)) for _ in range(k)]
        alts = [rng.choice([rng.choice(corpus), chr(rng.randrange(0x4E00, 0xA000)), "1", "x"]) for _ in range(k)]
        cases.append((text, pos, alts))
    fast_out = [cm.gains(*c).tolist() for c in cases]
    monkeypatch.setattr(charmodel, "_SPEEDUPS", None)
    slow_out = [cm.gains(*c).tolist() for c in cases]
    assert [[x.hex() for x in row] for row in fast_out] == [[x.hex() for x in row] for row in slow_out]


def test_gain_probs_are_bit_identical_on_random_ids(fast, cm):
    rng = np.random.default_rng(7)
    for _ in range(60):
        ids = rng.integers(0, 7, int(rng.integers(1, 40)))  # PAD, EDGE and the classes ...
        ids[rng.random(len(ids)) < 0.7] = rng.integers(16, len(cm.vocab) + 16)  # ... among characters
        m = int(rng.integers(0, 30))
        pos, repl = rng.integers(0, len(ids), m), rng.integers(0, 4096 - 16, m)
        p, back = cm._gain_probs(ids, pos, repl)
        want_p, want_back = cm._py_gain_probs(ids, pos, repl)
        assert [x.hex() for x in p.tolist()] == [x.hex() for x in want_p.tolist()]
        assert back.tolist() == want_back.tolist()


def test_gain_probs_of_many_candidates_are_bit_identical(fast, cm):
    """More candidates than the C evaluates side by side (32 rows): the
    rows are taken in groups, each looked up order by order; the same
    floats as numpy's, whatever the group's size."""
    rng = np.random.default_rng(33)
    for _ in range(30):
        ids = rng.integers(0, 7, int(rng.integers(1, 80)))
        ids[rng.random(len(ids)) < 0.8] = rng.integers(16, len(cm.vocab) + 16)
        m = int(rng.integers(30, 140))
        pos = rng.integers(0, len(ids), m)
        repl = np.where(rng.random(m) < 0.5, ids[pos], rng.integers(0, 4096 - 16, m))  # half of them what is written: every order read
        p, back = cm._gain_probs(ids, pos, repl)
        want_p, want_back = cm._py_gain_probs(ids, pos, repl)
        assert [x.hex() for x in p.tolist()] == [x.hex() for x in want_p.tolist()]
        assert back.tolist() == want_back.tolist()


def test_pair_bits_summary_marks_the_words_that_hold_a_pair(cm):
    """After the 2 MB of pairs (one bit each), the 32 KB summary that the C
    proposals read first: one bit per 64 pairs, set exactly when one of
    them is (a clear one answers "not written" without the bitmap)."""
    for least in (1, 2, 20):
        bits = context.proposals._pair_bits(cm, least)
        body, summary = bits[: 1 << 21], bits[1 << 21 :]
        assert len(summary) == 1 << 15
        words = np.unpackbits(body, bitorder="little").reshape(-1, 64).any(axis=1)
        assert np.array_equal(np.unpackbits(summary, bitorder="little").astype(bool), words)
        assert words.any() and not words.all()


def test_unhandled_arrays_fall_back_to_numpy(fast, cm):
    wide = CharModel(cm.vocab, cm.keys, cm.counts.astype(np.int64), dict(cm.stats))  # counts C does not read
    ids, pos, repl = cm.ids("我们在北京工作，大力发展旅游业。"), np.array([4, -1]), cm.ids("凉京")
    follow_n, follow_s = cm._follow
    assert fast.gain_probs(*wide._c_table, wide.counts, follow_n, follow_s, ids, pos[:1], repl[:1], 1.0, cm.order - 1) is NotImplemented
    assert fast.gain_probs(*cm._c_table, cm.counts, follow_n, follow_s, ids, pos, repl, 1.0, cm.order - 1) is NotImplemented  # numpy wraps -1
    text = "我们在北涼工作，大力发展旅游业。"
    assert wide.gains(text, [4, 4], ["京", "凉"]).tolist() == cm.gains(text, [4, 4], ["京", "凉"]).tolist()
    out = np.empty(3, dtype=np.int64)
    table, bits = cm._filter
    assert fast.ngram_find(cm.keys, table, bits + 1, cm._c_table[3], cm.keys[:3], out) is NotImplemented  # a filter of another size
    assert fast.ngram_find(cm.keys.astype(np.int64), table, bits, cm._c_table[3], cm.keys[:3], out) is NotImplemented
    assert fast.ngram_find(*cm._c_table, cm.keys[:3], out) is None and out.tolist() == [0, 1, 2]


def test_an_empty_model_finds_nothing(fast):
    empty = learn([])
    assert empty._find(np.array([1, 2 << 60 | 5], dtype=np.uint64)).tolist() == [-1, -1]


def test_word_gain_bounds_are_bit_identical(fast):
    rng = random.Random(5)
    text = throughput_text("zh", 40_000)
    m = model()
    for _ in range(600):
        i = rng.randrange(len(text))
        a, b = han_span(text, i, 4)
        if b <= a:
            continue
        chars = [rng.choice(text) for _ in range(rng.randrange(0, 8))] + [chr(rng.randrange(0x4E00, 0xA000)), "\U00020001"]
        banned = frozenset({text[i - 1 : i + 1], text[i : i + 2]}) if rng.random() < 0.3 else frozenset()
        fast_out = context.score._word_gain_bounds(text[a:b], i - a, chars, m, banned)
        assert [x.hex() for x in fast_out] == [x.hex() for x in context.score._py_word_gain_bounds(text[a:b], i - a, chars, m, banned)]


def test_word_gain_bounds_leave_other_arguments_to_python(fast):
    m = model()
    assert fast.word_gain_bounds("越来赴好", 2, ("越",), m.table, frozenset(), None) is NotImplemented  # a tuple
    assert fast.word_gain_bounds("越来赴好", 2, ["越来"], m.table, frozenset(), None) is NotImplemented  # not one character
    assert fast.word_gain_bounds("越来赴好", 4, ["越"], m.table, frozenset(), None) is NotImplemented  # outside the window
    assert context.score._word_gain_bounds("越来赴好", 2, ("越",), m, frozenset()) == context.score._py_word_gain_bounds("越来赴好", 2, ["越"], m, frozenset())


def test_middle_runs_are_identical(fast, cm):
    rng = np.random.default_rng(9)
    ids = cm.ids(throughput_text("zh", 20_000))
    for n in (0, 1, 7, 300):
        left, right = ids[rng.integers(0, len(ids), n)], ids[rng.integers(0, len(ids), n)]
        left[: n // 3] = rng.integers(0, 4096, n // 3)  # pairs the corpus may not have
        got, want = cm.middle_runs(left, right), cm._py_middle_runs(left, right)
        assert all(np.array_equal(g, w) and g.dtype == w.dtype for g, w in zip(got, want))
    assert fast.middle_runs(*cm._middle_index, np.array([4096]), np.array([16]), cm._c_middles[3]) is NotImplemented  # an id numpy would shift past its pair


def test_candidate_counts_are_identical(fast, cm, monkeypatch):
    rng = np.random.default_rng(11)
    ids = cm.ids(throughput_text("zh", 5_000))
    cases = []
    for n in (0, 1, 50, 400):
        at = np.concatenate((rng.integers(0, len(ids), n), [0, len(ids) - 1][: min(n, 2)])).astype(np.int64)  # the edges too
        new = ids[rng.integers(0, len(ids), len(at))]
        cases.append((at, new))
    got = [context.words._candidate_counts(ids, at, new, cm) for at, new in cases]
    monkeypatch.setattr(context.settings, "SPEEDUPS", None)
    want = [context.words._candidate_counts(ids, at, new, cm) for at, new in cases]
    assert all(np.array_equal(g, w) and g.dtype == w.dtype for g, w in zip(got, want))
    assert any((g > 0).any() for g in got)


def test_neighbour_counts_are_identical(fast, cm, monkeypatch):
    rng = random.Random(12)
    corpus = throughput_text("zh", 60_000)
    texts = ["", "天"] + [_random_text(rng, corpus, rng.randrange(1, 120)) for _ in range(200)]
    got = [cm.neighbour_counts(cm.ids(t)) for t in texts]
    monkeypatch.setattr(charmodel, "_SPEEDUPS", None)
    want = [cm.neighbour_counts(cm.ids(t)) for t in texts]
    assert all(np.array_equal(g, w) and g.dtype == w.dtype for gs, ws in zip(got, want) for g, w in zip(gs, ws))


def test_proposals_are_identical(fast, cm, monkeypatch):
    """``_cleaner_speedups.proposals`` (suspects to candidates in one call)
    gives :func:`context.proposals._py_proposals`'s lists, in its order, on pieces with
    rare, foreign and outside-the-BMP characters, and with other constants
    (pair detection, a higher detection count, no corpus or long-word
    proposals)."""
    rng = random.Random(13)
    corpus = throughput_text("zh", 60_000)
    texts = ["", "天", "天气", "。天"] + [_random_text(rng, corpus, rng.randrange(1, 200)) for _ in range(300)]
    texts += [_swapped(rng, t) for t in texts[4:]]  # look-alikes in: isolated suspects, corpus proposals
    texts += [_swapped(rng, t, steps=2) for t in texts[4:304]]  # look-alikes of look-alikes: two-step candidates
    nb, m = context.score._default_neighbours(), model()
    settings = (
        {}, {"CONTEXT_DETECT_PAIRS": True}, {"CONTEXT_DETECT": 1}, {"CONTEXT_CORPUS_CANDIDATES": 0}, {"CONTEXT_LONG_WORD": None, "CONTEXT_CORPUS_MIN_COUNT": 0},
        {"CONTEXT_TWO_STEP_BESIDE": None, "CONTEXT_TWO_STEP_NEAR_COST": None}, {"CONTEXT_TWO_STEP_BESIDE": 1, "CONTEXT_TWO_STEP_NEAR_LIMIT": 1000}, {"CONTEXT_WORD_PROPOSAL_COST": 16.0},
    )
    for constants in settings:
        for name, value in constants.items():
            monkeypatch.setattr(context.settings, name, value)
        assert all(context.proposals._c_proposals(t, cm, nb) is not None for t in texts[1:])
        got = [context.proposals.proposals_of(t, cm, nb, m) for t in texts]
        want = [context.proposals._py_proposals(t, cm, nb, m) for t in texts]
        assert got == want
        kinds = {(v, f) for g in got for v, f in zip(g[3], g[5])}
        assert sum(len(g[0]) for g in got) > 100 and (True, False) in kinds and (constants or {(False, False), (False, None)} <= kinds)
        monkeypatch.undo()
    # the two-step candidates (kind 1 beside a neighbour, kind 4 between) are among those compared
    on = Counter(k for t in texts[1:] for k in context.proposals._c_proposal_lists(t, cm, nb)[4])
    monkeypatch.setattr(context.settings, "CONTEXT_TWO_STEP_BESIDE", None)
    off = Counter(k for t in texts[1:] for k in context.proposals._c_proposal_lists(t, cm, nb)[4])
    assert on[4] > 0 and on[1] > off[1]


def test_proposals_read_two_steps_and_near_middles_as_python(fast, cm, monkeypatch):
    """The C proposals' corpus proposals two steps from what is written
    (kind 1, read from the two-step table) and the look-alike middles of
    suspects that are not isolated (read through a stamp per row) are
    :func:`context.proposals._py_proposals`' (channel costs and order), with none
    beside a neighbour to blur the kinds; both occur."""
    rng = random.Random(29)
    corpus = throughput_text("zh", 60_000)
    texts = [_swapped(rng, _random_text(rng, corpus, rng.randrange(20, 200)), steps=rng.choice((1, 2))) for _ in range(200)]
    nb, m = context.score._default_neighbours(), model()
    monkeypatch.setattr(context.settings, "CONTEXT_TWO_STEP_BESIDE", None)
    monkeypatch.setattr(context.settings, "CONTEXT_TWO_STEP_NEAR_COST", None)
    kinds: Counter[tuple[int, bool]] = Counter()
    for t in texts:
        isolated, pos, _, _, kind = context.proposals._c_proposal_lists(t, cm, nb)
        kinds.update((k, p in isolated) for p, k in zip(pos, kind))
    assert kinds[(1, True)] > 0 and kinds[(0, False)] > 0  # two steps away; a look-alike middle where what is written is not isolated
    assert [context.proposals.proposals_of(t, cm, nb, m) for t in texts] == [context.proposals._py_proposals(t, cm, nb, m) for t in texts]


def _swapped(rng: random.Random, text: str, *, steps: int = 1) -> str:
    """``text`` with a few characters replaced by look-alikes (``steps=2``:
    by look-alikes of look-alikes)."""
    chars = list(text)
    for i in rng.sample(range(len(chars)), min(len(chars), 4)):
        row = context.alikes._visual_row(chars[i])[0] if steps == 1 else "".join(sorted(context.alikes._visual_two_steps(chars[i]) - {chars[i]}))
        if row:
            chars[i] = rng.choice(row)
    return "".join(chars)


def test_proposals_leave_other_neighbours_to_python(fast, cm):
    assert context.proposals._c_proposals("我们在北涼工作", cm, lambda c: [("京", 1.0)]) is None


def test_proposals_of_a_model_learned_from_its_input_are_identical(fast, cm, monkeypatch):
    """With a model learned from its input (``clean --learn``) the suspects
    are found in Python, each text's own n-grams left out
    (:func:`context.proposals._given_suspects`), and the C proposals take
    them: the same lists as :func:`context.proposals._py_proposals`, for a
    text alone and for a segment of a longer one (the longer text's own
    n-grams left out: :mod:`context.segments`)."""
    rng = random.Random(31)
    corpus = throughput_text("zh", 60_000)
    texts = [_swapped(rng, _random_text(rng, corpus, rng.randrange(1, 200)), steps=rng.choice((1, 2))) for _ in range(200)]
    own = copy.copy(cm)
    own.stats = {**cm.stats, "from_input": True}
    nb, m = context.score._default_neighbours(), model()
    whole = context.detect.own_ngrams(own.ids("".join(texts)))
    for constants in ({}, {"CONTEXT_DETECT_PAIRS": True}, {"CONTEXT_DETECT": 1}):
        for name, value in constants.items():
            monkeypatch.setattr(context.settings, name, value)
        for left_out in (None, whole):  # each text's own n-grams; those of the text they make together
            assert all(context.proposals.c_proposal_buffers(t, own, nb, own=left_out) is not None for t in texts)
            got = [context.proposals.proposals_of(t, own, nb, m, own=left_out) for t in texts]
            assert got == [context.proposals._py_proposals(t, own, nb, m, own=left_out) for t in texts] and sum(len(g[0]) for g in got) > 100
        monkeypatch.undo()
    # the suspects differ from those of the same model read as another's (its texts' own n-grams counted)
    assert [context.proposals.proposals_of(t, own, nb, m)[4] for t in texts] != [context.proposals.proposals_of(t, cm, nb, m)[4] for t in texts]


def test_the_filter_keeps_every_key_and_few_others():
    """The blocked Bloom filter (three bits of one word a key): no stored
    n-gram is filtered out, and n-grams one id away from stored ones pass
    it seldom (a third of the one-bit filter's 10 %)."""
    m = learn([throughput_text("zh", 60_000)])
    table, bits = m._filter
    words = table.view(np.uint64)
    assert len(table) == 1 << (bits - 3) and bits >= 10
    mask = charmodel._filter_mask(m.keys, bits)
    assert bool(np.all(words[charmodel._filter_word(m.keys, bits)] & mask == mask))
    near = np.concatenate((m.keys + np.uint64(1), m.keys ^ np.uint64(1 << 13)))
    near = near[~np.isin(near, m.keys)]
    mask = charmodel._filter_mask(near, bits)
    passed = float(np.mean(words[charmodel._filter_word(near, bits)] & mask == mask))
    assert len(near) > 10_000 and passed < 0.05


def test_find_through_the_fence_is_identical(fast):
    """The C search goes through every eighth key (the fence) first: keys
    at a run's first and last places, between fence keys and past the
    table's end are found as a binary search finds them, in models of a few
    keys (runs shorter than a block) and of many."""
    for texts in (["天气很好。"], ["天气很好。", "天气不好。"] * 3, [throughput_text("zh", 20_000)]):
        small = learn(texts)
        rng = np.random.default_rng(len(small.keys))
        keys = small.keys
        q = np.concatenate((keys, keys + np.uint64(1), keys - np.uint64(1), rng.integers(0, 2**63, 500, dtype=np.uint64)))
        assert np.array_equal(small._find(q), small._py_find(q))
        assert len(small._c_table[3]) == 5 * 4097 + (len(keys) + 7) // 8


def test_word_gain_bounds_of_many_places_are_identical(fast):
    """``word_gain_bounds_many`` (every place of a text in one call) gives
    each place's :func:`context.score._py_word_gain_bounds`, float for float, and
    leaves a span outside the text to Python."""
    rng = random.Random(14)
    corpus = throughput_text("zh", 20_000)
    m = model()
    for _ in range(60):
        text = _swapped(rng, _random_text(rng, corpus, rng.randrange(5, 120)))
        places = sorted({i for i in range(len(text)) if "\u4e00" <= text[i] <= "\u9fff"})[: rng.randrange(0, 12)]
        spans = [(*han_span(text, i, context.settings.WINDOW), i) for i in places]
        chars = [list(context.alikes._visual_row(text[i])[0][:6]) or ["的"] for i in places]
        got = context.score._word_gain_bounds_many(text, spans, chars, m, frozenset())
        assert got == [context.score._py_word_gain_bounds(text[a:b], i - a, cs, m, frozenset()) for (a, b, i), cs in zip(spans, chars)]
    assert fast.word_gain_bounds_many("越来赴好", [(0, 9, 2)], [["越"]], m.table, frozenset(), None) is NotImplemented
