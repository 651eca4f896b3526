"""The optional C module ``_cleaner_speedups`` (cleaner/typos/speedups.c): the same results as
the Python functions of :mod:`cleaner.typos.model` it replaces, float for
float and memo for memo.  The comparisons skip when it is not built."""

from __future__ import annotations

import random

import pytest

from benchmarks.inject.corpora import throughput_text
from cleaner.confusion import visual_neighbours
from cleaner.typos import confusion_rule
from cleaner.typos import model as model_mod
from cleaner.typos.model import WordModel, model, py_word_gain_bound, py_word_starts


@pytest.fixture(scope="module")
def fast():
    mod = model_mod.speedups()
    if mod is None:
        pytest.skip("_cleaner_speedups is not built (or CLEANER_PURE_PYTHON is set)")
    return mod


def _han_runs(text: str) -> list[str]:
    runs, run = [], []
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            run.append(ch)
        elif run:
            runs.append("".join(run))
            run = []
    return [r for r in runs if len(r) >= 2]


def _odd_char(rng: random.Random) -> str:
    """A character the compact table cannot hold (outside the BMP, or U+0000)
    or one of Latin-1 (a narrower str)."""
    return rng.choice(["\x00", "a", "\xe9", chr(rng.randrange(0x20000, 0x20100)), chr(rng.randrange(0x1F600, 0x1F650))])


def _cases(n: int, seed: int, m: WordModel | None = None):
    """Random windows of real Chinese text and of random characters (some
    with characters outside the BMP, U+0000 or Latin-1), a position, a
    replacement (a look-alike, a common or a random character), a banned
    set (empty or words of the window) and the starts (given or not)."""
    m = m or model()
    rng = random.Random(seed)
    runs = _han_runs(throughput_text("zh", 200_000))
    for k in range(n):
        if k % 10 == 9:
            window = "".join(_odd_char(rng) if rng.random() < 0.2 else rng.choice(runs)[0] for _ in range(rng.randint(1, 20)))
        elif k % 5 == 4:
            window = "".join(chr(rng.randrange(0x4E00, 0xA000)) for _ in range(rng.randint(1, 20)))
        else:
            run = rng.choice(runs)
            a = rng.randrange(len(run))
            window = run[a : a + rng.randint(1, 17)]
        p = rng.randrange(len(window))
        nbs = [c for c, _ in visual_neighbours(window[p])]
        r = rng.random()
        c = window[p] if r < 0.3 else rng.choice(nbs) if nbs and r < 0.8 else _odd_char(rng) if r < 0.85 else rng.choice("的了是在一不有这我他们中国年越士末已" + chr(rng.randrange(0x4E00, 0xA000)))
        banned: frozenset[str] = frozenset()
        if rng.random() < 0.3:
            new = window[:p] + c + window[p + 1 :]
            banned = frozenset(s[i:j] for s in (window, new) for i in range(len(s)) for j in range(i + 2, min(len(s), i + 8) + 1) if rng.random() < 0.3)
        starts = py_word_starts(window, p, m) if rng.random() < 0.7 else None
        yield window, p, c, banned, starts


def _odd_model() -> WordModel:
    """The model's table with words the compact table cannot hold (outside
    the BMP, with U+0000, longer than MAX_WORD) and their prefixes."""
    m = model()
    table = dict(m.table)
    rng = random.Random(5)
    for _ in range(300):
        w = "".join(_odd_char(rng) if rng.random() < 0.4 else rng.choice("的了是在一不有这我他们中国年越士末已") for _ in range(rng.randint(1, 10)))
        for i in range(1, len(w)):
            table.setdefault(w[:i], None)
        table[w] = -rng.uniform(5, 15)
    return WordModel(table, m.tags, m.bigrams)


@pytest.mark.parametrize("odd", [False, True])
def test_word_gain_bound_is_bit_identical(fast, odd):
    m = _odd_model() if odd else model()
    ct = model_mod.compact_table(m.table)
    assert ct is not None
    n = 0
    for window, p, c, banned, starts in _cases(4000, 7 + odd, m):
        memo_py: dict[tuple[int, int], float] = {}
        memos = {"dict": {}, "compact": {}}
        for _ in range(2):  # the second time, from the memo
            want = py_word_gain_bound(window, p, c, m, banned, memo_py, starts)
            for name, compact in (("dict", None), ("compact", ct)):
                got = fast.word_gain_bound(window, p, c, m.table, banned, memos[name], starts, compact)
                assert got.hex() == want.hex(), (name, window, p, c, banned, starts)
                assert list(memos[name].items()) == list(memo_py.items())
            assert model_mod.word_gain_bound(window, p, c, m, banned, {}, starts).hex() == want.hex()
        n += bool(memo_py)
    assert n > 500  # the cases reach the memo, not only the single characters


