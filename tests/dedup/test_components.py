"""Connected components by large-star / small-star rounds, without Ray: the
engine's rounds with its shuffles simulated on blocks in random order, and
the number of components against a simple union-find on random graphs."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup.components import large_star, runs, small_star, unique_rows


# -- connected components by star rounds ---------------------------------------------------


def _union_find(edges: list[tuple[int, int]]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def _blocks(a: np.ndarray, b: np.ndarray, key: np.ndarray, parts: int, rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    perm = rng.permutation(len(a))
    a, b, key = a[perm], b[perm], key[perm]
    h = (key * 2654435761) % parts
    return [(a[h == p], b[h == p]) for p in range(parts)]


def components_by_stars(edges: list[tuple[int, int]], parts: int, seed: int) -> tuple[dict[int, int], int]:
    """The engine's rounds, with its shuffles simulated: rows hashed by node
    into ``parts`` blocks, in random order."""
    rng = np.random.default_rng(seed)
    e = np.array(edges, dtype=np.int64).reshape(-1, 2)
    hi, lo = e.max(axis=1), e.min(axis=1)
    rounds = 0
    while True:
        rounds += 1
        u, v = np.concatenate([hi, lo]), np.concatenate([lo, hi])
        out = [large_star(x, y) for x, y in _blocks(u, v, u, parts, rng)]
        hi, lo = np.concatenate([o[0] for o in out]), np.concatenate([o[1] for o in out])
        changed = sum(o[2] for o in out)
        out = [small_star(x, y) for x, y in _blocks(hi, lo, hi, parts, rng)]
        hi, lo = np.concatenate([o[0] for o in out]), np.concatenate([o[1] for o in out])
        changed += sum(o[2] for o in out)
        if not changed:
            break
    label = dict(zip(hi.tolist(), lo.tolist()))
    nodes = {x for ab in edges for x in ab}
    return {x: label.get(x, x) for x in nodes}, rounds


@pytest.mark.parametrize("seed", range(8))
def test_star_rounds_find_the_components(seed):
    rng = random.Random(seed)
    nodes = rng.sample(range(10**6), 300)
    edges = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(rng.choice([50, 200, 400]))]
    edges += [(nodes[i], nodes[i + 1]) for i in range(0, 60)]  # a long path
    edges = [(a, b) for a, b in edges if a != b]
    got, rounds = components_by_stars(edges, parts=rng.choice([1, 3, 4]), seed=seed)
    assert got == _union_find(edges)
    assert rounds > 1


def test_a_star_round_on_a_converged_forest_changes_nothing():
    hi, lo, changed = large_star(np.array([5, 1, 9, 1]), np.array([1, 5, 1, 9]))
    assert (hi.tolist(), lo.tolist(), changed) == ([5, 9], [1, 1], 0)
    hi, lo, changed = small_star(hi, lo)
    assert (hi.tolist(), lo.tolist(), changed) == ([5, 9], [1, 1], 0)




@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=80), st.integers(1, 5), st.integers(0, 2**32 - 1))
@settings(max_examples=300, deadline=None)
def test_star_rounds_are_union_find_on_random_graphs(edges, parts, seed):
    """Any graph, self-loops and repeated edges included, any number of
    blocks: every node is labelled with the smallest node of its component."""
    got, _ = components_by_stars(edges, parts=parts, seed=seed)
    assert got == _union_find(edges)


def test_unique_rows_and_runs():
    rng = np.random.default_rng(3)
    p = rng.integers(0, 5, size=(200, 2))
    assert [tuple(r) for r in unique_rows(p).tolist()] == sorted(set(map(tuple, p.tolist())))
    assert unique_rows(np.zeros((0, 2), dtype=np.int64)).shape == (0, 2)
    key = np.sort(rng.integers(0, 9, size=100))
    starts, sizes = runs(key)
    assert np.repeat(key[starts], sizes).tolist() == key.tolist() and len(set(key[starts].tolist())) == len(starts)
