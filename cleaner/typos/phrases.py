"""Rule ``phrase_consistency``: a phrase the document writes the same way
several times and garbles once (a character dropped, inserted or wrong, or
a word of the phrase written twice).

The document's own repetitions are the evidence.  A *near copy* is a place
where the text, around a small change, agrees with at least
:data:`MIN_COUNT` other places that all write the same thing there: two
characters or more on either side of the change agree, at least
:data:`MIN_SHARED` in all, inside one run of Han characters.  The change
(one edit of the copy: a deletion, insertion or substitution of a
character, or an inserted pair of characters) turns the copy into the form
the document repeats.  Shapes:

* ``doubled``: the copy holds one or two characters more, written twice
  (新能源汽车汽车产业, where the document writes 新能源汽车产业) or repeating a
  word of the phrase (检查安全检查工作 beside a repeated 检查工作);
* ``inserted``: the copy holds a stray character more;
* ``missing``: the copy lacks one or two characters (义务教阶段 beside a
  repeated 义务教育阶段);
* ``wrong``: one character of the copy differs (义务教肓阶段).

A copy is repaired only when every test says "accident", otherwise the
change is at most a :class:`~cleaner.Suggestion`:

* the copy's form occurs once, and every other place that agrees on both
  sides writes the repeated form (第一季度, 第二季度, 第三季度 are a
  paradigm: nothing is changed);
* the changed characters are no numeral (一二三, 第), no function word on
  their own (的, 和, 在: 发展的经济 beside a repeated 发展经济 is grammar),
  and no Traditional text is near;
* no name guard objects (:func:`cleaner.typos.guards.name`; 张志强 and 张强
  are two people), and the copy is not in a parallel frame
  (:func:`cleaner.typos.guards.parallel`) unless the frame is the doubling
  itself;
* the copy does not read as words where it differs: no dictionary word
  covers the stray, wrong or missing place in the copy (上海政府 beside a
  repeated 上海市政府, 国际市场 beside 国内市场 stay), and a doubled
  single character is not itself a word (常常, 看看);
* the word model reads the repeated form better than the copy by at least
  ``Config.typo_threshold`` (``suggest_threshold`` for a suggestion) over
  the run of Han characters around the change.

The edit's score is that gain; its note names the shape, the form and how
often the document writes it.

With a character model (``Config.model``, :mod:`cleaner.typos.charmodel`;
the rule then runs by default, see :data:`RULE`), the model's corpus may
stand in for the second place: a copy that ONE other place of the document
supports (推进改造农村公路改造 where the document also writes 推进农村公路改造
once) is judged like the others when the corpus confirms it: it never
writes the copy's form across the change (the characters there with a
neighbour either side) and writes the repaired form there, a 4-gram at
least :data:`CORPUS_MIN` times or a 5-gram :data:`CORPUS_MIN5` times
(:func:`_confirmed`; both chosen on THUCNews dev with a corpus of 0.85M
characters: phrases an article writes twice, one copy garbled, are
repaired 0.041 of the time on test at precision 1.00, 0.013 without a
model, and no clean control changes; most repaired phrases are too rare in
the corpus).  A copy that writes a pair of characters of the phrase twice
(推进改造农村公路改造), or a look-alike of one of its characters (义务教青阶段),
needs no count: the doubled pair or the look-alike is the evidence, and
the corpus must only never write the copy's form across the change
(:data:`CORPUS_PAIRS`, :data:`CORPUS_LOOK_ALIKES`; test 0.041 -> 0.108 at
precision 1.00, doubled words 0.073 -> 0.309, misread characters 0.008 ->
0.030; with a model of another source, 2 of 1,392 clean documents
change: a name written twice where a caption meets a speaker's line, and
指数的指数基金).  Parallel wording is no doubled pair (阅读能力和写作能力,
人民代表大会代表: :func:`_doubled_pair`).  Every guard above stays.  Its note says "once" and how often
the corpus writes the repaired 4-gram.  Without a model the rule is as
before, byte for byte.

>>> from cleaner import clean
>>> doc = "全市新能源汽车销量增长较快。新能源汽车产业链不断完善。明年将继续扶持新能源汽车汽车产业。"
>>> clean(doc, only=["phrase_consistency"])[-15:]
'明年将继续扶持新能源汽车产业。'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import chain
from typing import TYPE_CHECKING

from ..edits import Edit, Suggestion
from ..rule import Rule
from . import guards
from .confusion_rule import default_neighbours
from .consistency import may_hold
from .model import WordModel, model, speedups

if TYPE_CHECKING:
    import numpy as np

    from ..config import Config
    from .charmodel import CharModel

    #: the arrays of :func:`_quads`
    _Quads = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

__all__ = ["RULE", "NAME", "find", "phrase_consistency_rule", "MIN_COUNT", "MIN_SHARED", "APPLY_SHARED", "FUNCTION_LOGP", "CONTEXT"]

NAME = "phrase_consistency"
#: the optional C module (:func:`cleaner.typos.model.speedups`), or None
_SPEEDUPS = speedups()

#: the repeated form is written at least this often besides the copy
MIN_COUNT = 2
#: characters the copy shares with each place that supports it (both sides)
MIN_SHARED = 4
#: characters shared for a change to be made (fewer: a suggestion)
APPLY_SHARED = 5
#: characters compared either side of the change (at most)
MAX_SIDE = 12
#: a copy's first two characters may stand this often in the text at most
#: (more: too common to anchor it, and slow to look up in a long text)
MAX_ANCHOR = 64
#: characters either side of the change that the word model reads
CONTEXT = 4
#: a character at least this probable as a one-character word is a
#: function word (的 -3.4, 和 -4.8, 在 -4.6)
FUNCTION_LOGP = -7.5
#: a character left alone by a missing neighbour counts as damage when it
#: is rarer than this as a word of its own (按 -8.2 and 各 -7.6 stand for
#: 按照 and 各地 in clean text; 基 of 基金 is -10.0); on THUCNews dev the
#: repaired drops score 6.2-14.4
ORPHAN_LOGP = -9.0
#: with a character model, a copy that ONE place of the document supports
#: is repaired when the corpus never writes the copy's form across the
#: change and writes the repaired form there (a 4-gram) at least this often
CORPUS_MIN = 3
#: ... or one of its 5-grams there at least this often
CORPUS_MIN5 = 1
#: ... or, for a copy that holds a pair of characters more which the phrase
#: writes too (加快推进建设新区建设 beside 加快推进新区建设: shape
#: ``doubled``), on the corpus never writing the copy's form there alone:
#: the pair written twice is the evidence, the corpus need not know the
#: repaired phrase (most are too rare in it).  Chosen on THUCNews dev with a
#: corpus of 0.85M characters (phrases an article writes twice, one copy
#: garbled): doubled words 0.128 -> 0.402, all shapes 0.061 -> 0.132 at
#: precision 1.00; test 0.041 -> 0.103 at 1.00 (doubled words 0.073 ->
#: 0.309); no clean control changed (1,000 THUCNews articles, People's
#: Daily, MSRA, zh-Wikipedia, CityU) with a model that held most of them;
#: with a model of another source 7 changed until :func:`_doubled_pair`
#: learnt parallel wording, 2 after (2026-12-04, tenth session).  False: a
#: count is needed as for the other shapes
CORPUS_PAIRS = True
#: ... and likewise a copy with one character in place of a look-alike of
#: the phrase's (shape ``wrong``, the visual table's pair: an OCR
#: misreading).  THUCNews dev, as above: misread characters 0.028 -> 0.049
#: at precision 1.00 (all shapes 0.132 -> 0.137); test 0.008 -> 0.030
#: (0.103 -> 0.108); no clean control changed
CORPUS_LOOK_ALIKES = True
#: keys equal to the next one (sorted) that :func:`_once_places` reads in
#: Python (more: in numpy); a 300-character piece of news has a few dozen.
#: On 300 THUCNews articles (1,044 characters on average) the rule with a
#: model took 394 us a text at 0 (all in numpy), 363 at 32, 357 at 64, 348
#: at 128, 464 with no limit; pieces 150 us at 0, 106-111 from 32 up
FEW_EQUAL = 64
#: places :func:`_confirmed` counts in Python (more: in numpy); unseen
#: news asks about 1-3 a call
FEW_PLACES = 16
#: :func:`_confirmed`'s answers for a copy that only its doubled pair
#: (:data:`CORPUS_PAIRS`) or its look-alike (:data:`CORPUS_LOOK_ALIKES`)
#: confirms
PAIR_ONLY = -1
LOOK_ONLY = -2
#: characters that count or order: a change among them makes another number
_NUMERALS = guards.NUMERALS | frozenset("第")
#: the (inserted, deleted) lengths of the copy's change that are looked for
_SHAPES = ((1, 0), (2, 0), (0, 1), (0, 2), (1, 1))


@dataclass(frozen=True, slots=True)
class Copy:
    """A near copy: at ``cut`` the copy holds ``text[cut:cut + inserted]``
    where the ``count`` places that agree with it write ``middle``; they share
    ``left`` characters before the cut and ``right`` after the change (see
    also ``edge``)."""

    cut: int
    inserted: int
    middle: str
    count: int
    left: int
    right: int
    #: the copy writes a word twice side by side, and a supporting place ends
    #: its clause right after the kept copy (or begins it right before)
    #: while the copy runs on: two phrases may meet on the same word
    edge: bool = False
    #: with a character model, how often its corpus writes the repaired form
    #: across the change (:func:`_confirmed`; 0: not asked;
    #: :data:`PAIR_ONLY`: not counted, the doubled pair confirms it)
    corpus: int = 0


def _quads(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Three keys per position ``t`` of ``text`` (16 bits a character, the
    first in the lowest bits; a character outside the BMP counts as a
    non-Han one): the four characters from ``t`` (0 unless all are Han),
    and the same with the third character (``gap`` 1) or the third and
    fourth (``gap`` 2) skipped, so that the key has the two characters
    after them; and whether each character is Han.  A handful of numpy
    calls on overlapping 8-byte windows of the UTF-16 text: on an article
    of 1,000 characters each call's fixed cost is what counts.

    >>> q, g1, g2, _ = _quads("扶持汽车产业")
    >>> bool(g1[0] == _quads("扶持车产")[0][0]), bool(g2[0] == _quads("扶持产业")[0][0])
    (True, True)
    """
    import numpy as np

    raw = (text + "\0\0").encode("utf-16-le", "surrogatepass")
    if len(raw) != 2 * len(text) + 4:
        raw = (_ASTRAL.sub("\uffff", text) + "\0\0").encode("utf-16-le", "surrogatepass")
    n = len(text) - 3
    if _SPEEDUPS is not None and n >= 1:  # one C call for the nine numpy calls below (the same values): 21 -> 10 us a piece of unseen news
        plain, g1, g2, han = np.empty(n, dtype="<u8"), np.empty(n, dtype="<u8"), np.empty(n, dtype="<u8"), np.empty(n + 5, dtype=bool)
        if _SPEEDUPS.quads(raw, plain, g1, g2, han) is not NotImplemented:
            return plain, g1, g2, han
    return _py_quads(raw, n)