def test_word_gain_bound_shares_the_python_memo(fast):
    """A memo filled by one version serves the other."""
    m = model()
    ct = model_mod.compact_table(m.table)
    for window, p, c, banned, starts in _cases(300, 11):
        memo: dict[tuple[int, int], float] = {}
        want = py_word_gain_bound(window, p, c, m, banned, memo, starts)
        assert fast.word_gain_bound(window, p, c, m.table, banned, memo, starts, ct) == want
        assert fast.word_gain_bound(window, p, c, m.table, banned, memo, starts, None) == want
        memo2: dict[tuple[int, int], float] = {}
        assert fast.word_gain_bound(window, p, c, m.table, banned, memo2, starts, ct) == want
        assert py_word_gain_bound(window, p, c, m, banned, memo2, starts) == want


@pytest.mark.parametrize("odd", [False, True])
def test_word_starts_is_identical(fast, odd):
    m = _odd_model() if odd else model()
    ct = model_mod.compact_table(m.table)
    for window, p, _, _, _ in _cases(3000, 3, m):
        for q in (p, len(window)):
            want = py_word_starts(window, q, m)
            assert fast.word_starts(window, q, m.table, None) == want
            assert fast.word_starts(window, q, m.table, ct) == want
            assert model_mod.word_starts(window, q, m) == want


@pytest.mark.parametrize("odd", [False, True])
def test_logprob_variants_are_bit_identical(fast, odd):
    """The C lattice of a window and its variants gives the floats of the
    Python one, with the dict or the compact table, banned words or none,
    replacements the compact table cannot hold."""
    m = _odd_model() if odd else model()
    ct = model_mod.compact_table(m.table)
    assert ct is not None
    words = 0
    for window, p, c, banned, _ in _cases(3000, 17 + odd, m):
        chars = [c] + [x for x, _ in visual_neighbours(window[p])][:4]
        base, news = m.py_logprob_variants(window, p, chars, banned)
        want = (base.hex(), [x.hex() for x in news])
        for compact in (None, ct):
            got = fast.logprob_variants(window, p, chars, m.table, banned, compact)
            assert (got[0].hex(), [x.hex() for x in got[1]]) == want, (window, p, chars, banned)
        got = m.logprob_variants(window, p, iter(chars), banned)
        assert (got[0].hex(), [x.hex() for x in got[1]]) == want
        words += base > model_mod.UNKNOWN_LOGP * len(window)
    assert words > 1000  # the windows hold words, not only unknown characters


@pytest.mark.parametrize("odd", [False, True])
def test_covering_words_are_identical(fast, odd):
    m = _odd_model() if odd else model()
    ct = model_mod.compact_table(m.table)
    found = 0
    for window, p, c, _, _ in _cases(2000, 23 + odd, m):
        new = window[:p] + c + window[p + 1 :]
        for text in (window, new):
            for min_len in (1, 2, 4):
                want = list(m.py_covering_words(text, p, min_len))
                assert fast.covering_words(text, p, min_len, m.table, None) == want
                assert fast.covering_words(text, p, min_len, m.table, ct) == want
                assert list(m.covering_words(text, p, min_len)) == want
                found += len(want)
    assert found > 3000
    for i in (-1, 4):  # outside the text: Python's answer
        assert fast.covering_words("越来越好", i, 2, m.table, ct) is NotImplemented
        assert list(m.covering_words("越来越好", i)) == list(m.py_covering_words("越来越好", i))


def test_han_span_is_identical(fast):
    for window, p, _, _, _ in _cases(2000, 31):
        for width in (0, 1, 4, 8, len(window)):
            want = model_mod.py_han_span(window, p, width)
            assert fast.han_span(window, p, width) == want == model_mod.han_span(window, p, width)
    text = "我们，在北京工作"
    for i, width in ((len(text), 2), (-1, 2), (3, -1)):
        assert fast.han_span(text, i, width) is NotImplemented
        assert model_mod.han_span(text, i, width) == model_mod.py_han_span(text, i, width)
    assert fast.han_span(text, 3, 10**9) == model_mod.py_han_span(text, 3, 10**9) == (3, 8)


