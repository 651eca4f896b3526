"""Duplicates among a list of keys held in memory: the in-document path.

The ``dedup`` rule (:mod:`cleaner.dedup.rule`) calls :func:`find_duplicates`
on the paragraphs of one document; it runs the phases of
:mod:`cleaner.dedup.phases` that the corpus command
(:func:`cleaner.dedup.corpus.dedup_corpus`, keys on disk) and the Ray engine
run too:

1. units whose keys are identical form exact groups (by a 128-bit hash of
   the key); only each group's best-ranked unit goes on;
2. candidate pairs among those: all pairs when there are at most
   ``all_pairs_below`` of them, else MinHash LSH (:mod:`cleaner.dedup.lsh`);
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

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from . import phases
from .clusters import ranks
from .key import recent_numbers, recent_verdicts
from .lsh import LSHParams
from .verify import ascii_numbers, regex_numbers

__all__ = ["Matches", "find_duplicates", "near_duplicates", "neighbour_pairs", "exact_groups", "multiset_filter", "ALL_PAIRS_BELOW", "MAX_BLOCK"]

#: up to this many distinct keys, every pair is compared (rapidfuzz cdist)
ALL_PAIRS_BELOW = 300
#: with ``near``, up to this many: beyond, neighbours cost far less than all
#: pairs of long paragraphs (45,000 pairs at 300 keys)
NEAR_ALL_PAIRS_BELOW = 64


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

    @classmethod
    def of_phases(cls, resolved: phases.Resolution, edges: phases.Edges, groups: phases.ExactGroups, candidates: int) -> Matches:
        """The phases' results as lists."""
        pairs = list(zip(edges.pairs[:, 0].tolist(), edges.pairs[:, 1].tolist()))  # (no list a pair on the way)
        return cls(resolved.ref.tolist(), resolved.score.tolist(), pairs, edges.scores.tolist(), candidates, groups.rep.tolist())


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
    near: int | None = None,
    remember: bool = False,
) -> Matches:
    """Find the duplicates among ``keys`` (see the module docstring).

    keep: ``"first"`` (lowest index) or ``"longest"`` (largest ``lengths``,
    the emitted paragraphs' lengths; default the key lengths).
    eligible: units that take part at all (default: non-empty keys).
    fuzzy: eligible units that may match approximately; the others only
    match identical keys (default: all).
    numbers: also require the same numbers in both keys (the rule's guard).
    near: with more than ``all_pairs_below`` (at most
    :data:`NEAR_ALL_PAIRS_BELOW`) distinct keys, compare only
    units at most ``near`` eligible units apart, and along the diagonals of
    exact repeats (see :func:`neighbour_pairs`), instead of MinHash LSH: for
    a caller that only wants repeats close to each other.
    remember: keep the verdict of each key pair in this thread's memo
    (:func:`~cleaner.dedup.key.recent_verdicts`) and reuse those it holds,
    for a caller that clears it (:func:`~cleaner.dedup.key.forget_recent_keys`)
    when done with a document.
    """
    n = len(keys)
    klen = np.fromiter(map(len, keys), dtype=np.int64, count=n)
    rank = ranks(n, keep=keep, lengths=klen if lengths is None else np.asarray(lengths, dtype=np.int64))
    found = _found(keys, klen, rank, threshold=threshold, fuzzy=fuzzy, eligible=eligible, numbers=numbers, params=params, all_pairs_below=all_pairs_below, workers=workers, near=near, remember=remember)
    if isinstance(found, list):
        return Matches([-1] * n, [0.0] * n, rep=found)
    groups, verified, ncand = found
    resolved = phases.resolve(verified, rank, groups)
    return Matches.of_phases(resolved, phases.Edges.concat([verified, groups.edges()]), groups, ncand)


