"""The scoring model of typo repair: a word-unigram segmentation score.

Built at first use from what two PyPI packages ship, nothing downloaded:

* jieba's ``dict.txt`` (MIT): 349k words with counts and part-of-speech tags
  (``nr`` person name, ``ns`` place, ``nt`` organisation, ``nz`` other
  proper noun);
* wordfreq's Chinese ``large`` list (data CC-BY-SA 4.0), read with
  ``wordfreq.get_frequency_dict("zh", "large")``: 297k Chinese words from
  subtitles, Wikipedia, news and the web.

A word's probability is the mean of its two relative frequencies (a word in
one list only gets half of that one), so either list alone can vouch for a
word.  Only words of Han characters are kept.  The merged table is written
once to the cache folder of :func:`cleaner.cache.cache_dir` (like jieba's
own cache) and loaded from there afterwards.  Building it takes 10-20 s
once per machine; a one-line notice on stderr says so while it happens.

:meth:`WordModel.logprob` is the natural-log probability of the best
segmentation of a string (Viterbi over the word lattice); a character that is
no word on its own costs :data:`UNKNOWN_LOGP`.  Typo rules compare it on a
short window around a candidate change: the *gain* of a change is
``logprob(after) - logprob(before)``.

>>> m = model()
>>> m.logprob("越来越") > m.logprob("越来赴") + 6
True
>>> m.tag("北京"), m.tag("大北京")
('ns', '')
"""

from __future__ import annotations

import array
import dataclasses
import functools
import math
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..cache import cached_arrays, usable_cache_dir
from ..native import compiled

if TYPE_CHECKING:
    import numpy as np

__all__ = ["WordModel", "WordIndex", "model", "cache_path", "UNKNOWN_LOGP", "is_han_run", "han_span", "han_codes", "pair_keys", "search_positions"]

#: version of the cached table's layout; bump when the build changes
_VERSION = 8
#: the part-of-speech tags the guards read (names, places, organisations,
#: other proper nouns); the others are not kept
KEPT_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
#: log probability of a character that is no word in either list
UNKNOWN_LOGP = -21.0
#: longest word considered (characters); longer dictionary entries are dropped
MAX_WORD = 8
#: bigrams inside words at least this probable form :attr:`WordModel.bigrams`
BIGRAM_FLOOR = 1e-7
#: what a table look-up returns for a string that is neither a word nor a prefix
_MISSING = math.inf


def is_han_run(s: str) -> bool:
    """Whether every character of ``s`` is a CJK unified ideograph (basic block)."""
    return bool(s) and all("\u4e00" <= c <= "\u9fff" for c in s)


def han_span(text: str, i: int, width: int) -> tuple[int, int]:
    """The run of Han characters around ``i``, at most ``width`` either side
    (with the C module, :func:`speedups`, one call: the context pass asks
    for a dozen a piece; else :func:`py_han_span`).

    >>> han_span("我们，在北京工作", 5, 2)
    (3, 8)
    """
    if _SPEEDUPS is not None:
        out = _SPEEDUPS.han_span(text, i, width)
        if out is not NotImplemented:
            return out  # type: ignore[no-any-return]
    return py_han_span(text, i, width)


def py_han_span(text: str, i: int, width: int) -> tuple[int, int]:
    """:func:`han_span` in Python: the reference for the C one.

    >>> py_han_span("我们，在北京工作", 5, 2), py_han_span("北京", 1, 9)
    ((3, 8), (0, 2))
    """
    a = i
    while a > i - width and a and "\u4e00" <= text[a - 1] <= "\u9fff":
        a -= 1
    b = i + 1
    n = len(text)
    while b <= i + width and b < n and "\u4e00" <= text[b] <= "\u9fff":
        b += 1
    return a, b


def word_starts(window: str, p: int, m: WordModel) -> list[int]:
    """Where in ``window`` a word covering ``p`` can start: ``p`` itself and
    every place up to :data:`MAX_WORD` before it from which the text up to
    ``p`` is a word's prefix (the table lists every prefix).

    >>> word_starts("越来越好", 2, model()) == py_word_starts("越来越好", 2, model()) == [0, 1, 2]
    True
    """
    return [s for s in range(max(0, p - MAX_WORD + 1), p + 1) if s == p or window[s:p] in m.table]


def word_gain_bound(window: str, p: int, c: str, m: WordModel, banned: frozenset[str], old_segs: dict[tuple[int, int], float], starts: Iterable[int] | None = None) -> float:
    """An upper bound of ``m.logprob`` of ``window`` with ``c`` at ``p``
    less ``m.logprob`` of ``window``.  The best segmentation of the new
    window has one word ``[a, b)`` covering ``p``; the same segmentation
    with the best one of the old ``window[a:b]`` in its place is a
    segmentation of the old window, so the gain is at most the largest
    ``lp(new[a:b]) - logprob(window[a:b])`` over the words of the new
    window that cover ``p`` (``old_segs`` memoises the second term;
    ``starts``, where such a word can start, is every place up to
    :data:`MAX_WORD` before ``p`` when not given).

    With the C module (:func:`speedups`) this name is its version, which
    returns the same float (``py_word_gain_bound``: this one).

    >>> m = model(); w = "越来赴好"
    >>> word_gain_bound(w, 2, "越", m, frozenset(), {}) >= m.logprob("越来越好") - m.logprob(w)
    True
    >>> word_gain_bound(w, 2, "越", m, frozenset(), {}) == py_word_gain_bound(w, 2, "越", m, frozenset(), {})
    True
    """
    get = m.table.get
    new = window[:p] + c + window[p + 1 :]
    n = len(new)
    best = m.char_logp(c) - m.char_logp(window[p])
    for a in range(max(0, p - MAX_WORD + 1), p + 1) if starts is None else starts:
        # the words from a that cover p: a superset of those the Viterbi
        # pass reaches (it stops at the first string that is no prefix)
        stop = n if n < a + MAX_WORD else a + MAX_WORD
        for b in range(a + 2 if a == p else p + 1, stop + 1):
            w = new[a:b]
            lp = get(w, _MISSING_WORD)
            if lp is _MISSING_WORD:
                break
            if lp is not None and w not in banned:
                old = old_segs.get((a, b))
                if old is None:
                    old = old_segs[(a, b)] = m.logprob(window[a:b], banned)
                gain = cast(float, lp) - old  # a word's log probability (None: a prefix only)
                if gain > best:
                    best = gain
    return best