def test_logprob_variants_leave_other_arguments_to_python(fast):
    m = model()
    for args in (("越来赴", 3, ["越"]), ("越来赴", -1, ["越"]), ("越来赴", 2, ["越来"]), ("越来赴", 2, "越"), ("", 0, ["越"])):
        assert fast.logprob_variants(*args, m.table, frozenset(), None) is NotImplemented
    assert fast.logprob_variants("越来赴", 2, ["越"], m.table, {"越来"}, None) is NotImplemented
    assert m.logprob_variants("越来赴", 2, ["越来"], frozenset({"越来"})) == m.py_logprob_variants("越来赴", 2, ["越来"], frozenset({"越来"}))
    assert m.logprob_variants("", 0, ["越"]) == (0.0, [])


def test_compact_table_holds_the_short_bmp_strings(fast):
    """Every string of 1..MAX_WORD characters of the BMP without U+0000 is in
    the copy; the others stay in the dict only."""
    m = _odd_model()
    held = sum(1 for w in m.table if 1 <= len(w) <= model_mod.MAX_WORD and all(0 < ord(ch) <= 0xFFFF for ch in w))
    assert held < len(m.table)
    stored, slots, size = fast.compact_info(fast.compact_table(m.table))
    assert stored == held and 4 * stored <= 3 * slots and size >= 24 * slots
    assert fast.compact_table({"越来": 1}) is None and fast.compact_table({1: None}) is None
    assert fast.compact_table({"越来": float("nan")}) is None


def test_a_compact_table_of_another_table_is_not_used(fast):
    """The copy of another dict, or of this one before it grew, is ignored:
    the dict answers."""
    m = model()
    t = {"越来": None, "越来越": -8.0, "越": -9.0, "来": -7.0}
    ct = fast.compact_table(t)
    want = py_word_gain_bound("越来赴好", 2, "越", m, frozenset(), {})
    assert fast.word_gain_bound("越来赴好", 2, "越", m.table, frozenset(), {}, None, ct) == want
    t["赴"] = -1.0
    tm = WordModel(t, {}, {})
    assert fast.word_gain_bound("越来赴好", 2, "越", t, frozenset(), {}, None, ct) == py_word_gain_bound("越来赴好", 2, "越", tm, frozenset(), {})
    assert fast.word_starts("越来赴", 2, t, ct) == py_word_starts("越来赴", 2, tm)
    with pytest.raises(ValueError):
        fast.word_starts("越来赴", 2, t, object())


def test_unhandled_arguments_fall_back_to_python(fast):
    """A dict subclass, a plain set, a start outside the window, a value that
    is no float: NotImplemented from C, the Python result from the model."""
    m = model()
    odd = WordModel(type("T", (dict,), {})(m.table), m.tags, m.bigrams)
    ct = model_mod.compact_table(m.table)
    assert model_mod.compact_table(odd.table) is None
    assert fast.word_gain_bound("越来赴好", 2, "越", odd.table, frozenset(), {}, None, None) is NotImplemented
    assert fast.word_gain_bound("越来赴好", 2, "越", m.table, {"越来"}, {}, None, ct) is NotImplemented
    assert fast.word_gain_bound("越来赴好", 2, "越", m.table, frozenset(), {}, [3], ct) is NotImplemented
    assert fast.word_gain_bound("越来赴好", 4, "越", m.table, frozenset(), {}, None, ct) is NotImplemented
    assert fast.word_starts("越来赴好", 5, m.table, ct) is NotImplemented
    intish = WordModel({**m.table, "越来越": 1}, m.tags, m.bigrams)
    assert model_mod.compact_table(intish.table) is None
    assert fast.word_gain_bound("越来赴好", 2, "越", intish.table, frozenset(), {}, None, None) is NotImplemented
    for mm in (odd, intish):
        assert model_mod.word_gain_bound("越来赴好", 2, "越", mm, frozenset(), {}) == py_word_gain_bound("越来赴好", 2, "越", mm, frozenset(), {})