def near_duplicates(
    keys: Sequence[str],
    *,
    threshold: float = 90.0,
    keep: str = "first",
    fuzzy: npt.NDArray[np.bool_] | Sequence[bool] | None = None,
    eligible: npt.NDArray[np.bool_] | Sequence[bool] | None = None,
    numbers: bool = False,
    near: int | None = None,
    remember: bool = False,
) -> tuple[list[int], dict[tuple[int, int], float]]:
    """What :func:`find_duplicates` (``lengths`` the key lengths) finds, before the
    clustering: each unit's exact-group representative (``Matches.rep``)
    and the verified pairs of representatives with their scores (the
    first pairs of ``Matches.pairs``), for the ``dedup`` rule, which
    clusters on its own (about 0.3 ms less a reading of 1 MB of Chinese).

    >>> near_duplicates(["今天天气很好我们去公园玩", "今天天气很好我们去公园玩耍", "完全不同的另一段文字内容", "今天天气很好我们去公园玩"])
    ([0, 1, 2, 0], {(0, 1): 96.0})
    """
    n = len(keys)
    klen = np.fromiter(map(len, keys), dtype=np.int64, count=n)
    found = _found(keys, klen, ranks(n, keep=keep, lengths=klen), threshold=threshold, fuzzy=fuzzy, eligible=eligible, numbers=numbers, near=near, remember=remember)
    if isinstance(found, list):
        return found, {}
    groups, verified, _ = found
    return groups.rep.tolist(), dict(zip(zip(verified.pairs[:, 0].tolist(), verified.pairs[:, 1].tolist()), verified.scores.tolist()))


def _found(
    keys: Sequence[str],
    klen: npt.NDArray[np.int64],
    rank: npt.NDArray[np.int64],
    *,
    threshold: float,
    fuzzy: npt.NDArray[np.bool_] | Sequence[bool] | None,
    eligible: npt.NDArray[np.bool_] | Sequence[bool] | None,
    numbers: bool,
    near: int | None,
    remember: bool,
    params: LSHParams | None = None,
    all_pairs_below: int = ALL_PAIRS_BELOW,
    workers: int = 1,
) -> list[int] | tuple[phases.ExactGroups, phases.Edges, int]:
    """The exact groups, the verified pairs and the number of candidates
    of :func:`find_duplicates`; with fewer than two eligible units, only
    the representatives (each eligible unit its own)."""
    n = len(keys)
    elig = klen > 0 if eligible is None else np.asarray(eligible, dtype=bool) & (klen > 0)
    fz = np.ones(n, dtype=bool) if fuzzy is None else np.asarray(fuzzy, dtype=bool)
    if np.count_nonzero(elig) < 2:
        return np.where(elig, np.arange(n), -1).tolist()
    groups = exact_groups(keys, rank, elig)
    reps = groups.reps
    reps = reps[fz[reps]]
    verified, ncand = phases.Edges(), 0
    if near is not None and len(reps) > min(all_pairs_below, NEAR_ALL_PAIRS_BELOW):
        cand = neighbour_pairs(np.flatnonzero(elig), groups.rep, fz, near=near)
    elif len(reps) >= 2:
        cand = reps[phases.candidates([keys[r] for r in reps.tolist()], all_pairs_below=all_pairs_below, params=params or LSHParams())]
    else:
        cand = None
    if cand is not None:
        cand = phases.length_filter(cand, klen, threshold)
        ncand = len(cand)
        verified = _verify(cand, keys, klen, threshold=threshold, numbers=numbers, workers=workers, remember=remember)
    return groups, verified, ncand


def exact_groups(keys: Sequence[str], rank: npt.NDArray[np.int64], eligible: npt.NDArray[np.bool_]) -> phases.ExactGroups:
    """Exactly ``phases.exact(phases.key_hashes(keys), rank, eligible)``
    for keys held in memory: the groups of identical keys by a dict, with
    no 128-bit hash to compute (the keys are compared whole).

    >>> exact_groups(["甲乙", "丙丁", "甲乙", "甲乙"], np.array([3, 2, 1, 0]), np.array([True, True, True, False])).rep.tolist()
    [2, 1, 2, -1]
    """
    idx = np.flatnonzero(eligible)
    order = idx[np.argsort(rank[idx], kind="stable")].tolist()
    best: dict[str, int] = {}
    rep = np.full(len(rank), -1, dtype=np.int64)
    rep[order] = [best.setdefault(keys[i], i) for i in order]
    return phases.ExactGroups(rep)


#: :func:`multiset_filter` reads the keys' characters in this many classes
#: (code point modulo; a power of two)
MULTISET_CLASSES = 128
#: ...for the pairs of keys at least this long together (shorter ones cost
#: rapidfuzz less than the bound)
MULTISET_MIN_CHARS = 96