def _py_quads(raw: bytes, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_quads` in numpy from the text's UTF-16-LE units (with two
    0 after it) and ``n``, its length less 3: the reference of the C
    module's ``quads``."""
    import numpy as np

    window = np.ndarray(shape=(n + 2,), dtype="<u8", buffer=raw, strides=(2,))
    low, high = window & np.uint64(0xFFFFFFFF), window & np.uint64(0xFFFFFFFF00000000)
    han = np.frombuffer(raw, dtype="<u2") - np.uint16(0x4E00) < np.uint16(0x5200)
    quad_han = np.ndarray(shape=(n,), dtype="<u4", buffer=han, strides=(1,)) == 0x01010101
    plain = np.where(quad_han, window[:n], np.uint64(0))
    return plain, low[:n] | high[1 : n + 1], low[:n] | high[2 : n + 2], han


def _repeated(keys: np.ndarray) -> np.ndarray:
    """The keys that occur at least twice among ``keys`` (sorted; one
    written three times is there twice).

    >>> _repeated(_quads("扶持汽车产业，扶持汽车产业")[0]).size
    3
    """
    import numpy as np

    s = np.sort(keys)
    s = s[1:][s[1:] == s[:-1]]
    return s[s != 0]


#: a character outside the BMP (two UTF-16 units: :func:`_quads` writes one)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: four Han characters side by side (written out: ``{4}`` scans a text without any slower)
_HAN_QUAD = re.compile("[\u4e00-\u9fff]" * 4)
#: the first two characters of a key of :func:`_quads`
_HEAD = 0xFFFFFFFF
#: the shapes (inserted, deleted) a bit of :func:`_candidates`' codes stands for
_BITS = ((1, (1, 0)), (2, (2, 0)), (4, (0, 1)), (4, (0, 2)), (8, (1, 1)))


def _candidates(text: str, quads: _Quads | None = None) -> list[tuple[int, int, int]]:
    """(cut, inserted, deleted) of places whose two characters before and
    two after a possible change agree with a form the text writes at least
    twice elsewhere: a screen in numpy (a sort of the quads, look-ups in
    the sorted repeated ones; :func:`_copy` checks each place found, and
    that it is Han).

    * an insertion: the copy's quad with the inserted characters skipped is
      a repeated quad;
    * a deletion: the copy's quad is, with one or two characters skipped,
      the repeated form's;
    * a substitution: the copy's quad with the changed character skipped is
      the repeated form's, and its own quad is not repeated.

    ``quads``: :func:`_quads` of ``text`` when the caller has them.
    """
    import numpy as np

    if len(text) < 8 or not _HAN_QUAD.search(text):
        return []  # every near copy agrees with a quad of Han characters the text repeats
    plain, g1, g2, han = quads or _quads(text)
    places = NotImplemented if _SPEEDUPS is None else _SPEEDUPS.candidate_places(plain, g1, g2, han)  # one C call: 44 -> 20 us a piece of unseen news
    if places is NotImplemented:
        places = _py_candidate_places(text, plain, g1, g2)
    if len(places) > MAX_ANCHOR:
        ok = _anchored(plain, g1[np.array([t for t, _ in places], dtype=np.int64)]).tolist()
        places = [p for p, keep in zip(places, ok) if keep]
    return [(t + 2, ins, dele) for t, c in places for bit, (ins, dele) in _BITS if c & bit]


def _py_candidate_places(text: str, plain: np.ndarray, g1: np.ndarray, g2: np.ndarray) -> list[tuple[int, int]]:
    """:func:`_candidates`' places (:func:`_places`: position and code, by
    position) from :func:`_quads`' arrays, in numpy: the reference of the C
    module's ``candidate_places``."""
    import numpy as np

    written = _repeated(plain)
    if not len(written):
        return []  # every near copy agrees with a quad the text repeats
    n = len(plain)
    # every shape's copy begins with the first two characters of a repeated
    # quad: the rest is looked at only there (each array read there once:
    # on an article every numpy call's fixed cost is what counts)
    near = may_hold(g1 & np.uint64(_HEAD), written & np.uint64(_HEAD)).nonzero()[0]
    m = len(near)
    quad, skip1, skip2 = plain[near], g1[near], g2[near]
    found = _member(np.concatenate((quad, skip1, skip2)), written)
    repeated, inserted1, inserted2 = found[:m], found[m : 2 * m], found[2 * m :]
    at = np.zeros(n + 2, dtype=bool)
    at[n:] = True
    at[near[repeated]] = True  # where the repeated forms stand
    w12 = _repeated(np.concatenate((skip1[repeated], skip2[repeated])))  # those of the places in ``at``
    if len(w12):
        changed = _member(np.concatenate((quad, skip1)), w12)
        hit = (inserted1 | changed[:m] | changed[m:]) & ~repeated
    else:
        changed = np.zeros(2 * m, dtype=bool)
        hit = inserted1 & ~repeated
    hit |= inserted2  # all but this one need the copy's own quad written once
    # the few places with a match: their tests in Python (on an article a
    # numpy call per test cost more than all of them)
    return _places(text, near, hit.nonzero()[0], (repeated, inserted1, inserted2, changed[:m], changed[m:]), at)


def _once_places(text: str, quads: _Quads) -> list[tuple[int, int, int, int]]:
    """The screen of near copies that agree with ONE other place (the
    corpus must confirm them: :func:`_confirmed`): ``(t, inserted, deleted,
    u)`` where the copy's quad starts at ``t`` (its change at ``t + 2``)
    and a place that agrees has its quad at ``u`` (its form at ``u + 2``).
    As :func:`_candidates` with "written twice" read "written" (and some
    pairs whose copy's own quad is written twice: :func:`_corpus_copies`
    asks).  One sort of the quads and
    the gapped quads finds every pair at once: a gapped quad of one place
    equal to the quad of another is a character (or two) more in the one
    and as many fewer in the other; two equal gapped quads, a character
    that differs.  About 12 numpy calls up to the sort; the runs of equal
    keys are then read in Python (:func:`_paired_few`: on a 300-character
    piece of unseen news 0.16 -> 0.11 ms for the whole rule with a model),
    or beyond :data:`FEW_EQUAL` of them in numpy (:func:`_paired`).

    >>> text = "扶持汽车产业，扶持汽车旅产业"
    >>> sorted(_once_places(text, _quads(text)))
    [(2, 0, 1, 9), (9, 1, 0, 2)]
    """
    import numpy as np

    plain, g1, g2, han = quads
    n = len(plain)
    if _SPEEDUPS is not None:  # the keys and the runs of equal ones in C, the sort in numpy (its order of equal keys decides): 14 -> 8 us a piece of unseen news
        at, keys = np.empty(3 * n, dtype=np.int64), np.empty(3 * n, dtype="<u8")
        m = _SPEEDUPS.once_keys(plain, g1, g2, han, at, keys)
        if m is not NotImplemented:
            at, keys = at[:m], keys[:m]
            order = np.argsort(keys)
            dup = np.empty(m, dtype=np.int64)
            found = _SPEEDUPS.sorted_dups(keys, order, dup)
            if found is not NotImplemented and found <= FEW_EQUAL:
                return _paired_few(dup[:found], at, order, n) if found else []
            return _paired_runs(at, keys, order, n)
    at, keys = _py_once_keys(plain, g1, g2, han)
    return _paired_runs(at, keys, np.argsort(keys), n)


def _py_once_keys(plain: np.ndarray, g1: np.ndarray, g2: np.ndarray, han: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_once_places`' keys and their places (``tag * n + place``):
    the quads of Han characters (tag 0), then those with a fifth Han
    character with the third skipped (tag 1), then with a sixth too with the
    third and fourth skipped (tag 2): the reference of the C module's
    ``once_keys``."""
    import numpy as np

    n = len(plain)
    quad_han = plain != 0
    han5 = quad_han & han[4 : n + 4]
    at = np.flatnonzero(np.concatenate((quad_han, han5, han5 & han[5 : n + 5])))
    return at, np.concatenate((plain, g1, g2))[at]


def _paired_runs(at: np.ndarray, keys: np.ndarray, order: np.ndarray, n: int) -> list[tuple[int, int, int, int]]:
    """:func:`_once_places`' pairs from its keys, their places and the
    sort's order of them, in numpy up to the runs of equal keys."""
    import numpy as np

    ranked = keys[order]
    dup = np.flatnonzero(ranked[1:] == ranked[:-1])
    if len(dup) > FEW_EQUAL:
        return _paired(ranked, at[order], n)
    if not len(dup):
        return []  # every pair is two places of one key
    return _paired_few(dup, at, order, n)


def _paired_few(dup: np.ndarray, at: np.ndarray, order: np.ndarray, n: int) -> list[tuple[int, int, int, int]]:
    """:func:`_py_paired_few` in one C call when the module is built
    (``_cleaner_speedups.paired_few``, the same pairs in the same order):
    its loops cost about 20 us a piece of unseen news in Python, a sixth of
    the rule's time with a model."""
    if _SPEEDUPS is not None:
        out = _SPEEDUPS.paired_few(dup, at, order, n)
        if out is not NotImplemented:
            return out  # type: ignore[no-any-return]
    return _py_paired_few(dup.tolist(), at, order, n)


def _py_paired_few(dup: list[int], at: np.ndarray, order: np.ndarray, n: int) -> list[tuple[int, int, int, int]]:
    """:func:`_once_places`' pairs from the keys' places ``at`` (``tag * n +
    place``), the sort's ``order`` of the keys and ``dup``, the indices
    (into the sorted keys) where a key equals the next one: the runs of equal keys read in Python (on a piece of news a
    few dozen keys; :func:`_paired`'s numpy calls over all keys cost more)."""
    # the runs of equal keys (indices into ``ranked``, in its order: the
    # sort's order of equal keys decides which place a pair names, as it did
    # when the runs were read in numpy)
    idx: list[int] = []
    starts: list[int] = []
    prev = -2
    for i in dup:
        if i != prev + 1:
            starts.append(len(idx))
            idx.append(i)
        idx.append(i + 1)
        prev = i
    vals = at[order[idx]].tolist()
    # a place whose quad is written twice or more (not "fresh"); a run
    # holds the places of its quads (tag 0), of its quads with one character
    # skipped (tag 1) and with two (tag 2), at ``tag * n + place``
    written: set[int] = set()
    runs = []
    for a, b in zip(starts, [*starts[1:], len(vals)]):
        run = vals[a:b]
        quads0 = [v for v in run if v < n]
        if len(quads0) > 1:
            written.update(quads0)
        if len(quads0) < len(run):  # a gapped quad: a pair may be here
            runs.append((run, quads0))
    out = []
    for run, quads0 in runs:
        ones = [v - n for v in run if n <= v < 2 * n]
        for v in run:
            if v < n:
                continue
            k, p = divmod(v, n)
            # a gapped quad equal to a quad: a character or two more at its
            # place (its own quad written once, unless two), as many fewer at
            # the quad's (written once); equal to another gapped quad of one
            # gap: a character that differs (each paired with the last of its run)
            q = quads0[-1] if quads0 else n
            if q == p:
                q = quads0[0]  # another place than itself (a pair written twice)
            if q == p:
                q = n
            o = ones[-1] if k == 1 and len(ones) > 1 and ones[-1] != p else n
            fresh_p = p not in written
            if (fresh_p and o < n) or (o < n and o not in written) or (q < n and (fresh_p or k == 2 or q not in written)):
                if q < n:
                    out += [(p, k, 0, q), (q, 0, k, p)]
                if o < n:
                    out += [(p, 1, 1, o), (o, 1, 1, p)]
    return out


def _paired(ranked: np.ndarray, at: np.ndarray, n: int) -> list[tuple[int, int, int, int]]:
    """:func:`_paired_few` in numpy, for many equal keys (a long text)."""
    import numpy as np

    tag = at // n  # 0: the quad at at % n, 1: with one character skipped, 2: two
    cell = 3 * np.concatenate(([0], np.cumsum(ranked[1:] != ranked[:-1])))  # per run of equal keys
    count = np.bincount(cell + tag, minlength=cell[-1] + 3)
    last, first = np.full(len(count), -1, dtype=np.int64), np.full(len(count), -1, dtype=np.int64)
    last[cell + tag], first[(cell + tag)[::-1]] = at, at[::-1]
    fresh = np.zeros(n + 1, dtype=bool)  # the quad at a place is written once (n: none)
    fresh[at[tag == 0]] = count[cell[tag == 0]] == 1
    # a gapped quad equal to a quad: a character or two more at its place
    # (its own quad written once, unless two), as many fewer at the quad's
    # (written once); equal to another gapped quad of one gap: a character
    # that differs (each paired with the last of its run)
    pos, quad, other = at % n, last[cell], last[cell + 1] - n
    quad = np.where(quad == pos, first[cell], quad)  # another place than itself (a pair written twice)
    quad[(quad < 0) | (quad == pos)] = n
    other[(tag != 1) | (count[cell + 1] < 2) | (other == pos)] = n
    pairs = np.flatnonzero((tag > 0) & (fresh[pos] & (other < n) | fresh[other] | (quad < n) & (fresh[pos] | (tag == 2) | fresh[quad])))
    out = []
    for p, k, q, o in zip(pos[pairs].tolist(), tag[pairs].tolist(), quad[pairs].tolist(), other[pairs].tolist()):
        if q < n:
            out += [(p, k, 0, q), (q, 0, k, p)]
        if o < n:
            out += [(p, 1, 1, o), (o, 1, 1, p)]
    return out


def _confirmed(corpus: CharModel, text: str, places: list[tuple[int, int, int, int]]) -> list[int]:
    """For each of ``places`` (:func:`_once_places`): how often the corpus
    writes the repaired form across the change (the most frequent of its
    4-grams that hold a character either side of the change), or 0 when it
    does not confirm the repair: the corpus writes the copy's form across
    the change (its characters there with a neighbour either side: the
    trigrams either side of a gap, around a character more or otherwise,
    the 4-gram around a pair more), or the repaired 4-gram fewer than
    :data:`CORPUS_MIN` times and no such 5-gram :data:`CORPUS_MIN5` times.
    The windows are read from the copy (three characters either side of
    the change) and the place that agrees (the middle), all in one look-up
    in the model; an n-gram of the repaired form that leaves the run of
    Han characters, or holds a character the model has no id of its own
    for, counts 0.  A pair of characters more that the corpus never writes
    there but that falls short of the counts is :data:`PAIR_ONLY` (with
    :data:`CORPUS_PAIRS`; :func:`_corpus_copies` then asks that the copy
    writes a pair of the phrase twice), a character in place of another
    likewise :data:`LOOK_ONLY` (with :data:`CORPUS_LOOK_ALIKES`; the two
    must look alike).

    >>> from cleaner.typos.charmodel import learn
    >>> corpus = learn(["各地要扶持汽车产业发展。"] * 3, keep_repeats=True)
    >>> text = "扶持汽车产业，明年扶持汽车旅产业"
    >>> _confirmed(corpus, text, [(11, 1, 0, 0)]), _confirmed(corpus, text, [(0, 0, 1, 11)])
    ([3], [0])
    """
    if len(places) <= FEW_PLACES:
        c4, c5, c3, own4 = _counted_few(corpus, text, places)
    else:
        c4, c5, c3, own4 = _counted(corpus, text, places)
    out = []
    for i, (_, ins, dele, _) in enumerate(places):
        # the copy's form across the change: columns 2 to 3 + ins of its window
        own = (c3[0][i] or c3[1][i]) if ins == 0 else c3[1][i] if ins == 1 else own4[i]
        # the repaired n-grams across the change hold columns 2 and 3 + dele
        best = max(c4[s][i] for s in range(dele, 3))
        best5 = max(c5[s][i] for s in range(max(0, dele - 1), 3))
        if own:
            out.append(0)
        elif best >= CORPUS_MIN or best5 >= CORPUS_MIN5:
            out.append(best)
        else:
            out.append(PAIR_ONLY if CORPUS_PAIRS and ins == 2 else LOOK_ONLY if CORPUS_LOOK_ALIKES and ins == dele == 1 else 0)
    return out


def _windows(text: str, places: list[tuple[int, int, int, int]]) -> tuple[list[str], list[str]]:
    """The windows :func:`_confirmed` reads for each of ``places``: the
    repaired form (three characters either side of the change, with the
    middle the place writes; 8 characters, ``\\0`` beyond the text) and the
    copy's (6 characters)."""
    fixed, copy = [], []
    for t, ins, dele, u in places:
        # three characters either side of the change, with the middle the place writes
        before = text[t - 1 : t + 2] if t else "\0" + text[:2]
        fixed.append((before + text[u + 2 : u + 2 + dele] + text[t + 2 + ins : t + 5 + ins]).ljust(8, "\0"))
        copy.append((before + text[t + 2 : t + 5]).ljust(6, "\0"))
    return fixed, copy


#: the counts of :func:`_confirmed`: per start column of the repaired window,
#: per place, its 4-gram's and 5-gram's counts (0 where it leaves the Han
#: text or holds a character without an id of its own); per place the
#: counts of the copy's trigrams at columns 1 and 2, and of its 4-gram at 2
_Counts = tuple[list[list[int]], list[list[int]], list[list[int]], list[int]]


def _counted(corpus: CharModel, text: str, places: list[tuple[int, int, int, int]]) -> _Counts:
    """:func:`_confirmed`'s counts in numpy (many places: a long text)."""
    import numpy as np

    from .charmodel import FIRST_ID

    fixed, copy = _windows(text, places)
    joined = "".join(fixed)
    ids = corpus.ids(joined).reshape(len(places), 8)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4").reshape(len(places), 8)
    known = (codes - np.uint32(0x4E00) < np.uint32(0x5200)) & (ids >= FIRST_ID)
    mine = corpus.ids("".join(copy)).reshape(len(places), 6)
    n4, n5, n3, n_own = corpus.counts_of(
        np.concatenate([ids[:, s : s + 4] for s in range(3)]),
        np.concatenate([ids[:, s : s + 5] for s in range(3)]),
        np.concatenate((mine[:, 1:4], mine[:, 2:5])),
        mine[:, 2:6],
    )
    m = len(places)
    c4 = np.where(np.concatenate([known[:, s : s + 4].all(axis=1) for s in range(3)]), n4, 0).reshape(3, m).tolist()
    c5 = np.where(np.concatenate([known[:, s : s + 5].all(axis=1) for s in range(3)]), n5, 0).reshape(3, m).tolist()
    return c4, c5, n3.reshape(2, m).tolist(), n_own.tolist()


def _counted_few(corpus: CharModel, text: str, places: list[tuple[int, int, int, int]]) -> _Counts:
    """:func:`_counted` for a few places: the same n-grams' keys packed in
    Python and looked up in one call (the numpy around the look-up cost
    ~0.17 ms a call on unseen news, where a call asks about 1-3 places),
    n-grams of the repaired form that would count 0 not asked.

    >>> from cleaner.typos.charmodel import learn
    >>> corpus = learn(["各地要扶持汽车产业发展。"] * 3, keep_repeats=True)
    >>> text = "扶持汽车产业，明年扶持汽车旅产业"
    >>> _counted_few(corpus, text, [(11, 1, 0, 0)]) == _counted(corpus, text, [(11, 1, 0, 0)])
    True
    """
    import numpy as np

    from .charmodel import BITS, FIRST_ID, ORDER_SHIFT

    fixed, copy = _windows(text, places)
    m = len(places)
    ids = corpus.ids("".join(fixed) + "".join(copy)).tolist()
    k3, k4, k5 = 3 << ORDER_SHIFT, 4 << ORDER_SHIFT, 5 << ORDER_SHIFT
    keys: list[int] = []
    slots: list[int] = []  # per n-gram asked, its index in keys (-1: counts 0)
    for i, window in enumerate(fixed):
        r = [x if x >= FIRST_ID and "\u4e00" <= ch <= "\u9fff" else -1 for ch, x in zip(window, ids[8 * i : 8 * i + 8])]
        # the 4-grams at columns 0..2, then the 5-grams (-1: a column unknown)
        for s in range(3):
            if min(r[s : s + 4]) < 0:
                slots.append(-1)
            else:
                slots.append(len(keys))
                keys.append(k4 | r[s] << 3 * BITS | r[s + 1] << 2 * BITS | r[s + 2] << BITS | r[s + 3])
        for s in range(3):
            if min(r[s : s + 5]) < 0:
                slots.append(-1)
            else:
                slots.append(len(keys))
                keys.append(k5 | r[s] << 4 * BITS | r[s + 1] << 3 * BITS | r[s + 2] << 2 * BITS | r[s + 3] << BITS | r[s + 4])
    first_own = len(keys)
    for i in range(m):
        r = ids[8 * m + 6 * i : 8 * m + 6 * i + 6]
        keys += [k3 | r[1] << 2 * BITS | r[2] << BITS | r[3], k3 | r[2] << 2 * BITS | r[3] << BITS | r[4], k4 | r[2] << 3 * BITS | r[3] << 2 * BITS | r[4] << BITS | r[5]]
    found = corpus.counts_of_keys(np.array(keys, dtype=np.uint64)).tolist()
    per = [[found[j] if j >= 0 else 0 for j in slots[6 * i : 6 * i + 6]] for i in range(m)]
    own = found[first_own:]
    c4 = [[row[s] for row in per] for s in range(3)]
    c5 = [[row[3 + s] for row in per] for s in range(3)]
    return c4, c5, [own[0::3], own[1::3]], own[2::3]


def _places(text: str, near: np.ndarray, hits: np.ndarray, flags: tuple[np.ndarray, ...], at: np.ndarray) -> list[tuple[int, int]]:
    """(position, code) of the places of :func:`_candidates` among the
    ``hits`` (indices into ``near``) whose code is not 0; ``flags``: per
    index of ``near``, whether its quad is repeated, its quad with one or
    two characters skipped is a repeated quad, and its quad or its quad
    with one skipped is a repeated form with one or two skipped."""
    out = []
    places = near.tolist()
    for i in hits.tolist():  # a few: a look-up each costs less than a numpy call for all
        t = places[i]
        repeated, inserted1, inserted2, changed0, changed1 = (bool(f[i]) for f in flags)
        # the copy's own form is written once: its quad across the change is
        # not repeated (for an inserted word, the quad before or after its end)
        fresh = not repeated and _is_han(text, t + 2)
        fresh_after = fresh or not at[t + 2]
        code = (inserted1 and fresh) | (inserted2 and fresh_after and _is_han(text, t + 3)) << 1
        code |= (changed0 and not repeated) << 2 | (changed1 and fresh) << 3
        if code:
            out.append((t, code))
    return out


def _anchored(plain: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Whether the first two characters of each of ``keys`` stand at most
    :data:`MAX_ANCHOR` times at the head of a quad of Han characters (asked
    when the screen finds more places than that): a long text with
    thousands of 中国 would make every look-up of a copy slow, and such an
    anchor proves little."""
    import numpy as np

    pairs = np.sort(plain[plain != 0] & np.uint64(_HEAD))
    heads = keys & np.uint64(_HEAD)
    return np.searchsorted(pairs, heads, "right") - np.searchsorted(pairs, heads) <= MAX_ANCHOR


def _member(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each of ``keys`` is in ``sorted_set`` (sorted): by binary
    search, or beyond :data:`_FILTERED` keys through :func:`_hashed` (a
    binary search in a long text's repeated quads took half of the rule's
    time: ~90 ns a key).

    >>> import numpy as np
    >>> _member(np.array([3, 4, 9], dtype=np.uint64), np.array([3, 9], dtype=np.uint64)).tolist()
    [True, False, True]
    >>> keys = np.arange(3 * _FILTERED, dtype=np.uint64)
    >>> np.flatnonzero(_member(keys, np.array([5, 7000, 9000], dtype=np.uint64))).tolist()
    [5, 7000, 9000]
    """
    import numpy as np

    if not len(sorted_set) or not len(keys):
        return np.zeros(len(keys), dtype=bool)
    if len(keys) > _FILTERED:
        return _hashed(keys, sorted_set)
    return _searched(keys, sorted_set)


def _hashed(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """:func:`_member` through a table of 4 to 8 slots a member, each
    holding one member (its hash by multiplication, as in
    :func:`~cleaner.typos.consistency.may_hold`): a key found in its slot is
    a member; a key that is not, where two members met in its slot, is
    searched for.  In a long text most keys are members, which a hashed
    filter lets through to a binary search (~90 ns a key out of cache).

    >>> import numpy as np
    >>> members = np.arange(0, 3000, 3, dtype=np.uint64)
    >>> keys = np.arange(3000, dtype=np.uint64)
    >>> bool((_hashed(keys, members) == (keys % 3 == 0)).all())
    True
    """
    import numpy as np

    bits = 2 + len(sorted_set).bit_length()
    shift, mix = np.uint64(64 - bits), np.uint64(_MIX)
    slots = (sorted_set * mix) >> shift
    table = np.full(1 << bits, sorted_set[0], dtype=np.uint64)  # every slot holds a member
    table[slots] = sorted_set
    where = (keys * mix) >> shift
    out = table[where] == keys
    lost = table[slots] != sorted_set  # members that another one took the slot of
    if lost.any():
        crowded = np.zeros(1 << bits, dtype=bool)
        crowded[slots[lost]] = True
        again = np.flatnonzero(crowded[where] & ~out)
        out[again] = _searched(keys[again], sorted_set)
    return out


#: the multiplier of :func:`_hashed` (2**64 / the golden ratio)
_MIX = 0x9E3779B97F4A7C15


#: keys looked up by binary search alone (more: :func:`_hashed`)
_FILTERED = 4096


def _searched(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """:func:`_member` by binary search (``sorted_set`` not empty)."""
    import numpy as np

    where = np.minimum(np.searchsorted(sorted_set, keys), len(sorted_set) - 1)
    return sorted_set[where] == keys


def _side(text: str, a: int, b: int, step: int) -> int:
    """How many Han characters agree going from ``a`` and ``b`` (backwards
    when ``step`` is -1, each from the character before), at most
    :data:`MAX_SIDE`.

    >>> _side("甲乙丙丁。乙丙丁", 4, 8, -1), _side("甲乙丙丁。乙丙丁", 1, 5, 1)
    (3, 3)
    """
    if step < 0:
        x, y = text[max(0, a - MAX_SIDE) : a][::-1], text[max(0, b - MAX_SIDE) : b][::-1]
    else:
        x, y = text[a : a + MAX_SIDE], text[b : b + MAX_SIDE]
    k = 0
    for c, d in zip(x, y):
        if c != d or not "\u4e00" <= c <= "\u9fff":
            break
        k += 1
    return k


def _copy(text: str, cut: int, inserted: int, deleted: int, min_count: int = MIN_COUNT, *, index: _QuadIndex | None = None) -> Copy | None:
    """The near copy at ``cut`` (see :class:`Copy`), or None when the places
    that agree with it are fewer than ``min_count``, write more than one
    other form, or share too little with it (``index``: the text's
    :class:`_QuadIndex`, for a long text)."""
    head, tail = text[cut - 2 : cut], text[cut + inserted : cut + inserted + 2]
    lo, hi = cut - 2, cut + inserted + 2
    if not all("\u4e00" <= ch <= "\u9fff" for ch in text[lo:hi]) or (index.more_than_once(lo, hi) if index else text.count(text[lo:hi]) > 1):
        return None  # the copy's own form is written elsewhere too, or it is not all Han
    forms: dict[str, list[int]] = {}
    for pos in index.around(head, tail, deleted) if index else _heads(text, head):
        u = pos + 2
        if (u + deleted + 2 <= lo or pos >= hi) and text[u + deleted : u + deleted + 2] == tail:
            middle = text[u : u + deleted]
            if middle == text[cut : cut + inserted]:
                return None  # the copy's own form is written elsewhere too
            forms.setdefault(middle, []).append(u)
    if len(forms) != 1:
        return None  # none, or a paradigm (第一季度, 第二季度, 第三季度)
    ((middle, places),) = forms.items()
    sides = []
    for u in places:
        left_n, right_n = _side(text, cut, u, -1), _side(text, cut + inserted, u + deleted, 1)
        # whether the place's run of Han characters ends where the shared part does
        sides.append((left_n, right_n, not _is_han(text, u - left_n - 1), not _is_han(text, u + deleted + right_n)))
    support = sorted((s for s in sides if s[0] + s[1] >= MIN_SHARED), key=lambda s: -(s[0] + s[1]))
    if len(support) < min_count or not all("\u4e00" <= c <= "\u9fff" for c in middle):
        return None
    left, right = support[min_count - 1][:2]  # as far as min_count places agree
    # a word written twice where two phrases meet (降低关税|关税再降): a place
    # ends its clause right after the kept copy (or begins it right before)
    x = text[cut : cut + inserted]
    edge = bool(x) and (
        (x == text[cut + inserted : cut + 2 * inserted] and _is_han(text, cut + inserted + right) and any(s[3] for s in support))
        or (x == text[cut - inserted : cut] and _is_han(text, cut - left - 1) and any(s[2] for s in support))
    )
    return Copy(cut, inserted, middle, len(support), left, right, edge)


def _heads(text: str, head: str) -> Iterator[int]:
    """Every place of ``head`` in ``text``, in order (overlapping too)."""
    pos = text.find(head)
    while pos >= 0:
        yield pos
        pos = text.find(head, pos + 1)


def _is_han(text: str, i: int) -> bool:
    return 0 <= i < len(text) and "\u4e00" <= text[i] <= "\u9fff"


def _shape(text: str, c: Copy) -> str:
    """``doubled``, ``inserted``, ``missing`` or ``wrong`` (module doc).

    >>> t = "扶持汽车产业。扶持汽车产业。扶持汽车汽车产业。"
    >>> _shape(t, Copy(18, 2, "", 2, 4, 2))
    'doubled'
    """
    x = text[c.cut : c.cut + c.inserted]
    if c.middle:
        return "wrong" if x else "missing"
    n = len(x)
    phrase = text[c.cut - c.left : c.cut] + text[c.cut + n : c.cut + n + c.right]
    if text[c.cut - n : c.cut] == x or text[c.cut + n : c.cut + 2 * n] == x or x in phrase:
        return "doubled"
    return "inserted"


def _window(text: str, c: Copy) -> tuple[int, int]:
    """The run of Han characters the word model reads: the shared sides and
    :data:`CONTEXT` characters beyond them."""
    a = c.cut
    while a > c.cut - c.left - CONTEXT and a > 0 and "\u4e00" <= text[a - 1] <= "\u9fff":
        a -= 1
    b = c.cut + c.inserted
    end = b + c.right + CONTEXT
    while b < min(len(text), end) and "\u4e00" <= text[b] <= "\u9fff":
        b += 1
    return a, b


def _named(run: str, k: int, m: WordModel) -> bool:
    """Whether the character at ``k`` of ``run`` is part of a person's name
    (:func:`cleaner.typos.guards.name` with no change)."""
    return 0 <= k < len(run) and guards.name(run, k, run[k], m)


def _reads_as_words(run: str, k: int, n: int, shape: str, m: WordModel) -> bool:
    """Whether the copy ``run`` reads as words where it differs (``n``
    changed characters from ``k``; a missing one is between ``k - 1`` and
    ``k``): a dictionary word covers it, or a doubled character or pair is
    a word itself (常常, 看看)."""
    web = m.web_only
    if shape == "doubled":
        unit = run[k : k + n]
        if m.is_word(unit + unit):
            return True
        if run[k - n : k] == unit or run[k + n : k + 2 * n] == unit:
            return False  # written twice side by side: the words across the pair are chance
        spans = {(a, b) for p in range(k, k + n) for a, b in m.covering_words(run, p)}
        return any((a < k or b > k + n) and run[a:b] not in web for a, b in spans)
    if shape == "missing":
        return any(a < k < b and run[a:b] not in web for a, b in m.covering_words(run, k))
    return any(run[a:b] not in web for p in range(k, k + n) for a, b in m.covering_words(run, p))


def _judge(text: str, c: Copy, m: WordModel, floor: float = float("-inf")) -> tuple[str, float, str] | None:
    """The copy's shape, the word model's gain from the change and the soft
    objection (``""`` when none), or None when a hard guard forbids it or
    the gain is below ``floor``.  The cheap tests come first: most places
    the screen finds fail one, and the gain (two readings of a short run)
    comes before the guards that look words up around the change, since
    most copies read no better after it."""
    x = text[c.cut : c.cut + c.inserted]
    shape = _shape(text, c)
    if (shape == "inserted" and len(x) > 1) or not _NUMERALS.isdisjoint(x + c.middle):
        return None  # a word the copy adds (有请, 年化): how prose varies
    a, b = _window(text, c)
    run, k = text[a:b], c.cut - a
    if not guards.traditional_chars().isdisjoint(run):
        return None
    fixed = run[:k] + c.middle + run[k + len(x) :]
    gain = _gain(run, fixed, k, shape, len(c.middle), m)
    if gain < floor:
        return None
    if shape != "doubled" and guards.parallel(fixed if shape == "missing" else run, k):
        return None
    # the changed characters where they stand: the copy's, the phrase's
    if _loose(run, k, len(x), m) or _loose(fixed, k, len(c.middle), m):
        return None
    doubt = _doubt(run, k, x, c.middle, shape, m)
    if not doubt and shape == "doubled" and _before_a_colon(text, c.cut, x):
        doubt = "written again right before a colon: maybe a speaker's label"
    if shape == "inserted" and doubt.startswith("the copy reads"):
        return None
    if _named(fixed, k, m) or (shape == "inserted" and _named(run, k, m)) or _surname_led(fixed, k, m):
        return None
    if not doubt and c.left + c.right < APPLY_SHARED:
        doubt = f"the copy shares only {c.left + c.right} characters with the phrase"
    if not doubt and c.edge:
        # 降低关税|关税再降: the repeated form ends a clause where the copy
        # runs on; two phrases may meet there
        doubt = "the phrase ends at a clause boundary where the copy runs on"
    return shape, gain, doubt


def _gain(run: str, fixed: str, k: int, shape: str, restored: int, m: WordModel) -> float:
    """How much better the word model reads ``fixed`` (the copy ``run``
    repaired at ``k``; ``restored`` characters put back when ``shape`` is
    ``missing``) than ``run``."""
    gain = m.logprob(fixed) - m.logprob(run)
    if shape == "missing" and _orphaned(run, fixed, k, restored, m):
        # a word lost a character and its rest stands alone: the unigram
        # model scores a lone common character too kindly (基金 -> 基)
        lone = -m.char_logp(run[k - 1] if _alone(run, k - 1, m) else run[k])
        if lone >= -ORPHAN_LOGP:
            gain = max(gain, lone)
    return gain


def _alone(run: str, p: int, m: WordModel) -> bool:
    """Whether ``run[p]`` is a word of one character in the best
    segmentation of ``run``."""
    pos = 0
    for w in m.segment(run):
        if pos <= p < pos + len(w):
            return len(w) == 1
        pos += len(w)
    return False


def _orphaned(run: str, fixed: str, k: int, n: int, m: WordModel) -> bool:
    """Whether a character beside the gap of the copy ``run`` (before
    ``k`` or at it) stands alone there while in ``fixed`` (``n`` characters
    restored at ``k``) it is part of a longer word: the gap cut a word.

    >>> from cleaner.typos.model import model
    >>> _orphaned("货币基收益率", "货币基金收益率", 3, 1, model())
    True
    >>> _orphaned("上海政府", "上海市政府", 2, 1, model())
    False
    """
    return (_alone(run, k - 1, m) and not _alone(fixed, k - 1, m)) or (_alone(run, k, m) and not _alone(fixed, k + n, m))


def _surname_led(run: str, k: int, m: WordModel) -> bool:
    """Whether ``run[k]`` is a surname that opens a rare word of two or three
    characters there (冯绍峰: a name the dictionary lists without a tag).

    >>> from cleaner.typos.model import model
    >>> _surname_led("戏外的冯绍峰和", 3, model()), _surname_led("中国黄金市场", 2, model())
    (True, False)
    """
    if run[k] not in guards.word_lists()["surnames"]:
        return False
    for a, b in m.covering_words(run, k):
        lp = m.word_logp(run[a:b])
        if a == k and b - a <= 3 and lp is not None and lp < guards.COMMON_WORD_LOGP:
            return True
    return False


def _loose(run: str, k: int, n: int, m: WordModel) -> bool:
    """Whether a character of ``run[k:k + n]`` stands as a word of its own
    there (no dictionary word covers it) and is a function word (的, 和:
    发展的经济 beside a repeated 发展经济 is grammar) or a surname (冯绍峰
    and 绍峰: a name may be written without its surname).

    >>> from cleaner.typos.model import model
    >>> _loose("引发的纠纷", 2, 1, model()), _loose("集团有限公司", 2, 1, model())
    (True, False)
    """
    surnames = guards.word_lists()["surnames"]
    for p in range(k, k + n):
        ch = run[p]
        if (m.char_logp(ch) >= FUNCTION_LOGP or ch in surnames) and not any(True for _ in m.covering_words(run, p)):
            return True
    return False


def _doubt(run: str, k: int, x: str, middle: str, shape: str, m: WordModel) -> str:
    """Why the change of ``x`` at ``k`` of the copy ``run`` to ``middle``
    is only suggested (``""``: it may be made)."""
    if _reads_as_words(run, k, len(x), shape, m):
        return "the copy reads as words"
    if shape == "inserted":
        return "a character more may be a word the copy adds"
    if shape == "doubled" and x in guards.word_lists()["said_twice"]:
        return "a word written twice may be emphasis"  # (非常非常好: typo_guards.txt [said_twice])
    if shape == "doubled" and run[k - 1 : k] in _CONJUNCTIONS and x in run[:k]:
        return "a word may head each part of a coordination"  # 特区政府和特区人民
    if shape == "missing" and len(middle) > 1:
        return "two characters fewer may be an abbreviation"
    if shape == "wrong" and not _look_alikes(x, middle):
        return "the characters do not look alike"
    return ""


def _before_a_colon(text: str, cut: int, x: str) -> bool:
    """Whether the pair of ``x`` written twice at ``cut`` (this copy and the
    one after or before it) ends right before a colon: an interview or a
    transcript flattened into one line puts the speaker's label (高波：)
    after the sentence that names them (……副会长高波), so a name written
    twice there may be two things, not a stutter: the removal is only
    suggested.

    >>> _before_a_colon("副会长高波高波：各位好", 5, "高波"), _before_a_colon("副会长高波高波：各位好", 3, "高波")
    (True, True)
    >>> _before_a_colon("扶持新能源汽车汽车产业", 7, "汽车")
    False
    """
    end = cut + len(x)
    if text[end : end + len(x)] == x:
        end += len(x)
    return text[end : end + 1] in ("：", ":")


#: characters that join the parts of a coordination (政府和人民, 设备与仪器,
#: 工人、农民): a word before each part is grammar, not a doubled copy
_CONJUNCTIONS = frozenset("和与及或、")


def _look_alikes(a: str, b: str) -> bool:
    """Whether the visual table lists ``a`` and ``b`` as look-alikes.

    >>> _look_alikes("己", "已"), _look_alikes("企", "国")
    (True, False)
    """
    nb = default_neighbours()
    return any(y == b for y, _ in nb(a)) or any(y == a for y, _ in nb(b))


#: a repair: made (or only suggested), the gain, the copy, why it is only
#: suggested, the shape
_Repair = tuple[bool, float, Copy, str, str]


def _added(text: str, cut: int, inserted: int) -> bool:
    """Whether the ``inserted`` characters at ``cut`` are, whatever
    :func:`_copy` finds there, something :func:`_judge` turns down: a
    numeral, or two characters that the text does not write again within
    :data:`MAX_SIDE` characters (then they are no doubled word but a word
    the copy adds).  Cheap: it spares most places the look-ups of
    :func:`_copy`.

    >>> _added("扶持汽车汽车产业", 4, 2), _added("扶持新型汽车产业", 4, 2), _added("第三季度", 1, 1)
    (False, True, True)
    """
    x = text[cut : cut + inserted]
    if not _NUMERALS.isdisjoint(x):
        return True
    near = (text[max(0, cut - MAX_SIDE) : cut], text[cut + 2 : cut + 2 + MAX_SIDE], text[cut - 1 : cut] + text[cut + 2 : cut + 3])
    return inserted == 2 and not any(x in part for part in near)


#: from this many characters on, :class:`_QuadIndex` counts a text's
#: 4-grams from its sorted keys instead of ``str.count`` (a scan of the whole
#: text a call: on one document of 1M characters of news the rule with a
#: model asked 14,000 times, 9 of its 18 seconds)
INDEX_FROM = 1 << 14


class _QuadIndex:
    """Where each 4-gram of a text stands, from :func:`_quads`' keys sorted
    once per kind (plain, or with one or two characters skipped, sorted
    when first asked), for :meth:`once`, :meth:`more_than_once` and
    :meth:`around`.  Exact: ``str.count`` counts copies that do not
    overlap, so when every copy of a 4-gram overlaps another (a run of one
    character) it is asked."""

    def __init__(self, text: str, quads: _Quads) -> None:
        self.text, self.quads, self.plain = text, quads, quads[0]
        self._sorted: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _positions(self, gap: int, key: np.uint64) -> np.ndarray:
        """Where the keys with ``gap`` characters skipped equal ``key``, in order."""
        import numpy as np

        if gap not in self._sorted:
            keys = self.quads[gap]
            order = np.argsort(keys, kind="stable")
            self._sorted[gap] = (order, keys[order])
        order, keys = self._sorted[gap]
        return order[int(keys.searchsorted(key, "left")) : int(keys.searchsorted(key, "right"))]

    def around(self, head: str, tail: str, gap: int) -> list[int]:
        """Every ``pos`` where ``text[pos:pos + 2] == head`` and ``tail``
        follows after ``gap`` characters (0 to 2), in order: what a search
        for ``head`` and a test of ``tail`` at each place finds.  Both are
        two Han characters."""
        import numpy as np

        return self._positions(gap, np.uint64(int.from_bytes((head + tail).encode("utf-16-le"), "little"))).tolist()

    def once(self, t: int) -> bool:
        """``text.count(text[t:t + 4]) == 1``."""
        if self.plain[t]:
            at = self._positions(0, self.plain[t])
            if len(at) == 1:
                return True
            if int(at[-1]) - int(at[0]) >= 4:
                return False  # two copies that do not overlap
        return self.text.count(self.text[t : t + 4]) == 1

    def more_than_once(self, lo: int, hi: int) -> bool:
        """``text.count(text[lo:hi]) > 1`` for ``hi - lo >= 4``: a string
        whose first four characters stand once in the text stands once."""
        if self.plain[lo] and len(self._positions(0, self.plain[lo])) == 1:
            return False
        return self.text.count(self.text[lo:hi]) > 1


def _quad_index(text: str, quads: _Quads) -> _QuadIndex | None:
    """A :class:`_QuadIndex` for a long text (:data:`INDEX_FROM`), else None."""
    return _QuadIndex(text, quads) if len(text) >= INDEX_FROM else None


def _corpus_copies(text: str, corpus: CharModel, quads: _Quads | None, m: WordModel, *, index: _QuadIndex | None = None) -> Iterator[Copy]:
    """The near copies that ONE place of the document supports and the
    corpus confirms (``index``: the text's :class:`_QuadIndex` when long;
    :func:`_once_places`, :func:`_confirmed`; those that
    more places support are :func:`_candidates`'); one that only its pair
    confirms (:data:`PAIR_ONLY`) must be ``doubled`` and not a pair whose
    two copies meet on a word (计时计分: 时计 twice, and 计时 is a word), one
    that only its look-alike confirms (:data:`LOOK_ONLY`) must write a
    look-alike of the phrase's character."""
    if quads is None:
        return
    places = []
    for t, ins, dele, u in _once_places(text, quads):
        # the copy's own quad is written once (for a pair more, :func:`_copy`
        # asks), and it shares with the place the APPLY_SHARED characters
        # that a change needs (fewer would only be suggested)
        five = (t and u and text[t - 1] == text[u - 1]) or text[t + 4 + ins : t + 5 + ins] == text[u + 4 + dele : u + 5 + dele] != ""
        if five and (ins == 2 or (index.once(t) if index else text.count(text[t : t + 4]) == 1)) and not _added(text, t + 2, ins):
            places.append((t, ins, dele, u))
    if len(places) > MAX_ANCHOR:  # a long text: as :func:`_candidates` does
        import numpy as np

        plain, g1 = quads[:2]
        ok = _anchored(plain, g1[np.array([t for t, *_ in places], dtype=np.int64)]).tolist()
        places = [p for p, keep in zip(places, ok) if keep]
    if not places:
        return
    for (t, ins, dele, _), found in zip(places, _confirmed(corpus, text, places)):
        if found:
            c = _copy(text, t + 2, ins, dele, min_count=1, index=index)
            if c is None or c.count >= MIN_COUNT:
                continue
            if (found != PAIR_ONLY or _doubled_pair(text, c, m)) and (found != LOOK_ONLY or _look_alikes(text[c.cut], c.middle)):
                yield replace(c, corpus=found)


#: characters that coordinate two phrases: a pair written before and after
#: one of them is parallel wording (择时能力和择股能力 beside 择时和择股能力),
#: not a pair written twice by mistake
_COORDINATORS = frozenset("和与及或、")


def _doubled_pair(text: str, c: Copy, m: WordModel) -> bool:
    """Whether the copy ``c`` (a pair of characters more) writes a pair of
    the phrase twice by mistake: not side by side where the second
    character of the pair and the first make a word (计时计分 is 计时 and
    计分), not a name (:func:`guards.reads_as_name`: a caption and then the
    speaker), not around a coordinator (:data:`_COORDINATORS`: X能力和Y能力)
    and, unless side by side (新能源汽车汽车), with neither copy inside a
    longer word that the other is not in (人民代表大会代表: 代表大会 and 代表
    are two words).

    The last three hold with a corpus of another source, where "the corpus
    never writes the copy's form" says little: a THUCNews model on People's
    Daily, MSRA and zh-Wikipedia documents (20 lines each) changed 2 and a
    People's Daily + MSRA model on the 1,000 THUCNews articles 5; with them
    0 and 2 (a name written twice, 指数的指数基金).  THUCNews dev, phrases
    written twice, one copy garbled: recall 0.137 -> 0.133 at 1.00, test
    0.108 -> 0.107.

    >>> _doubled_pair("新能源汽车汽车产业", Copy(5, 2, "", 1, 3, 2), model())
    True
    >>> _doubled_pair("赛时计时计分系统", Copy(2, 2, "", 1, 1, 3), model())
    False
    >>> _doubled_pair("提高阅读能力和写作能力", Copy(4, 2, "", 1, 4, 2), model())
    False
    """
    x = text[c.cut : c.cut + 2]
    if _shape(text, c) != "doubled":
        return False
    side_by_side = text[c.cut - 2 : c.cut] == x or text[c.cut + 2 : c.cut + 4] == x
    if side_by_side and m.is_word(x[1] + x[0]) or guards.reads_as_name(x, m):
        return False
    other = _other_copy(text, c)
    if other is None:
        return True
    a, b = sorted((c.cut, other))
    if not _COORDINATORS.isdisjoint(text[a + 2 : b]):
        return False
    return side_by_side or not any(_in_a_longer_word(text, p, q, m) for p, q in ((c.cut, other), (other, c.cut)))


def _other_copy(text: str, c: Copy) -> int | None:
    """Where the phrase writes the pair that the copy ``c`` writes again
    (the nearest start of it in the shared sides, not overlapping it)."""
    x = text[c.cut : c.cut + 2]
    starts = [j for j in range(max(0, c.cut - c.left - 1), min(len(text) - 1, c.cut + 2 + c.right)) if abs(j - c.cut) >= 2 and text[j : j + 2] == x]
    return min(starts, key=lambda j: abs(j - c.cut), default=None)


def _in_a_longer_word(text: str, p: int, q: int, m: WordModel) -> bool:
    """Whether the pair at ``p`` lies inside a dictionary word of three
    characters or more that does not also hold the pair at ``q``."""
    return any(a <= p and p + 2 <= b and not (a <= q and q + 2 <= b) for a, b in m.covering_words(text, p, 3))


def _repairs(text: str, threshold: float, suggest_threshold: float, m: WordModel, corpus: CharModel | None = None) -> list[_Repair]:
    """The repairs of the near copies the screen finds, one per change
    (whichever alignment of it reads best), the made ones first; with a
    character model (``corpus``), also those of the copies that one place
    of the document supports and the corpus confirms."""
    best: dict[tuple[int, str], _Repair] = {}
    quads = _quads(text) if corpus is not None and len(text) >= 8 and _HAN_QUAD.search(text) else None
    index = _quad_index(text, quads) if quads is not None else None
    copies: Iterator[Copy | None] = (None if _added(text, *p[:2]) else _copy(text, *p, index=index) for p in _candidates(text, quads))
    if corpus is not None:
        copies = chain(copies, _corpus_copies(text, corpus, quads, m, index=index))
    for c in copies:
        verdict = None if c is None else _judge(text, c, m, suggest_threshold)
        if c is None or verdict is None:
            continue
        shape, gain, doubt = verdict
        apply = not doubt and gain >= threshold
        cut, inserted = c.cut, c.inserted
        a, b = cut - c.left, cut + inserted + c.right
        key = (a, text[a:cut] + c.middle + text[cut + inserted : b])
        if key not in best or (apply, gain) > best[key][:2]:
            best[key] = (apply, gain, c, doubt or ("" if apply else "gain below the threshold"), shape)
    return sorted(best.values(), key=lambda v: (-v[0], -v[1]))


def find(text: str, threshold: float, suggest_threshold: float, *, word_model: WordModel | None = None, corpus: CharModel | None = None) -> Iterator[Edit | Suggestion]:
    """Repairs of the near copies of the document's repeated phrases (see
    the module doc): edits, and suggestions for the doubtful ones; none
    within a character of another.  With a character model (``corpus``),
    a copy of a phrase the document writes once elsewhere too, where the
    corpus confirms it (module doc)."""
    if len(text) < 8:
        return
    taken: set[int] = set()
    chosen: list[_Repair] = []
    for item in _repairs(text, threshold, suggest_threshold, word_model or model(), corpus):
        c = item[2]
        near = range(c.cut - 1, c.cut + c.inserted + 1)
        if not taken.intersection(near):
            taken.update(near)
            chosen.append(item)
    for apply, gain, c, why, shape in sorted(chosen, key=lambda v: (v[2].cut, v[2].inserted)):
        phrase = text[c.cut - c.left : c.cut] + c.middle + text[c.cut + c.inserted : c.cut + c.inserted + c.right]
        note = f"{shape}: the document writes {phrase} {c.count} times"
        if c.corpus == PAIR_ONLY:
            note = f"{shape}: the document writes {phrase} once, the copy a pair of it twice, the corpus never the copy's form"
        elif c.corpus == LOOK_ONLY:
            note = f"{shape}: the document writes {phrase} once, the copy a look-alike of its {c.middle}, the corpus never the copy's form"
        elif c.corpus:
            note = f"{shape}: the document writes {phrase} once, the corpus its form across the change {c.corpus} times"
        before = text[c.cut : c.cut + c.inserted]
        if apply:
            yield Edit(NAME, c.cut, c.cut + c.inserted, before, c.middle, score=round(gain, 3), note=note)
        else:
            yield Suggestion(NAME, c.cut, c.cut + c.inserted, before, c.middle, score=round(gain, 3), note=f"{note}; kept: {why}")


def phrase_consistency_rule(text: str, config: Config) -> Iterator[Edit | Suggestion]:
    """The registered rule: :func:`find` with the typo thresholds, and the
    character model of ``config.model`` when one is given."""
    if config.model is None:
        return find(text, config.typo_threshold, config.suggest_threshold)
    from .charmodel import cached

    return find(text, config.typo_threshold, config.suggest_threshold, corpus=cached(config.model))


#: off by default, on by default with a character model
#: (:func:`cleaner.config.model_rules`: where the corpus stands in for a
#: second place, its screen :func:`_once_places` (~60 us) and one look-up
#: in the model cost 80-160 us more on a damaged 300-character piece of
#: THUCNews, where the default pipeline with a model takes 1.0-1.4 ms
#: without the rule and 0.1 ms more with its document-only part; medians
#: of 5 interleaved rounds; 2026-12-04, ninth session: the whole rule with
#: a model 0.16 -> 0.105 ms a piece on 678 unseen dev and test pieces, the
#: runs of equal keys of :func:`_once_places` and the counts of
#: :func:`_confirmed` read in Python below :data:`FEW_EQUAL` and
#: :data:`FEW_PLACES`; eleventh session: :func:`_quads`, the places of
#: :func:`_candidates` and :func:`_once_places`' keys and runs of equal keys
#: in C, the rule with a model 0.146 -> 0.078 ms a piece on the 323 unseen
#: test pieces, in the default pipeline).  Without a model: the default pipeline takes
#: 14-17 % more CPU time with it on
#: on THUCNews articles, 13 % on the damaged zh text, ~0 % on English
#: (interleaved medians in one run; the issue allows 3 %), for a damage
#: that the 1,000 clean THUCNews articles hold once (a doubled word, which
#: it suggests).  On an article (~1.6 ms in the default pipeline) the rule
#: takes ~250 us: the numpy screen about 60 % (some 60 calls, each at a
#: fixed cost), :func:`_copy` and :func:`_judge` the rest.  No exact test
#: of the whole document exits early enough: 333 of the 1,000 clean
#: articles hold a near copy that :func:`_copy` accepts (a repeated phrase
#: and a variant of it), so a free screen would still leave ~3 % to the
#: other two stages; an exact pre-screen by one sort of hashed head-and-tail
#: keys rejected half of the articles it saw but cost what it saved.  On by
#: default needs the screen in compiled code and a cheaper judge
RULE = Rule(
    name=NAME,
    func=phrase_consistency_rule,
    default=False,
    summary="repair a copy of a phrase the document repeats, garbled once (a character dropped, added, doubled or wrong)",
    stage="final",
    options=("typo_threshold", "suggest_threshold", "model"),
)