def test_candidates_are_the_same_without_it(fast, monkeypatch):
    assert confusion_rule.word_gain_bound is not py_word_gain_bound  # the C version is in use
    text = throughput_text("zh", 60_000)
    with_c = confusion_rule.candidates(text)
    monkeypatch.setattr(confusion_rule, "word_gain_bound", py_word_gain_bound)
    monkeypatch.setattr(confusion_rule, "word_starts", py_word_starts)
    assert confusion_rule.candidates(text) == with_c


def test_environment_variable_and_stale_builds_turn_it_off(monkeypatch):
    monkeypatch.setenv("CLEANER_PURE_PYTHON", "1")
    assert model_mod.speedups() is None
    monkeypatch.delenv("CLEANER_PURE_PYTHON")
    monkeypatch.setattr(model_mod, "SPEEDUPS_ABI", -1)
    assert model_mod.speedups() is None


class _Chars:
    """A stand-in for :class:`cleaner.typos.model.WordIndex` with only ``chars``."""

    char_lps = model_mod.WordIndex.char_lps

    def __init__(self, chars):
        self.chars = chars


def _random_screen_args(rng: random.Random):
    """Random arguments for ``_screen_arrays``: small id and value ranges on a
    grid of quarters, so that pairs repeat, floats tie and estimates land
    exactly on the floor; suspects in any order, repeated, at the text's
    ends; code points past the characters' table (unknown)."""
    import numpy as np

    def grid(lo: int, hi: int) -> float:
        return rng.randrange(lo * 4, hi * 4 + 1) / 4

    width = rng.randrange(2, 9)
    flats = sorted(rng.sample(range(width * width), rng.randrange(0, width * width + 1)))
    bits = confusion_rule._bitmap(np.array(flats, dtype=np.int64), width * width)
    keys = np.array(flats or [0], dtype=np.int64)  # a bigram of every set bit (and never an empty table)
    lps = np.array([grid(-20, -2) for _ in keys], dtype=np.float64)
    nrows = rng.randrange(1, 6)
    count = [rng.randrange(0, 7) for _ in range(nrows)]
    start = np.cumsum([0] + count)[:-1].astype(np.int64)
    sim = [s for c in count for s in sorted((grid(0, 2) for _ in range(c)), reverse=True)]
    top = [max([grid(0, 2)] + sim[a : a + c]) for a, c in zip(start.tolist(), count)]
    partners = confusion_rule._Partners(
        slots=np.zeros(1, dtype=np.int64),
        top=np.array(top, dtype=np.float64),
        c_lp=np.array([grid(-16, -4) for _ in range(nrows)], dtype=np.float64),
        start=start,
        count=np.array(count, dtype=np.int64),
        nb=np.array([rng.randrange(0x4E00, 0x9FA5) for _ in sim], dtype=np.int64),
        sim=np.array(sim, dtype=np.float64),
        best_pair=grid(-6, 0),
    )
    sets = confusion_rule._PairSets(
        ids=np.zeros(1, dtype=np.int64),
        width=width,
        bigrams=bits,
        misspelled=bits,
        partner_ids=np.array([rng.randrange(width) for _ in sim], dtype=np.int64),
        pair_keys=keys,
        pair_lps=lps,
    )
    nchars = rng.randrange(1, 12)
    index = _Chars(np.array([grid(-18, -3) for _ in range(nchars)], dtype=np.float64))
    n = rng.randrange(1, 12)
    cp = np.array([rng.randrange(nchars + 3) for _ in range(n)], dtype=np.int64)
    ids = np.array([rng.randrange(width) for _ in range(n)], dtype=np.int64)
    suspects = [rng.randrange(n) for _ in range(rng.randrange(0, 9))]
    if rng.random() < 0.5:
        suspects = sorted(set(suspects))
    slots = np.array([rng.randrange(nrows) for _ in suspects], dtype=np.int64)
    floor = grid(-12, 4)
    return cp, ids, np.array(suspects, dtype=np.int64), slots, partners, sets, index, floor


def _same_arrays(a, b) -> bool:
    return len(a) == len(b) and all(x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes() for x, y in zip(a, b))


def test_screen_arrays_is_bit_identical_on_random_arrays(fast):
    """The C screen gives numpy's five arrays byte for byte (same dtypes,
    same floats, same order: a suspect's left look-alikes, then the right's)."""
    assert confusion_rule._screen_arrays is not confusion_rule.py_screen_arrays  # the C version is in use
    rng = random.Random(20261203)
    kept = 0
    for _ in range(4000):
        args = _random_screen_args(rng)
        want = confusion_rule.py_screen_arrays(*args)
        got = confusion_rule._screen_arrays(*args)
        assert _same_arrays(want, got), args
        assert all(x.flags.writeable for x in got)
        kept += len(want[2])
    assert kept > 1000  # the cases keep look-alikes, not only empty results


