"""LSH banding: band keys from MinHash signatures, and candidate pairs from buckets.

A signature of ``bands * rows`` values is cut into ``bands`` bands; two
paragraphs become a candidate pair when all ``rows`` values of at least one
band agree.  For Jaccard similarity ``J`` that happens with probability
``1 - (1 - J**rows)**bands`` (:meth:`LSHParams.probability`).  Candidates are
only candidates: every pair is verified on the keys afterwards
(:mod:`cleaner.dedup.verify`), so LSH decides recall and speed, never
precision.

Parameters, measured (``benchmarks/dedup_data.py``): recall of candidate
generation on 834 labelled near-duplicate pairs of real Chinese news
paragraphs with similarity >= 85 (copies with random edits, real OCR
confusions, Traditional script), and candidate pairs per paragraph among
9,909 real paragraphs (People's Daily, MSRA, THUCNews, zh-Wikipedia; this
includes the ~350 pairs of real repeats they hold):

========  =====  ====  =====  ==================  =========================
shingles  bands  rows  perms  recall (sim >= 85)  candidate pairs/paragraph
========  =====  ====  =====  ==================  =========================
char 2    16     2     32     1.0000              2.762
char 2    20     3     60     0.9976              0.122
char 2    32     3     96     1.0000              0.184
char 2    32     4     128    0.9976              0.052
char 3    32     2     64     1.0000              0.478
char 3    20     3     60     0.9904              0.057
char 3    32     3     96     0.9976              0.071
char 3    32     4     128    0.9724              0.040
char 4    32     3     96     0.9724              0.061
char 5    64     3     192    0.9796              0.071
========  =====  ====  =====  ==================  =========================

Character 3-gram Jaccard of two paragraphs at ratio 85 can be as low as
about 0.4 (every edit breaks three shingles), so wide bands and long
shingles lose recall; 2 rows flood the verifier with pairs that share a
few common shingles.  The default -- character bigrams, 40 bands of 4
rows (160 permutations) -- keeps recall at ratio 85 and keeps the
background of chance candidates low: chance pairs grow with the square of
the corpus, so their rate decides how the time grows with it.  Measured
(issue 12): on the speed corpus of ``benchmarks/dedup_data.py`` (100k
paragraphs, 10 % planted copies) 20 bands of 3 rows gave 58,751 candidate
pairs and 4 rows 10-12k (most of them the planted copies); at 1M
paragraphs 20 x 3 gave 3.6M (spilled to disk).  End to end on the
labelled set (834 pairs at ratio >= 85), recall was 0.9988 with 20 x 3
and with 48 x 4, 0.9976 with 40 x 4 and 0.9940 with 32 x 4; at 1M, 40 x 4
gave 0.74M candidates, and CPU time 1.18x rensa's (48 x 4 costs 1.2x
more).  The price, signatures 2.7 times as long, is mostly paid by
:func:`~cleaner.dedup.minhash.signatures` being 2.5x faster than it was;
see ``benchmarks/dedup_vs_rensa.py``.

Latin text is shingled by words (each word is one shingle character), so
a typo breaks two shingles: on 281 English licence paragraphs with 0.5-5 %
of their characters substituted, recall at ratio 85 was 0.86 (it is near 1
for Chinese at the same similarity).  Typo-heavy Latin corpora want more
bands.

Bucket cap: a bucket holding more than ``bucket_cap`` paragraphs (after
exact duplicates were collapsed, so these are many distinct but similar
paragraphs: a template, or the near copies of one paragraph in a redundant
corpus) does not yield all its pairs: with its members in id order, each
is paired with the bucket's first ``hot_links`` members (the ones a greedy
``keep="first"`` clustering keeps) and with the ``hot_links`` members that
follow it.  Near-identical paragraphs form cliques, so a link to the
bucket's head finds what all pairs would; pairs stay linear in the bucket
size (at most ``2 * hot_links`` per member and band, where a sliding window
of ``bucket_cap - 1`` gave 99), and pairs further apart in such a bucket
may be missed (unless another band finds them).

Memory: :func:`candidate_chunks` holds at most about ``max_pairs`` pairs
(8 bytes each) at a time; beyond, pairs are spilled to temporary files,
partitioned by a hash of the pair (recursively, when a partition is still
too big), and each partition is deduplicated and yielded on its own.

>>> p = LSHParams()
>>> p.num_perm, round(p.probability(0.4), 3), round(p.probability(0.1), 4)
(160, 0.646, 0.004)
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

import numpy as np
import numpy.typing as npt

from .minhash import MAX_NGRAM, splitmix64

__all__ = ["LSHParams", "band_keys", "candidate_pairs", "candidate_chunks", "pack_pairs", "unpack_pairs", "HOT_LINKS"]

#: in a bucket above the cap, each member's links to the bucket's head and to its followers
HOT_LINKS = 4
#: pairs held in memory by :func:`candidate_chunks` before it spills to disk (8 bytes each)
MAX_PAIRS = 1_000_000
#: partitions of one spill level (a power of two)
_PARTS = 16


@dataclass(frozen=True, kw_only=True, slots=True)
class LSHParams:
    """Shingling, MinHash and banding parameters (see the module docstring).

    ngram: shingle length in characters (a Latin word counts as one).
    bands, rows: the banding; ``bands * rows`` permutations.
    seed: derives the permutations and band salts; an index built with one
    seed only works with that seed.
    bucket_cap: buckets larger than this are not paired all-to-all.
    hot_links: in such a bucket, how many head members and followers each
    member is paired with.
    """

    ngram: int = 2
    bands: int = 40
    rows: int = 4
    seed: int = 1
    bucket_cap: int = 100
    hot_links: int = HOT_LINKS

    def __post_init__(self) -> None:
        if not 1 <= self.ngram <= MAX_NGRAM:
            raise ValueError(f"ngram must be between 1 and {MAX_NGRAM}, not {self.ngram}")
        if self.bands < 1 or self.rows < 1:
            raise ValueError(f"bands and rows must be at least 1, not {self.bands} and {self.rows}")
        if self.bucket_cap < 2:
            raise ValueError(f"bucket_cap must be at least 2, not {self.bucket_cap}")
        if self.hot_links < 1:
            raise ValueError(f"hot_links must be at least 1, not {self.hot_links}")
        if not 0 <= self.seed < 2**63:
            raise ValueError(f"seed must be in [0, 2**63), not {self.seed}")

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def probability(self, jaccard: float) -> float:
        """Chance that two paragraphs with this Jaccard similarity become a candidate pair."""
        return float(1.0 - (1.0 - jaccard**self.rows) ** self.bands)


def band_keys(sig: npt.NDArray[np.uint32], *, bands: int, rows: int, seed: int) -> npt.NDArray[np.uint64]:
    """One 64-bit key per band and paragraph, shape ``(n, bands)``.

    A key mixes the band number, the seed and the band's ``rows`` values
    (splitmix64); equal keys mean equal bands up to a 2**-64 chance.
    """
    n = sig.shape[0]
    if sig.shape[1] < bands * rows:
        raise ValueError(f"signatures have {sig.shape[1]} values, {bands} x {rows} needed")
    out = np.empty((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(bands):
            k = np.full(n, np.uint64((seed * 0x9E3779B97F4A7C15 + j + 1) & 0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
            for c in range(j * rows, (j + 1) * rows):
                k = splitmix64(k ^ sig[:, c].astype(np.uint64))
            out[:, j] = k
    return out


def pack_pairs(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """Pairs as single integers (smaller id in the high half), for np.unique."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return (lo.astype(np.uint64) << np.uint64(32)) | hi.astype(np.uint64)


