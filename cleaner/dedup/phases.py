"""Dedup as phases any engine calls: exact, index, candidates, verify, resolve.

Units are numbered ``0 .. n-1`` in rank-independent input order; a phase
takes arrays over the units and gives a small named result:

1. :func:`exact`: units with identical keys (by a 128-bit key hash) form
   :class:`ExactGroups`; only each group's best-ranked unit, its
   representative, goes on;
2. :func:`index_matches`: representatives already in the SQLite index of
   earlier runs (:class:`IndexMatches`; the local corpus command only);
3. candidate pairs among the fuzzy representatives: :func:`candidates`
   (a list of keys in memory: all pairs, or MinHash LSH),
   :func:`streamed_candidates` (band keys on disk, spilled beyond a
   bound) or :func:`bucket_pairs` (blocks of whole LSH buckets);
4. :func:`verify`: rapidfuzz on the keys, the :class:`Edges` that hold;
5. :func:`resolve`: greedy clustering over the verified edges in rank
   order, index matches next, then the other members of each exact group
   follow their representative (:class:`Resolution`).

:func:`cleaner.dedup.match.find_duplicates` (inside a document),
:func:`cleaner.dedup.corpus.dedup_corpus` (the corpus command) and the Ray
engine (:mod:`cleaner.ray`) call these, so they find the same clusters.

>>> keys = ["今天天气很好我们去公园玩", "今天天气很好我们去公园玩耍", "完全不同的另一段文字内容", "今天天气很好我们去公园玩"]
>>> rank = np.arange(4)
>>> groups = exact(key_hashes(keys), rank, np.ones(4, dtype=bool))
>>> groups.rep.tolist(), groups.members.tolist()
([0, 1, 2, 0], [3])
>>> edges = verify(np.array([[0, 1], [0, 2], [1, 2]]), keys, threshold=90)
>>> edges.pairs.tolist(), edges.scores.tolist()
([[0, 1]], [96.0])
>>> r = resolve(edges, rank, groups)
>>> r.ref.tolist(), r.score.tolist()
([-1, 0, -1, 0], [0.0, 96.0, 0.0, 100.0])
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from .clusters import exact_groups, kept_of
from .components import unique_rows
from .key import shingle_texts
from .lsh import LSHParams, band_keys, candidate_chunks, candidate_pairs
from .minhash import signatures
from .verify import length_ok, ratio_scores, same_numbers

if TYPE_CHECKING:
    from .index import SeenIndex

__all__ = [
    "Edges",
    "ExactGroups",
    "IndexMatches",
    "Resolution",
    "bucket_pairs",
    "candidates",
    "exact",
    "index_matches",
    "key_hashes",
    "length_filter",
    "resolve",
    "streamed_candidates",
    "verdicts",
    "verify",
]

Ids = npt.NDArray[np.int64]


class Keys(Protocol):
    """Keys by unit id: a list, or the corpus key store on disk."""

    def __getitem__(self, i: int, /) -> str: ...


def key_hashes(keys: Sequence[str]) -> npt.NDArray[np.uint64]:
    """128-bit BLAKE2b of each key, shape ``(n, 2)``: stable across runs and machines."""
    raw = b"".join(hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=16).digest() for k in keys)
    return np.frombuffer(raw, dtype="<u8").reshape(-1, 2).astype(np.uint64) if keys else np.zeros((0, 2), dtype=np.uint64)


# -- edges ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edges:
    """Verified pairs of units ``(a, b)`` and their scores (``b <= -2``: the
    index unit ``-(b + 2)``)."""

    pairs: Ids = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    scores: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    def __len__(self) -> int:
        return len(self.pairs)

    @classmethod
    def concat(cls, parts: Iterable[Edges]) -> Edges:
        """The edges of ``parts``, in order."""
        ps = [p for p in parts if len(p)]
        if not ps:
            return cls()
        return cls(np.concatenate([p.pairs for p in ps]), np.concatenate([p.scores for p in ps]))

    def sorted(self) -> Edges:
        """By ``(a, b)``: an order that does not depend on how they were found."""
        order = np.lexsort((self.pairs[:, 1], self.pairs[:, 0]))
        return Edges(self.pairs[order], self.scores[order])


# -- 1. exact groups -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExactGroups:
    """``rep[i]``: the representative of unit ``i``'s exact group (the
    best-ranked unit with its key; -1: the unit takes no part)."""

    rep: Ids

    @classmethod
    def of_pairs(cls, n: int, reps: Ids, members: Ids) -> ExactGroups:
        """Groups given as (representative, member) pairs; every unit takes part."""
        rep = np.arange(n, dtype=np.int64)
        rep[members] = reps
        return cls(rep)

    @property
    def reps(self) -> Ids:
        """The representatives, in unit order."""
        return np.flatnonzero(self.rep == np.arange(len(self.rep))).astype(np.int64)

    @property
    def members(self) -> Ids:
        """The other members of the groups, in unit order."""
        return np.flatnonzero((self.rep >= 0) & (self.rep != np.arange(len(self.rep)))).astype(np.int64)

    def edges(self) -> Edges:
        """Each member with its representative, at 100."""
        m = self.members
        return Edges(np.stack([self.rep[m], m], axis=1), np.full(len(m), 100.0, dtype=np.float32))


def exact(hashes: npt.NDArray[np.uint64], rank: Ids, eligible: npt.NDArray[np.bool_]) -> ExactGroups:
    """The exact groups of the ``eligible`` units by key hash (``(n,)`` or ``(n, w)``)."""
    idx = np.flatnonzero(eligible)
    rep = np.full(len(rank), -1, dtype=np.int64)
    rep[idx] = idx[exact_groups(hashes[idx], rank[idx])]
    return ExactGroups(rep)


# -- 2. the index of earlier runs ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndexMatches:
    """Representatives that duplicate a unit of the index: unit ->
    (index unit id, score); ``indexed``: those index units described."""

    hits: dict[int, tuple[int, float]] = field(default_factory=dict)
    indexed: dict[int, Any] = field(default_factory=dict)

    def blocked(self, n: int) -> npt.NDArray[np.bool_]:
        """The units that are never kept (they duplicate the index)."""
        b = np.zeros(n, dtype=bool)
        b[list(self.hits)] = True
        return b

    def edges(self) -> Edges:
        if not self.hits:
            return Edges()
        pairs = np.array([[r, -(u + 2)] for r, (u, _) in self.hits.items()], dtype=np.int64)
        return Edges(pairs, np.array([v for _, v in self.hits.values()], dtype=np.float32))


class _Sub:
    """``keys[ids[i]]`` by position."""

    def __init__(self, keys: Keys, ids: Ids) -> None:
        self.keys, self.ids = keys, ids

    def __getitem__(self, i: int) -> str:
        return self.keys[int(self.ids[i])]

    def __len__(self) -> int:
        return len(self.ids)


def index_matches(
    index: SeenIndex,
    reps: Ids,
    keys: Keys,
    hashes: npt.NDArray[np.uint64],
    *,
    fuzzy: npt.NDArray[np.bool_],
    band_rows: Callable[[Ids], npt.NDArray[np.uint64]],
    level: str,
    threshold: float,
    numbers: bool = False,
    workers: int = 1,
) -> IndexMatches:
    """The representatives ``reps`` found in ``index``: identical keys first,
    then near ones (band keys ``band_rows(ids)`` of the fuzzy ones, verified);
    the best-scoring index unit wins."""
    hits: dict[int, tuple[int, float]] = {}
    if not len(reps):
        return IndexMatches()
    for pos, uid in index.exact(hashes[reps, 0], _Sub(keys, reps), level).items():
        hits[int(reps[pos])] = (uid, 100.0)
    rest = np.array([r for r in reps.tolist() if r not in hits and fuzzy[r]], dtype=np.int64)
    if len(rest):
        cand = index.band_candidates(band_rows(rest), level)
        if len(cand):
            old = index.keys(cand[:, 1].tolist())
            ka = [keys[int(rest[i])] for i in cand[:, 0].tolist()]
            kb = [old[int(u)][0] for u in cand[:, 1].tolist()]
            ok, s = verdicts(ka, kb, threshold=threshold, numbers=numbers, workers=workers)
            for (i, u), good, v in zip(cand.tolist(), ok.tolist(), s.tolist()):
                r = int(rest[i])
                if good and (r not in hits or v > hits[r][1]):
                    hits[r] = (int(u), float(v))
    return IndexMatches(hits, index.describe([u for u, _ in hits.values()]))


# -- 3. candidate pairs ----------------------------------------------------------------------


def candidates(keys: Sequence[str], *, all_pairs_below: int, params: LSHParams) -> Ids:
    """Candidate pairs (positions in ``keys``, ``i < j``) among distinct keys
    held in memory: all pairs up to ``all_pairs_below`` keys, else MinHash LSH."""
    m = len(keys)
    if m <= all_pairs_below:
        iu, ju = np.triu_indices(m, k=1)
        return np.stack([iu, ju], axis=1).astype(np.int64)
    sig = signatures(shingle_texts(list(keys)), ngram=params.ngram, num_perm=params.num_perm, seed=params.seed)
    bk = band_keys(sig, bands=params.bands, rows=params.rows, seed=params.seed)
    return candidate_pairs(bk, bucket_cap=params.bucket_cap)


def streamed_candidates(
    column: Callable[[int], npt.NDArray[np.uint64]], ids: Ids, *, params: LSHParams, max_pairs: int, directory: str | None = None
) -> Iterator[Ids]:
    """Candidate pairs of units ``ids`` in chunks, from their band keys read
    one band at a time (``column(j)[ids]``); beyond ``max_pairs`` they are
    spilled to temporary files in ``directory``."""
    columns = (column(j)[ids] for j in range(params.bands))
    yield from candidate_chunks(
        columns, ids, bucket_cap=params.bucket_cap, hot_links=params.hot_links, max_pairs=max_pairs, directory=directory
    )


def bucket_pairs(band: Ids, bkey: npt.NDArray[np.uint64], uid: Ids, *, bucket_cap: int) -> Ids:
    """Candidate pairs ``(a, b)``, ``a < b``, from rows (band, band key, uid)
    that hold whole buckets: each band's buckets go through
    :func:`~cleaner.dedup.lsh.candidate_pairs` with the units numbered in
    uid order, so a big bucket is windowed exactly as on one machine.

    >>> band = np.array([0, 0, 0, 1, 1])
    >>> bucket_pairs(band, np.array([7, 7, 8, 5, 5], dtype=np.uint64), np.array([30, 10, 20, 20, 30]), bucket_cap=100).tolist()
    [[10, 30], [20, 30]]
    """
    out: list[Ids] = []
    for j in np.unique(band).tolist():
        sel = band == j
        u = uid[sel]
        if len(u) < 2:
            continue
        order = np.argsort(u, kind="stable")
        local = np.empty(len(u), dtype=np.int64)
        local[order] = np.arange(len(u))
        p = candidate_pairs(bkey[sel][:, None], local, bucket_cap=bucket_cap)
        if len(p):
            su = u[order]
            out.append(np.stack([su[p[:, 0]], su[p[:, 1]]], axis=1))
    return unique_rows(np.concatenate(out)) if out else np.zeros((0, 2), dtype=np.int64)


# -- 4. the verdict ----------------------------------------------------------------------------


def length_filter(pairs: Ids, lengths: Ids, threshold: float) -> Ids:
    """The pairs whose key lengths (``lengths`` by unit) can reach ``threshold``."""
    return pairs[length_ok(lengths[pairs[:, 0]], lengths[pairs[:, 1]], threshold)]


def verdicts(
    a: Sequence[str], b: Sequence[str], *, threshold: float, numbers: bool = False, workers: int = 1
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
    """Whether each key pair ``(a[i], b[i])`` is a duplicate, and its score.

    >>> ok, s = verdicts(["2020年增长百分之五的产值", "今天天气很好"], ["2021年增长百分之五的产值", "今天天气很好"], threshold=90, numbers=True)
    >>> ok.tolist(), [round(x, 1) for x in s.tolist()]
    ([False, True], [92.9, 100.0])
    """
    s = ratio_scores(a, b, score_cutoff=threshold, workers=workers)
    ok = s >= threshold
    if numbers:
        for t in np.flatnonzero(ok).tolist():
            ok[t] = same_numbers(a[t], b[t])
    return ok, s


def verify(
    pairs: Ids, keys: Keys, *, threshold: float, numbers: bool = False, workers: int = 1, lengths: Ids | None = None
) -> Edges:
    """The candidate ``pairs`` (unit ids) whose keys score at least
    ``threshold`` (and, with ``numbers``, hold the same numbers);
    ``lengths`` (key lengths by unit) first drops the pairs that cannot."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if lengths is not None:
        pairs = length_filter(pairs, lengths, threshold)
    if not len(pairs):
        return Edges()
    ka = [keys[i] for i in pairs[:, 0].tolist()]
    kb = [keys[j] for j in pairs[:, 1].tolist()]
    ok, s = verdicts(ka, kb, threshold=threshold, numbers=numbers, workers=workers)
    return Edges(pairs[ok], s[ok])


