"""A compact character n-gram model learned from the user's own corpus.

The typo rules read context through it: how probable a character is after
the four before it, in the text the user works with.  Counts of every
n-gram (orders 1 to :data:`ORDER`) are held in two sorted numpy arrays, a
key per n-gram and its count; a look-up is a ``searchsorted``.

Characters.  The first :data:`VOCAB_SAMPLE` characters of the corpus choose
the vocabulary: its :data:`VOCAB_SIZE` most frequent characters (Han,
punctuation, anything but digits, Latin letters and white space) get an id
of 12 bits; a rarer Han character shares the id ``RARE_HAN``, any other one
``OTHER``; every digit is ``DIGIT``, every Latin letter (ASCII or full
width) ``LATIN``, a run of spaces ``SPACE``, and a line break or the edge
of a document ``EDGE``.  An n-gram of order ``k`` is its ``k`` ids packed in
``12 * k`` bits with ``k`` in the top bits, so that one array holds every
order, sorted by order, then by the characters: the n-grams that extend a
context are contiguous.

Size.  With ``max_ngrams`` set, n-grams of order 3 and above seen fewer than
``t`` times are dropped whenever the table outgrows it (``t`` rising from 2);
the threshold reached is in the statistics.  A rare variant stays rare, so a
corpus that still holds typos is fit to learn from.

Probabilities: interpolated absolute discounting (Kneser-Ney's estimate
without continuation counts), discount :data:`DISCOUNT`; the mass of pruned
n-grams goes to the lower order.  Natural logarithms.

>>> m = learn(["我们在北京工作。", "他们在北京学习。"] * 20)
>>> m.stats["documents"], m.stats["chars"], m.stats["repeated_sentences"]
(2, 16, 38)
>>> lp = m.logprob_at("他们在北京工作", [5])
>>> bool(lp[0] > m.logprob_at("他们在北涼工作", [5])[0])
True
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import mmap
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import IO

import numpy as np

from .model import speedups

__all__ = ["CharModel", "Counts", "Repeats", "Sentences", "learn", "load", "vocabulary_of", "count_texts", "sentence_hashes", "merge_counts", "from_counts", "FORMAT", "ORDER", "VOCAB_SIZE"]

#: the C module (:func:`cleaner.typos.model.speedups`), None when off
_SPEEDUPS = speedups()

#: the file format's name and version, checked when a model is loaded
FORMAT = "cleaner-charmodel-1"
#: the longest n-gram counted
ORDER = 5
#: bits per character id (ORDER * BITS <= 60: the order fits above them)
BITS = 12
#: characters with an id of their own (the rest of the 4,096 ids are classes)
VOCAB_SIZE = (1 << BITS) - 16
#: characters read before the vocabulary is chosen
VOCAB_SAMPLE = 1 << 22
#: characters learned at a time (memory: about 100 bytes per character)
CHUNK_CHARS = 1 << 20
#: a sentence of at least this many characters that the corpus repeats is
#: learned once (:class:`_Distinct`); shorter ones (a heading, 谢谢。) are
#: counted each time
REPEAT_MIN_CHARS = 8
#: ... and the first this many distinct such sentences are remembered (8
#: bytes each: 32 MB)
REPEAT_MEMORY = 1 << 22
#: a sentence: up to and with its end marks, or a line's tail without one
_SENTENCE = re.compile("[^。！？!?]*[。！？!?]+|[^。！？!?]+")
#: ... found in a whole text at once: those of its lines, in order
_LINE_SENTENCE = re.compile("[^。！？!?\n]*[。！？!?]+|[^。！？!?\n]+")
#: counted n-grams held apart before they join the main table
PENDING = 1 << 22
#: the discount of interpolated absolute discounting
DISCOUNT = 0.75
#: class ids
PAD, EDGE, DIGIT, LATIN, SPACE, RARE_HAN, OTHER = range(7)
FIRST_ID = 16

_MASK = (1 << BITS) - 1
_ORDER_SHIFT = 60
#: a table key holds its n-gram's order from this bit up (public for
#: callers that build keys: :func:`ngram_key`, :meth:`CharModel.counts_of_keys`)
ORDER_SHIFT = _ORDER_SHIFT


def ngram_key(ids: Sequence[int]) -> int:
    """The table key of the n-gram of ``ids`` (each below ``1 << BITS``).

    >>> ngram_key([16, 17]) == 2 << ORDER_SHIFT | 16 << BITS | 17
    True
    """
    key = len(ids) << ORDER_SHIFT
    for k, x in enumerate(reversed(ids)):
        key |= x << (BITS * k)
    return key


def ngram_keys(rows: np.ndarray) -> np.ndarray:
    """The table keys (uint64) of rows of ids (shape (M, k), k <= 5, each
    id below ``1 << BITS``): :func:`ngram_key` of each row, in one pass;
    equal rows, equal keys.

    >>> ngram_keys(np.array([[16, 17], [17, 16]])).tolist() == [ngram_key([16, 17]), ngram_key([17, 16])]
    True
    """
    rows = np.asarray(rows)
    return _pack(rows, rows.shape[1], rows.shape[1])
_LOW = np.uint64((1 << _ORDER_SHIFT) - 1)
#: orders whose keys the C look-ups find by their first id (BITS * 5 < 60)
_RADIX_ORDERS = 5
#: the C middle searches start from a bucket of the left id and this many
#: top bits of the right id (:attr:`CharModel._c_middles`, ``CM_MID_SPLIT``
#: in ``speedups.c``)
_MIDDLE_SPLIT = 6
#: the C look-ups search every this-many-th key first (``CM_FENCE`` in
#: ``speedups.c``), then the block of keys it leads
_FENCE = 8


def _is_han_code(cp: np.ndarray) -> np.ndarray:
    return ((cp >= 0x4E00) & (cp <= 0x9FFF)) | ((cp >= 0x3400) & (cp <= 0x4DBF)) | ((cp >= 0xF900) & (cp <= 0xFAFF))


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@functools.cache
def _class_table() -> np.ndarray:
    """The id of every code point before the vocabulary is known (uint16)."""
    cp = np.arange(0x110000, dtype=np.uint32)
    table = np.full(0x110000, OTHER, dtype=np.uint16)
    table[_is_han_code(cp)] = RARE_HAN
    for lo, hi in ((0x30, 0x39), (0xFF10, 0xFF19)):
        table[lo : hi + 1] = DIGIT
    for lo, hi in ((0x41, 0x5A), (0x61, 0x7A), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        table[lo : hi + 1] = LATIN
    for ch in " \t\u3000\u00a0\f\v":
        table[ord(ch)] = SPACE
    for ch in "\n\r\u2028\u2029\x85":
        table[ord(ch)] = EDGE
    return table


def _vocabulary(sample: str) -> str:
    """The :data:`VOCAB_SIZE` most frequent characters of ``sample`` that
    have no class of their own (ties by code point)."""
    cp = _codes(sample)
    counts = np.bincount(cp, minlength=0x110000)
    classes = _class_table()
    counts[(classes != RARE_HAN) & (classes != OTHER)] = 0
    values = np.flatnonzero(counts)
    order = np.lexsort((values, -counts[values]))[:VOCAB_SIZE]
    return "".join(map(chr, np.sort(values[order]).tolist()))


#: the size of a transparent huge page (x86-64, arm64 with 4 KB pages)
_HUGE_PAGE = 1 << 21


def huge_pages(a: np.ndarray) -> np.ndarray:
    """``a``, or where it holds a whole huge page (2 MB) and the system
    can, a copy of it (the same values, the same dtype and shape) in
    anonymous memory that starts on a 2 MB boundary, its whole 2 MB pages
    advised for transparent huge pages (``MADV_HUGEPAGE``; Linux in its
    default ``madvise`` mode gives them only when asked).  The C look-ups
    read the model's tables at random: on 4 KB pages most of those reads
    miss the TLB too (the tables are tens of MB), and they evict the word
    model's entries, which ``ocr_confusion`` then reads slower.  The rest
    past the last whole 2 MB page stays on 4 KB pages (no memory beyond
    ``a``'s is touched).

    >>> a = np.arange(1 << 19, dtype=np.int64)  # 4 MB
    >>> b = huge_pages(a)
    >>> bool(np.array_equal(a, b)) and b.dtype == a.dtype and huge_pages(a[:10]) is not None
    True
    """
    whole = (a.nbytes // _HUGE_PAGE) * _HUGE_PAGE
    if not whole or not hasattr(mmap, "MADV_HUGEPAGE") or not hasattr(mmap, "MAP_ANONYMOUS"):
        return a
    size = -(-a.nbytes // mmap.PAGESIZE) * mmap.PAGESIZE + _HUGE_PAGE
    try:
        mem = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    except OSError:
        return a
    raw = np.frombuffer(mem, dtype=np.uint8)  # holds mem
    skip = -raw.ctypes.data % _HUGE_PAGE
    try:
        mem.madvise(mmap.MADV_HUGEPAGE, skip, whole)
    except OSError:
        pass  # a hint: 4 KB pages then
    out = raw[skip : skip + a.nbytes].view(a.dtype).reshape(a.shape)
    out[...] = a
    return out


def _lookup(vocab: str) -> np.ndarray:
    table = _class_table().copy()
    if vocab:
        table[_codes(vocab)] = np.arange(FIRST_ID, FIRST_ID + len(vocab), dtype=np.uint16)
    return table


def _ngram_counts(ids: np.ndarray, order: int, docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the n-grams of orders 1..``order`` in ``ids`` (documents
    between EDGE ids) and their counts, sorted (each order sorted alone: the
    order tag in the top bits keeps the concatenation sorted).  An n-gram
    that crosses from one document into the next is not counted, and EDGE
    counts twice per document (its start and its end), so that the counts do
    not depend on how the corpus is cut into pieces."""
    inner = np.zeros(len(ids), dtype=bool)  # an EDGE inside the k-gram at i
    edge = ids == EDGE
    ids = ids.astype(np.uint64)
    n = len(ids)
    keys_out = []
    counts_out = []
    key = np.zeros(n, dtype=np.uint64)
    for k in range(1, order + 1):
        # the k-gram starting at i: the (k-1)-gram's key, shifted, plus ids[i+k-1]
        m = n - k + 1
        if m <= 0:
            break
        key = (key[:m] << np.uint64(BITS)) | ids[k - 1 : k - 1 + m]
        if k >= 3:
            inner = inner[:m] | edge[k - 2 : k - 2 + m]
        s = np.sort(key[~inner[:m]] if k >= 3 else key)
        if not len(s):
            continue  # every k-gram crosses a document's edge (short texts)
        starts = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1])))
        keys_out.append(s[starts] | np.uint64(k << _ORDER_SHIFT))
        counts_out.append(np.diff(np.append(starts, len(s))).astype(np.uint32))
        if k == 1 and len(s) and EDGE in s:
            counts_out[0][np.searchsorted(s[starts], EDGE)] = 2 * docs
    if not keys_out:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32)
    return np.concatenate(keys_out), np.concatenate(counts_out)