_MISSING_WORD = object()

#: the Python versions of the functions the C module replaces: the reference
py_word_starts = word_starts
py_word_gain_bound = word_gain_bound

#: the version of the C module's functions this code expects (its ``ABI``)
SPEEDUPS_ABI = 11


def speedups() -> Any:
    """The optional C module ``_cleaner_speedups`` (``cleaner/typos/speedups.c``, built by
    ``pip install`` when a C compiler works), or None: when it is not built,
    when it is a stale build (its ``ABI`` or constants differ from this
    code's), or when the environment variable ``CLEANER_PURE_PYTHON`` is set
    (not to ``0`` or empty).  Its functions return NotImplemented for
    arguments they do not handle; the Python ones run then.  It is a
    top-level module because the checkout's ``cleaner`` package, first on
    ``sys.path`` in tests, would hide a ``cleaner._speedups`` that pip built.

    >>> mod = speedups()
    >>> mod is None or (mod.ABI, mod.MAX_WORD) == (SPEEDUPS_ABI, MAX_WORD)
    True
    """
    return compiled("_cleaner_speedups", {"ABI": SPEEDUPS_ABI, "MAX_WORD": MAX_WORD, "UNKNOWN_LOGP": UNKNOWN_LOGP})


_SPEEDUPS = speedups()


#: look-ups the C functions make in the dict itself before the compact copy
#: of a table is built (:func:`_compact_when_due`): the copy costs 25-90 ms
#: once and saves about 2 us a call, so a short run (one record) never pays
#: for it and a long one soon does
COMPACT_AFTER = 5_000

#: per word table in use, by ``id`` (with the table itself, so that the id
#: stays its own): its compact copy (:func:`compact_table`; :data:`_NOT_YET`
#: until built) and the look-ups the C functions made in the dict before
_COMPACT: dict[int, tuple[dict[str, float | None], Any, int]] = {}
_NOT_YET = object()

#: the most tables :data:`_COMPACT` holds (the oldest goes first): one per
#: model in use, about 25 MB each for the default model's 570k strings
_COMPACT_TABLES = 2


def compact_table(table: dict[str, float | None]) -> Any:
    """The C module's compact copy of a word table (a capsule; None when the
    module is off or the table holds other types), built on first use and
    cached: an open-addressing hash table of the strings of at most
    :data:`MAX_WORD` characters of the Basic Multilingual Plane, so that a
    look-up of a window's substring allocates no str.  A table must not
    change once copied (the model's tables are built once).

    >>> t = {"越": -9.0, "越来": None, "越来越": -8.0}
    >>> compact_table(t) is compact_table(t)
    True
    """
    hit = _COMPACT.get(id(table))
    if hit is not None and hit[0] is table and hit[1] is not _NOT_YET:
        return hit[1]
    ct = None if _SPEEDUPS is None else _SPEEDUPS.compact_table(table)
    _keep(table, ct, 0)
    return ct


def _compact_when_due(table: dict[str, float | None], calls: int = 1) -> Any:
    """:func:`compact_table` of ``table`` once the C functions have looked it
    up :data:`COMPACT_AFTER` times, None before (they then read the dict:
    the same results, a little slower); ``calls``: how many calls of a C
    function this one stands for (a batch counts as its parts)."""
    hit = _COMPACT.get(id(table))
    if hit is not None and hit[0] is table:
        if hit[1] is not _NOT_YET:
            return hit[1]
        calls += hit[2]
    if calls < COMPACT_AFTER:
        _keep(table, _NOT_YET, calls)
        return None
    return compact_table(table)


def _keep(table: dict[str, float | None], ct: Any, calls: int) -> None:
    """Remember ``table``'s copy and count in :data:`_COMPACT`, the oldest
    table going first when it holds :data:`_COMPACT_TABLES`."""
    if id(table) not in _COMPACT:
        while len(_COMPACT) >= _COMPACT_TABLES:
            del _COMPACT[next(iter(_COMPACT))]
    _COMPACT[id(table)] = (table, ct, calls)


def _c_word_starts(window: str, p: int, m: WordModel) -> list[int]:
    """:func:`word_starts` in C (the Python one for arguments C leaves)."""
    out = _SPEEDUPS.word_starts(window, p, m.table, _compact_when_due(m.table))
    return py_word_starts(window, p, m) if out is NotImplemented else out


