"""MinHash signatures of many paragraphs at once, vectorised with numpy.

A paragraph's shingles are the character n-grams of its
:func:`~cleaner.dedup.key.shingle_text` (so: character n-grams for Chinese,
word n-grams for Latin).  Each shingle gets a stable 64-bit hash (a
polynomial of its code points passed through the splitmix64 finaliser --
never Python's salted ``hash()``), and permutation ``k`` maps it to
``(a_k * h + b_k) >> 32`` (multiply-shift) with ``a_k, b_k`` derived from the
seed by splitmix64.  A signature is the minimum of each permutation over the
paragraph's shingles.  The same seed gives the same signatures on every
machine and in every process, which the SQLite index relies on.

Signatures estimate Jaccard similarity of the shingle sets; the estimate is
approximate (standard error about ``sqrt(J(1-J)/num_perm)``), which is why
every candidate pair is verified on the keys afterwards.

A paragraph shorter than ``ngram`` characters has one shingle (the whole
text); an empty one has no shingles, and its signature is all ``EMPTY``.

>>> sig = signatures(["今天天气很好我们去公园", "今天天气很好我们去公园玩", ""], ngram=3, num_perm=8, seed=1)
>>> sig.shape, sig.dtype.name
((3, 8), 'uint32')
>>> bool((sig[0] == sig[1]).mean() > 0.5), bool((sig[2] == EMPTY).all())
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["EMPTY", "shingle_hashes", "signatures", "permutations", "splitmix64"]

#: signature value of a paragraph without shingles
EMPTY = np.uint32(0xFFFFFFFF)

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
# odd multipliers for the code points of an n-gram (position 0, 1, 2, ...)
_POS = (
    0x9E3779B97F4A7C15,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
    0xD6E8FEB86659FD93,
    0xFF51AFD7ED558CCD,
    0xC4CEB9FE1A85EC53,
    0xA0761D6478BD642F,
    0xE7037ED1A0B428DB,
)
#: texts whose shingles :func:`signatures` hashes in one pass
_HASH_BLOCK = 2048
#: the longest n-gram supported
MAX_NGRAM = len(_POS)


def splitmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The splitmix64 finaliser, element-wise (wrapping uint64 arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def permutations(num_perm: int, seed: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The multipliers (odd) and offsets of ``num_perm`` hash permutations."""
    k = np.arange(2 * num_perm, dtype=np.uint64)
    with np.errstate(over="ignore"):
        raw = splitmix64((k + np.uint64(1)) * _GOLDEN + np.uint64(seed & 0xFFFFFFFFFFFFFFFF) * _M2)
    return raw[:num_perm] | np.uint64(1), raw[num_perm:]


def _codepoints(texts: Sequence[str]) -> npt.NDArray[np.uint64]:
    return np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint64)


def shingle_hashes(
    texts: Sequence[str], *, ngram: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Hashes of the character n-grams of every text, and for each text the
    number of its shingles (a text shorter than ``ngram`` has one shingle,
    an empty text none).  The hashes of text ``i`` follow those of text
    ``i - 1``.

    >>> h, counts = shingle_hashes(["abcd", "ab", ""], ngram=3)
    >>> counts.tolist(), len(h)
    ([2, 1, 0], 3)
    """
    if not 1 <= ngram <= MAX_NGRAM:
        raise ValueError(f"ngram must be between 1 and {MAX_NGRAM}, not {ngram}")
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    counts = np.where(lengths >= ngram, lengths - ngram + 1, np.minimum(lengths, 1))
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.uint64), counts
    cp = _codepoints(texts)
    starts = np.cumsum(lengths) - lengths
    # every position that begins a shingle, and where its text ends
    pos = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    end = np.repeat(starts + lengths, counts)
    padded = np.concatenate([cp, np.zeros(ngram, dtype=np.uint64)])
    with np.errstate(over="ignore"):
        h = np.full(len(pos), np.uint64(ngram), dtype=np.uint64)
        for k in range(ngram):
            idx = pos + k
            c = np.where(idx < end, padded[idx], np.uint64(0))
            h = h + (c + np.uint64(1)) * np.uint64(_POS[k])
        h = splitmix64(h)
    return h, counts


def signatures(
    texts: Sequence[str], *, ngram: int, num_perm: int, seed: int, chunk: int = 0
) -> npt.NDArray[np.uint32]:
    """MinHash signatures, shape ``(len(texts), num_perm)``, dtype uint32.

    Work is O(total characters x num_perm).  The shingles of up to 2,048
    texts are hashed in one pass; the permutations run over groups of about
    ``chunk`` shingles (default: what fits ``chunk * num_perm * 8`` bytes in
    4 MB), one row per permutation.  Measured on 50k paragraphs with 128
    permutations: 2.5x faster than groups of 1 MB taken down the columns.
    """
    if num_perm < 1:
        raise ValueError(f"num_perm must be at least 1, not {num_perm}")
    chunk = chunk or max(256, (1 << 19) // num_perm)
    n = len(texts)
    sig = np.full((n, num_perm), EMPTY, dtype=np.uint32)
    if n == 0:
        return sig
    if n > _HASH_BLOCK:  # hash arrays of a few thousand texts stay in the cache
        for lo in range(0, n, _HASH_BLOCK):
            sig[lo : lo + _HASH_BLOCK] = signatures(texts[lo : lo + _HASH_BLOCK], ngram=ngram, num_perm=num_perm, seed=seed, chunk=chunk)
        return sig
    a, b = permutations(num_perm, seed)
    h, counts = shingle_hashes(texts, ngram=ngram)
    nonempty = np.flatnonzero(counts).astype(np.int64)
    ends = np.cumsum(counts[nonempty])
    starts = ends - counts[nonempty]
    buf = np.empty(num_perm * chunk, dtype=np.uint64)
    i = 0
    while i < len(nonempty):
        # a group of texts with about `chunk` shingles (at least one text)
        j = max(i + 1, int(np.searchsorted(ends, starts[i] + chunk, side="right")))
        lo, hi = int(starts[i]), int(ends[j - 1])
        # one row per permutation: reduceat along rows is 5x faster than down columns
        v = buf[: num_perm * (hi - lo)].reshape(num_perm, hi - lo) if hi - lo <= chunk else np.empty((num_perm, hi - lo), dtype=np.uint64)
        np.multiply(a[:, None], h[None, lo:hi], out=v)
        np.add(v, b[:, None], out=v)
        # the shift is monotone, so it commutes with the minimum: shift the minima only
        sig[nonempty[i:j]] = (np.minimum.reduceat(v, starts[i:j] - lo, axis=1) >> np.uint64(32)).T
        i = j
    return sig
