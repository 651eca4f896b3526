"""Duplicates among a set of keys: exact groups, candidates, verdicts, clusters.

This is the pure core that both the in-document rule and the corpus command
call (and that a distributed engine can call per shard):

1. units whose keys are identical form exact groups (by a 128-bit hash of
   the key); only each group's best-ranked unit goes on;
2. candidate pairs among those: all pairs when there are at most
   ``all_pairs_below`` of them (rapidfuzz ``cdist``), else MinHash LSH
   (:mod:`cleaner.dedup.lsh`);
3. each candidate pair is verified with ``fuzz.ratio`` on the keys
   (:mod:`cleaner.dedup.verify`): no LSH false positive survives;
4. greedy clustering in rank order (:mod:`cleaner.dedup.clusters`), then the
   other members of each exact group follow their representative.

>>> keys = ["今天天气很好我们去公园玩", "今天天气很好我们去公园玩耍", "完全不同的另一段文字内容", "今天天气很好我们去公园玩"]
>>> m = find_duplicates(keys, threshold=90)
>>> m.ref, m.score
([-1, 0, -1, 0], [0.0, 96.0, 0.0, 100.0])
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .clusters import exact_groups, kept_of, ranks
from .key import shingle_texts
from .lsh import LSHParams, band_keys, candidate_pairs
from .minhash import signatures
from .verify import length_ok, ratio_scores, same_numbers

__all__ = ["Matches", "find_duplicates", "key_hashes", "ALL_PAIRS_BELOW"]

#: up to this many distinct keys, every pair is compared (rapidfuzz cdist)
ALL_PAIRS_BELOW = 300


@dataclass(frozen=True, slots=True)
class Matches:
    """``ref[i]``: the unit that unit ``i`` duplicates (-1: kept), with
    ``score[i]``; ``pairs``/``pair_scores``: every verified pair between
    exact-group representatives, then each exact member paired with its
    representative at 100; ``rep[i]``: the representative of unit ``i``'s
    exact group (-1: not eligible)."""

    ref: list[int]
    score: list[float]
    pairs: list[tuple[int, int]] = field(default_factory=list)
    pair_scores: list[float] = field(default_factory=list)
    candidates: int = 0
    rep: list[int] = field(default_factory=list)


def key_hashes(keys: Sequence[str]) -> npt.NDArray[np.uint64]:
    """128-bit BLAKE2b of each key, shape ``(n, 2)``: stable across runs and machines."""
    raw = b"".join(hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=16).digest() for k in keys)
    return np.frombuffer(raw, dtype="<u8").reshape(-1, 2).astype(np.uint64) if keys else np.zeros((0, 2), dtype=np.uint64)


def find_duplicates(
    keys: Sequence[str],
    *,
    threshold: float = 90.0,
    keep: str = "first",
    lengths: Sequence[int] | None = None,
    fuzzy: npt.NDArray[np.bool_] | Sequence[bool] | None = None,
    eligible: npt.NDArray[np.bool_] | Sequence[bool] | None = None,
    numbers: bool = False,
    params: LSHParams | None = None,
    all_pairs_below: int = ALL_PAIRS_BELOW,
    workers: int = 1,
) -> Matches:
    """Find the duplicates among ``keys`` (see the module docstring).

    keep: ``"first"`` (lowest index) or ``"longest"`` (largest ``lengths``,
    the emitted paragraphs' lengths; default the key lengths).
    eligible: units that take part at all (default: non-empty keys).
    fuzzy: eligible units that may match approximately; the others only
    match identical keys (default: all).
    numbers: also require the same numbers in both keys (the rule's guard).
    """
    n = len(keys)
    klen = np.fromiter((len(k) for k in keys), dtype=np.int64, count=n)
    elig = klen > 0 if eligible is None else np.asarray(eligible, dtype=bool) & (klen > 0)
    fz = np.ones(n, dtype=bool) if fuzzy is None else np.asarray(fuzzy, dtype=bool)
    rank = ranks(n, keep=keep, lengths=klen if lengths is None else np.asarray(lengths, dtype=np.int64))
    idx = np.flatnonzero(elig)
    ref = [-1] * n
    score = [0.0] * n
    if len(idx) < 2:
        return Matches(ref, score, rep=[int(i) if elig[i] else -1 for i in range(n)])
    sub_keys = [keys[i] for i in idx.tolist()]
    rep_local = exact_groups(key_hashes(sub_keys), rank[idx])
    reps = np.flatnonzero(rep_local == np.arange(len(idx)))  # local positions of representatives
    reps = reps[fz[idx[reps]]]
    pairs_l: list[tuple[int, int]] = []
    scores_l: list[float] = []
    ncand = 0
    if len(reps) >= 2:
        cand = _candidates([sub_keys[r] for r in reps.tolist()], all_pairs_below, params or LSHParams())
        if len(cand):
            rl = klen[idx[reps]]
            cand = cand[length_ok(rl[cand[:, 0]], rl[cand[:, 1]], threshold)]
        ncand = len(cand)
        if ncand:
            a = [sub_keys[r] for r in reps[cand[:, 0]].tolist()]
            b = [sub_keys[r] for r in reps[cand[:, 1]].tolist()]
            s = ratio_scores(a, b, score_cutoff=threshold, workers=workers)
            for (i, j), v, x, y in zip(cand.tolist(), s.tolist(), a, b):
                if v >= threshold and (not numbers or same_numbers(x, y)):
                    pairs_l.append((int(idx[reps[i]]), int(idx[reps[j]])))
                    scores_l.append(float(v))
    ref, score = kept_of(n, pairs_l, scores_l, rank)
    # The other members of an exact group follow their representative.
    for loc, rl in enumerate(rep_local.tolist()):
        if rl != loc:
            unit, rep = int(idx[loc]), int(idx[rl])
            pairs_l.append((rep, unit))
            scores_l.append(100.0)
            if ref[rep] == -1:
                ref[unit], score[unit] = rep, 100.0
            else:
                ref[unit], score[unit] = ref[rep], score[rep]
    rep_all = [-1] * n
    for loc, rl in enumerate(rep_local.tolist()):
        rep_all[int(idx[loc])] = int(idx[rl])
    return Matches(ref, score, pairs_l, scores_l, ncand, rep_all)


def _candidates(keys: list[str], all_pairs_below: int, params: LSHParams) -> npt.NDArray[np.int64]:
    """Candidate pairs (local indices, i < j) among distinct keys."""
    m = len(keys)
    if m <= all_pairs_below:
        iu, ju = np.triu_indices(m, k=1)
        return np.stack([iu, ju], axis=1).astype(np.int64)
    sig = signatures(shingle_texts(keys), ngram=params.ngram, num_perm=params.num_perm, seed=params.seed)
    bk = band_keys(sig, bands=params.bands, rows=params.rows, seed=params.seed)
    return candidate_pairs(bk, bucket_cap=params.bucket_cap)