def test_screen_arrays_is_bit_identical_on_text(fast, monkeypatch):
    """On the model's own arrays, for text with look-alikes swapped in, at
    several floors: the same arrays, and so the same candidates."""
    calls = []

    def both(*args):
        want = confusion_rule.py_screen_arrays(*args)
        got = confusion_rule._c_screen_arrays(*args)
        calls.append(_same_arrays(want, got) and len(want[2]) > 0)
        return want

    text = throughput_text("zh", 60_000)
    rng = random.Random(7)
    chars = list(text)
    for _ in range(len(chars) // 40):
        i = rng.randrange(len(chars))
        nb = visual_neighbours(chars[i])
        if nb:
            chars[i] = rng.choice(nb)[0]
    damaged = "".join(chars)
    monkeypatch.setattr(confusion_rule, "_screen_arrays", both)
    for floor in (-2.0, 0.0, 3.0):
        for part in range(0, len(damaged), 3000):
            confusion_rule.candidates(damaged[part : part + 3000], floor=floor)
    assert calls and all(calls)


def test_screen_arrays_leaves_unexpected_arrays_to_numpy(fast):
    """Another dtype, a non-contiguous array, an index numpy would wrap:
    NotImplemented from C, numpy's result (or error) from the dispatch."""
    import numpy as np

    rng = random.Random(3)
    args = _random_screen_args(rng)
    while not len(args[2]):
        args = _random_screen_args(rng)
    cp, ids, suspects, slots, partners, sets, index, floor = args

    def c_args(cp, ids, suspects, slots):
        return (cp, ids, suspects, slots, partners.count, partners.start, partners.top, partners.c_lp, partners.sim, partners.nb, partners.best_pair,
                sets.partner_ids, sets.bigrams, sets.width, sets.pair_keys, sets.pair_lps, index.chars, floor)

    assert fast.screen_arrays(*c_args(cp, ids, suspects, slots)) is not NotImplemented
    odd = [
        (cp, ids, suspects.astype(np.int32), slots),
        (cp.astype(np.float64), ids, suspects, slots),
        (cp, ids, np.repeat(suspects, 2)[::2], slots),
        (cp, ids, suspects, slots - len(partners.top)),  # numpy wraps the rows
        (cp, ids, suspects, [int(s) for s in slots]),
    ]
    for o in odd:
        assert fast.screen_arrays(*c_args(*o)) is NotImplemented

    def outcome(f, o):
        try:
            return [a.tobytes() for a in f(*o, partners, sets, index, floor)]
        except IndexError as e:
            return str(e)

    for o in odd[:4]:
        o = (*o[:3], np.asarray(o[3]))
        assert outcome(confusion_rule._screen_arrays, o) == outcome(confusion_rule.py_screen_arrays, o)
    assert fast.screen_arrays(*c_args(cp, ids, suspects, slots)[:-1], np.float64(floor)) is NotImplemented


def test_the_compact_copy_is_built_only_once_a_run_is_long_enough(monkeypatch):
    """The C functions read the dict for the first COMPACT_AFTER look-ups of a
    table and its compact copy after: a one-record run does not pay for the
    copy; the results are the same either way."""
    if model_mod.speedups() is None:
        pytest.skip("the C module is not built")
    monkeypatch.setattr(model_mod, "COMPACT_AFTER", 3)
    monkeypatch.setattr(model_mod, "_COMPACT", {})
    t = {"越": -9.0, "越来": None, "越来越": -8.0, "好": -7.0}
    got = [model_mod._compact_when_due(t) for _ in range(4)]
    assert got[:2] == [None, None] and got[2] is not None and got[3] is got[2]
    m = model_mod.model()
    bounds = []
    for _ in range(5):  # across the switch from the dict to the compact copy
        bounds.append(model_mod.word_gain_bound("越来赴好", 2, "越", m, frozenset(), {}))
    assert len(set(bounds)) == 1 and bounds[0] == model_mod.py_word_gain_bound("越来赴好", 2, "越", m, frozenset(), {})