def multiset_filter(pairs: npt.NDArray[np.int64], keys: Sequence[str], lengths: npt.NDArray[np.int64], threshold: float) -> npt.NDArray[np.int64]:
    """The ``pairs`` whose keys can reach ``threshold``, by an exact bound:
    ``fuzz.ratio`` is ``200 * LCS / (la + lb)`` and the longest common
    subsequence holds at most, of each class of characters, the smaller of
    the two keys' counts, so a pair whose common counts fall short cannot
    score enough (rapidfuzz is not asked).  The verdicts stay the same;
    most pairs of neighbouring paragraphs go here.

    >>> a, b = "今天天气很好我们去公园玩" * 10, "完全不同的另一段文字内容" * 10
    >>> multiset_filter(np.array([[0, 1], [0, 2]]), [a, b, a + "耍"], np.array([120, 120, 121]), 90).tolist()
    [[0, 2]]
    """
    if not len(pairs):
        return pairs
    la, lb = lengths[pairs[:, 0]], lengths[pairs[:, 1]]
    long = la + lb >= MULTISET_MIN_CHARS
    if not long.any():
        return pairs
    units, where = np.unique(pairs[long], return_inverse=True)
    where = where.reshape(-1, 2)
    counts = _class_counts("".join([keys[u] for u in units.tolist()]), lengths[units])
    common = np.minimum(counts[where[:, 0]], counts[where[:, 1]]).sum(axis=1)
    # (a margin far above float rounding: a pair at the bound goes to rapidfuzz)
    ok = np.ones(len(pairs), dtype=bool)
    ok[long] = 200.0 * common >= (threshold - 1e-6) * (la[long] + lb[long])
    return pairs[ok]