# -- 5. clusters -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolution:
    """``ref[i]``: the kept unit that unit ``i`` duplicates (-1: kept;
    ``<= -2``: the index unit ``-(ref + 2)``), with ``score[i]``."""

    ref: Ids
    score: npt.NDArray[np.float64]


def resolve(verified: Edges, rank: Ids, groups: ExactGroups, *, index: IndexMatches | None = None) -> Resolution:
    """Greedy clustering of the representatives over the ``verified`` edges
    in ``rank`` order (:func:`~cleaner.dedup.clusters.kept_of`); units
    matching the index are never kept; then the other members of each
    exact group follow their representative."""
    n = len(rank)
    blocked = index.blocked(n) if index is not None and index.hits else None
    refl, scl = kept_of(n, verified.pairs, verified.scores, rank, blocked=blocked)
    ref = np.asarray(refl, dtype=np.int64)
    score = np.asarray(scl, dtype=np.float64)
    for r, (uid, v) in (index.hits.items() if index is not None else ()):
        ref[r] = -(uid + 2)
        score[r] = v
    members = groups.members
    m_rep = groups.rep[members]
    kept_rep = ref[m_rep] == -1
    ref[members] = np.where(kept_rep, m_rep, ref[m_rep])
    score[members] = np.where(kept_rep, 100.0, score[m_rep])
    return Resolution(ref, score)
