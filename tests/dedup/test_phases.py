"""The phases of dedup (cleaner.dedup.phases) that no other test file reaches
alone: the candidate pairs of whole LSH buckets cut into blocks, and the
phases run by hand giving what find_duplicates gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup import phases
from cleaner.dedup.clusters import ranks
from cleaner.dedup.lsh import LSHParams, candidate_pairs
from cleaner.dedup.match import find_duplicates

# -- LSH buckets cut into blocks --------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_bucket_pairs_per_block_are_the_local_candidate_pairs(seed):
    """Buckets hashed into blocks, rows in any order, pairs per block: the
    union is what candidate_pairs gives on the whole matrix, windowing of
    the hot buckets (bigger than the cap) included."""
    rng = np.random.default_rng(seed)
    n, bands, cap = 400, 5, 6
    ids = np.sort(rng.choice(10**9, n, replace=False)).astype(np.int64)
    keys = rng.integers(0, 60, size=(n, bands)).astype(np.uint64)
    keys[rng.random(n) < 0.3, 2] = 7  # a hot bucket in band 2
    expected = candidate_pairs(keys, ids, bucket_cap=cap)
    assert (np.bincount(keys[:, 2].astype(np.int64)).max()) > 3 * cap
    band = np.repeat(np.arange(bands), n)
    bkey = keys.T.ravel()
    uid = np.tile(ids, bands)
    perm = rng.permutation(len(uid))
    band, bkey, uid = band[perm], bkey[perm], uid[perm]
    block = (bkey * np.uint64(31) + band.astype(np.uint64)) % np.uint64(4)
    got = [phases.bucket_pairs(band[block == b], bkey[block == b], uid[block == b], bucket_cap=cap) for b in range(4)]
    pairs = np.unique(np.concatenate(got), axis=0)
    assert pairs.tolist() == expected.tolist()



# -- the phases, one by one ------------------------------------------------------------

PARTS = ["", "今天天气很好我们去公园玩", "今天天气很好我们去公园玩耍", "完全不同的另一段文字内容", "第三段话说的是别的事情啊", "今天天气很好我们去公园"]


@given(st.lists(st.sampled_from(PARTS), min_size=0, max_size=12), st.sampled_from(["first", "longest"]), st.integers(80, 100))
@settings(max_examples=150, deadline=None)
def test_the_phases_by_hand_are_find_duplicates(keys, keep, threshold):
    """Exact groups, all candidate pairs, verdicts and resolve give the
    kept members, scores and pairs of find_duplicates; every dropped unit
    scores at least the threshold against its kept unit."""
    m = find_duplicates(keys, threshold=threshold, keep=keep)
    n = len(keys)
    rank = ranks(n, keep=keep, lengths=[len(k) for k in keys])
    groups = phases.exact(phases.key_hashes(keys), rank, np.array([len(k) > 0 for k in keys], dtype=bool))
    reps = groups.reps
    cand = reps[phases.candidates([keys[r] for r in reps.tolist()], all_pairs_below=300, params=LSHParams())]
    verified = phases.verify(cand, keys, threshold=threshold)
    r = phases.resolve(verified, rank, groups)
    assert (r.ref.tolist(), r.score.tolist()) == (m.ref, m.score)
    edges = phases.Edges.concat([verified, groups.edges()])
    assert [tuple(p) for p in edges.pairs.tolist()] == m.pairs
    assert groups.rep.tolist() == (m.rep or [-1 if not k else i for i, k in enumerate(keys)])
    for i, ref in enumerate(m.ref):
        if ref >= 0:
            assert m.ref[ref] == -1 and m.score[i] >= threshold


def test_resolve_follows_exact_members_and_blocks_index_matches():
    """Unit 2 matches the index, its exact copy 4 follows it there; 1 is a
    near copy of 0; 3 is kept."""
    groups = phases.ExactGroups.of_pairs(5, np.array([2]), np.array([4]))
    verified = phases.Edges(np.array([[0, 1], [1, 2]]), np.array([95.0, 99.0], dtype=np.float32))
    seen = phases.IndexMatches({2: (7, 93.0)})
    r = phases.resolve(verified, np.arange(5), groups, index=seen)
    assert r.ref.tolist() == [-1, 0, -9, -1, -9]
    assert r.score.tolist() == [0.0, 95.0, 93.0, 0.0, 93.0]
    assert seen.edges().pairs.tolist() == [[2, -9]] and seen.blocked(5).tolist() == [False, False, True, False, False]


def test_edges_concat_and_sorted():
    e = phases.Edges.concat([phases.Edges(), phases.Edges(np.array([[3, 4], [0, 9]]), np.array([91, 92], dtype=np.float32))])
    assert e.sorted().pairs.tolist() == [[0, 9], [3, 4]] and e.sorted().scores.tolist() == [92.0, 91.0]
    assert len(phases.Edges.concat([])) == 0 and phases.Edges.concat([]).pairs.shape == (0, 2)