def unpack_pairs(packed: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """The ``(m, 2)`` array of ``(smaller, larger)`` ids."""
    out = np.empty((len(packed), 2), dtype=np.int64)
    out[:, 0] = (packed >> np.uint64(32)).astype(np.int64)
    out[:, 1] = (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
    return out


def _hot_pairs(m: npt.NDArray[np.int64], links: int) -> Iterator[npt.NDArray[np.uint64]]:
    """Pairs of a bucket above the cap (``m`` sorted): head and followers."""
    s = len(m)
    for h in range(min(links, s - 1)):
        yield pack_pairs(np.full(s - h - 1, m[h], dtype=np.int64), m[h + 1 :])
    for d in range(1, min(links, s - 1) + 1):
        yield pack_pairs(m[:-d], m[d:])


def _bucket_pairs(
    members: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64], cap: int, links: int, block: int
) -> Iterator[npt.NDArray[np.uint64]]:
    """The pairs of one band's buckets, in pieces of about ``block`` pairs or fewer."""
    for size in np.unique(sizes):
        s = int(size)
        at = starts[sizes == size]
        if s <= cap:
            iu, ju = np.triu_indices(s, k=1)
            step = max(1, block // len(iu))
            for lo in range(0, len(at), step):
                grid = members[at[lo : lo + step, None] + np.arange(s)[None, :]]  # (buckets, s)
                yield pack_pairs(grid[:, iu].ravel(), grid[:, ju].ravel())
        else:
            for a in at.tolist():
                yield from _hot_pairs(np.sort(members[a : a + s]), links)


def _band_pieces(
    columns: Iterable[npt.NDArray[np.uint64]], ids: npt.NDArray[np.int64], cap: int, links: int, block: int
) -> Iterator[npt.NDArray[np.uint64]]:
    n = len(ids)
    for col in columns:
        if n < 2:
            continue
        # (an unstable sort: the order of a bucket's members does not matter,
        # as its pairs are packed smaller id first and every piece goes
        # through np.unique; numpy's vectorised quicksort of 64-bit keys took
        # 30 ms a band of 1M paragraphs where lexsort by (ids, key) took 86)
        order = np.argsort(col)
        ks = col[order]
        brk = np.flatnonzero(ks[1:] != ks[:-1]) + 1
        starts = np.concatenate(([0], brk))
        sizes = np.diff(np.concatenate((starts, [n])))
        multi = sizes > 1
        if multi.any():
            yield from _bucket_pairs(ids[order], starts[multi], sizes[multi], cap, links, block)


class _Spill:
    """Packed pairs in temporary files, partitioned by a hash of the pair."""

    def __init__(self, directory: str | None, level: int) -> None:
        self.directory, self.level = directory, level
        self.files: list[IO[bytes]] = [tempfile.TemporaryFile(dir=directory) for _ in range(_PARTS)]  # noqa: SIM115 - closed in drain()
        self.counts = [0] * _PARTS

    def add(self, packed: npt.NDArray[np.uint64]) -> None:
        shift = np.uint64(60 - 4 * (self.level % 15))
        with np.errstate(over="ignore"):
            part = ((splitmix64(packed) >> shift) & np.uint64(_PARTS - 1)).astype(np.int64)
        order = np.argsort(part, kind="stable")
        bounds = np.searchsorted(part[order], np.arange(_PARTS + 1))
        for k in range(_PARTS):
            a, b = int(bounds[k]), int(bounds[k + 1])
            if b > a:
                packed[order[a:b]].tofile(self.files[k])
                self.counts[k] += b - a

    def drain(self, max_pairs: int) -> Iterator[npt.NDArray[np.uint64]]:
        """Each partition's distinct pairs, sorted (a partition too big is split again)."""
        try:
            for fh, count in zip(self.files, self.counts):
                if not count:
                    continue
                fh.seek(0)
                if count <= 4 * max_pairs or self.level >= 14:
                    yield np.unique(np.fromfile(fh, dtype=np.uint64, count=count))
                    continue
                sub = _Spill(self.directory, self.level + 1)
                for lo in range(0, count, max_pairs):
                    sub.add(np.unique(np.fromfile(fh, dtype=np.uint64, count=min(max_pairs, count - lo))))
                fh.close()
                yield from sub.drain(max_pairs)
        finally:
            for fh in self.files:
                fh.close()


def candidate_chunks(
    columns: Iterable[npt.NDArray[np.uint64]],
    ids: npt.NDArray[np.int64],
    *,
    bucket_cap: int = 100,
    hot_links: int = HOT_LINKS,
    max_pairs: int = MAX_PAIRS,
    directory: str | None = None,
) -> Iterator[npt.NDArray[np.int64]]:
    """Distinct candidate pairs ``(i, j)``, ``i < j``, in chunks of at most
    ``max_pairs`` rows, each pair in exactly one chunk.

    ``columns`` yields one band's keys at a time (each of ``len(ids)``
    values), so the caller need not hold every band in memory.  While the
    pairs fit in ``max_pairs`` they stay in memory and come out sorted;
    beyond, they are spilled to temporary files in ``directory`` (see the
    module docstring) and come out sorted within each chunk only.
    """
    held: list[npt.NDArray[np.uint64]] = []
    held_n = 0
    spill: _Spill | None = None
    for piece in _band_pieces(columns, ids, bucket_cap, hot_links, max_pairs):
        held.append(piece)
        held_n += len(piece)
        if held_n > max_pairs:
            merged = np.unique(np.concatenate(held))
            held, held_n = [merged], len(merged)
            if held_n > max_pairs // 2:
                spill = spill or _Spill(directory, 0)
                spill.add(merged)
                held, held_n = [], 0
    merged = np.unique(np.concatenate(held)) if held else np.zeros(0, dtype=np.uint64)
    del held
    if spill is None:
        for lo in range(0, len(merged), max_pairs):
            yield unpack_pairs(merged[lo : lo + max_pairs])
        return
    if len(merged):
        spill.add(merged)
    del merged
    for part in spill.drain(max_pairs):
        for lo in range(0, len(part), max_pairs):
            yield unpack_pairs(part[lo : lo + max_pairs])


def candidate_pairs(
    keys: npt.NDArray[np.uint64], ids: npt.NDArray[np.int64] | None = None, *, bucket_cap: int = 100, hot_links: int = HOT_LINKS
) -> npt.NDArray[np.int64]:
    """Distinct candidate pairs ``(i, j)``, ``i < j``, sorted, from band keys.

    ``keys`` has one row per paragraph (shape ``(n, bands)``); ``ids`` names
    the rows (default ``0..n-1``; ids must be below 2**32).  The result does
    not depend on the order of the rows.  All in memory: a corpus calls
    :func:`candidate_chunks`.

    >>> k = np.array([[1, 7], [1, 8], [2, 8], [3, 9]], dtype=np.uint64)
    >>> candidate_pairs(k).tolist()
    [[0, 1], [1, 2]]
    """
    n = keys.shape[0]
    if ids is None:
        ids = np.arange(n, dtype=np.int64)
    cols = (keys[:, j] for j in range(keys.shape[1]))
    chunks = list(candidate_chunks(cols, ids, bucket_cap=bucket_cap, hot_links=hot_links, max_pairs=2**62))
    return np.concatenate(chunks) if chunks else np.zeros((0, 2), dtype=np.int64)