def _c_word_gain_bound(window: str, p: int, c: str, m: WordModel, banned: frozenset[str], old_segs: dict[tuple[int, int], float], starts: Iterable[int] | None = None) -> float:
    """:func:`word_gain_bound` in C (the Python one for arguments C leaves)."""
    out = _SPEEDUPS.word_gain_bound(window, p, c, m.table, banned, old_segs, starts, _compact_when_due(m.table))
    return py_word_gain_bound(window, p, c, m, banned, old_segs, starts) if out is NotImplemented else out


def c_word_gain_bounds(window: str, p: int, chars: Sequence[str], m: WordModel, banned: frozenset[str]) -> list[float] | None:
    """:func:`word_gain_bound` at ``p`` of each of ``chars`` in one C call
    (``_cleaner_speedups.word_gain_bounds``: the starts of
    :func:`word_starts` and one memo shared, the same floats), a batch
    counting as its 1 + k calls towards the compact table; None when the
    module is off or leaves the arguments to Python."""
    if _SPEEDUPS is None:
        return None
    out = _SPEEDUPS.word_gain_bounds(window, p, list(chars), m.table, banned, _compact_when_due(m.table, 1 + len(chars)))
    return None if out is NotImplemented else out


def c_word_gain_bounds_many(text: str, spans: list[tuple[int, int, int]], chars: list[list[str]], m: WordModel, banned: frozenset[str]) -> list[list[float]] | None:
    """:func:`c_word_gain_bounds` of ``text[a:b]`` at ``p`` for each
    ``(a, b, p)`` of ``spans`` with the characters of ``chars`` at the same
    place, in one C call (``_cleaner_speedups.word_gain_bounds_many``: the
    Python calls per place cost more than their bounds), the batch counting
    as all its parts towards the compact table; None when the module is off
    or leaves an argument to Python."""
    if _SPEEDUPS is None:
        return None
    out = _SPEEDUPS.word_gain_bounds_many(text, spans, chars, m.table, banned, _compact_when_due(m.table, sum(1 + len(c) for c in chars)))
    return None if out is NotImplemented else out


if _SPEEDUPS is not None:  # bound once here, so that the Python path pays nothing for the choice
    word_starts = _c_word_starts
    word_gain_bound = _c_word_gain_bound