def _merge(keys: Sequence[np.ndarray], counts: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Sum the counts of equal keys of several sorted tables."""
    keys = [k for k in keys if len(k)]
    counts = [c for c in counts if len(c)]
    if len(keys) == 1:
        return keys[0], counts[0]
    if not keys:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32)
    k = np.concatenate(keys)
    c = np.concatenate(counts)
    if len(keys) > 1:
        order = np.argsort(k, kind="stable")  # timsort: runs of sorted tables
        k, c = k[order], c[order]
    if not len(k):
        return k, c.astype(np.uint32)
    starts = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    return k[starts], np.add.reduceat(c.astype(np.uint64), starts).astype(np.uint32)


def _merge_into(keys: np.ndarray, counts: np.ndarray, new_k: np.ndarray, new_c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add a sorted table to the main one without sorting again (memory:
    the main table twice, not a sort of both).

    >>> k, c = _merge_into(np.array([1, 5], np.uint64), np.array([1, 1], np.uint32), np.array([0, 5, 9], np.uint64), np.array([2, 3, 4], np.uint32))
    >>> k.tolist(), c.tolist()
    ([0, 1, 5, 9], [2, 1, 4, 4])
    """
    if not len(keys):
        return new_k, new_c
    at = np.searchsorted(keys, new_k)
    hit = at < len(keys)
    hit[hit] = keys[at[hit]] == new_k[hit]
    counts = counts.copy()
    counts[at[hit]] += new_c[hit]
    fresh = ~hit
    return np.insert(keys, at[fresh], new_k[fresh]), np.insert(counts, at[fresh], new_c[fresh])


def _orders(keys: np.ndarray) -> np.ndarray:
    return (keys >> np.uint64(_ORDER_SHIFT)).astype(np.int8)


def _prune(keys: np.ndarray, counts: np.ndarray, budget: int, floor: int, *, rounds: int | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Drop n-grams of order >= 3 with a count below a threshold until at
    most ``budget`` remain (or for ``rounds`` thresholds above ``floor``);
    the threshold used.  The threshold already reached (``floor``, above 1)
    comes first: n-grams added since the last pruning fall below it, and
    raising it at once made a table summed from large parts (a Ray task's
    each) lose most of its n-grams: eight parts of THUCNews at a budget of
    400k kept 209k at a threshold of 7 where one table keeps 302k at 3."""
    t = floor
    high = _orders(keys) >= 3
    if t > 1 and len(keys) > budget:
        keep = ~high | (counts >= t)
        keys, counts, high = keys[keep], counts[keep], high[keep]
    while len(keys) > budget and (rounds is None or t < floor + rounds):
        t += 1
        keep = ~high | (counts >= t)
        keys, counts, high = keys[keep], counts[keep], high[keep]
        if not high.any():
            break
    return keys, counts, t


class CharModel:
    """Counts of character n-grams and the probabilities they give.

    Made by :func:`learn` or :func:`load`; read-only afterwards.  ``stats``
    holds the corpus statistics: ``chars``, ``documents``, ``ngrams`` per
    order, ``prune_below`` (n-grams of order 3+ rarer than this were
    dropped), ``order``, ``repeated_sentences`` and ``repeated_chars`` (the
    sentences left out as repeats, and their characters: :func:`learn`;
    models saved before these were counted have neither).
    """

    def __init__(self, vocab: str, keys: np.ndarray, counts: np.ndarray, stats: dict[str, object]) -> None:
        self.vocab = vocab
        self.keys = huge_pages(keys)  # read at random by the C look-ups (huge_pages)
        self.counts = huge_pages(counts)
        self.stats = stats
        self.order = int(stats.get("order", ORDER))  # type: ignore[call-overload]
        self.table = huge_pages(_lookup(vocab))
        self._vocab_set = frozenset(vocab)
        uni = _orders(keys) == 1
        self._total1 = float(counts[uni].sum())
        self._types1 = (1 << BITS)
        self.path: str | None = None

    def __repr__(self) -> str:
        return f"CharModel({self.stats.get('chars')} characters, {len(self.keys)} n-grams{', ' + self.path if self.path else ''})"

    @functools.cached_property
    def _follow(self) -> tuple[np.ndarray, np.ndarray]:
        """Per n-gram as a context: how many distinct stored n-grams extend
        it by one character, and the sum of their counts."""
        keys, counts = self.keys, self.counts
        n_f = np.zeros(len(keys), dtype=np.uint32)
        s_f = np.zeros(len(keys), dtype=np.uint64)
        orders = _orders(keys)
        for k in range(2, self.order + 1):
            sel = np.flatnonzero(orders == k)
            if not len(sel):
                continue
            prefix = ((keys[sel] & _LOW) >> np.uint64(BITS)) | np.uint64((k - 1) << _ORDER_SHIFT)
            starts = np.flatnonzero(np.concatenate(([True], prefix[1:] != prefix[:-1])))
            uniq = prefix[starts]
            runs = np.diff(np.append(starts, len(prefix)))
            sums = np.add.reduceat(counts[sel].astype(np.uint64), starts)
            pos = np.searchsorted(keys, uniq)
            pos = np.minimum(pos, len(keys) - 1)
            found = keys[pos] == uniq
            n_f[pos[found]] = runs[found]
            s_f[pos[found]] = sums[found]
        return huge_pages(n_f), huge_pages(s_f)

    # -- look-ups ---------------------------------------------------------

    def ids(self, text: str) -> np.ndarray:
        """The id of every character of ``text`` (int64)."""
        return self.table[_codes(text)].astype(np.int64)

    def knows(self, ch: str) -> bool:
        """Whether ``ch`` has an id of its own (the corpus used it often)."""
        return ch in self._vocab_set

    @functools.cached_property
    def _filter(self) -> tuple[np.ndarray, int]:
        """A blocked Bloom filter of the keys (8 to 16 bits per key; no false
        negatives): most n-grams a typo check asks for are absent (88 % of
        them on news), and a word read costs less than a binary search.
        Each key sets three bits of one 64-bit word (:func:`_filter_word`,
        :func:`_filter_mask`), read as bytes (``2 ** (bits - 3)`` of them):
        one cache line a look-up as with one bit, a third of the false
        positives (on unseen news 10 % of the absent n-grams passed one
        bit, each then searched for in vain)."""
        bits = max(10, int(len(self.keys)).bit_length() + 3)
        words = np.zeros(1 << (bits - 6), dtype=np.uint64)
        np.bitwise_or.at(words, _filter_word(self.keys, bits), _filter_mask(self.keys, bits))  # 40 ms for 1.9M keys
        return huge_pages(words.view(np.uint8)), bits

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """Index of each key in the table, or -1 (in one C call when the
        module is built: :meth:`_py_find`'s dozen numpy calls cost more than
        the look-ups of a few hundred keys)."""
        if _SPEEDUPS is not None:
            flat = np.ascontiguousarray(keys, dtype=np.uint64).reshape(-1)
            out = np.empty(len(flat), dtype=np.int64)
            if _SPEEDUPS.ngram_find(*self._c_table, flat, out) is None:
                return out.reshape(keys.shape)
        return self._py_find(keys)

    @functools.cached_property
    def _c_table(self) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
        """The first arguments of the C look-ups: the keys, the Bloom filter
        and its bits, and where each run of keys of one order and first id
        begins (``searchsorted`` of ``k << 60 | x << 12 (k - 1)``, x = 0 ..
        4,096, k = 1..5; 160 KB): a search within its run reads a few cache
        lines where one over all keys misses the cache some ten times (265 ns
        a key found on 1.9M keys); then, in the same array, every
        :data:`_FENCE`-th key: the search goes through these (an eighth of
        the keys, so that fewer of its steps miss the cache), then reads one
        block of keys."""
        k = np.arange(1, _RADIX_ORDERS + 1, dtype=np.uint64)[:, None]
        x = np.arange(1 << BITS, dtype=np.uint64)[None, :]
        starts = (k << np.uint64(_ORDER_SHIFT)) | (x << (np.uint64(BITS) * (k - np.uint64(1))))
        bounds = np.concatenate((starts, ((k + np.uint64(1)) << np.uint64(_ORDER_SHIFT))), axis=1)  # and the next order's first
        table, bits = self._filter
        fence = np.ascontiguousarray(self.keys[::_FENCE]).view(np.int64)
        return self.keys, table, bits, huge_pages(np.concatenate((np.searchsorted(self.keys, bounds.reshape(-1)).astype(np.int64), fence)))

    def _py_find(self, keys: np.ndarray) -> np.ndarray:
        """:meth:`_find` in numpy, the reference for the C one."""
        out = np.full(keys.shape, -1, dtype=np.int64)
        if not len(self.keys):
            return out
        table, bits = self._filter
        flat = keys.ravel()
        mask = _filter_mask(flat, bits)
        maybe = np.flatnonzero(table.view(np.uint64)[_filter_word(flat, bits)] & mask == mask)
        wanted = flat[maybe]
        order = np.argsort(wanted)  # sorted needles: each search starts where the last one left off, in cache
        pos = np.minimum(np.searchsorted(self.keys, wanted[order]), len(self.keys) - 1)
        hit = self.keys[pos] == wanted[order]
        out.reshape(-1)[maybe[order[hit]]] = pos[hit]
        return out

    def count(self, ids: np.ndarray) -> np.ndarray:
        """Counts of n-grams given as rows of ids (shape (M, k), k <= order)."""
        ids = np.asarray(ids, dtype=np.uint64)
        idx = self._find(_pack(ids, ids.shape[1], ids.shape[1]))
        return np.where(idx >= 0, self.counts[np.maximum(idx, 0)], 0).astype(np.int64)

    @functools.cached_property
    def unigram_counts(self) -> np.ndarray:
        """:meth:`count` of each id alone, indexed by id (one look-up for all
        of them: a look-up a call cost ``context``'s rarity discount 0.06 ms
        a piece of unseen news).

        >>> m = learn(["天气很好。"] * 2)
        >>> m.unigram_counts[m.ids("天气")].tolist()
        [2, 2]
        """
        return self.count(np.arange(FIRST_ID + len(self.vocab), dtype=np.int64).reshape(-1, 1))

    @functools.cached_property
    def solo_logp(self) -> np.ndarray:
        """Per id (all ``1 << BITS`` of them, float64): the log of its
        unigram probability times the weight its context of one character
        leaves the lower order (``b / d`` of :meth:`_terms`; 1 where it is
        no context).  Where the corpus writes neither pair that a character
        makes with its two neighbours, nor those of another character in its
        place, :meth:`gains` of the one for the other is the difference of
        their values: every other factor belongs to the shared context and
        cancels (up to float rounding: on 8,724 such candidates of unseen
        news the two differ by at most 2e-14).

        >>> m = learn(["天气很好。", "天气不好。"] * 3)
        >>> solo = m.solo_logp[m.ids("气")[0]] - m.solo_logp[m.ids("很")[0]]
        >>> bool(abs(m.gains("。很。", [1], ["气"])[0] - solo) < 1e-9)  # 。很, 很。, 。气, 气。: never written
        True
        >>> bool(abs(m.gains("天很好", [1], ["气"])[0] - solo) < 1e-9)  # 天气 is
        False
        """
        ids = np.arange(1 << BITS, dtype=np.uint64).reshape(-1, 1)
        uni, _, b, d, seen = self._terms(self._find(_pack(ids, 1, 1)))
        return np.log(uni) + np.where(seen, np.log(b / d), 0.0)

    def counts_of_keys(self, keys: np.ndarray) -> np.ndarray:
        """The count of each n-gram given by its table key (:func:`ngram_key`:
        its order above :data:`ORDER_SHIFT`, its ids :data:`BITS` bits each,
        the last in the lowest bits), 0 where the table lacks it: for a
        caller that builds a few keys in Python.

        >>> m = learn(["天气很好。"] * 2)
        >>> m.counts_of_keys(np.array([ngram_key(m.ids("天气").tolist()), ngram_key(m.ids("气天").tolist())], dtype=np.uint64)).tolist()
        [2, 0]
        """
        idx = self._find(np.asarray(keys, dtype=np.uint64))
        return np.where(idx >= 0, self.counts[np.maximum(idx, 0)], 0).astype(np.int64)

    def pairs_at_least(self, least: int) -> np.ndarray:
        """The pairs of ids the corpus writes at least ``least`` times, each
        as ``left << BITS | right`` (int64).

        >>> m = learn(["天气很好。"] * 2)
        >>> l, r = m.ids("天气").tolist()
        >>> (l << BITS | r) in m.pairs_at_least(2).tolist(), (l << BITS | r) in m.pairs_at_least(3).tolist()
        (True, False)
        """
        pick = (_orders(self.keys) == 2) & (self.counts >= least)
        return (self.keys[pick] & _LOW).astype(np.int64)

    def counts_of(self, *tables: np.ndarray) -> list[np.ndarray]:
        """:meth:`count` of each table of rows (each of its own width), in
        one look-up.

        >>> m = learn(["天气很好。"] * 2)
        >>> [c.tolist() for c in m.counts_of(m.ids("天气").reshape(1, 2), m.ids("气很好").reshape(1, 3))]
        [[2], [2]]
        """
        keys = [ngram_keys(t) for t in tables]
        idx = self._find(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
        found = np.where(idx >= 0, self.counts[np.maximum(idx, 0)], 0).astype(np.int64)
        if not keys:
            return [found]  # as np.split of it
        ends = list(itertools.accumulate(len(k) for k in keys))
        return [found[a:b] for a, b in zip([0, *ends[:-1]], ends)]  # np.split's parts, without its Python loop

    def neighbour_counts(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Counts of the pairs of ``ids`` with an EDGE either side
        (``len(ids) + 1``: the one at ``j`` ends at ``ids[j]``) and of the
        trigram around each id (``len(ids)``), in one look-up: the keys by
        shifts of the ids, half the time of :meth:`counts_of` on rows.

        >>> m = learn(["天气很好。"] * 2)
        >>> [c.tolist() for c in m.neighbour_counts(m.ids("天气好"))]
        [[2, 2, 0, 0], [2, 0, 0]]
        """
        if _SPEEDUPS is not None:  # one C call where numpy makes a dozen
            flat = np.ascontiguousarray(ids, dtype=np.int64)
            two, three = np.empty(len(flat) + 1, dtype=np.int64), np.empty(len(flat), dtype=np.int64)
            if _SPEEDUPS.neighbour_counts(*self._c_table, self.counts, flat, two, three) is None:
                return two, three
        p = np.concatenate(([EDGE], np.asarray(ids, dtype=np.int64), [EDGE])).astype(np.uint64)
        pairs = (p[:-1] << np.uint64(BITS)) | p[1:]
        triples = (pairs[:-1] << np.uint64(BITS)) | p[2:]
        idx = self._find(np.concatenate((pairs | np.uint64(2 << _ORDER_SHIFT), triples | np.uint64(3 << _ORDER_SHIFT))))
        found = np.where(idx >= 0, self.counts[np.maximum(idx, 0)], 0).astype(np.int64)
        return found[: len(pairs)], found[len(pairs) :]

    def cond_logprob(self, ids: np.ndarray) -> np.ndarray:
        """log P(last id | the ids before it) for each row of ``ids``
        (shape (M, h + 1)); a PAD id cuts the history there."""
        ids = np.asarray(ids, dtype=np.int64)
        top = min(self.order, ids.shape[1])
        width = ids.shape[1]
        keys = np.stack([_pack(ids, width - d, k - d) for k, d in _key_pairs(top)])
        uni, full, ctx_b, ctx_d, ctx_seen = self._terms(self._find(keys))
        return np.log(_interpolate(uni[0], full[1::2], ctx_b[2::2], ctx_d[2::2], ctx_seen[2::2], ids[:, -2 : -top - 1 : -1].T != PAD))

    def _terms(self, found: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """What the estimate reads of each n-gram looked up (``found``: its
        index in the table, -1 when absent), each shaped as ``found``: as a
        unigram, its probability (smoothed by half a count per id); as the
        n-gram predicted, its discounted count; as a context (count ``c``,
        ``n`` distinct stored continuations whose counts sum to ``s``), the
        weight ``b = DISCOUNT * n + (d - s)`` of the lower order, the
        divisor ``d = max(c, s)`` (1 when 0), and whether ``d`` is above 0."""
        hit = found >= 0
        at = np.maximum(found, 0)
        follow_n, follow_s = self._follow
        c = np.where(hit, self.counts[at], 0).astype(np.float64)
        n = np.where(hit, follow_n[at], 0).astype(np.float64)
        s = np.where(hit, follow_s[at], 0).astype(np.float64)
        uni = (c + 0.5) / (self._total1 + 0.5 * self._types1)
        denom = np.maximum(c, s)
        seen = denom > 0
        d = np.where(seen, denom, 1.0)
        return uni, np.maximum(c - DISCOUNT, 0.0), DISCOUNT * n + (d - s), d, seen

    def logprob_at(self, text: str, positions: Iterable[int]) -> np.ndarray:
        """log P(text[i] | the characters before it) at each position."""
        ids = self.ids(text)
        pos = np.asarray(list(positions), dtype=np.int64)
        rows = windows(ids, pos, self.order - 1, 0)
        return self.cond_logprob(rows)

    def gains(self, text: str, positions: Sequence[int], replacements: Sequence[str], *, ids: np.ndarray | None = None) -> np.ndarray:
        """For each ``(i, ch)``: the log probability of the text around ``i``
        with ``ch`` at ``i`` less that of the text as written (the n-grams
        that hold position ``i``, :data:`ORDER` positions).

        >>> m = learn(["我们在北京工作。"] * 30, keep_repeats=True)
        >>> bool(m.gains("我们在北涼工作。", [4], ["京"])[0] > 5)
        True

        ``ids``: ``self.ids(text)`` when the caller has them.
        """
        if not len(positions):
            return np.zeros(0)
        return self.gains_at(self.ids(text) if ids is None else ids, np.asarray(positions, dtype=np.int64), _codes("".join(replacements)))

    def gains_at(self, ids: np.ndarray, positions: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """:meth:`gains` of the text of ``ids`` (:meth:`ids`) with the
        character of code point ``codes[j]`` at ``positions[j]`` (int64
        arrays: the context pass has them from the C proposals, no list or
        string to convert).

        >>> m = learn(["我们在北京工作。"] * 30, keep_repeats=True)
        >>> t = "我们在北涼工作。"
        >>> m.gains_at(m.ids(t), np.array([4]), np.array([ord("京")])).tolist() == m.gains(t, [4], ["京"]).tolist()
        True
        """
        if not len(positions):
            return np.zeros(0)
        p, back = self._gain_probs(ids, positions, self.table[codes].astype(np.int64))
        both = np.log(p).reshape(self.order, -1).sum(axis=0)  # per row: the sum of its predicted columns
        return both[: len(back)] - both[len(back) :][back]

    def tail_logprob(self, texts: Sequence[str], first: Sequence[int]) -> np.ndarray:
        """For each text: the sum of log P(char | the characters before it)
        over its characters from ``first`` on (the earlier ones are history
        only; before the text's start is the edge of a document).  One batch
        for all: texts of different lengths compare an insertion or a
        deletion with the text as written.

        >>> m = learn(["天气很好。"] * 20)
        >>> a, b = m.tail_logprob(["天气很好。", "天气好。"], [2, 2])
        >>> bool(a > b + 3)
        True
        """
        h = self.order - 1
        rows = []
        for t, f in zip(texts, first):
            ids = self.ids(t)
            rows.append(windows(ids, np.arange(f, len(t)), h, 0))
        if not rows:
            return np.zeros(0)
        owner = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
        return np.bincount(owner, weights=self.cond_logprob(np.concatenate(rows)), minlength=len(rows))

    def _gain_probs(self, ids: np.ndarray, pos: np.ndarray, repl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows :meth:`gains` compares, as :meth:`_span_probs` of them:
        each candidate's window (``repl[j]`` at ``pos[j]`` of the text's
        ``ids``) then each position's window as written, and the row of each
        candidate's position among the latter (one C call when the module is
        built: the windows, the look-ups and the probabilities)."""
        if _SPEEDUPS is not None:
            follow_n, follow_s = self._follow
            out = _SPEEDUPS.gain_probs(*self._c_table, self.counts, follow_n, follow_s, ids, pos, repl, self._total1 + 0.5 * self._types1, self.order - 1)
            if out is not NotImplemented:
                return np.frombuffer(out[0], dtype=np.float64), np.frombuffer(out[1], dtype=np.int64)
        return self._py_gain_probs(ids, pos, repl)

    def _py_gain_probs(self, ids: np.ndarray, pos: np.ndarray, repl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_gain_probs` in numpy, the reference for the C one."""
        h = self.order - 1
        uniq, back = np.unique(pos, return_inverse=True)
        rows = windows(ids, uniq, h, h)  # (U, 2h + 1), the position at column h
        new = rows[back]
        new[:, h] = repl
        return self._span_probs(new, rows, back), back

    def _span_probs(self, new: np.ndarray, rows: np.ndarray, back: np.ndarray) -> np.ndarray:
        """The interpolated probability of each predicted column h..2h
        (h = order - 1) of each row of ``new`` then ``rows``, each given the h
        columns before it, flat by column then row; ``new`` differs from
        ``rows[back]`` only at column h.  One look-up for all: every n-gram
        of ``rows``, and of ``new`` only those that hold column h (the others
        are its row's)."""
        h = self.order - 1
        cells, own, pick, hist = _span_layout(h)
        both = np.concatenate((new, rows))
        m, n = len(new), len(both)
        keys = _ends(both, h + 1)[:, cells[:, 0], cells[:, 1]]
        split = (n - m) * len(cells)
        looked = self._find(np.concatenate((keys[m:].ravel(), keys[:m, own].ravel())))
        old = looked[:split].reshape(n - m, len(cells))
        found = np.concatenate((old[back], old))
        found[:m, own] = looked[split:].reshape(m, len(own))
        uni, full, ctx_b, ctx_d, ctx_seen = self._terms(found)

        def stack(terms: np.ndarray, rows: np.ndarray) -> np.ndarray:  # (keys, predicted columns x rows)
            return terms[:, rows].transpose(1, 2, 0).reshape(len(rows), (h + 1) * n)

        history = stack(both, hist) != PAD
        full_at, ctx_at = pick[1::2], pick[2::2]
        return _interpolate(stack(uni, pick[:1])[0], stack(full, full_at), stack(ctx_b, ctx_at), stack(ctx_d, ctx_at), stack(ctx_seen, ctx_at), history)

    @functools.cached_property
    def _middle_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The trigrams whose middle character has an id of its own, sorted
        by their outer pair (``left << BITS | right``), then by count, most
        frequent first: the pair's key, the middle id and the count."""
        sel = np.flatnonzero(_orders(self.keys) == 3)
        k = self.keys[sel] & _LOW
        mid = ((k >> np.uint64(BITS)) & np.uint64(_MASK)).astype(np.int64)
        keep = mid >= FIRST_ID
        k, mid, cnt = k[keep], mid[keep], self.counts[sel][keep]
        pair = (((k >> np.uint64(2 * BITS)) << np.uint64(BITS)) | (k & np.uint64(_MASK))).astype(np.int64)
        order = np.lexsort((mid, -cnt.astype(np.int64), pair))
        return huge_pages(pair[order]), huge_pages(mid[order]), huge_pages(cnt[order])

    def middles(self, left: np.ndarray, right: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """For each pair of ids ``(left[j], right[j])``: the ids of the (at
        most ``limit``) characters with an id of their own that the corpus
        writes between them most often, and their counts (shape (M, limit);
        PAD and 0 where there are fewer)."""
        pair_keys, mids, cnts = self._middle_index
        lo, hi = _runs(pair_keys, (np.asarray(left, dtype=np.int64) << BITS) | np.asarray(right, dtype=np.int64))
        idx = lo[:, None] + np.arange(limit)[None, :]
        ok = idx < hi[:, None]
        idx = np.minimum(idx, max(len(mids) - 1, 0))
        if not len(mids):
            return np.full(idx.shape, PAD, dtype=np.int64), np.zeros(idx.shape, dtype=np.int64)
        return np.where(ok, mids[idx], PAD), np.where(ok, cnts[idx].astype(np.int64), 0)

    def all_middles(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every character with an id of its own that the corpus writes
        between ``left[j]`` and ``right[j]`` (ids), flat: the index ``j`` of
        each and its id, by ``j``, then most frequent first (as
        :meth:`middles`, without a limit: one batch for any number of pairs).

        >>> m = learn(["天气很好。", "天气不好。", "天气不好。"])
        >>> owner, ids = m.all_middles(m.ids("好气"), m.ids("气好"))
        >>> owner.tolist(), [m.char(j) for j in ids.tolist()]
        ([1, 1], ['不', '很'])
        """
        owner, _, ids, _ = self.middle_runs(left, right)
        return owner, ids

    def middle_runs(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`all_middles` with each middle's rank in its pair's run (0:
        the most frequent) and its count: the first ``limit`` of each run
        are :meth:`middles`, so one look-up serves both.

        >>> m = learn(["天气很好。", "天气不好。", "天气不好。"])
        >>> owner, rank, ids, counts = m.middle_runs(m.ids("好气"), m.ids("气好"))
        >>> owner.tolist(), rank.tolist(), [m.char(j) for j in ids.tolist()], counts.tolist()
        ([1, 1], [0, 1], ['不', '很'], [2, 1])
        """
        if _SPEEDUPS is not None:  # one C call where numpy makes a dozen
            pair_keys, mids, cnts, starts = self._c_middles
            out = _SPEEDUPS.middle_runs(pair_keys, mids, cnts, np.ascontiguousarray(left, dtype=np.int64), np.ascontiguousarray(right, dtype=np.int64), starts)
            if out is not NotImplemented:
                return tuple(np.frombuffer(b, dtype=np.int64) for b in out)  # type: ignore[return-value]
        return self._py_middle_runs(left, right)

    @functools.cached_property
    def _c_middles(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:attr:`_middle_index` and where the pairs of each left id and
        top :data:`_MIDDLE_SPLIT` bits of the right id begin in it (2 MB:
        ``searchsorted`` of ``(left << BITS | right) >> (BITS -
        _MIDDLE_SPLIT)`` buckets, and the end): the C search reads only its
        pair's bucket, a few keys (a left id's run of the trigrams of unseen
        news held 470 pairs, median, and 56 % of the suspects' pairs have no
        middle at all: a search of the run missed the cache at most of its
        ten steps)."""
        pair_keys, mids, cnts = self._middle_index
        shift = BITS - _MIDDLE_SPLIT
        return pair_keys, mids, cnts, huge_pages(np.searchsorted(pair_keys, np.arange((1 << (BITS + _MIDDLE_SPLIT)) + 1, dtype=np.int64) << shift).astype(np.int64))

    def _py_middle_runs(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`middle_runs` in numpy, the reference for the C one."""
        pair_keys, mids, cnts = self._middle_index
        lo, hi = _runs(pair_keys, (np.asarray(left, dtype=np.int64) << BITS) | np.asarray(right, dtype=np.int64))
        runs = hi - lo
        owner = np.repeat(np.arange(len(lo), dtype=np.int64), runs)
        rank = np.arange(len(owner), dtype=np.int64) - (np.cumsum(runs) - runs)[owner]  # place in its pair's run
        at = rank + lo[owner]
        return owner, rank, mids[at].astype(np.int64), cnts[at].astype(np.int64)

    def codes(self, ids: np.ndarray) -> np.ndarray:
        """The code point of each id with a character of its own (0 for a
        class id), int64: :meth:`char` for arrays.

        >>> m = learn(["天气"])
        >>> m.codes(m.ids("天气1")).tolist() == [ord("天"), ord("气"), 0]
        True
        """
        return self._vocab_codes[np.asarray(ids, dtype=np.int64)]

    @functools.cached_property
    def _vocab_codes(self) -> np.ndarray:
        return np.concatenate((np.zeros(FIRST_ID, dtype=np.int64), _codes(self.vocab).astype(np.int64)))

    def between(self, left: str, right: str, limit: int) -> list[str]:
        """The characters (with an id of their own) that the corpus writes
        between ``left`` and ``right`` most often, at most ``limit``.

        >>> learn(["天气很好。", "天气不好。", "天气不好。"]).between("气", "好", 5)
        ['不', '很']
        """
        if self.order < 3:
            return []
        lid, rid = self.ids(left + right)
        ids, _ = self.middles(np.array([lid]), np.array([rid]), limit)
        return [self.char(j) for j in ids[0].tolist() if j != PAD]

    def char(self, id_: int) -> str:
        """The character of an id of its own (``""`` for a class id)."""
        return self.vocab[id_ - FIRST_ID] if id_ >= FIRST_ID else ""

    def trigram_seen(self, text: str) -> np.ndarray:
        """Per character: whether the corpus has it with both its neighbours
        (the edges of the text count as neighbours)."""
        ids = self.ids(text)
        rows = windows(ids, np.arange(len(ids)), 1, 1)
        return self.count(rows) > 0

    # -- file -------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model to ``path`` (a compressed .npz) as the command
        writes its outputs (:class:`cleaner.textio.Outputs`): atomically, a
        symbolic link replaced and not written through, a new file with the
        mode the umask gives; an error is :class:`cleaner.errors.StorageError`
        naming ``path``."""
        from ..textio import Outputs

        with Outputs() as outs:
            self.write(outs.open(path, encoding=None).binary)

    def write(self, fh: IO[bytes]) -> None:
        """Write the model to the open binary file ``fh`` (see :meth:`save`),
        which need not seek (a compressor, a pipe): the archive is made in
        memory first (about 3 MB per MB of text learned, 64 MB at most)."""
        import json

        meta = {"format": FORMAT, "vocab": self.vocab, "stats": self.stats}
        deltas = np.diff(self.keys, prepend=np.uint64(0)) if len(self.keys) else self.keys
        buf = io.BytesIO()
        np.savez_compressed(buf, meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8), key_deltas=deltas, counts=self.counts)
        fh.write(buf.getbuffer())


def _hash(keys: np.ndarray, bits: int) -> np.ndarray:
    """A slot of ``bits`` bits per key (Fibonacci hashing: the top bits of
    the key times an odd constant, modulo 2**64)."""
    return (keys * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits)


def _filter_word(keys: np.ndarray, bits: int) -> np.ndarray:
    """The 64-bit word of :attr:`CharModel._filter` that holds each key's
    bits: the top ``bits - 6`` bits of its hash (``filter_word`` in
    ``speedups.c``)."""
    return _hash(keys, bits - 6)


def _filter_mask(keys: np.ndarray, bits: int) -> np.ndarray:
    """Each key's three bits in its word (:func:`_filter_word`): the next
    18 bits of its hash below the word's, six at a time (``filter_mask`` in
    ``speedups.c``).

    >>> k = np.array([1 << 60 | 17, 2 << 60 | 5], dtype=np.uint64)
    >>> [bin(int(x)).count("1") <= 3 for x in _filter_mask(k, 24)]
    [True, True]
    """
    rest = (keys * np.uint64(0x9E3779B97F4A7C15)) << np.uint64(bits - 6)
    one = np.uint64(1)
    return (one << (rest >> np.uint64(58))) | (one << ((rest >> np.uint64(52)) & np.uint64(63))) | (one << ((rest >> np.uint64(46)) & np.uint64(63)))


def _interpolate(p: np.ndarray, full: np.ndarray, b: np.ndarray, d: np.ndarray, seen: np.ndarray, history: np.ndarray) -> np.ndarray:
    """Interpolated absolute discounting, order by order from the unigram
    probability ``p`` of each query (a column): row ``k - 2`` of the other
    arrays holds the terms (:meth:`CharModel._terms`) of the k-gram ending
    at the predicted character (``full``) and of its context (``b``, ``d``,
    ``seen``), and ``history``, whether the context's first id may be read
    (not PAD).  A higher order is read while every lower one was seen."""
    alive = np.ones(len(p), dtype=bool)
    for j in range(len(full)):
        alive &= history[j]
        if not alive.any():
            break
        use = alive & seen[j]
        p = np.where(use, (full[j] + b[j] * p) / d[j], p)
        alive &= use
    return p


def _runs(keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the run of each of ``wanted`` begins and ends in the sorted
    ``keys`` (``searchsorted`` left and right), searched in sorted order: a
    search walks its neighbour's path through ``keys``, in cache (the
    middles of every suspect's pair: a third of the time in text order).

    >>> [r.tolist() for r in _runs(np.array([2, 4, 4, 6]), np.array([4, 1, 9, 6]))]
    [[1, 0, 4, 3], [3, 0, 4, 4]]
    """
    order = np.argsort(wanted, kind="stable")
    lo = np.empty(len(wanted), dtype=np.int64)
    hi = np.empty(len(wanted), dtype=np.int64)
    lo[order] = np.searchsorted(keys, wanted[order], side="left")
    hi[order] = np.searchsorted(keys, wanted[order], side="right")
    return lo, hi


def windows(ids: np.ndarray, pos: np.ndarray, left: int, right: int) -> np.ndarray:
    """Rows of ids from ``pos - left`` to ``pos + right``; EDGE outside the text."""
    padded = np.concatenate((np.full(left, EDGE, dtype=np.int64), ids, np.full(right, EDGE, dtype=np.int64)))
    idx = pos[:, None] + np.arange(left + right + 1)[None, :]
    return padded[idx]


def _key_pairs(top: int) -> list[tuple[int, int]]:
    """The n-grams a query of order ``top`` reads, in the order
    :meth:`CharModel.cond_logprob` looks them up: ``(k, 0)`` the k-gram ending
    at the predicted character, ``(k, 1)`` its context (the (k-1)-gram
    before it).

    >>> _key_pairs(3)
    [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1)]
    """
    return [(1, 0)] + [(k, d) for k in range(2, top + 1) for d in (0, 1)]


def _pack(rows: np.ndarray, end: int, k: int) -> np.ndarray:
    """The table key of the k-gram of columns ``end - k .. end - 1`` of each
    row (ids < 4,096): each column shifted to its place and the columns
    or-ed together in one reduction (the same bits as shifting the key a
    column at a time; four numpy calls where that made three a column:
    phrase_consistency's look-up packs 16 columns).

    >>> rows = np.array([[16, 17, 18]])
    >>> int(_pack(rows, 3, 2)[0]) == 2 << 60 | 17 << 12 | 18, int(_pack(rows, 3, 0)[0]) == 0
    (True, True)
    """
    shifts = np.arange(BITS * (k - 1), -1, -BITS, dtype=np.uint64)
    return np.bitwise_or.reduce(rows[:, end - k : end].astype(np.uint64) << shifts, axis=1) | np.uint64(k << _ORDER_SHIFT)


def _ends(rows: np.ndarray, top: int) -> np.ndarray:
    """The table keys of every n-gram of each row (ids < 4,096), shape (M,
    ``top``, width): ``[r, k - 1, t]`` the k-gram ending at column t (0 where
    it would start before the row).

    >>> _ends(np.array([[16, 17]]), 2)[0, :, 1].tolist() == [1 << 60 | 17, 2 << 60 | 16 << 12 | 17]
    True
    """
    ids = rows.astype(np.uint64)
    out = np.zeros((len(rows), top, rows.shape[1]), dtype=np.uint64)
    key = ids
    for k in range(1, top + 1):
        if k > 1:
            key = (key[:, :-1] << np.uint64(BITS)) | ids[:, k - 1 :]
        out[:, k - 1, k - 1 :] = key | np.uint64(k << _ORDER_SHIFT)
    return out


@functools.cache
def _span_layout(h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where :meth:`CharModel._span_probs` reads its keys, for rows of
    2h + 1 ids: the cells ``(k - 1, t)`` looked up (the k-gram ending at
    column t, t from h - 1), which of them hold column h, the cell of each
    key of each predicted column (rows as :func:`_key_pairs`, columns h..2h)
    and the column of each history id (k = 2..h + 1, columns h..2h)."""
    top = h + 1
    cells = [(k, t) for t in range(max(h - 1, 0), 2 * h + 1) for k in range(1, min(top, t + 1) + 1)]
    where = {c: i for i, c in enumerate(cells)}
    own = [i for i, (k, t) in enumerate(cells) if t - k + 1 <= h <= t]
    pick = [[where[(k - d, t - d)] for t in range(h, 2 * h + 1)] for k, d in _key_pairs(top)]
    hist = [[t - k + 1 for t in range(h, 2 * h + 1)] for k in range(2, top + 1)]
    cell_array = np.array([(k - 1, t) for k, t in cells], dtype=np.int64)
    return cell_array, np.array(own, dtype=np.int64), np.array(pick, dtype=np.int64).reshape(len(pick), h + 1), np.array(hist, dtype=np.int64).reshape(len(hist), h + 1)


def _chunks(texts: Iterable[str], size: int, first: int, distinct: _Distinct | None = None) -> Iterator[tuple[str, int, int]]:
    """The texts joined by line breaks (each document starts with one), in
    pieces of about ``size`` characters, with the number of documents and
    of their characters; the first piece holds at least ``first``.  With
    ``distinct``, each piece without the repeats it leaves out
    (:class:`_Distinct`): a document left with no line is not counted."""
    buf: list[str] = []
    lines: list[int] = []  # lines per document
    n = docs = chars = 0
    for t in texts:
        if not isinstance(t, str):
            raise TypeError(f"learn() reads str texts, not {type(t).__name__}: decode them first")
        buf.append("\n")
        buf.append(t)
        if distinct is not None:
            lines.append(t.count("\n") + 1)
        n += len(t) + 1
        chars += len(t)
        docs += 1
        if n >= size and n >= first:
            buf.append("\n")
            chunk = "".join(buf)
            yield (chunk, docs, chars) if distinct is None else distinct.filter(chunk, lines, chars)
            buf, lines, n, docs, chars, first = [], [], 0, 0, 0, 0
    if buf:
        chunk = "".join(buf) + "\n"
        yield (chunk, docs, chars) if distinct is None else distinct.filter(chunk, lines, chars)


class _Distinct:
    """The sentences of a corpus already learned, so that a sentence it
    repeats is learned once (:func:`learn`'s ``keep_repeats``): a feed that
    prints an article or a paragraph again, typos and all, must not make its
    typos common, nor when the copy differs in a word or two (a near copy
    repeats most of its sentences).  A sentence is a line's characters up to
    and with its end marks (``。！？!?``), or a line's tail without one; only
    those of at least :data:`REPEAT_MIN_CHARS` characters are compared, the
    same characters in the same order.  A line is a copy when at least half
    of those sentences are repeats; then its repeats are left out: a line
    that keeps nothing goes, and one that keeps some sentences has a line
    break where the repeats were (no n-gram spans the gap).  A repeated
    sentence in a line that is mostly new (a byline, a stock phrase in a
    new article) is learned again: THUCNews's training articles repeat 560
    sentences (28k of 0.8M characters), 37 of them in copies; leaving out
    all 560 or only the 37 gave the same figures on its dev and test
    pieces, and the copies alone change less of what is learned.

    Within a piece of :data:`CHUNK_CHARS` every repeat is found; across
    pieces, the first :data:`REPEAT_MEMORY` distinct sentences are
    remembered (a sorted array of their hashes, 8 bytes each) and later
    ones are compared with those only.  Which are remembered depends only
    on the corpus's order, so the model is the same in every run.
    ``sentences`` and ``chars`` count what was left out.  (The Ray engine
    decides which sentences are repeats on its driver, from hashes the
    tasks send: :class:`Repeats`.)"""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = REPEAT_MEMORY if limit is None else limit
        self.seen = np.zeros(0, dtype=np.int64)
        self.extra = np.zeros(0, dtype=np.int64)  # the piece's new sentences past the limit, so far (sorted)
        self.sentences = 0
        self.chars = 0

    def new_of(self, hashes: np.ndarray, *, more: bool = False) -> np.ndarray:
        """Which of a piece's sentences (their hashes, in order) are new:
        the first of their hash in the piece and not remembered from an
        earlier piece; the first of them are remembered, up to the limit.
        With ``more``, the piece goes on: the next call gives its next
        sentences (a sentence's answer depends only on those before it)."""
        _, first = np.unique(hashes, return_index=True)  # the first unit of each hash in this piece
        new = np.zeros(len(hashes), dtype=bool)
        new[first] = True
        for known in (self.seen, self.extra):
            if len(known):
                at = np.minimum(np.searchsorted(known, hashes), len(known) - 1)
                new &= known[at] != hashes
        room = max(0, self.limit - len(self.seen))
        fresh = hashes[new]  # (in the corpus's order: the first ones are remembered)
        if room:
            kept = np.sort(fresh[:room])
            self.seen = np.insert(self.seen, np.searchsorted(self.seen, kept), kept)
        if more and len(fresh) > room:
            self.extra = np.union1d(self.extra, fresh[room:])
        elif not more and len(self.extra):
            self.extra = np.zeros(0, dtype=np.int64)
        return new

    def _new(self, units: list[str]) -> np.ndarray:
        """Which of a piece's sentences ``units`` are new (:meth:`new_of`)."""
        return self.new_of(np.fromiter(map(hash, units), dtype=np.int64, count=len(units)))

    def filter(self, chunk: str, per_doc: Sequence[int], chars: int) -> tuple[str, int, int]:
        """``chunk`` (as :func:`_chunks` joins its documents, of
        ``per_doc`` lines each, ``chars`` characters in all) without the
        sentences seen before, its documents that keep a line, their
        characters."""
        lines = chunk.split("\n")[1:-1]  # (the chunk starts and ends with a line break)
        units, owner, sentences = _units(lines)
        if not units:
            return chunk, len(per_doc), chars
        new = self._new(units)
        if new.all():
            return chunk, len(per_doc), chars
        lines_of = np.fromiter((i for i, _ in owner), dtype=np.int64, count=len(owner))
        again = np.bincount(lines_of[~new], minlength=len(lines))
        share = 2 * again[lines_of] >= np.bincount(lines_of, minlength=len(lines))[lines_of]  # a copy: half its sentences or more are repeats
        gone_units = np.flatnonzero(~new & share).tolist()
        if not gone_units:
            return chunk, len(per_doc), chars
        self.sentences += len(gone_units)
        self.chars += sum(len(units[u]) for u in gone_units)
        dropped: dict[int, set[int]] = {}
        for u in gone_units:
            i, k = owner[u]
            dropped.setdefault(i, set()).add(k)
        keep = np.ones(len(lines), dtype=bool)
        for i, places in dropped.items():
            line = lines[i]
            rest = _without(sentences[i], places)
            if rest.strip():
                chars -= len(line) - len(rest)
                lines[i] = rest
            else:
                chars -= len(line) + 1  # the line and its line break (a document's last line: see below)
                keep[i] = False
        doc_of = np.repeat(np.arange(len(per_doc)), per_doc)
        kept_docs = np.bincount(doc_of[keep], minlength=len(per_doc)) > 0
        if not kept_docs.any():
            return "", 0, 0
        # a document that keeps no line had one line break fewer than lines
        return "\n" + "\n".join(compress(lines, keep.tolist())) + "\n", int(kept_docs.sum()), chars + int((~kept_docs).sum())


class _Decided(_Distinct):
    """A :class:`_Distinct` told which sentences are repeats: ``seen``, their
    places among the sentences it will meet, in order (sorted; what
    :class:`Repeats` decided for these texts)."""

    def __init__(self, seen: np.ndarray) -> None:
        super().__init__(0)
        self.places = np.asarray(seen, dtype=np.int64)
        self.at = 0

    def _new(self, units: list[str]) -> np.ndarray:
        new = np.ones(len(units), dtype=bool)
        lo, hi = np.searchsorted(self.places, [self.at, self.at + len(units)])
        new[self.places[lo:hi] - self.at] = False
        self.at += len(units)
        return new


def _units(lines: Sequence[str]) -> tuple[list[str], list[tuple[int, int]], dict[int, list[str]]]:
    """The sentences of ``lines`` that :class:`_Distinct` compares (of
    :data:`REPEAT_MIN_CHARS` characters or more), in order, with the line of
    each and its place among the line's sentences; and every sentence of
    the lines that hold one, by line.

    >>> _units(["短句。", "今天天气很好啊。好。我们明天再走吧。"])
    (['今天天气很好啊。', '我们明天再走吧。'], [(1, 0), (1, 2)], {1: ['今天天气很好啊。', '好。', '我们明天再走吧。']})
    """
    units: list[str] = []
    owner: list[tuple[int, int]] = []
    sentences: dict[int, list[str]] = {}
    split = _SENTENCE.findall
    least = REPEAT_MIN_CHARS
    for i, line in enumerate(lines):
        if len(line) >= least:
            found = sentences[i] = split(line)
            for k, unit in enumerate(found):
                if len(unit) >= least:
                    units.append(unit)
                    owner.append((i, k))
    return units, owner, sentences


def _without(sentences: list[str], repeats: set[int]) -> str:
    """A line, given as its ``sentences`` (:data:`_SENTENCE`), without those
    whose places are in ``repeats``: a line break where one or more were,
    none at either end.

    >>> _without(_SENTENCE.findall("他说。今天天气很好啊。我们走吧。"), {1})
    '他说。\\n我们走吧。'
    """
    out: list[str] = []
    gap = False
    for k, unit in enumerate(sentences):
        if k in repeats:
            gap = bool(out)
        else:
            if gap:
                out.append("\n")
                gap = False
            out.append(unit)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Sentences:
    """The sentences of some texts that :func:`learn` compares to find
    repeats, as :func:`sentence_hashes` gives them: ``hashes`` (int64, the
    same in every process), in order; ``per_text``, how many each text
    holds; ``sizes``, each text's length and one (a line break), which cut
    the corpus into :func:`learn`'s pieces."""

    hashes: np.ndarray
    per_text: np.ndarray
    sizes: np.ndarray


def sentence_hashes(texts: Iterable[str]) -> Sentences:
    """The sentences of ``texts`` that :func:`learn` compares, as hashes
    that do not depend on the process (Python's ``hash`` of a str does):
    8-byte BLAKE2b digests of their UTF-8 (lone surrogates kept).

    >>> s = sentence_hashes(["今天天气很好啊。好。", "短。", "今天天气很好啊。"])
    >>> s.per_text.tolist(), s.sizes.tolist(), bool(s.hashes[0] == s.hashes[1])
    ([1, 0, 1], [11, 3, 9], True)
    """
    digests: list[bytes] = []
    per_text: list[int] = []
    sizes: list[int] = []
    blake2b = hashlib.blake2b
    split = _LINE_SENTENCE.findall  # (the sentences _units finds: one of REPEAT_MIN_CHARS is in a line as long)
    least = REPEAT_MIN_CHARS
    for t in texts:
        n = len(digests)
        digests.extend([blake2b(u.encode("utf-8", "surrogatepass"), digest_size=8).digest() for u in split(t) if len(u) >= least])
        per_text.append(len(digests) - n)
        sizes.append(len(t) + 1)
    return Sentences(np.frombuffer(b"".join(digests), dtype="<i8").astype(np.int64), np.array(per_text, dtype=np.int64), np.array(sizes, dtype=np.int64))


class Repeats:
    """Which sentences :func:`learn` leaves out as repeats, decided from
    their hashes (:func:`sentence_hashes`) part after part of the corpus, in
    its order: the same pieces (:func:`_chunks`: :data:`CHUNK_CHARS`, the
    first :data:`VOCAB_SAMPLE`), the same memory (:class:`_Distinct`: the
    first ``limit`` distinct sentences, :data:`REPEAT_MEMORY` by default).
    :meth:`add` gives, for each part, the places of its sentences seen
    before: the ``seen`` of :func:`count_texts`.  Memory: the remembered
    hashes (8 bytes each), and past the limit the new ones of the piece
    being read.

    >>> r = Repeats()
    >>> r.add(sentence_hashes(["今天天气很好啊。"])), r.add(sentence_hashes(["明天天气不好啊。今天天气很好啊。"]))
    (array([], dtype=int64), array([1]))
    """

    def __init__(self, limit: int | None = None) -> None:
        self.distinct = _Distinct(limit)
        self.threshold = max(CHUNK_CHARS, VOCAB_SAMPLE)  # (the first piece: then CHUNK_CHARS)
        self.filled = 0  # characters of the piece being read

    def add(self, part: Sentences) -> np.ndarray:
        """The places of the next part's sentences that the corpus gave before."""
        new: list[np.ndarray] = []
        ends = np.cumsum(part.sizes)
        units = np.cumsum(part.per_text)
        base = start = 0
        while True:
            j = int(np.searchsorted(ends, base + self.threshold - self.filled))  # the piece is full after text j
            if j >= len(ends):
                self.filled += int(ends[-1]) - base if len(ends) else 0
                new.append(self.distinct.new_of(part.hashes[start:], more=True))
                return np.flatnonzero(~np.concatenate(new))
            stop = int(units[j])
            new.append(self.distinct.new_of(part.hashes[start:stop]))
            base, start = int(ends[j]), stop
            self.filled, self.threshold = 0, CHUNK_CHARS


def _check_options(order: int, max_ngrams: int | None, min_count: int) -> None:
    if not 1 <= order <= ORDER:
        raise ValueError(f"order must be 1 to {ORDER}, not {order!r}")
    if min_count < 1:
        raise ValueError(f"min_count must be at least 1, not {min_count!r}")
    if max_ngrams is not None and max_ngrams < 1000:
        raise ValueError(f"max_ngrams must be at least 1000 (or None for no limit), not {max_ngrams!r}")


def learn(texts: Iterable[str], *, order: int = ORDER, max_ngrams: int | None = 16_000_000, min_count: int = 1, keep_repeats: bool = False) -> CharModel:
    """Count the character n-grams of ``texts`` (any iterable of str, read
    once, in pieces: a generator over a corpus on disk keeps memory bounded
    by ``max_ngrams``).  ``min_count``: n-grams of order 3 and above seen
    fewer times are dropped at the end (2 for a model learned from the text
    it will clean, whose typos are each seen once).

    A sentence of :data:`REPEAT_MIN_CHARS` characters or more that the
    corpus has given before is left out (:class:`_Distinct`), unless
    ``keep_repeats``: a feed that prints an article twice would count its
    typos twice, and a typo counted as often as the right word is learned
    as right; a copy with a word changed still repeats most of its
    sentences.  (News pieces with one real OCR confusion each, printed
    three times among 0.8M characters of clean news, model learned as
    ``clean --learn`` learns: 5 clean copies of those pieces changed into
    their typo and half the repairs lost; with the repeats left out, as
    with one copy, the copies identical or each with another character
    changed: ``benchmarks/test_bench_learn_repeats.py``.)  The statistics
    count what was left out: ``repeated_sentences``, ``repeated_chars``;
    ``documents`` and ``chars`` count what was learned.

    >>> m = learn(iter(["上海浦东新区。"] * 3), max_ngrams=None)
    >>> m.stats["ngrams"]["1"], m.stats["documents"]
    (8, 3)
    >>> m = learn(["浦东新区今年的建设。", "浦东新区今年的建设。", "天气。"])
    >>> m.stats["documents"], m.stats["repeated_sentences"], m.stats["repeated_chars"]
    (2, 1, 10)
    """
    _check_options(order, max_ngrams, min_count)
    vocab, counts = _count(texts, None, order, max_ngrams, VOCAB_SAMPLE, None if keep_repeats else _Distinct())
    return from_counts(vocab, counts, order=order, max_ngrams=max_ngrams, min_count=min_count)


def _count(texts: Iterable[str], vocab: str | None, order: int, max_ngrams: int | None, first: int, distinct: _Distinct | None) -> tuple[str, Counts]:
    """The counts of ``texts`` in pieces (:func:`_chunks`, the first of at
    least ``first`` characters), repeats left out by ``distinct``; with the
    vocabulary ``vocab``, or (None) one chosen from the first piece."""
    table = None if vocab is None else _lookup(vocab)
    tally = _Tally(max_ngrams)
    chars = docs = 0
    for chunk, n_docs, n_chars in _chunks(texts, CHUNK_CHARS, first, distinct):
        if not n_docs:
            continue  # (every sentence a repeat)
        if table is None:
            vocab = _vocabulary(chunk[:VOCAB_SAMPLE])
            table = _lookup(vocab)
        chars += n_chars
        docs += n_docs
        tally.add(*_ngram_counts(table[_codes(chunk)], order, n_docs))
    keys, counts = tally.totals()
    left_out = (distinct.sentences, distinct.chars) if distinct is not None else (0, 0)
    return vocab or "", Counts(keys, counts, chars, docs, tally.floor, *left_out)


class _Tally:
    """Sorted counts being summed: tables wait in a list until they hold
    :data:`PENDING` n-grams, then join the main table, which is pruned
    (:func:`_prune`) whenever it outgrows ``max_ngrams``."""

    def __init__(self, max_ngrams: int | None) -> None:
        self.max_ngrams = max_ngrams
        self.keys = np.zeros(0, dtype=np.uint64)
        self.counts = np.zeros(0, dtype=np.uint32)
        self.pend_k: list[np.ndarray] = []
        self.pend_c: list[np.ndarray] = []
        self.pending = 0
        self.floor = 1

    def add(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self.pend_k.append(keys)
        self.pend_c.append(counts)
        self.pending += len(keys)
        if self.pending > PENDING:
            self.totals()
            if self.max_ngrams is not None and len(self.keys) > self.max_ngrams:
                self.keys, self.counts, self.floor = _prune(self.keys, self.counts, self.max_ngrams, self.floor)

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Every table added so far, summed (pruned only as :meth:`add` went)."""
        if self.pend_k:
            self.keys, self.counts = _merge_into(self.keys, self.counts, *_merge(self.pend_k, self.pend_c))
            self.pend_k, self.pend_c, self.pending = [], [], 0
        return self.keys, self.counts


@dataclass(frozen=True, slots=True)
class Counts:
    """The n-gram counts of part of a corpus, sorted by key as
    :class:`CharModel` holds them, with its characters and documents;
    n-grams of order 3 and above rarer than ``floor`` were dropped to stay
    within a size budget (1: none).  What :func:`count_texts` makes of some
    texts (a Ray task's share of a corpus) and :func:`merge_counts` adds up:
    counts of whole documents add up to those of the whole corpus."""

    keys: np.ndarray
    counts: np.ndarray
    chars: int = 0
    documents: int = 0
    floor: int = 1
    repeated_sentences: int = 0
    repeated_chars: int = 0


def vocabulary_of(texts: Iterable[str], *, keep_repeats: bool = False) -> str:
    """The vocabulary :func:`learn` gives the corpus ``texts``: chosen from
    its first :data:`VOCAB_SAMPLE` characters (reads only those), repeated
    sentences left out as :func:`learn` leaves them out.

    >>> vocabulary_of(["天气好。", "天气。"]) == learn(["天气好。", "天气。"]).vocab
    True
    """
    for chunk, _, _ in _chunks(texts, VOCAB_SAMPLE, VOCAB_SAMPLE, None if keep_repeats else _Distinct()):
        return _vocabulary(chunk[:VOCAB_SAMPLE])
    return ""


def count_texts(texts: Iterable[str], vocab: str, *, order: int = ORDER, max_ngrams: int | None = 16_000_000, keep_repeats: bool = False, seen: np.ndarray | None = None) -> Counts:
    """The counts of ``texts`` with the vocabulary ``vocab`` (of the whole
    corpus: :func:`vocabulary_of`), memory bounded by ``max_ngrams`` as
    :func:`learn`'s; merged by :func:`merge_counts`, model by
    :func:`from_counts`.  Repeated sentences are left out as :func:`learn`
    leaves them out (``keep_repeats``): those ``seen`` gives (the places,
    among the texts' sentences as :func:`sentence_hashes` lists them, of
    those the corpus gave before: :class:`Repeats` decides them for parts
    of a corpus in turn); without it, those the ``texts`` themselves
    repeat, so that a sentence two parts both give is counted in each.

    >>> texts = ["天气很好。", "天气不好。"]
    >>> vocab = vocabulary_of(texts)
    >>> c = merge_counts([count_texts(texts[:1], vocab), count_texts(texts[1:], vocab)])
    >>> from_counts(vocab, c).keys.tolist() == learn(texts).keys.tolist()
    True
    >>> texts = ["今天天气很好啊。", "今天天气很好啊。天气。"]  # (a copy in another part)
    >>> vocab, r = vocabulary_of(texts), Repeats()
    >>> seen = [r.add(sentence_hashes(texts[:1])), r.add(sentence_hashes(texts[1:]))]
    >>> c = merge_counts([count_texts(texts[:1], vocab, seen=seen[0]), count_texts(texts[1:], vocab, seen=seen[1])])
    >>> from_counts(vocab, c).keys.tolist() == learn(texts).keys.tolist(), c.repeated_sentences
    (True, 1)
    """
    _check_options(order, max_ngrams, 1)
    distinct = None if keep_repeats else _Distinct() if seen is None else _Decided(seen)
    _, counts = _count(texts, vocab, order, max_ngrams, 0, distinct)
    if max_ngrams is not None and len(counts.keys) > max_ngrams:
        keys, cnt, floor = _prune(counts.keys, counts.counts, max_ngrams, counts.floor)
        counts = Counts(keys, cnt, counts.chars, counts.documents, floor, counts.repeated_sentences, counts.repeated_chars)
    return counts


def merge_counts(parts: Iterable[Counts], *, max_ngrams: int | None = 16_000_000) -> Counts:
    """The sum of ``parts`` (read once, one at a time: an iterator keeps
    memory bounded by ``max_ngrams`` and one part), pruned as :func:`learn`
    prunes when the sum outgrows ``max_ngrams``."""
    tally = _Tally(max_ngrams)
    chars = docs = lines = left = 0
    floor = 1
    for part in parts:
        tally.add(part.keys, part.counts)
        chars += part.chars
        docs += part.documents
        floor = max(floor, part.floor)
        lines += part.repeated_sentences
        left += part.repeated_chars
    keys, counts = tally.totals()
    return Counts(keys, counts, chars, docs, max(floor, tally.floor), lines, left)


def from_counts(vocab: str, counts: Counts, *, order: int = ORDER, max_ngrams: int | None = 16_000_000, min_count: int = 1) -> CharModel:
    """The model of a corpus's counts (``min_count`` and ``max_ngrams`` as
    :func:`learn` applies them at its end)."""
    _check_options(order, max_ngrams, min_count)
    keys, cnt, floor = counts.keys, counts.counts, counts.floor
    if min_count > floor:
        keys, cnt, floor = _prune(keys, cnt, 0, min_count - 1, rounds=1)
    if max_ngrams is not None and len(keys) > max_ngrams:
        keys, cnt, floor = _prune(keys, cnt, max_ngrams, floor)
    orders = _orders(keys)
    stats: dict[str, object] = {
        "chars": counts.chars,
        "documents": counts.documents,
        "order": order,
        "ngrams": {str(k): int((orders == k).sum()) for k in range(1, order + 1)},
        "prune_below": floor if floor > 1 else 0,
        "repeated_sentences": counts.repeated_sentences,
        "repeated_chars": counts.repeated_chars,
    }
    return CharModel(vocab, keys, cnt, stats)


def load(path: str | os.PathLike[str]) -> CharModel:
    """Read a model written by :meth:`CharModel.save` (compressed once
    more when its name ends with ``.gz``, ``.bz2`` or ``.zst``, as every
    output of the command is); ValueError, saying what to do, when the file
    is no such model."""
    import json

    try:
        with np.load(_model_bytes(path), allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            deltas = data["key_deltas"]
            counts = data["counts"].astype(np.uint32)
    except FileNotFoundError as exc:
        raise ValueError(f"model file not found: {path}: give the path of a file made by `cleaner learn`") from exc
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        # (numpy's refusal of a pickle would advise loading it unsafely: not ours to pass on)
        why = "it holds pickled objects" if isinstance(exc, ValueError) and "pickle" in str(exc) else str(exc)
        raise ValueError(f"{path} is not a character model made by `cleaner learn` ({why}): learn it again") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise ValueError(f"{path}: model format {found!r}, this cleaner reads {FORMAT!r}: learn the model again with `cleaner learn`")
    keys = np.cumsum(deltas, dtype=np.uint64)
    if len(keys) != len(counts) or (len(keys) > 1 and not bool(np.all(keys[1:] > keys[:-1]))):
        raise ValueError(f"{path}: the model's tables are damaged: learn it again with `cleaner learn`")
    m = CharModel(meta["vocab"], keys, counts, meta["stats"])
    m.path = str(path)
    return m


def _model_bytes(path: str | os.PathLike[str]) -> str | os.PathLike[str] | io.BytesIO:
    """``path`` itself, or the decompressed bytes of a file whose name asks
    for a compression (``np.load`` needs a file it can seek in)."""
    from ..compression import compression_of, decompressing

    kind = compression_of(os.fspath(path))
    if kind is None:
        return path
    with open(path, "rb") as raw, decompressing(raw, os.fspath(path), kind) as fh:
        return io.BytesIO(fh.read())


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int) -> CharModel:
    return load(path)


def cached(model: str | os.PathLike[str] | CharModel) -> CharModel:
    """``model`` itself when it is loaded, else the model at that path, read
    once per file version (a small cache keyed by path, time and size)."""
    if isinstance(model, CharModel):
        return model
    path = os.fspath(model)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ValueError(f"model file not found: {path}: give the path of a file made by `cleaner learn`") from exc
    return _load_cached(os.path.abspath(path), st.st_mtime_ns, st.st_size)