def _class_counts(joined: str, lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    """How many characters of each class (code point modulo
    :data:`MULTISET_CLASSES`) each of the keys ``joined`` holds one after
    the other (``lengths``: theirs), one row a key.  Text that Latin-1
    encodes is read a byte a character, and the bin of each character is
    computed in place: a quarter of the memory of code points and a
    separate owner array (4x on 500,000 characters of English keys).

    >>> _class_counts("ab一", np.array([2, 1]))[:, [ord("a"), ord("b"), ord("一") % 128]].tolist()
    [[1, 1, 0], [0, 0, 1]]
    """
    mask = MULTISET_CLASSES - 1
    try:
        codes: npt.NDArray[np.unsignedinteger] = np.frombuffer(joined.encode("latin-1"), dtype=np.uint8) & np.uint8(mask)
    except UnicodeEncodeError:  # (beyond Latin-1: four bytes a character)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) & np.uint32(mask)
    bins = np.repeat(np.arange(len(lengths), dtype=np.int64) * MULTISET_CLASSES, lengths)
    bins += codes
    counts = np.bincount(bins, minlength=len(lengths) * MULTISET_CLASSES).astype(np.int32)
    return counts.reshape(len(lengths), MULTISET_CLASSES)


#: a pair of keys at least this long together is checked for the numbers
#: guard before rapidfuzz when its keys' numbers are cheap to read
#: (:func:`~cleaner.dedup.verify.ascii_numbers`); shorter pairs cost
#: rapidfuzz less than reading them
NUMBERS_FIRST_MIN_CHARS = 256


class _NumbersGuard:
    """The numbers guard (:func:`~cleaner.dedup.verify.same_numbers`) over
    the units of ``keys``, each key read at most once (``cheap``: what
    :func:`~cleaner.dedup.verify.ascii_numbers` read of each key).

    :meth:`prefilter` runs before rapidfuzz: two long paragraphs that share
    part of their text (two versions of a report) pass the length and
    multiset bounds and cost rapidfuzz tens of microseconds a pair, while
    they mostly differ in their numbers.  :meth:`holds` then judges the
    pairs that rapidfuzz let through."""

    def __init__(self, keys: Sequence[str], cheap: dict[str, list[str] | None]) -> None:
        self.keys = keys
        self.cheap = cheap  # (by key: a memo that may outlive the call)
        self.full: dict[int, list[str]] = {}

    def _cheap(self, u: int) -> list[str] | None:
        key = self.keys[u]
        if key not in self.cheap:
            self.cheap[key] = ascii_numbers(key)
        return self.cheap[key]

    def _full(self, u: int) -> list[str]:
        n = self.full.get(u)
        if n is None:
            n = self._cheap(u)
            n = self.full[u] = regex_numbers(self.keys[u]) if n is None else n
        return n

    def prefilter(self, pairs: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """The ``pairs`` less those of long keys whose numbers are cheap
        to read and differ."""
        if not len(pairs):
            return pairs
        long = np.flatnonzero(lengths[pairs[:, 0]] + lengths[pairs[:, 1]] >= NUMBERS_FIRST_MIN_CHARS)
        if not len(long):
            return pairs
        # each unit's numbers as a class: units with the same numbers share
        # one, -1 for numbers not cheap to read (they match any)
        units, where = np.unique(pairs[long], return_inverse=True)
        classes: dict[tuple[str, ...], int] = {}
        found = [self._cheap(u) for u in units.tolist()]
        cls = np.asarray([-1 if n is None else classes.setdefault(tuple(n), len(classes)) for n in found], dtype=np.int64)
        ca, cb = cls[where.reshape(-1, 2)].T
        ok = np.ones(len(pairs), dtype=bool)
        ok[long] = (ca < 0) | (cb < 0) | (ca == cb)
        return pairs[ok]

    def holds(self, edges: phases.Edges) -> phases.Edges:
        """The ``edges`` whose keys hold the same numbers."""
        if not len(edges):
            return edges
        ok = np.asarray([self._full(a) == self._full(b) for a, b in edges.pairs.tolist()], dtype=bool)
        return phases.Edges(edges.pairs[ok], edges.scores[ok])


def _verify(
    cand: npt.NDArray[np.int64], keys: Sequence[str], lengths: npt.NDArray[np.int64], *, threshold: float, numbers: bool, workers: int, remember: bool
) -> phases.Edges:
    """Exactly ``phases.verify(cand, keys, ...)``, rapidfuzz asked only
    about the pairs that :func:`multiset_filter` and (with ``numbers``)
    :meth:`_NumbersGuard.prefilter` leave; with ``remember``, the verdict of each
    key pair is kept until :func:`~cleaner.dedup.key.forget_recent_keys`:
    the ``dedup`` rule reads a document again after it dropped paragraphs,
    and compares mostly the same pairs of keys again (a verdict is a pure
    function of the two keys, the threshold and the numbers guard)."""

    def fresh(pairs: npt.NDArray[np.int64]) -> phases.Edges:
        if not numbers:
            return phases.verify(multiset_filter(pairs, keys, lengths, threshold), keys, threshold=threshold, workers=workers)
        guard = _NumbersGuard(keys, recent_numbers() if remember else {})  # (a verdict needs both the score and the numbers: either may go first)
        if len(pairs) and _mostly_cjk(keys[int(pairs[0, 0])]):
            # (the numbers of a mostly CJK key are not cheap to read: the
            # prefilter would only read each key to learn that, so the
            # multiset bound goes first and leaves it about a seventh of the
            # pairs -- 0.3 ms less a reading of 1 MB of Chinese; for Latin
            # keys the prefilter is the sharper and cheaper cut)
            pairs = guard.prefilter(multiset_filter(pairs, keys, lengths, threshold), lengths)
        else:
            pairs = multiset_filter(guard.prefilter(pairs, lengths), keys, lengths, threshold)
        return guard.holds(phases.verify(pairs, keys, threshold=threshold, workers=workers))

    if not remember:
        return fresh(cand)
    memo = recent_verdicts()
    first, second = cand[:, 0].tolist(), cand[:, 1].tolist()
    names = [(threshold, numbers, keys[a], keys[b]) for a, b in zip(first, second)]
    missing = [k for k, name in enumerate(names) if name not in memo]
    if missing:
        new = fresh(cand[missing])
        scored = dict(zip(zip(new.pairs[:, 0].tolist(), new.pairs[:, 1].tolist()), new.scores.tolist()))
        for k in missing:
            memo[names[k]] = scored.get((first[k], second[k]))
    ok = [k for k, name in enumerate(names) if memo[name] is not None]
    if not ok:
        return phases.Edges()
    return phases.Edges(cand[ok], np.asarray([memo[names[k]] for k in ok], dtype=np.float32))


def _mostly_cjk(key: str) -> bool:
    """Whether ``key`` is one whose numbers :func:`~cleaner.dedup.verify.ascii_numbers`
    does not read (more than 1.125 UTF-8 bytes a character); it only
    chooses the order of two filters whose verdicts do not depend on it.

    >>> _mostly_cjk("今天天气很好"), _mostly_cjk("growth of 5 in 2020")
    (True, False)
    """
    return not key.isascii() and len(key.encode("utf-8", "surrogatepass")) > len(key) + (len(key) >> 3)


#: a block of at most this many units repeated right after itself is found
#: through one exact copy in it (see :func:`neighbour_pairs`)
MAX_BLOCK = 64


def _merged_runs(
    start: npt.NDArray[np.int64], end: npt.NDArray[np.int64], d: npt.NDArray[np.int64], n: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The positions of the runs ``[start, end)`` along their diagonals
    ``d`` (positions below ``n``), each position of a diagonal once, and
    the diagonal of each: the runs of one diagonal that overlap or touch
    are merged first.  The consecutive copies of a block repeated several
    times draw overlapping runs: on 1 MB of damaged Chinese some 26,000
    positions, of which about a third are distinct.

    >>> x, dx = _merged_runs(np.array([0, 2, 1]), np.array([3, 5, 2]), np.array([9, 9, 7]), 20)
    >>> list(zip(x.tolist(), dx.tolist()))
    [(1, 7), (0, 9), (1, 9), (2, 9), (3, 9), (4, 9)]
    """
    order = np.lexsort((start, d))
    start, end, d = start[order], end[order], d[order]
    big = n + 1
    reach = np.maximum.accumulate(d * big + end)  # (the furthest end so far: within a diagonal, as the diagonals ascend)
    first = np.ones(len(d), dtype=bool)
    first[1:] = (d[1:] != d[:-1]) | (d[1:] * big + start[1:] > reach[:-1])
    at = np.flatnonzero(first)
    last = np.append(at[1:], len(d)) - 1
    lo, dd = start[at], d[at]
    count = reach[last] - dd * big - lo
    x = np.repeat(lo, count) + np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return x, np.repeat(dd, count)


def neighbour_pairs(units: npt.NDArray[np.int64], rep: npt.NDArray[np.int64], fuzzy: npt.NDArray[np.bool_], *, near: int, max_block: int = MAX_BLOCK) -> npt.NDArray[np.int64]:
    """Candidate pairs of exact-group representatives ``(a, b)``, ``a < b``,
    for repeats close to each other among ``units`` (in document order):
    the representatives of units at most ``near`` units apart, and, for
    each two consecutive copies of one key ``d <= max_block`` units apart,
    those of the units ``d`` apart within ``d`` of them on either side (a
    block of ``d`` units repeated right after itself, found through one
    exact copy in it).  Only ``fuzzy`` representatives pair.

    >>> units = np.arange(6)
    >>> neighbour_pairs(units, np.array([0, 1, 2, 3, 4, 5]), np.ones(6, dtype=bool), near=1).tolist()
    [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]
    >>> neighbour_pairs(units, np.array([0, 1, 2, 0, 4, 5]), np.ones(6, dtype=bool), near=1).tolist()[-3:]  # A B C A' B' C'
    [[1, 4], [2, 5], [4, 5]]
    """
    n = len(units)
    ru = rep[units]
    lo: list[npt.NDArray[np.int64]] = []
    hi: list[npt.NDArray[np.int64]] = []
    for j in range(1, min(near, n - 1) + 1):
        lo.append(np.arange(n - j))
        hi.append(np.arange(j, n))
    order = np.lexsort((np.arange(n), ru))
    same = np.flatnonzero(ru[order][1:] == ru[order][:-1])
    pa, pb = order[same], order[same + 1]
    d = pb - pa
    block = (near < d) & (d <= max_block)
    if block.any():
        # for each such copy, the offsets i from max(-d, -pa) to min(d, n - 1 - pb):
        # the units pa + i from ``start`` to ``end`` (exclusive) along diagonal d
        pa, pb, d = pa[block], pb[block], d[block]
        start = pa + np.maximum(-d, -pa)
        end = pb + np.minimum(d, n - 1 - pb) + 1 - d
        x, dx = _merged_runs(start, end, d, n)
        lo.append(x)
        hi.append(x + dx)
    if not lo:
        return np.zeros((0, 2), dtype=np.int64)
    a, b = ru[np.concatenate(lo)], ru[np.concatenate(hi)]
    keep = (a != b) & fuzzy[a] & fuzzy[b] & (a >= 0) & (b >= 0)
    lo_, hi_ = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    width = int(rep.max()) + 1
    code = np.sort(lo_ * width + hi_)  # (sorted, as np.unique(pairs, axis=0) but faster)
    code = code[np.append(True, code[1:] != code[:-1])] if len(code) else code  # (np.unique imports numpy.ma)
    return np.stack([code // width, code % width], axis=1).astype(np.int64)