@dataclass(frozen=True, slots=True)
class WordModel:
    """Word log probabilities, prefixes for the lattice, POS tags, and the
    character bigrams that occur inside words.

    ``table`` maps a word to its log probability and a proper prefix of a word
    to ``None`` (so that one lookup both finds words and tells when to stop
    extending).  ``tags`` holds jieba's POS tag of words that have one.
    ``bigrams`` maps each adjacent character pair that occurs inside a word
    of probability at least :data:`BIGRAM_FLOOR` (one in ten million words)
    to the log probability of the most probable such word: a character that
    forms no pair with either neighbour stands alone in its context, as two
    OCR misreadings in three do and one character in eight of normal prose;
    a look-alike that forms one is worth scoring.
    ``web_only`` holds the two-character words that only wordfreq lists (not
    jieba's edited dictionary): web text carries common misspellings
    (周未, 己经), so typo rules treat such a word with a far more frequent
    look-alike as a misspelling, not a word.
    """

    table: dict[str, float | None]
    tags: dict[str, str]
    bigrams: dict[str, float]
    web_only: frozenset[str] = frozenset()

    def word_logp(self, word: str) -> float | None:
        """Log probability of ``word`` as one word, or None when it is no word."""
        return self.table.get(word)

    def is_word(self, word: str) -> bool:
        return self.table.get(word) is not None

    def tag(self, word: str) -> str:
        """jieba's part-of-speech tag of ``word`` ('' when it has none)."""
        return self.tags.get(word, "")

    def char_logp(self, ch: str) -> float:
        """Log probability of ``ch`` as a one-character word."""
        lp = self.table.get(ch)
        return UNKNOWN_LOGP if lp is None else lp

    def segment(self, text: str) -> list[str]:
        """The best segmentation of ``text`` (a run of Han characters).

        >>> model().segment("大力发展旅游业")
        ['大力发展', '旅游业']
        """
        n = len(text)
        route = self._route(text)
        out: list[str] = []
        i = 0
        while i < n:
            j = route[i][1]
            out.append(text[i:j])
            i = j
        return out

    def logprob(self, text: str, banned: frozenset[str] = frozenset()) -> float:
        """Natural-log probability of the best segmentation of ``text``
        (words in ``banned`` do not count as words)."""
        if not text:
            return 0.0
        return self._suffix_logprobs(text, banned)[0]  # the sums of _route, without its back-pointers

    def _route(self, text: str, banned: frozenset[str] = frozenset()) -> list[tuple[float, int]]:
        table = self.table
        n = len(text)
        route: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
        for i in range(n - 1, -1, -1):
            lp = table.get(text[i])
            best = ((UNKNOWN_LOGP if lp is None else lp) + route[i + 1][0], i + 1)
            stop = min(n, i + MAX_WORD)
            j = i + 2
            while j <= stop:
                w = text[i:j]
                if w not in table:
                    break
                lp = table[w]
                if lp is not None and not (banned and w in banned):
                    s = lp + route[j][0]
                    if s > best[0]:
                        best = (s, j)
                j += 1
            route[i] = best
        return route

    def _suffix_logprobs(self, text: str, banned: frozenset[str], done: list[float] | None = None, last: int = -1) -> list[float]:
        """The log probability of the best segmentation of each suffix of
        ``text``, as :meth:`_route` computes it (the same sums, so the same
        floats).  With ``done`` (those of a text that differs from ``text``
        at ``last`` only), only the suffixes from ``last`` down are
        computed: the others are the same."""
        get = self.table.get
        n = len(text)
        if done is None:
            out = [0.0] * (n + 1)
            last = n - 1
        else:
            out = done.copy()
        missing = _MISSING
        for i in range(last, -1, -1):
            lp = get(text[i])
            best = (UNKNOWN_LOGP if lp is None else lp) + out[i + 1]
            stop = i + MAX_WORD if i + MAX_WORD < n else n
            j = i + 2
            while j <= stop:
                w = text[i:j]
                lp = get(w, missing)
                if lp is missing:
                    break
                if lp is not None and (not banned or w not in banned):
                    s = lp + out[j]
                    if s > best:
                        best = s
                j += 1
            out[i] = best
        return out

    def logprob_variants(self, text: str, pos: int, chars: Iterable[str], banned: frozenset[str] = frozenset()) -> tuple[float, list[float]]:
        """:meth:`logprob` of ``text`` and of ``text`` with each of ``chars``
        at ``pos`` (the same floats), the suffixes after ``pos`` computed once.
        With the C module (:func:`speedups`) in one call, about 1 us a window
        of 9 characters where :meth:`py_logprob_variants` takes 20 (the
        same floats).

        >>> m = model()
        >>> m.logprob_variants("越来赴", 2, "越") == (m.logprob("越来赴"), [m.logprob("越来越")])
        True
        """
        if _SPEEDUPS is not None and text:
            wanted = chars if type(chars) is list else list(chars)
            out = _SPEEDUPS.logprob_variants(text, pos, wanted, self.table, banned, _compact_when_due(self.table, 1 + len(wanted)))
            if out is not NotImplemented:
                return out  # type: ignore[no-any-return]
            chars = wanted
        return self.py_logprob_variants(text, pos, chars, banned)

    def py_logprob_variants(self, text: str, pos: int, chars: Iterable[str], banned: frozenset[str] = frozenset()) -> tuple[float, list[float]]:
        """:meth:`logprob_variants` in Python: the reference for the C one."""
        if not text:
            return 0.0, []
        done = self._suffix_logprobs(text, banned)
        head, tail = text[:pos], text[pos + 1 :]
        return done[0], [self._suffix_logprobs(head + c + tail, banned, done, pos)[0] for c in chars]

    def logprobs(self, texts: Sequence[str], banned: frozenset[str] = frozenset()) -> list[float]:
        """:meth:`logprob` of each of ``texts`` (runs of Han characters of at
        most :data:`WordIndex.MAX_RUN` characters), the same floats, in one
        vectorised pass over the word lattices (:class:`WordIndex`).

        >>> m = model()
        >>> m.logprobs(["越来越", "越来赴", ""]) == [m.logprob("越来越"), m.logprob("越来赴"), 0.0]
        True
        """
        return word_index(self).logprobs(texts, banned, self)

    def in_common_word(self, text: str, pos: int, *, context: int = 3, floor: float = -15.0) -> bool:
        """Whether the character at ``pos`` is in a word of log probability at
        least ``floor`` where it stands, reading ``context`` characters either
        side (东湖科技园: 园 is in 科技园).

        >>> model().in_common_word("东湖科技园", 4), model().in_common_word("越来赴赖", 2)
        (True, False)
        """
        a = max(0, pos - context)
        window = text[a : pos + context + 1]
        for s, e in self.covering_words(window, pos - a):
            lp = self.word_logp(window[s:e])
            if lp is not None and lp >= floor:
                return True
        return False

    def covering_words(self, text: str, i: int, min_len: int = 2) -> Iterable[tuple[int, int]]:
        """Spans ``(a, b)`` of dictionary words in ``text`` that contain
        position ``i`` and have at least ``min_len`` characters (with the C
        module, :func:`speedups`, a list made in one call: the guards and
        the long-word search ask for them a dozen times a piece; else
        :meth:`py_covering_words`).

        >>> list(model().covering_words("越来越好", 1))
        [(0, 2), (0, 3)]
        """
        if _SPEEDUPS is not None:
            out = _SPEEDUPS.covering_words(text, i, min_len, self.table, _compact_when_due(self.table))
            if out is not NotImplemented:
                return out  # type: ignore[no-any-return]
        return self.py_covering_words(text, i, min_len)

    def py_covering_words(self, text: str, i: int, min_len: int = 2) -> Iterator[tuple[int, int]]:
        """:meth:`covering_words` in Python, one span at a time: the
        reference for the C one."""
        table = self.table
        n = len(text)
        for a in range(max(0, i - MAX_WORD + 1), i + 1):
            b = a + 1
            while b <= min(n, a + MAX_WORD):
                w = text[a:b]
                if w not in table and b - a > 1:
                    break
                if b > i and b - a >= min_len and table.get(w) is not None:
                    yield (a, b)
                b += 1


#: the basic block of CJK unified ideographs, where the model's words are;
#: a character of it packs into 15 bits (its offset plus one; 0: not Han)
_HAN_FIRST = 0x4E00
_HAN_LAST = 0x9FFF
_BITS = 15


