"""The query side of the character model: the batched look-ups that
:meth:`CharModel.gains` and :meth:`CharModel.cond_logprob` make (one search
over every n-gram of a batch, a Bloom filter in front of it, the n-grams a
replacement leaves alone read once) give what the plain formulas give.

The corpus is the redistributable text shipped with the project (as in
``test_charmodel.py``)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from cleaner.typos import charmodel
from cleaner.typos.charmodel import DISCOUNT, PAD, CharModel, learn

from .test_charmodel import corpus_lines


@pytest.fixture(scope="module", params=[1, 2, 3, 5])
def model(request: pytest.FixtureRequest) -> CharModel:
    return learn(iter(corpus_lines()), order=request.param)


@pytest.fixture(scope="module")
def pruned() -> CharModel:
    return learn(iter(corpus_lines()), max_ngrams=20_000)


def test_find_agrees_with_a_binary_search(pruned: CharModel) -> None:
    rng = np.random.default_rng(0)
    keys = pruned.keys
    present = rng.choice(keys, 2000)
    near = present + np.uint64(1)  # absent mostly, beside a stored key
    scattered = rng.integers(0, 1 << 62, 2000, dtype=np.uint64) | np.uint64(3 << 60)
    wanted = np.concatenate((present, near, scattered, keys[:1], keys[-1:]))
    pos = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    expected = np.where(keys[pos] == wanted, pos, -1)
    assert (pruned._find(wanted) == expected).all()
    assert (pruned._find(wanted.reshape(-1, 2)) == expected.reshape(-1, 2)).all()
    assert (expected[:2000] >= 0).all() and (expected[2000:] == -1).mean() > 0.9


def test_an_empty_model_finds_nothing() -> None:
    empty = CharModel("", np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32), {"order": 5})
    assert empty._find(np.arange(4, dtype=np.uint64)).tolist() == [-1] * 4


def _reference_logprob(m: CharModel, row: list[int]) -> float:
    """log P(row[-1] | row[:-1]) by the formula, one n-gram at a time from
    plain dictionaries of the model's counts."""
    table = dict(zip(m.keys.tolist(), m.counts.tolist()))

    def key(ids: list[int]) -> int:
        k = 0
        for i in ids:
            k = (k << charmodel.BITS) | i
        return k | (len(ids) << 60)

    follow: dict[int, tuple[int, int]] = {}
    for k, c in table.items():
        order = k >> 60
        if order >= 2:
            ctx = ((k & ((1 << 60) - 1)) >> charmodel.BITS) | ((order - 1) << 60)
            n, s = follow.get(ctx, (0, 0))
            follow[ctx] = (n + 1, s + c)
    total = sum(c for k, c in table.items() if k >> 60 == 1)
    p = (table.get(key(row[-1:]), 0) + 0.5) / (total + 0.5 * 4096)
    for k in range(2, min(m.order, len(row)) + 1):
        if row[-k] == PAD or key(row[-k:-1]) not in table:
            break
        c_h = table[key(row[-k:-1])]
        n_h, s_h = follow.get(key(row[-k:-1]), (0, 0))
        d = max(c_h, s_h)
        if d <= 0:
            break
        p = (max(table.get(key(row[-k:]), 0) - DISCOUNT, 0.0) + (DISCOUNT * n_h + (d - s_h)) * p) / d
    return float(np.log(p))


def test_cond_logprob_is_the_formula(pruned: CharModel) -> None:
    rng = random.Random(1)
    text = "".join(corpus_lines()[:40])
    ids = pruned.ids(text).tolist()
    rows = [ids[i : i + 5] for i in range(0, len(ids) - 5, 3)]
    rows += [[rng.randrange(charmodel.FIRST_ID, 400) for _ in range(5)] for _ in range(50)]  # mostly unseen
    rows += [[PAD, *r[1:]] for r in rows[:20]]  # a PAD cuts the history
    got = pruned.cond_logprob(np.array(rows))
    want = [_reference_logprob(pruned, r) for r in rows]
    assert got.tolist() == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_gains_are_the_difference_of_the_window_log_probabilities(model: CharModel) -> None:
    """The batch (each n-gram looked up once) equals, to the last bit, the
    sum of :meth:`cond_logprob` over the positions a replacement touches,
    with the replacement less without, one candidate at a time."""
    rng = random.Random(2)
    h = model.order - 1
    for text in corpus_lines()[:25] + ["一", "年1月", "\n甲乙\n"]:
        positions = [rng.randrange(len(text)) for _ in range(12)] + [0, len(text) - 1]
        replacements = [rng.choice(model.vocab[:300] + "9x\n 鬱") for _ in positions]
        got = model.gains(text, positions, replacements)
        ids = model.ids(text)
        for g, i, ch in zip(got.tolist(), positions, replacements):
            old = charmodel.windows(ids, np.array([i]), h, h)
            new = old.copy()
            new[0, h] = model.table[ord(ch)]

            def span(row: np.ndarray) -> float:
                stacked = np.concatenate([row[:, t - h : t + 1] for t in range(h, 2 * h + 1)])
                return float(model.cond_logprob(stacked).reshape(h + 1, 1).sum(axis=0)[0])

            assert g == span(new) - span(old)


def test_neighbour_counts_and_counts_of_are_count_of_the_rows(model: CharModel, pruned: CharModel) -> None:
    rng = random.Random(5)
    lines = corpus_lines()
    seen = 0
    for cm in (model, pruned):
        for _ in range(20):
            line = rng.choice(lines)
            a = rng.randrange(len(line))
            text = line[a : a + rng.randrange(1, 40)] + rng.choice(["", "涼", "\n", "1"])
            ids = cm.ids(text)
            padded = np.concatenate(([charmodel.EDGE], ids, [charmodel.EDGE]))
            pair_rows = np.stack((padded[:-1], padded[1:]), axis=1)
            triple_rows = np.stack((padded[:-2], padded[1:-1], padded[2:]), axis=1)
            two, three = cm.neighbour_counts(ids)
            assert two.tolist() == cm.count(pair_rows).tolist()
            assert three.tolist() == cm.count(triple_rows).tolist()
            both = cm.counts_of(pair_rows, triple_rows)
            assert [c.tolist() for c in both] == [two.tolist(), three.tolist()]
            seen += int((two > 0).sum())
    assert seen  # the corpus's own text: most of its pairs are there
