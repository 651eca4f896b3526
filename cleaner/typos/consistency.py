"""Rule ``consistency``: a term garbled once in a document that spells it
right several times (a name, a place, an organisation).

The document's own repetitions are the evidence: a *term* is a run of two to
:data:`MAX_TERM` Han characters that the document uses at least
:data:`MIN_TERM_COUNT` times and that the dictionary does not explain (its
best segmentation scores at most :data:`TERM_LOGP`: a name, not 他的 or
科技产业, whose misspellings are ``ocr_confusion``'s business); a *variant* is a string one substitution away
from a term (a visual neighbour from the confusion table at one position,
so the Levenshtein distance is one) that occurs at most once for every
:data:`RATIO` uses of the term.  The variant is corrected to the term unless

* the variant is itself common: where it stands, the changed character forms
  a dictionary word of log probability at least :data:`COMMON_LOGP` with
  the characters around it (科技企业 next to a repeated 科技产业 stays), or
  the variant as a whole segments better than the term;
* the variant is a valid word or phrase of its own: a dictionary word, or
  two one-character words side by side for a two-character term (英国
  beside a repeated 美国, 铺砖 beside 铺贴; :func:`_reads_as_words`);
* the changed character forms, with its neighbour outside the variant, a
  pair the document repeats more often than the variant (张廷皓 three times
  beside a repeated 陈庆浩表示 is no garbled 浩表示);
* the term starts or ends with a function word (软件产业的), or the variant
  has one where the term differs (软件产业向): a phrase, not a name;
* for a two-character term, the variant's character is not rarer than the
  term's (治淮 beside a repeated 沿淮 stays: thin evidence either way);
* the term is mostly glued to its neighbours (a piece of a longer word
  where it stands: 经济问题 holds 济问 but no term), or the best
  segmentation of the text around the variant puts a word across its edge;
* the variant stands in a parallel frame or doubles a character (see
  :func:`cleaner.typos.guards.parallel`);
* two different terms claim the same variant (ambiguous).

Traditional text is judged on its Simplified form (OpenCC ``t2s``,
character for character, line by line where a line is written in
Traditional characters: :func:`cleaner.typos.guards.simplified`), so it
gets the same guards as Simplified text; the edit writes the term as the
document writes it.

The edit's score is the term's count divided by the variant's: how much more
often the document spells it the other way.

>>> from cleaner import clean
>>> doc = "区长赵明远主持会议。赵明远说，要抓落实。赵明远强调，要重实效。会后赵明运看望了群众。"
>>> clean(doc, only=["consistency"])
'区长赵明远主持会议。赵明远说，要抓落实。赵明远强调，要重实效。会后赵明远看望了群众。'
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..edits import Edit, Suggestion
from ..rule import Rule
from . import guards
from .confusion_rule import Neighbours, default_neighbours
from .model import WordIndex, WordModel, is_han_run, model, word_index

if TYPE_CHECKING:
    import numpy as np

    from ..config import Config

__all__ = ["RULE", "NAME", "consistency_rule", "find", "may_hold", "MIN_TERM_COUNT", "MAX_TERM", "RATIO", "COMMON_LOGP", "TERM_LOGP"]

NAME = "consistency"
#: a term is used at least this often in the document
MIN_TERM_COUNT = 3
#: a term is a string the dictionary does not explain: the log probability
#: of its best segmentation is at most this (赵明远 -25, 向世界 -14, 年的 -9)
TERM_LOGP = -18.0
#: a character this common as a word on its own is a function word (的 -3.4,
#: 和 -4.8, 向 -6.8; 王 -8.4)
FUNCTION_LOGP = -7.5
#: longest term (characters): names of people and places
MAX_TERM = 4
#: the term is used at least this many times as often as the variant
RATIO = 3
#: a variant whose changed character is in a word at least this probable is a word in its own right
COMMON_LOGP = -15.0
#: a character at least this probable as a one-character word is a word
#: (砖 -10.8, 淮 -11.3): a two-character variant of two such is a phrase
WORD_CHAR_LOGP = -12.0
#: characters either side of a variant read by the common-word test
CONTEXT = 3

#: two Han characters side by side (written out: ``{2}`` makes the scan of a text
#: without any three times slower)
_HAN_RUN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff]")
#: a run of two or more Han characters
_HAN_RUNS = re.compile(r"[\u4e00-\u9fff]{2,}")
#: a text of at most this many characters is first read in Python for a
#: pair of Han characters it repeats (:func:`_repeats_a_pair`): without
#: one, no term, and no numpy call, whose fixed cost is more than the work
_TINY = 64
#: a character outside the BMP (two UTF-16 units: :func:`_windows` writes one)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _some_reading(term: str, m: WordModel) -> float:
    """A lower bound of ``m.logprob(term)`` from a few segmentations (the
    whole, characters, a two-character word at either end), cheap enough to
    run on every repeated string."""
    table = m.table
    whole = table.get(term)
    best = whole if whole is not None else -math.inf
    singles = [m.char_logp(c) for c in term]
    best = max(best, sum(singles))
    if len(term) > 2:
        head = table.get(term[:2])
        if head is not None:
            best = max(best, head + sum(singles[2:]))
        tail = table.get(term[-2:])
        if tail is not None:
            best = max(best, sum(singles[:-2]) + tail)
        if len(term) == 4 and head is not None and tail is not None:
            best = max(best, head + tail)
    return best


def _is_term(text: str, term: str, starts: Sequence[int], m: WordModel) -> bool:
    """Whether a repeated string is a term of the document: the dictionary
    does not explain it and it mostly stands alone where it occurs."""
    return m.logprob(term) <= TERM_LOGP and _stands_alone(text, term, starts[:8], m)


def _glued(text: str, start: int, end: int, m: WordModel) -> bool:
    """Whether ``text[start:end]`` forms a common word with the character
    before or after it (it is a piece of a longer word there)."""
    pairs = m.bigrams
    return (start > 0 and text[start - 1 : start + 1] in pairs) or (end < len(text) and text[end - 1 : end + 1] in pairs)


def _crossed(text: str, start: int, end: int, m: WordModel) -> bool:
    """Whether, in the best segmentation of the text around it, a word
    crosses the start or the end of ``text[start:end]``."""
    for edge in (start, end):
        if 0 < edge < len(text):
            a = max(0, edge - CONTEXT)
            while a < edge and not is_han_run(text[a]):
                a += 1
            b = edge
            while b < min(len(text), edge + CONTEXT) and is_han_run(text[b]):
                b += 1
            if a < edge < b:
                pos = a
                for w in m.segment(text[a:b]):
                    if pos < edge < pos + len(w):
                        return True
                    pos += len(w)
    return False


def _reads_as_words(variant: str, term: str, m: WordModel) -> bool:
    """Whether ``variant`` is a valid word or phrase in its own right, which
    the rule must never turn into another: a dictionary word (not one of the
    web's two-character misspellings, :attr:`WordModel.web_only`), or, for
    a two-character term, two characters that are each a word of log
    probability at least :data:`WORD_CHAR_LOGP` (铺砖 beside a repeated
    铺贴: lay bricks, not a garbled 铺贴).

    >>> from cleaner.typos.model import model
    >>> _reads_as_words("铺砖", "铺贴", model()), _reads_as_words("赵明运", "赵明远", model())
    (True, False)
    """
    if m.is_word(variant) and variant not in m.web_only:
        return True
    return len(term) == 2 and all(m.char_logp(c) >= WORD_CHAR_LOGP for c in variant)


def _repeated_pair(text: str, start: int, end: int, j: int, count: int) -> bool:
    """Whether the changed character ``text[start + j]`` forms, with its
    neighbour outside the variant ``text[start:end]``, a pair of Han
    characters that the document uses more often than the variant: it
    belongs to another repeated string there (张廷皓 three times beside a
    repeated 陈庆浩表示: 皓表示 is no garbled 浩表示).

    >>> _repeated_pair("张廷皓说。张廷皓表示。陈庆浩表示。陈庆浩表示。陈庆浩表示。", 7, 10, 0, 1)
    True
    >>> _repeated_pair("赵明远说。赵明远讲。赵明运来。", 10, 13, 2, 1)
    False
    """
    p = start + j
    pairs = []
    if j == 0 and start > 0:
        pairs.append(text[p - 1 : p + 1])
    if p == end - 1 and end < len(text):
        pairs.append(text[p : p + 2])
    return any(is_han_run(pair) and text.count(pair) > count for pair in pairs)


def _stands_alone(text: str, term: str, starts: Sequence[int], m: WordModel) -> bool:
    """Whether most of the given occurrences of ``term`` are not glued to
    their neighbours."""
    glued = sum(_glued(text, s, s + len(term), m) for s in starts)
    return glued * 3 <= len(starts)


def _windows(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The four characters from each position of ``text`` packed into one
    uint64 (16 bits a character, first character highest; past the end 0),
    and the same four positions' "is a Han character of the basic block"
    flags packed into one uint32 (a byte each, first highest): two strided
    views of the UTF-16 text, so that every ``n``-gram key of
    :func:`_ngram_keys` is a shift of the first (a handful of numpy calls
    for every length, where one per character and length was the cost on
    a news article).  A character outside the BMP counts as a non-Han one
    (U+FFFF), so positions stay those of ``text``.

    >>> w, han = _windows("天天向上")
    >>> _unpack(int(w[0]), 4), _unpack(int(w[1]) >> 16, 3), hex(int(han[0])), hex(int(han[1]))
    ('天天向上', '天向上', '0x1010101', '0x1010100')
    """
    import numpy as np

    raw = (text + "\0\0\0").encode("utf-16-be", "surrogatepass")
    if len(raw) != 2 * len(text) + 6:
        raw = (_ASTRAL.sub("\uffff", text) + "\0\0\0").encode("utf-16-be", "surrogatepass")
    n = len(text)
    han = np.frombuffer(raw, dtype=">u2") - np.uint16(0x4E00) < np.uint16(0x9FFF - 0x4E00 + 1)
    words = np.ndarray(shape=(n,), dtype=">u8", buffer=raw, strides=(2,)).astype(np.uint64)
    flags = np.ndarray(shape=(n,), dtype=">u4", buffer=han, strides=(1,)).astype(np.uint32)
    return words, flags


def _present(windows: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Which code points of the BMP the text of ``windows`` holds (a
    character outside it as U+FFFF; never U+0000, the padding of the
    look-alike table): a variant made of a character the text lacks
    cannot be counted in it.

    >>> p = _present(_windows("天天向上"))
    >>> bool(p[ord("向")]), bool(p[ord("下")]), bool(p[0])
    (True, False, False)
    """
    import numpy as np

    present = np.zeros(0x10000, dtype=bool)
    present[(windows[0] >> np.uint64(48)).astype(np.intp)] = True  # (an index of another type is slow)
    present[0] = False
    return present


#: the :func:`_windows` flags of an ``n``-gram of Han characters, shifted down by ``32 - 8 n``
_ALL_HAN = {2: 0x0101, 3: 0x010101, 4: 0x01010101}


def _ngram_keys(windows: tuple[np.ndarray, np.ndarray], n: int, *, compact: bool = False) -> np.ndarray:
    """Every ``n``-gram of the text packed into one uint64 (16 bits a
    character, first character highest; see :func:`_windows`), 0 where it
    is not all Han (``compact``: only those that are, in text order).

    >>> [_unpack(k, 2) for k in _ngram_keys(_windows("天天向上。"), 2).tolist() if k]
    ['天天', '天向', '向上']
    """
    import numpy as np

    words, flags = windows
    shift = 32 - 8 * n
    valid = (flags >> np.uint32(shift) if shift else flags) == _ALL_HAN[n]
    keys = words >> np.uint64(2 * shift) if shift else words
    return keys[valid] if compact else np.where(valid, keys, np.uint64(0))


def _sorted_keys(windows: tuple[np.ndarray, np.ndarray], ns: Sequence[int]) -> np.ndarray:
    """The packed ``n``-grams of Han characters of the text of ``windows``
    for every length ``n`` of ``ns`` (:func:`_ngram_keys` with
    ``compact``), sorted: for several lengths in one shift and one test of
    a row per length (a call per length and a concatenation cost more than
    the work on a news article).

    >>> keys = _sorted_keys(_windows("天天向上。"), (2, 3)).tolist()
    >>> _unpack_all(keys[:3], 2), _unpack_all(keys[3:], 3)
    (['向上', '天向', '天天'], ['天向上', '天天向'])
    """
    if len(ns) == 1:
        keys = _ngram_keys(windows, ns[0], compact=True)
    else:
        words, flags = windows
        flag_shifts, all_han, key_shifts = _row_shifts(tuple(ns))
        keys = (words >> key_shifts)[(flags >> flag_shifts) == all_han]
    keys.sort()
    return keys


@functools.cache
def _row_shifts(ns: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For :func:`_sorted_keys`, a column each (read only): the shift of
    the :func:`_windows` flags for each length ``n`` of ``ns``, their value
    for ``n`` Han characters, and the shift of the windows."""
    import numpy as np

    lengths = np.array(ns, dtype=np.uint32)[:, None]
    out = (32 - 8 * lengths, np.array([_ALL_HAN[n] for n in ns], dtype=np.uint32)[:, None], (64 - 16 * lengths).astype(np.uint64))
    for a in out:
        a.flags.writeable = False
    return out


def _counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct packed ``n``-grams among the sorted ``keys`` (of
    :func:`_sorted_keys`), in order, and how often each occurs
    (overlapping): two arrays, 16 bytes per distinct ``n``-gram (a dict of
    Python ints took about ten times that on a huge paragraph).

    >>> n = 2; keys, counts = _counts(_sorted_keys(_windows("天天天向上"), (n,)))
    >>> dict(zip(_unpack_all(keys.tolist(), n), counts.tolist())) == {"天天": 2, "天向": 1, "向上": 1}
    True
    """
    import numpy as np

    if not len(keys):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.intp)
    last = np.empty(len(keys), dtype=bool)  # the last of a run of equal keys
    last[-1] = True
    np.not_equal(keys[1:], keys[:-1], out=last[:-1])
    ends = last.nonzero()[0]
    distinct = keys[ends]
    ends[1:] -= ends[:-1]  # (numpy buffers the overlap) each run's length, but the first's
    ends[0] += 1
    return distinct, ends


def _lookup(keys: np.ndarray, counts: np.ndarray, wanted: np.ndarray, table: np.ndarray | None = None) -> np.ndarray:
    """The counts of the packed ``n``-grams ``wanted`` (0 for one that does
    not occur), by binary search in the sorted ``keys`` of :func:`_counts`;
    beyond :data:`_FILTERED` of them, only of those that :func:`may_hold`
    lets through (in a long text's table a search costs ~90 ns a key, and
    most look-alike variants are absent; ``table``: the keys'
    :func:`_hash_table`, when the caller has it).

    >>> import numpy as np
    >>> keys, counts = _counts(_sorted_keys(_windows("天天天向上"), (2,)))
    >>> _lookup(keys, counts, np.array([_pack("天天"), _pack("上天")], dtype=np.uint64)).tolist()
    [2, 0]
    """
    import numpy as np

    if not len(keys):
        return np.zeros(len(wanted), dtype=counts.dtype)
    if len(wanted) > _FILTERED:
        out = np.zeros(len(wanted), dtype=counts.dtype)
        maybe = _held(wanted, _hash_table(keys) if table is None else table).nonzero()[0]
        out[maybe] = _searched(keys, counts, wanted[maybe])
        return out
    return _searched(keys, counts, wanted)


#: keys looked up by binary search alone (more: :func:`may_hold` first)
_FILTERED = 4096


def _searched(keys: np.ndarray, counts: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """:func:`_lookup` by binary search (``keys`` not empty)."""
    import numpy as np

    at = np.minimum(keys.searchsorted(wanted), len(keys) - 1)
    return np.where(keys[at] == wanted, counts[at], 0)


def may_hold(keys: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Whether each of ``keys`` (uint64) may be one of ``members`` (a
    filter: True for each that is, and for a few that are not), through a
    table of 8 to 16 bits a member hashed by multiplication (Fibonacci
    hashing, :func:`_hash_table`): cheaper than a binary search of each key.

    >>> import numpy as np
    >>> may_hold(np.array([3, 4, 9], dtype=np.uint64), np.array([3, 9], dtype=np.uint64))[[0, 2]].tolist()
    [True, True]
    """
    return _held(keys, _hash_table(members))


def _hash_table(members: np.ndarray) -> np.ndarray:
    """:func:`may_hold`'s table of ``members``: ``2**bits`` flags, those of
    the members' slots (:func:`_slots`) set, ``bits`` 3 more than a count
    of members needs."""
    import numpy as np

    bits = max(6, 3 + len(members).bit_length())
    table = np.zeros(1 << bits, dtype=bool)
    table[_slots(members, bits)] = True
    return table


def _held(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    """:func:`may_hold` of ``keys`` with the members' :func:`_hash_table`
    (built once for many look-ups)."""
    return table[_slots(keys, len(table).bit_length() - 1)]


def _slots(keys: np.ndarray, bits: int) -> np.ndarray:
    """The top ``bits`` bits of each key times :data:`_MIX`, as intp (an
    index of another type takes numpy's slow path)."""
    import numpy as np

    return ((keys * np.uint64(_MIX)) >> np.uint64(64 - bits)).astype(np.intp)


#: the multiplier of :func:`may_hold`'s hash (2**64 / the golden ratio)
_MIX = 0x9E3779B97F4A7C15


def _positions(text: str, n: int, wanted: set[str], windows: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, list[int]]:
    """Start positions (overlapping) of the ``n``-character Han strings in
    ``wanted``: in a short text (up to :data:`_SCANNED` characters a
    string) by ``str.find``, each string in turn; else matched as packed
    keys in one vectorised test (a hash filter, then a binary search of the
    few keys it lets through), in slices of :data:`_SLICE` (``windows``:
    the text's :func:`_windows`, when the caller has them).

    >>> sorted(_positions("天天天向上，天天", 2, {"天天", "向上"}).items())
    [('向上', [3]), ('天天', [0, 1, 6])]
    """
    import numpy as np

    out: dict[str, list[int]] = {}
    strings = [w for w in wanted if len(w) == n]
    if not strings or len(text) < n:
        return out
    if len(text) * len(strings) <= _SCANNED:
        for w in filter(is_han_run, strings):
            at = text.find(w)
            while at >= 0:
                out.setdefault(w, []).append(at)
                at = text.find(w, at + 1)
        return out
    keys = _ngram_keys(windows or _windows(text), n)
    want = np.array([_pack(w) for w in strings], dtype=np.uint64)
    want.sort()
    last = len(want) - 1
    # binary search in the few wanted keys, of the keys that may be one
    # (:func:`may_hold`), a slice of the text at a time (np.isin sorts a
    # copy of the whole key array: 40 bytes a character)
    for a in range(0, len(keys), _SLICE):
        part = keys[a : a + _SLICE]
        maybe = may_hold(part, want).nonzero()[0]
        hit = maybe[want[np.minimum(want.searchsorted(part[maybe]), last)] == part[maybe]]
        for pos in (hit + a).tolist():
            out.setdefault(text[pos : pos + n], []).append(pos)
    return out


#: :func:`_positions` scans the text for each string while the text's
#: length times the number of strings is at most this
_SCANNED = 1 << 18


def _pack(s: str) -> int:
    key = 0
    for ch in s:
        key = (key << 16) | ord(ch)
    return key


def _unpack(key: int, n: int) -> str:
    return "".join(chr((key >> (16 * (n - 1 - k))) & 0xFFFF) for k in range(n))


def _unpack_all(keys: list[int], n: int) -> list[str]:
    """:func:`_unpack` of many keys at once (one decode of a UTF-32 buffer)."""
    import numpy as np
    if not keys:
        return []
    arr = np.array(keys, dtype=np.uint64)
    chars = np.stack([(arr >> np.uint64(16 * (n - 1 - k))) & np.uint64(0xFFFF) for k in range(n)], axis=1)
    flat = chars.astype("<u4").tobytes().decode("utf-32-le")
    return [flat[i : i + n] for i in range(0, len(flat), n)]


#: repeated strings examined at a time (bounds the lists of look-alikes)
_BLOCK = 4096
#: n-gram keys matched at a time by :func:`_positions`
_SLICE = 1 << 20


def _variants(
    terms: np.ndarray,
    tcs: np.ndarray,
    distinct: np.ndarray,
    counts: np.ndarray,
    m: WordModel,
    alikes: _LookAlikes,
    present: np.ndarray,
    table: np.ndarray | None = None,
) -> list[tuple[str, int, list[tuple[str, int, int]]]]:
    """For the repeated strings ``terms`` (of two to :data:`MAX_TERM`
    characters, packed by :func:`_ngram_keys`; used ``tcs`` times) that
    may be terms: each with its count and its variants (string, changed
    position, count) that occur at most once for every :data:`RATIO` uses
    of it (``distinct`` and ``counts``: every string of the text and its
    count, :func:`_counts`; ``table``: the :func:`_hash_table` of
    ``distinct``, when the caller has it).  In numpy, strings of every
    length at once: the test of a term's ends, its look-alikes (those the
    text has, ``present`` by code point) and their counts; strings are
    made, and the dictionary read, for the few found.  A key's characters are read as
    its four 16-bit lanes, lane 0 the last character (0 past the first):
    each numpy call's fixed cost is what counts on an article, so there
    are few (hence ``.nonzero()[0]`` and ``.searchsorted``: the Python
    layers of ``np.flatnonzero`` and ``np.searchsorted`` cost more than
    their work)."""
    import numpy as np

    bounds, first_shift, lane_unit = _lane_tables()
    lanes = terms.astype("<u8", copy=False).view("<u2").reshape(-1, MAX_TERM)  # Han or 0
    # 软件产业的: a phrase that starts or ends with a function word, not a name
    plain = _plain_chars(word_index(m))
    first = terms >> first_shift[bounds.searchsorted(terms, "right")]
    keep = (plain.take(first) & plain.take(lanes[:, 0])).nonzero()[0]
    if not len(keep):
        return []
    terms, tcs, lanes = terms[keep], tcs[keep], lanes[keep]
    # every (term, lane, look-alike the text has), as flat indices into
    # the rows of look-alikes gathered (a 2-d gather with uint16 indices
    # and a 2-d nonzero cost ten times as much on an article)
    cells = lanes.ravel()
    width = alikes.table.shape[1]
    if len(cells) > _COMPACT:  # only the lanes with look-alikes (not past a term's end)
        with_alikes = alikes.slots.take(cells).nonzero()[0]
        rows = alikes.table.take(alikes.slots.take(cells[with_alikes]), axis=0).ravel()
        at = present.take(rows).nonzero()[0]
        cell = with_alikes[at // width]
    else:  # every lane, row 0 (no look-alike) where it has none: fewer calls
        rows = alikes.table.take(alikes.slots.take(cells), axis=0).ravel()
        at = present.take(rows).nonzero()[0]
        cell = at // width
    if not len(at):
        return []
    x = rows[at]
    term, lane = np.divmod(cell, MAX_TERM)
    wanted = terms[term] ^ ((cells[cell] ^ x).astype(np.uint64) * lane_unit[lane])
    found = _lookup(distinct, counts, wanted, table)
    hit = ((found > 0) & (found * RATIO <= tcs[term])).nonzero()[0]
    if not len(hit):
        return []
    term = term[hit]
    return _unexplained(terms[term].tolist(), tcs[term].tolist(), lane[hit].tolist(), x[hit].tolist(), found[hit].tolist(), m)


#: lanes of look-alikes gathered at once, beyond which only those of
#: characters that have any are (one more call, less to gather)
_COMPACT = 1024


def _unexplained(
    keys: list[int], tcs: list[int], lanes: list[int], alike: list[int], found: list[int], m: WordModel
) -> list[tuple[str, int, list[tuple[str, int, int]]]]:
    """:func:`_variants`' result from its hits, in order: each the packed
    term, its count, the lane changed, the look-alike written there and the
    variant's count.  A term that the dictionary explains
    (:func:`_some_reading` above :data:`TERM_LOGP`) is ``ocr_confusion``'s
    business: its variants go; the dictionary is read only for the terms
    with a variant, one by one (a handful on an article: cheaper than numpy).

    >>> from cleaner.typos.model import model
    >>> _unexplained([_pack("赵明远"), _pack("中国")], [4, 9], [0, 1], [ord("运"), ord("仲")], [1, 2], model())
    [('赵明远', 4, [('赵明运', 2, 1)])]
    """
    names: dict[int, str | None] = {}
    by_term: dict[int, tuple[str, int, list[tuple[str, int, int]]]] = {}
    for key, tc, ln, c, vc in zip(keys, tcs, lanes, alike, found):
        if key not in names:
            name = _unpack(key, 2 + (key >= 1 << 32) + (key >= 1 << 48))
            names[key] = None if _some_reading(name, m) > TERM_LOGP else name
        term = names[key]
        if term is None:
            continue
        j = len(term) - 1 - ln
        by_term.setdefault(key, (term, tc, []))[2].append((term[:j] + chr(c) + term[j + 1 :], j, vc))
    return list(by_term.values())


@functools.cache
def _lane_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For :func:`_variants` (read only): the smallest keys of three and
    of four characters (a key's length is 2 plus its ``searchsorted``
    there), the shift down to a key's first character by that index, and
    the unit of each lane (``1 << 16 * lane``)."""
    import numpy as np

    out = (
        np.array([1 << 32, 1 << 48], dtype=np.uint64),
        np.array([16, 32, 48], dtype=np.uint64),
        np.array([1 << 16 * lane for lane in range(MAX_TERM)], dtype=np.uint64),
    )
    for a in out:
        a.flags.writeable = False
    return out


@functools.lru_cache(maxsize=1)  # (the default model's; another's index is built per call anyway)
def _plain_chars(index: WordIndex) -> np.ndarray:
    """Whether each code point (of :attr:`WordIndex.chars`) is no function
    word: its log probability as a one-character word is at most
    :data:`FUNCTION_LOGP` (的 and 向 are function words, 王 is not).

    >>> from cleaner.typos.model import model, word_index
    >>> p = _plain_chars(word_index(model()))
    >>> bool(p[ord("的")]), bool(p[ord("王")])
    (False, True)
    """
    plain = index.chars <= FUNCTION_LOGP
    plain.flags.writeable = False
    return plain


@dataclass(frozen=True, slots=True, eq=False)
class _LookAlikes:
    """The look-alikes of each character (one character, not itself), in
    the table's order: row ``slots[c]`` of ``table`` for code point ``c``
    (row 0, of zeros, for a character without any), padded with 0 (no
    character: :func:`_repeated_terms` never counts it present)."""

    slots: np.ndarray
    table: np.ndarray

    @classmethod
    def build(cls, chars: Iterable[str], nb_fn: Neighbours) -> _LookAlikes:
        import numpy as np

        rows: dict[int, list[int]] = {}
        for ch in chars:
            xs = [ord(x) for x, _ in nb_fn(ch) if len(x) == 1 and x != ch and ord(x) < 0x10000]
            if xs and ord(ch) < 0x10000:  # a term's characters are Han (a variant's too, to be counted)
                rows[ord(ch)] = xs
        slots = np.zeros(0x10000, dtype=np.int64)
        table = np.zeros((len(rows) + 1, max(map(len, rows.values()), default=0)), dtype=np.uint16)
        for k, (c, xs) in enumerate(rows.items(), 1):
            slots[c] = k
            table[k, : len(xs)] = xs
        return cls(slots, table)


@functools.cache
def _default_look_alikes() -> _LookAlikes:
    from ..confusion import confusion_table

    return _LookAlikes.build(confusion_table(), default_neighbours())


def find(
    text: str,
    *,
    neighbours: Neighbours | None = None,
    word_model: WordModel | None = None,
) -> Iterator[Edit | Suggestion]:
    """Corrections of rare variants of the document's repeated terms.

    Lines in Traditional characters are judged on their Simplified form
    (:func:`guards.simplified`, character for character), since the word
    model knows Simplified words only; the edit writes the character the
    document itself uses in the term.
    """
    if not _HAN_RUN.search(text):
        return
    original, text = text, guards.simplified(text)
    m = word_model or model()
    terms = _repeated_terms(text, neighbours, m)
    if not terms.claims:
        return
    for start, end, before, after, score in _non_overlapping(_fixes(text, terms, m)):
        # shrink to the changed character, written as the document writes the term
        k = next(i for i in range(len(before)) if before[i] != after[i])
        spelling = _spelling(original, terms.positions[after], len(after))
        if spelling[k] != original[start + k]:
            note = f"the document writes {spelling} {terms.term_counts[after]} times"
            yield Edit(NAME, start + k, start + k + 1, original[start + k], spelling[k], score=round(score, 3), note=note)


@dataclass
class _Terms:
    """What :func:`find` learns of a document: each variant with the terms
    (and position of the change) that claim it, how often each term and
    variant occurs, and where."""

    claims: dict[str, set[tuple[str, int]]] = field(default_factory=dict)
    term_counts: dict[str, int] = field(default_factory=dict)
    variant_counts: dict[str, int] = field(default_factory=dict)
    positions: dict[str, list[int]] = field(default_factory=dict)


def _repeated_terms(text: str, nb_fn: Neighbours | None, m: WordModel) -> _Terms:
    """The document's repeated terms (2 to :data:`MAX_TERM` characters) and
    their rare look-alike variants (under ``nb_fn``, or the shipped table),
    shortest terms first."""
    out = _Terms()
    if len(text) <= _TINY and not _repeats_a_pair(text):
        return out
    windows = _windows(text)
    present: np.ndarray | None = None
    if nb_fn is None or nb_fn is default_neighbours():
        alikes = _default_look_alikes()
    else:
        alikes = _LookAlikes.build(sorted(set(text)), nb_fn)
    # strings of every length in one table (their keys never collide), or,
    # in a huge text, one length at a time (memory: 8 bytes a character each)
    lengths = [range(2, MAX_TERM + 1)] if len(text) <= _SLICE else [(n,) for n in range(2, MAX_TERM + 1)]
    for ns in lengths:
        distinct, counts = _counts(_sorted_keys(windows, ns))
        repeated_at = (counts >= MIN_TERM_COUNT).nonzero()[0]
        if not len(repeated_at):
            break  # no longer term can repeat either
        if present is None:  # (a variant made of a character the text lacks cannot be counted in it)
            present = _present(windows)
        candidates: list[tuple[str, int, list[tuple[str, int, int]]]] = []
        table = _hash_table(distinct) if len(repeated_at) > _BLOCK else None  # (once for every block)
        for block in range(0, len(repeated_at), _BLOCK):
            at = repeated_at[block : block + _BLOCK]
            candidates.extend(_variants(distinct[at], counts[at], distinct, counts, m, alikes, present, table))
        del distinct, counts, table
        for n in ns:
            _add_terms(text, [c for c in candidates if len(c[0]) == n], n, windows, m, out)
    return out


def _repeats_a_pair(text: str) -> bool:
    """Whether two Han characters side by side occur at least
    :data:`MIN_TERM_COUNT` times in ``text`` (overlapping): if not, no
    string of two or more does (each holds such a pair), so the text has
    no term.

    >>> _repeats_a_pair("天天天天"), _repeats_a_pair("中国人民站起来了。中国人民")
    (True, False)
    """
    seen: dict[str, int] = {}
    for run in _HAN_RUNS.findall(text):
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            count = seen.get(pair, 0) + 1
            if count >= MIN_TERM_COUNT:
                return True
            seen[pair] = count
    return False


def _add_terms(
    text: str, candidates: list[tuple[str, int, list[tuple[str, int, int]]]], n: int, windows: tuple[np.ndarray, np.ndarray], m: WordModel, out: _Terms
) -> None:
    """Record in ``out`` the candidates (of ``n`` characters) that are
    terms, with their variants and where both stand (``windows``: the
    text's :func:`_windows`)."""
    if not candidates:
        return
    # where the candidate terms and their variants stand: one pass
    wanted = {t for t, _, _ in candidates} | {v for _, _, f in candidates for v, _, _ in f}
    out.positions.update(_positions(text, n, wanted, windows))
    for term, tc, found in candidates:
        if not _is_term(text, term, out.positions.get(term, []), m):
            continue
        out.term_counts[term] = tc
        for variant, j, vc in found:
            out.claims.setdefault(variant, set()).add((term, j))
            out.variant_counts[variant] = vc


def _fixes(text: str, terms: _Terms, m: WordModel) -> Iterator[tuple[int, int, str, str, float]]:
    """(start, end, variant, term, score) for each occurrence of a variant
    that the guards let through."""
    for variant, owners in terms.claims.items():
        # a longer term that explains the same variant position wins; two
        # different corrections for one variant are ambiguous
        afters = {t for t, _ in owners}
        if len(afters) > 1:
            continue
        ((term, j),) = owners
        if guards.parallel(variant, j) or m.logprob(variant) >= m.logprob(term):
            continue
        if m.char_logp(variant[j]) > FUNCTION_LOGP:
            continue  # the variant has a function word there (的, 向): it reads as written
        if len(term) == 2 and m.char_logp(variant[j]) >= m.char_logp(term[j]):
            continue  # two characters are thin evidence: the variant must be the rarer spelling
        if _reads_as_words(variant, term, m):
            continue
        score = terms.term_counts[term] / terms.variant_counts[variant]
        for start in terms.positions.get(variant, []):
            end = start + len(variant)
            if _crossed(text, start, end, m) or m.in_common_word(text, start + j, context=CONTEXT, floor=COMMON_LOGP):
                continue
            if _repeated_pair(text, start, end, j, terms.variant_counts[variant]):
                continue
            yield start, end, variant, term, score


def _non_overlapping(fixes: Iterable[tuple[int, int, str, str, float]]) -> list[tuple[int, int, str, str, float]]:
    """Longest first, then the ones that overlap no longer one, in text order."""
    ordered = sorted(fixes, key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: set[int] = set()
    chosen = []
    for f in ordered:
        span = range(f[0], f[1])
        if any(i in taken for i in span):
            continue
        taken.update(span)
        chosen.append(f)
    return sorted(chosen)


def _spelling(original: str, starts: Sequence[int], n: int) -> str:
    """How the document most often writes the term found at ``starts`` (its
    Traditional or Simplified characters), the first such spelling on a tie.

    >>> _spelling("美國，美国，美國", [0, 3, 6], 2)
    '美國'
    """
    return Counter(original[s : s + n] for s in starts).most_common(1)[0][0]


def consistency_rule(text: str, config: Config) -> Iterator[Edit | Suggestion]:
    """The registered rule (it has no options)."""
    return find(text)


RULE = Rule(
    name=NAME,
    func=consistency_rule,
    summary="correct a rare variant, one look-alike away, of a term the document repeats",
    stage="final",
)