def code_points(text: str) -> np.ndarray:
    """The code point of each character of ``text`` (int64; a lone surrogate too).

    >>> code_points("中a").tolist()
    [20013, 97]
    """
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)


def han_codes(cp: np.ndarray) -> np.ndarray:
    """Code points packed for :class:`WordIndex`: a Han character of the
    basic block as its offset plus one, anything else as 0 (uint64)."""
    import numpy as np

    han = (cp >= _HAN_FIRST) & (cp <= _HAN_LAST)
    return np.where(han, cp - (_HAN_FIRST - 1), 0).astype(np.uint64)


def pair_keys(cp: np.ndarray) -> np.ndarray:
    """One uint64 per adjacent pair of code points (21 bits each), the keys
    of :attr:`WordIndex.pairs`."""
    import numpy as np

    c = cp.astype(np.uint64)
    return (c[:-1] << np.uint64(21)) | c[1:]


def _pack_rows(codes: np.ndarray) -> np.ndarray:
    """Rows of at most four packed characters as one uint64 each."""
    import numpy as np

    key = np.zeros(len(codes), dtype=np.uint64)
    for k in range(codes.shape[1]):
        key = (key << np.uint64(_BITS)) | codes[:, k]
    return key


def _find(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The value of each wanted key in the sorted ``keys``, NaN where absent."""
    import numpy as np

    if not len(keys):
        return np.full(len(wanted), np.nan)
    at = search_positions(keys, wanted)
    return np.where(keys[at] == wanted, values[at], np.nan)


#: from this many keys on, :func:`search_positions` searches them in sorted order
_SORTED_SEARCH = 256


def search_positions(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of ``wanted`` is or would go in the sorted ``keys`` (at
    most the last index).  Many keys are searched in sorted order: a search
    then walks its neighbour's path through ``keys``, six times fewer cache
    misses than in text order (the sort costs less than it saves).

    >>> import numpy as np
    >>> search_positions(np.array([2, 4, 6]), np.array([4, 1, 9])).tolist()
    [1, 0, 2]
    """
    import numpy as np

    if len(wanted) < _SORTED_SEARCH:
        at = np.searchsorted(keys, wanted)
    else:
        order = np.argsort(wanted)
        at = np.empty(len(wanted), dtype=np.intp)
        at[order] = np.searchsorted(keys, wanted[order])
    return np.minimum(at, len(keys) - 1)


#: the table's strings of two to this many characters are packed
#: (:data:`_BITS` each, a 3-bit length on top); longer ones are rare words,
#: looked up in the table itself
_PACKED = 4


@dataclass(frozen=True, slots=True, eq=False)
class WordIndex:
    """The word model as sorted numpy keys, for look-ups of many strings at
    once: ``keys`` holds every string of two to four Han characters of
    :attr:`WordModel.table` (words and prefixes), packed with its length,
    and ``lps`` their log probabilities (-inf for a prefix that is no word);
    ``chars`` the log probability of each code point as a one-character
    word (:data:`UNKNOWN_LOGP` where none, and past its end); ``pairs`` and
    ``pair_lps`` the model's :attr:`WordModel.bigrams`, keyed by
    :func:`pair_keys`.  Built from the table in a few vectorised passes."""

    keys: np.ndarray
    lps: np.ndarray
    chars: np.ndarray
    pairs: np.ndarray
    pair_lps: np.ndarray

    #: longer texts are scored by :meth:`WordModel.logprob` one by one
    MAX_RUN = 64

    @classmethod
    def build(cls, m: WordModel) -> WordIndex:
        import numpy as np

        names = [w for w in m.table if "\n" not in w]
        values = np.array([m.table[w] for w in names], dtype=np.float64)  # None -> NaN
        cp = code_points("\n".join(names) + "\n")
        ends = np.flatnonzero(cp == 10)
        starts = np.r_[0, ends[:-1] + 1]
        lens = ends - starts
        packed = han_codes(cp)
        keys, lps = [], []
        for n in range(2, _PACKED + 1):
            sel = np.flatnonzero(lens == n)
            codes = packed[starts[sel][:, None] + np.arange(n)]
            han = (codes != 0).all(axis=1)
            keys.append(_pack_rows(codes[han]) | np.uint64(n << 60))
            lps.append(np.nan_to_num(values[sel][han], nan=-np.inf))
        all_keys = np.concatenate(keys)
        order = np.argsort(all_keys)
        singles = np.flatnonzero((lens == 1) & ~np.isnan(values))
        single_cp = cp[starts[singles]]
        chars = np.full(max(_HAN_LAST, int(single_cp.max(initial=0))) + 1, UNKNOWN_LOGP)
        chars[single_cp] = values[singles]
        pairs = [p for p in m.bigrams if len(p) == 2]
        pcp = code_points("".join(pairs))
        pkeys = (pcp[0::2].astype(np.uint64) << np.uint64(21)) | pcp[1::2].astype(np.uint64)
        plps = np.array([m.bigrams[p] for p in pairs], dtype=np.float64)
        porder = np.argsort(pkeys)
        return cls(all_keys[order], np.concatenate(lps)[order], chars, pkeys[porder], plps[porder])

    def char_lps(self, cp: np.ndarray) -> np.ndarray:
        """:meth:`WordModel.char_logp` of each code point."""
        import numpy as np

        return np.where(cp < len(self.chars), self.chars[np.minimum(cp, len(self.chars) - 1)], UNKNOWN_LOGP)

    def words_lp(self, *rows: np.ndarray) -> list[np.ndarray]:
        """For each array of rows of two to four packed characters
        (:func:`han_codes`): each row's log probability as a word, -inf
        where it is no word (one look-up for all)."""
        import numpy as np

        keys = np.concatenate([_pack_rows(r) | np.uint64(r.shape[1] << 60) for r in rows])
        lp = _find(self.keys, self.lps, keys)
        lp[np.isnan(lp)] = -np.inf
        return np.split(lp, np.cumsum([len(r) for r in rows])[:-1])

    def pair_lps_of(self, keys: np.ndarray) -> np.ndarray:
        """The :attr:`WordModel.bigrams` value of each :func:`pair_keys` key, NaN where none."""
        return _find(self.pairs, self.pair_lps, keys)

    def logprobs(self, texts: Sequence[str], banned: frozenset[str], m: WordModel) -> list[float]:
        """:meth:`WordModel.logprobs` (``m`` scores the texts it cannot)."""
        import numpy as np

        lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        if not len(texts) or not lens.any():
            return [0.0] * len(texts)
        cp = code_points("".join(texts))
        rows = np.repeat(np.arange(len(texts)), lens)
        bad = np.zeros(len(texts), dtype=bool)
        bad[rows[(cp < _HAN_FIRST) | (cp > _HAN_LAST)]] = True
        bad |= lens > self.MAX_RUN
        out = np.zeros(len(texts))
        ok = np.flatnonzero(~bad)
        if len(ok):
            keep = ~bad[rows]
            codes = np.zeros((len(ok), int(lens[ok].max())), dtype=np.uint64)
            cols = np.arange(len(cp)) - np.repeat(np.cumsum(lens) - lens, lens)
            codes[(np.cumsum(~bad) - 1)[rows[keep]], cols[keep]] = han_codes(cp[keep])
            out[ok] = self._viterbi(codes, lens[ok], [texts[k] for k in ok.tolist()], banned, m)
        result = out.tolist()
        for k in np.flatnonzero(bad).tolist():
            result[k] = m.logprob(texts[k], banned)
        return result

    def _viterbi(self, codes: np.ndarray, lens: np.ndarray, texts: list[str], banned: frozenset[str], m: WordModel) -> np.ndarray:
        """The best segmentation's log probability of each row of packed
        characters (``lens`` long; ``texts`` as strings):
        :meth:`WordModel._route` on all rows at once, position by position
        from the end, with the same sums (so the same floats: a maximum does
        not depend on the order it is taken in).  Every word is looked up
        whole: the table holds each prefix of a word, so the scalar loop's
        stop at a string that is no prefix never skips one."""
        lp = self._lattice(codes, lens, texts.__getitem__, banned, m)[0]
        return self._best(lp, lens)[:, 0]

    def variant_logprobs(
        self, text: str, han: np.ndarray, starts: np.ndarray, lens: np.ndarray, pos: np.ndarray, rows: np.ndarray, alts: np.ndarray,
        banned: frozenset[str], m: WordModel,
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`WordModel.logprob` of each window ``text[starts[r]:starts[r] + lens[r]]``
        (a short run of Han characters; ``han`` is :func:`han_codes` of
        ``text``) and of each variant ``j``: window ``rows[j]`` with the
        code point ``alts[j]`` at its offset ``pos[rows[j]]``.  The same
        floats as :meth:`WordModel.logprob_variants`: the windows' lattices
        are looked up once, and a variant looks up only the strings that
        cover its change (a window's other words are the same).

        >>> import numpy as np
        >>> m, t = model(), "越来赴好"
        >>> one = lambda *a: np.array(a)
        >>> base, new = word_index(m).variant_logprobs(t, han_codes(code_points(t)), one(0), one(4), one(2), one(0, 0), one(0x8D8A, 0x8D74), frozenset(), m)
        >>> base.tolist() == [m.logprob(t)], new.tolist() == [m.logprob("越来越好"), m.logprob(t)]
        (True, True)
        """
        import numpy as np

        if not len(starts):
            return np.zeros(0), np.zeros(0)
        width = int(lens.max())
        col = np.arange(width)
        codes = np.where(col < lens[:, None], han[np.minimum(starts[:, None] + col, len(han) - 1)], np.uint64(0))
        lp, hit = self._lattice(codes, lens, lambda r: text[starts[r] : starts[r] + lens[r]], banned, m)
        # the variants: the windows' lattices with the strings over the change looked up again
        v = np.arange(len(rows))
        at = pos[rows]
        vcodes = codes[rows]
        vcodes[v, at] = han_codes(alts)
        span = lp.shape[2]
        over = (col[None, :, None] <= at[:, None, None]) & (col[None, :, None] + np.arange(1, span + 1) > at[:, None, None])
        vlp, vhit = lp[rows], hit[rows]
        vlp[over] = -np.inf
        vhit[:, :, 1:][over[:, :, 1 : hit.shape[2]]] = False
        vlp[v, at, 0] = self._singles()[vcodes[v, at]]

        def variant(j: int) -> str:
            r, p = int(rows[j]), int(at[j])
            return text[starts[r] : starts[r] + p] + chr(int(alts[j])) + text[starts[r] + p + 1 : starts[r] + lens[r]]

        self._fill(vlp, vhit, vcodes, lens[rows], over, variant, banned, m)
        done = self._best(lp, lens)
        return done[:, 0], self._best(vlp, lens[rows], done[rows], at)[:, 0]

    def _singles(self) -> np.ndarray:
        """Each packed code's log probability as a one-character word (0: not Han)."""
        import numpy as np

        return np.r_[UNKNOWN_LOGP, self.chars[_HAN_FIRST : _HAN_LAST + 1]]

    def _lattice(self, codes: np.ndarray, lens: np.ndarray, text_of: Callable[[int], str], banned: frozenset[str], m: WordModel) -> tuple[np.ndarray, np.ndarray]:
        """The word lattice of each row of packed characters (``lens`` long;
        row ``r`` is the string ``text_of(r)``): ``lp[r, i, k]`` the log
        probability of the word of ``k + 1`` characters at ``i`` (-inf:
        none), and ``hit[r, i, k]`` whether the table lists that string (as
        a word or a prefix) for the strings of one to :data:`_PACKED` characters."""
        import numpy as np

        n, width = codes.shape
        span = min(MAX_WORD, width)
        lp = np.full((n, width, span), -np.inf)
        lp[:, :, 0] = self._singles()[codes]
        hit = np.zeros((n, width, min(_PACKED, span)), dtype=bool)
        hit[:, :, 0] = np.arange(width) < lens[:, None]
        self._fill(lp, hit, codes, lens, None, text_of, banned, m)
        return lp, hit

    def _fill(
        self, lp: np.ndarray, hit: np.ndarray, codes: np.ndarray, lens: np.ndarray, todo: np.ndarray | None,
        text_of: Callable[[int], str], banned: frozenset[str], m: WordModel,
    ) -> None:
        """Look up the words of two or more characters of a lattice
        (:meth:`_lattice`) where ``todo`` is set (everywhere when None).  A
        string is looked up only where the table lists its prefix: the
        table holds every prefix of its words, so no word is missed."""
        import numpy as np

        width = codes.shape[1]
        for size in range(2, hit.shape[2] + 1):
            last = width - size + 1
            want = hit[:, :last, size - 2] & (np.arange(last) + size <= lens[:, None])
            if todo is not None:
                want &= todo[:, :last, size - 1]
            r, i = np.nonzero(want)
            key = codes[r, i]
            for k in range(1, size):
                key = (key << np.uint64(_BITS)) | codes[r, i + k]
            tagged = key | np.uint64(size << 60)
            at = search_positions(self.keys, tagged)
            found = self.keys[at] == tagged
            hit[r, i, size - 1] = found
            value = np.where(found, self.lps[at], -np.inf)
            if any(len(w) == size for w in banned):
                value[np.isin(key, self._banned_keys(banned, size))] = -np.inf
            lp[r, i, size - 1] = value
        if lp.shape[2] > _PACKED:  # longer words: where the table goes on past four characters
            known = hit[:, :, _PACKED - 1] if todo is None else hit[:, :, _PACKED - 1] & todo[:, :, _PACKED:].any(axis=2)
            self._long_words(lp, np.argwhere(known), text_of, banned, m, todo)

    @staticmethod
    def _best(lp: np.ndarray, lens: np.ndarray, done: np.ndarray | None = None, last: np.ndarray | None = None) -> np.ndarray:
        """The best segmentation's log probability of each suffix of each
        row of a lattice (column 0: the whole row), position by position
        from the end, with :meth:`WordModel._suffix_logprobs`' sums (so the
        same floats: a maximum does not depend on the order it is taken
        in).  With ``done`` (those of rows that differ from these only at
        ``last``), only the suffixes from ``last`` down are computed: the
        others are the same."""
        import numpy as np

        n, width, span = lp.shape
        if done is None or last is None:
            route = np.zeros((n, width + span + 1))
            first = width - 1
        else:
            route = done.copy()
            first = int(last.max(initial=-1))
        for i in range(first, -1, -1):
            best = (lp[:, i, :] + route[:, i + 1 : i + 1 + span]).max(axis=1)
            route[:, i] = np.where(lens > i, best, 0.0) if last is None else np.where(last >= i, best, route[:, i])
        return route

    @staticmethod
    def _long_words(lp: np.ndarray, known: np.ndarray, text_of: Callable[[int], str], banned: frozenset[str], m: WordModel, todo: np.ndarray | None = None) -> None:
        """Fill in the words of more than :data:`_PACKED` characters from
        the (row, start) places whose first four characters are in the
        table (only where ``todo`` is set, when given)."""
        table = m.table
        for r, i in known.tolist():
            t = text_of(r)
            for j in range(i + _PACKED + 1, min(len(t), i + MAX_WORD) + 1):
                w = t[i:j]
                if w not in table:
                    break
                v = table[w]
                if v is not None and w not in banned and (todo is None or todo[r, i, j - i - 1]):
                    lp[r, i, j - i - 1] = v

    @staticmethod
    def _banned_keys(words: Iterable[str], size: int) -> np.ndarray:
        """The packed keys (no length tag) of the ``words`` of ``size`` Han characters."""
        import numpy as np

        rows = [w for w in words if len(w) == size and is_han_run(w)]
        if not rows:
            return np.zeros(0, dtype=np.uint64)
        return _pack_rows(han_codes(code_points("".join(rows))).reshape(len(rows), size))


def word_index(m: WordModel) -> WordIndex:
    """The :class:`WordIndex` of ``m``: built once for the default model
    (:func:`model`), afresh for another."""
    if model.cache_info().currsize and m is model():
        return _default_index()
    return WordIndex.build(m)


#: version of the cached index's layout; bump when :meth:`WordIndex.build` changes
_INDEX_VERSION = 1


@functools.cache
def _default_index() -> WordIndex:
    """The default model's index, kept in the cache folder beside it (loading
    it takes milliseconds, building it half a second)."""
    fields = tuple(f.name for f in dataclasses.fields(WordIndex))
    name = f"typo-index-v{_INDEX_VERSION}-{cache_path().stem}.npz"
    built = functools.partial(_index_arrays, fields)
    return WordIndex(**cached_arrays(name, fields, built))


def _index_arrays(fields: tuple[str, ...]) -> dict[str, np.ndarray]:
    index = WordIndex.build(model())
    return {f: getattr(index, f) for f in fields}


def _jieba_dict() -> Path:
    import jieba

    return Path(jieba.__file__).parent / "dict.txt"


def _build() -> tuple[dict[str, float | None], dict[str, str], dict[str, float], list[str]]:
    from wordfreq import get_frequency_dict

    counts: dict[str, int] = {}
    tags: dict[str, str] = {}
    with open(_jieba_dict(), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2 or not is_han_run(parts[0]) or len(parts[0]) > MAX_WORD:
                continue
            counts[parts[0]] = counts.get(parts[0], 0) + int(parts[1])
            if len(parts) > 2 and parts[2] in KEPT_TAGS:
                tags[parts[0]] = parts[2]
    total = float(sum(counts.values()))
    probs: dict[str, float] = {w: 0.5 * c / total for w, c in counts.items() if c > 0}
    web_only: list[str] = []
    for w, p in get_frequency_dict("zh", "large").items():
        if is_han_run(w) and len(w) <= MAX_WORD:
            if len(w) == 2 and w not in probs:
                web_only.append(w)
            probs[w] = probs.get(w, 0.0) + 0.5 * p
    table: dict[str, float | None] = {w: math.log(p) for w, p in probs.items()}
    bigrams: dict[str, float] = {}
    for w, p in probs.items():
        for k in range(1, len(w)):
            pre = w[:k]
            if pre not in table:
                table[pre] = None
        if p >= BIGRAM_FLOOR:
            lp = math.log(p)
            for k in range(len(w) - 1):
                pair = w[k : k + 2]
                if lp > bigrams.get(pair, -math.inf):
                    bigrams[pair] = lp
    return table, tags, dict(sorted(bigrams.items())), sorted(web_only)


def cache_path() -> Path:
    """Where the word model is cached: a name that changes with its sources' versions."""
    from importlib.metadata import version

    versions = f"v{_VERSION}-jieba{version('jieba')}-wordfreq{version('wordfreq')}"
    return usable_cache_dir() / f"typo-model-{versions}.bin"


def _pack(
    table: dict[str, float | None], tags: dict[str, str], bigrams: dict[str, float], web_only: list[str]
) -> tuple[str, bytes, str, str, bytes, str]:
    # Joined strings and a float array load several times faster than a
    # marshalled dict of half a million entries.
    values = array.array("d", [math.nan if v is None else v for v in table.values()])
    tag_lines = "\n".join(f"{w}\t{t}" for w, t in tags.items())
    pair_values = array.array("d", bigrams.values())
    return ("\n".join(table), values.tobytes(), tag_lines, "\n".join(bigrams), pair_values.tobytes(), "\n".join(web_only))


def _unpack(data: object) -> WordModel | None:
    if not (isinstance(data, tuple) and len(data) == 6):
        return None
    keys, raw, tag_lines, pair_keys, pair_raw, web_only = data
    values = array.array("d")
    values.frombytes(raw)
    words = keys.split("\n")
    if len(words) != len(values):
        return None
    table: dict[str, float | None] = {w: (None if v != v else v) for w, v in zip(words, values.tolist())}
    tags = dict(line.split("\t", 1) for line in tag_lines.split("\n") if line)
    pair_values = array.array("d")
    pair_values.frombytes(pair_raw)
    pairs = pair_keys.split("\n")
    if len(pairs) != len(pair_values):
        return None
    return WordModel(table, tags, dict(zip(pairs, pair_values.tolist())), frozenset(web_only.split("\n")))


def announce_build(what: str, path: Path) -> None:
    """One line on stderr before a slow one-time build, so that a first run
    does not look hung (the word model takes 10-20 s)."""
    try:
        sys.stderr.write(f"cleaner: building {what} (once per machine, cached in {path.parent})\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # no usable stderr (closed, None): say nothing
        pass


@functools.cache
def model() -> WordModel:
    """The word model, built on first use and cached on disk (see module doc)."""
    path = cache_path()
    try:
        with open(path, "rb") as fh:
            cached = _unpack(marshal.load(fh))
        if cached is not None:
            return cached
    except (OSError, EOFError, ValueError, TypeError):
        pass
    announce_build("the word model for typo repair", path)
    data = _pack(*_build())
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".typo-model-")
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(data, fh)
        os.replace(tmp, path)
    except OSError:
        pass
    built = _unpack(data)
    assert built is not None
    return built
