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
about 0.4 (every edit breaks three shingles), so wide bands (``rows`` 4)
and long shingles lose recall; 2 rows flood the verifier with pairs that
share a few common shingles.  The default -- character bigrams, 20 bands of
3 rows (60 permutations) -- keeps recall near 1 at ratio 85 with the
cheapest signatures (signature time is proportional to the permutations).
The price is a background rate of chance candidates: about 7e-6 of all
pairs on the 1M-paragraph benchmark corpus (3.6M candidate pairs for 1M
paragraphs, which rapidfuzz verifies in a few seconds), so candidate pairs
grow with the square of the corpus; past some tens of millions of
paragraphs choose more rows (``rows=4, bands=48``: recall 1.0 here, a
third of the candidates, 192 permutations).

Latin text is shingled by words (each word is one shingle character), so
a typo breaks two shingles: on 281 English licence paragraphs with 0.5-5 %
of their characters substituted, recall at ratio 85 was 0.86 (it is near 1
for Chinese at the same similarity).  Typo-heavy Latin corpora want more
bands.

Bucket cap: a bucket holding more than ``bucket_cap`` paragraphs (after
exact duplicates were collapsed, so these are many distinct but similar
paragraphs: a template) does not yield all its pairs; each member is paired
with the ``bucket_cap - 1`` members that follow it in id order (a sliding
window).  Pairs stay linear in the bucket size; pairs further apart in such
a bucket may be missed (unless another band finds them).

>>> p = LSHParams()
>>> p.num_perm, round(p.probability(0.4), 3), round(p.probability(0.1), 4)
(60, 0.734, 0.0198)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .minhash import MAX_NGRAM, splitmix64

__all__ = ["LSHParams", "band_keys", "candidate_pairs", "pack_pairs", "unpack_pairs"]


@dataclass(frozen=True, kw_only=True, slots=True)
class LSHParams:
    """Shingling, MinHash and banding parameters (see the module docstring).

    ngram: shingle length in characters (a Latin word counts as one).
    bands, rows: the banding; ``bands * rows`` permutations.
    seed: derives the permutations and band salts; an index built with one
    seed only works with that seed.
    bucket_cap: buckets larger than this are windowed, not paired all-to-all.
    """

    ngram: int = 2
    bands: int = 20
    rows: int = 3
    seed: int = 1
    bucket_cap: int = 100

    def __post_init__(self) -> None:
        if not 1 <= self.ngram <= MAX_NGRAM:
            raise ValueError(f"ngram must be between 1 and {MAX_NGRAM}, not {self.ngram}")
        if self.bands < 1 or self.rows < 1:
            raise ValueError(f"bands and rows must be at least 1, not {self.bands} and {self.rows}")
        if self.bucket_cap < 2:
            raise ValueError(f"bucket_cap must be at least 2, not {self.bucket_cap}")
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


def _bucket_pairs(members: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64], cap: int) -> list[npt.NDArray[np.uint64]]:
    out: list[npt.NDArray[np.uint64]] = []
    for size in np.unique(sizes):
        s = int(size)
        at = starts[sizes == size]
        if s <= cap:
            grid = members[at[:, None] + np.arange(s)[None, :]]  # (buckets, s)
            iu, ju = np.triu_indices(s, k=1)
            out.append(pack_pairs(grid[:, iu].ravel(), grid[:, ju].ravel()))
        else:
            for a in at.tolist():
                m = np.sort(members[a : a + s])
                for d in range(1, cap):
                    out.append(pack_pairs(m[:-d], m[d:]))
    return out


def candidate_pairs(keys: npt.NDArray[np.uint64], ids: npt.NDArray[np.int64] | None = None, *, bucket_cap: int = 100) -> npt.NDArray[np.int64]:
    """Distinct candidate pairs ``(i, j)``, ``i < j``, sorted, from band keys.

    ``keys`` has one row per paragraph (shape ``(n, bands)``); ``ids`` names
    the rows (default ``0..n-1``; ids must be below 2**32).  The result does
    not depend on the order of the rows.

    >>> k = np.array([[1, 7], [1, 8], [2, 8], [3, 9]], dtype=np.uint64)
    >>> candidate_pairs(k).tolist()
    [[0, 1], [1, 2]]
    """
    n = keys.shape[0]
    if ids is None:
        ids = np.arange(n, dtype=np.int64)
    chunks: list[npt.NDArray[np.uint64]] = []
    for j in range(keys.shape[1]):
        col = keys[:, j]
        order = np.lexsort((ids, col))
        ks = col[order]
        if n < 2:
            continue
        brk = np.flatnonzero(ks[1:] != ks[:-1]) + 1
        starts = np.concatenate(([0], brk))
        sizes = np.diff(np.concatenate((starts, [n])))
        multi = sizes > 1
        if multi.any():
            band = _bucket_pairs(ids[order], starts[multi], sizes[multi], bucket_cap)
            chunks.append(np.unique(np.concatenate(band)))
    if not chunks:
        return np.zeros((0, 2), dtype=np.int64)
    return unpack_pairs(np.unique(np.concatenate(chunks)))
