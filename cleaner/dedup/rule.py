"""Rules ``dedup`` and ``page_headers``: repeated paragraphs inside one document.

``dedup`` (on by default, final stage) drops a paragraph that repeats the
paragraph right before it, exactly or nearly -- OCR and PDF extraction print
a section twice -- and a block of paragraphs that repeats the block right
before it (a page printed twice).  Paragraphs are compared on their
matching key (:mod:`cleaner.dedup.key`: width, script, case, punctuation and
whitespace folded), never on the emitted text, with rapidfuzz ``ratio``;
the verdict needs ``Config.dedup_threshold`` (default 90) and the same
numbers in both paragraphs (``2020年增长5%`` is not a duplicate of
``2021年增长6%``).  Guards, because dropping text is the most harmful thing a
cleaner can do:

* only immediate repeats go: between the original and its copy there may
  be nothing but other copies and short lines (page numbers, bylines);
  except that a long paragraph (a key of :data:`REPEAT_MIN_CHARS`
  characters or more) also goes when it repeats one at most
  :data:`REPEAT_WINDOW` paragraphs before it, with no heading between and
  the same quotation marks (a quotation is not a repeat).
  Real prose repeats paragraphs on purpose -- a table of contents and the
  chapters, an amendment quoting the law it amends, the same closing
  sentence under every item of a list: in the People's Daily and MSRA test
  files (icwb2, 5,930 lines) all 34 repeats are of that kind and none is
  adjacent, while an extraction's repeated section comes right after the
  original;
* a paragraph whose key has fewer than ``Config.dedup_min_chars``
  characters (default 12: headings, bylines, date lines) is never dropped;
  with a smaller ``dedup_min_chars``, keys shorter than
  :data:`FUZZY_MIN_CHARS` are dropped only when identical;
* Markdown headings are never dropped, and a heading between two copies
  keeps both (a repeated heading at the top of every page is the
  ``page_headers`` rule's business);
* every dropped paragraph is an edit whose ``ref`` is the kept paragraph and
  whose ``score`` is their similarity (every dropped paragraph is directly
  similar to the one it names); ``Config.dedup_keep`` chooses the first or
  the longest copy.

A document with few paragraphs is compared all-pairs; one with many
(over :data:`cleaner.dedup.match.ALL_PAIRS_BELOW` distinct keys) goes
through the same MinHash LSH blocking as the corpus command.

>>> from cleaner import explain
>>> para = "图书馆今年完成了老馆改造，新增阅览座位三百个，加快老旧管网改造，延长了周末的开放时间。"
>>> r = explain(para + "\\n\\n" + para.replace("老旧", "陈旧") + "\\n", only=["dedup"])
>>> r.text == para + "\\n"
True
>>> e = r.edits[0]
>>> e.rule, round(e.score, 1), e.ref, e.note
('dedup', 97.4, (0, 43), 'near-duplicate of paragraph 0 (similarity 97.4)')

``page_headers`` (off by default, prepare stage, so that ``paragraphs`` can
then rejoin text the header interrupted) drops a short line that opens at
least :data:`HEADER_MIN_REPEATS` pages, except its first occurrence.  Pages
are delimited by form feeds when the text has any, else by blank lines.  A
header has no clause or sentence punctuation, and its key has at most
:data:`HEADER_MAX_CHARS` characters of which at least
:data:`HEADER_MIN_LETTERS` are not digits; digits are ignored when
comparing, so ``第3页`` and ``第4页`` are one header.

>>> page = "季度报告 第{}页\\n正文第{}页的内容，很长很长的一段话。\\f"
>>> text = "".join(page.format(i, i) for i in range(1, 4))
>>> print(explain(text, only=["page_headers"]).text.replace("\\f", "<FF>"))
季度报告 第1页
正文第1页的内容，很长很长的一段话。<FF>正文第2页的内容，很长很长的一段话。<FF>正文第3页的内容，很长很长的一段话。<FF>
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..edits import Edit, Suggestion
from ..rule import Rule
from .key import matching_keys, recent_keys
from .split import Drop, drop_edits, split_paragraphs

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ..config import Config

    #: unit ids (a list, or an array: the rule converts them once for its passes)
    Ids = Sequence[int] | npt.NDArray[np.int64]
    #: a flag per unit, likewise
    Flags = Sequence[bool] | npt.NDArray[np.bool_]

__all__ = ["RULE", "HEADERS_RULE", "NAME", "HEADERS_NAME", "dedup_rule", "page_headers_rule", "adjacent_repeats", "all_repeats", "window_repeats", "REPEAT_MIN_CHARS", "REPEAT_WINDOW", "FUZZY_MIN_CHARS", "HEADER_MAX_CHARS", "HEADER_MIN_REPEATS", "HEADER_MIN_LETTERS"]

NAME = "dedup"
HEADERS_NAME = "page_headers"

#: keys shorter than this are too short for an approximate verdict (one
#: changed character in a date line scores above 90): identical or nothing
FUZZY_MIN_CHARS = 12
#: a page header's key has at most this many characters
HEADER_MAX_CHARS = 30
#: a line must open at least this many pages or blocks to be a page header
HEADER_MIN_REPEATS = 3
#: a header has at least this many key characters that are not digits
HEADER_MIN_LETTERS = 4

#: searches for immediate repeats, each without what the last one dropped
MAX_DEDUP_PASSES = 8
#: up to this many units, adjacent_repeats tries the diagonals one pair at
#: a time (some 100 tries) instead of with arrays (about 30 microseconds)
FEW_UNITS = 32

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_DIGITS = re.compile(r"\d+")
_LINE_END = re.compile(r"\r\n|\n|\r")
_PUNCT = re.compile(r"[，。；！？,;!?、]")
_PAGE = re.compile(r"\f+")


def dedup_rule(text: str, config: Config) -> Iterator[Edit | Suggestion]:
    """Drop immediately repeated paragraphs (see the module docstring)."""
    spans = split_paragraphs(text)
    if len(spans) < 2:
        return
    from .clusters import kept_of, ranks  # numpy: imported on first use
    from .match import find_duplicates, near_duplicates
    paras = [text[s:e] for s, e in spans]
    keys = recent_keys(paras)
    floor = max(config.dedup_min_chars, 1)
    heading = [p[0] in " #" and bool(_HEADING.match(p)) for p in paras]  # (a paragraph is never empty)
    lengths = list(map(len, keys))
    eligible = [n >= floor and not h for n, h in zip(lengths, heading)]
    least = max(floor, FUZZY_MIN_CHARS)
    fuzzy = [n >= least for n in lengths]
    rank = ranks(len(paras), keep=config.dedup_keep, lengths=list(map(len, paras)))
    if config.dedup_scope == "document":
        m = find_duplicates(keys, threshold=config.dedup_threshold, keep=config.dedup_keep, eligible=eligible, fuzzy=fuzzy, numbers=True, remember=True)
        pairs, scores = all_repeats(m.rep, dict(zip(m.pairs, m.pair_scores)))
        if not pairs:
            return
        ref, score = kept_of(len(paras), pairs, scores, rank)
    else:
        # Positions that count for adjacency: eligible paragraphs and headings;
        # short lines between two copies are transparent.  Dropping a copy
        # can make two blocks adjacent (B C D D' B C D: without D', B C D
        # repeats itself), so the search repeats without the dropped
        # paragraphs until it finds nothing new: a second clean drops nothing.
        found: dict[tuple[int, int], float] = {}
        dropped: frozenset[int] = frozenset()
        frames = _Quotes(paras)
        # Repeats of the paragraph scope stand close together: in a long
        # document only near units (and the diagonals of exact copies) are
        # compared, not every pair LSH brings together.  (The searches read
        # only the verified pairs of two representatives, not each exact
        # copy's pair with its representative.)
        rep, links = near_duplicates(keys, threshold=config.dedup_threshold, keep=config.dedup_keep, eligible=eligible, fuzzy=fuzzy, numbers=True, near=NEAR, remember=True)
        reps: Ids = rep
        long: Flags
        if len(paras) > FEW_UNITS:  # (a long document: the searches read these as arrays, converted once for all passes)
            import numpy as np

            reps, long = np.asarray(rep, dtype=np.int64), np.asarray(lengths, dtype=np.int64) >= REPEAT_MIN_CHARS
        else:
            long = [n >= REPEAT_MIN_CHARS for n in lengths]
        ref, score = [], []
        counted = [i for i, (e, h) in enumerate(zip(eligible, heading)) if e or h]
        for _ in range(MAX_DEDUP_PASSES):
            seq = [i for i in counted if i not in dropped] if dropped else counted
            pairs, scores = adjacent_repeats(seq, reps, links)
            near = window_repeats(seq, reps, links, long, frame=frames, barrier=heading)
            pairs, scores = _union(pairs, scores, near)
            new = {p_: s_ for p_, s_ in zip(pairs, scores) if p_ not in found}
            if not new:
                break
            found.update(new)
            ordered = sorted(found)
            ref, score = kept_of(len(paras), ordered, [found[p_] for p_ in ordered], rank)
            now = frozenset(i for i, r in enumerate(ref) if r >= 0)
            if now == dropped:
                break
            dropped = now
        yield from _unsure_repeats(text, spans, keys, reps, links, [e or h for e, h in zip(eligible, heading)], heading, frames, dropped)
        if not found:
            return
    drops: dict[int, Drop] = {}
    for i, (r, s) in enumerate(zip(ref, score)):
        if r >= 0:
            what = "duplicate" if keys[i] == keys[r] else "near-duplicate"
            drops[i] = (spans[r], s, f"{what} of paragraph {r} (similarity {s:.1f})")
    yield from drop_edits(text, spans, drops, rule=NAME)


def _quotes(paragraph: str) -> int:
    """How many opening quotation marks (``“「『"``) the paragraph holds.

    >>> _quotes('他说：“走吧。”「好」')
    2
    """
    return paragraph.count("“") + paragraph.count("「") + paragraph.count("『") + paragraph.count('"')


class _Quotes(Sequence[int]):
    """:func:`_quotes` of each paragraph, counted when first read: the
    searches read it only for the two ends of a repeat."""

    def __init__(self, paragraphs: Sequence[str]) -> None:
        self.paragraphs = paragraphs
        self.counted: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.paragraphs)

    def __getitem__(self, i: int) -> int:  # type: ignore[override]
        n = self.counted.get(i)
        if n is None:
            n = self.counted[i] = _quotes(self.paragraphs[i])
        return n


#: a paragraph whose key has at least this many characters is dropped when
#: it repeats (exactly or nearly) a paragraph at most :data:`REPEAT_WINDOW`
#: paragraphs before it, not only the one right before.  Chosen from clean
#: text (benchmarks/layout.py, issue 14): in PKU, MSR, the zh-Wikipedia
#: sample and THUCNews (one article a paragraph) the longest paragraph
#: repeated within three paragraphs is a 23-character line of MSR (a
#: notice repeated on purpose); in THUCNews cut into sentences, repeated
#: list items reach 24 characters.  40 leaves that margin and still catches
#: a long paragraph OCR or extraction printed again a little later.
REPEAT_MIN_CHARS = 40
#: how many paragraphs may stand between a long paragraph and its repeat
REPEAT_WINDOW = 3
#: in a long document, paragraphs at most this many eligible paragraphs
#: apart are compared (twice the window and its ends: room for the copies
#: that one pass drops between two others)
NEAR = 2 * (REPEAT_WINDOW + 1)
#: a shorter paragraph (a key of this many characters or more) repeated
#: within the window is reported as a suggestion, not dropped: real prose
#: repeats notices and list items of that length (MSR, THUCNews)
SUGGEST_MIN_CHARS = 20


def _unsure_repeats(
    text: str, spans: Sequence[tuple[int, int]], keys: Sequence[str], rep: Ids,
    verified: Mapping[tuple[int, int], float], counted: Sequence[bool], heading: Sequence[bool],
    frames: Sequence[int], dropped: frozenset[int],
) -> Iterator[Suggestion]:
    """Suggestions to drop a paragraph of :data:`SUGGEST_MIN_CHARS` to
    :data:`REPEAT_MIN_CHARS` key characters that repeats one within
    :data:`REPEAT_WINDOW` paragraphs before it (what is dropped is not
    suggested again)."""
    seq = [i for i in range(len(keys)) if counted[i] and i not in dropped]
    mid = [SUGGEST_MIN_CHARS <= len(k) < REPEAT_MIN_CHARS for k in keys]
    for (u, v), score in sorted(window_repeats(seq, rep, verified, mid, frame=frames, barrier=heading).items()):
        a, b = spans[v]
        yield Suggestion(NAME, a, b, text[a:b], "", score=score, ref=spans[u],
                         note=f"repeats paragraph {u} within {REPEAT_WINDOW} paragraphs, but is short (similarity {score:.1f})")


def _may_match(seq: Sequence[int], rep: Ids, verified: Mapping[tuple[int, int], float], take: Flags | None = None) -> bool:
    """Whether two units of ``seq`` (those with ``take[u]``) can match at
    all: two of them share a representative, or a verified pair links two
    of theirs.  A short document without a repeat stops here, before the
    searches build their arrays.

    >>> _may_match([0, 1, 2], [0, 1, 2], {}), _may_match([0, 1, 2], [0, 1, 0], {}), _may_match([0, 1], [0, 1], {(0, 1): 95.0})
    (False, True, True)
    """
    if len(seq) > FEW_UNITS:  # (a long document: as arrays)
        import numpy as np

        at = np.asarray(seq, dtype=np.int64)
        r = np.asarray(rep, dtype=np.int64)[at]
        return _some_match(r if take is None else r[np.asarray(take, dtype=bool)[at]], verified)
    reps = map(rep.__getitem__, seq)
    present = [r for r in reps if r >= 0] if take is None else [r for r, t in zip(reps, map(take.__getitem__, seq)) if t and r >= 0]
    seen = set(present)
    return len(seen) < len(present) or any(a in seen and b in seen for a, b in verified)


def _some_match(r: Any, verified: Mapping[tuple[int, int], float]) -> bool:
    """:func:`_may_match` of the units whose representatives are the array
    ``r`` (-1: none), for a caller that has gathered them already.

    >>> import numpy as np
    >>> _some_match(np.array([0, -1, 2, -1]), {}), _some_match(np.array([0, 2]), {(2, 0): 91.0})
    (False, True)
    """
    import numpy as np

    r = np.sort(r[r >= 0])
    if bool((r[1:] == r[:-1]).any()):
        return True
    seen = set(r.tolist())
    return any(a in seen and b in seen for a, b in verified)


def window_repeats(
    seq: Sequence[int],
    rep: Ids,
    verified: Mapping[tuple[int, int], float],
    long: Flags,
    *,
    frame: Sequence[int] | None = None,
    barrier: Sequence[bool] | None = None,
    window: int = REPEAT_WINDOW,
) -> dict[tuple[int, int], float]:
    """Pairs of long units (``long[u]``) that match, exactly (same ``rep``)
    or by a verified score, with at most ``window`` other units of ``seq``
    (ascending: document order) between them.  A pair whose ``frame``
    differs (the number of opening quotation marks: ``三、第五条修改为：“……”``
    quotes the article it amends) or with a ``barrier`` unit between them (a
    heading) stays.  ``frame`` is read only for the units of such pairs.

    >>> window_repeats([0, 1, 2, 3], [0, 1, 2, 0], {}, [True, True, True, True])  # X A B X
    {(0, 3): 100.0}
    >>> window_repeats([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 0], {}, [True] * 6)  # X A B C D X: too far
    {}
    >>> window_repeats([0, 1, 2], [0, 1, 0], {}, [True] * 3, frame=[0, 0, 1])  # X A "X"
    {}
    """
    import numpy as np  # (on first use, as the rest of the in-document path)

    out: dict[tuple[int, int], float] = {}
    n = len(seq)
    if n < 2 or (n <= FEW_UNITS and not _may_match(seq, rep, verified, long)):
        return out
    units = np.asarray(seq, dtype=np.int64)
    r = np.asarray(rep, dtype=np.int64)[units]
    r[~np.asarray(long, dtype=bool)[units]] = -1  # (only long units take part)
    if n > FEW_UNITS and not _some_match(r, verified):  # (the arrays just made: no second gathering)
        return out

    def near(lo: int, hi: int) -> bool:  # (positions in seq, at most window + 1 apart)
        if frame is not None and frame[seq[lo]] != frame[seq[hi]]:
            return False
        return barrier is None or not any(barrier[x] for x in seq[lo + 1 : hi])

    # the groups each verified pair links, unordered: the first pair's score counts
    linked: dict[tuple[int, int], float] = {}
    for (a, b), score in verified.items():
        linked.setdefault((a, b) if a < b else (b, a), score)
    width = int(r.max()) + 2
    pairs = [(a, b) for a, b in linked if a >= 0 and b < width - 1]  # (a < b: both can be in seq)
    some = np.zeros(width, dtype=bool)  # (the last entry, read for -1, stays False)
    some[[x for pair in pairs for x in pair]] = True
    known = np.asarray(sorted(a * width + b for a, b in pairs), dtype=np.int64)
    # units j <= window + 1 positions apart: exact repeats (the same group)
    # and members of two linked groups, whatever the size of the groups
    for j in range(1, min(window + 2, n)):
        x, y = r[:-j], r[j:]
        hit = ((x == y) & (y >= 0)) | _linked(x, y, some, known, width)
        for p in np.flatnonzero(hit).tolist():
            if near(p, p + j):
                a, b = int(r[p]), int(r[p + j])
                out[(seq[p], seq[p + j])] = 100.0 if a == b else linked[(a, b) if a < b else (b, a)]
    return out


def _linked(x: Any, y: Any, member: Any, codes: Any, width: int) -> Any:
    """Where ``(x[i], y[i])`` (arrays of ids, -1: none) is one of the pairs
    ``codes`` (``min * width + max``, sorted); ``member`` marks the ids in
    any of them, its last entry (read for -1) False.

    >>> import numpy as np
    >>> _linked(np.array([0, 2, 1, -1]), np.array([2, 0, 2, 2]), np.array([True, False, True, False]), np.array([0 * 4 + 2]), 4).tolist()
    [True, True, False, False]
    """
    import numpy as np

    out = np.zeros(len(x), dtype=bool)
    c = np.flatnonzero(member[x] & member[y] & (x != y)) if len(codes) else ()
    if len(c):
        code = np.minimum(x[c], y[c]) * width + np.maximum(x[c], y[c])
        at = np.minimum(np.searchsorted(codes, code), len(codes) - 1)
        out[c] = codes[at] == code
    return out


def _union(pairs: list[tuple[int, int]], scores: list[float], more: Mapping[tuple[int, int], float]) -> tuple[list[tuple[int, int]], list[float]]:
    merged = dict(zip(pairs, scores))
    for k, v in more.items():
        merged.setdefault(k, v)
    ordered = sorted(merged)
    return ordered, [merged[k] for k in ordered]


def all_repeats(rep: Sequence[int], verified: Mapping[tuple[int, int], float]) -> tuple[list[tuple[int, int]], list[float]]:
    """Every duplicate pair, wherever the copies stand (``dedup_scope="document"``):
    each member of an exact group with its representative, and each verified
    pair of representatives.

    >>> all_repeats([0, 1, 0, -1], {})  # X A X B
    ([(0, 2)], [100.0])
    """
    out = [((r, u), 100.0) for u, r in enumerate(rep) if r >= 0 and r != u]
    out += [((min(a, b), max(a, b)), s) for (a, b), s in verified.items()]
    out.sort()
    return [p for p, _ in out], [s for _, s in out]


def adjacent_repeats(
    seq: Sequence[int], rep: Ids, verified: Mapping[tuple[int, int], float], *, max_group: int = 200
) -> tuple[list[tuple[int, int]], list[float]]:
    """The verified pairs that belong to an immediate repeat.

    ``seq`` lists the units that count for adjacency, in order; ``rep`` is
    each unit's exact-group representative (-1: cannot match); ``verified``
    holds the scores of verified pairs between representatives.  Along
    each diagonal (unit ``seq[p]`` against ``seq[p + d]``), a run of ``k``
    consecutive matches with ``k >= d`` means the block ``[p, p + d)`` is
    repeated right after itself; the pairs of all such runs, and every
    other verified pair inside the same stretch, are returned.  Exact groups
    larger than ``max_group`` only pair their neighbours.

    The matching pairs are not listed: a run of ``k >= d`` matches covers a
    multiple of ``d``, so only the positions ``0, d, 2d...`` of each
    diagonal are tried (about ``n log n`` tries), and a run is followed from
    there; the pairs inside the stretches are then read off the groups.  (A
    document of a few hundred paragraphs drawn from a small pool has
    groups of a hundred copies: their pairs grow as the square of its
    length, the tries do not.)

    >>> adjacent_repeats([0, 1, 2, 3], [0, 1, 0, 3], {})  # X A X B: not adjacent
    ([], [])
    >>> adjacent_repeats([0, 1, 2], [0, 0, 0], {})  # X X X
    ([(0, 1), (0, 2), (1, 2)], [100.0, 100.0, 100.0])
    """
    if len(seq) <= FEW_UNITS:
        if not _may_match(seq, rep, verified):
            return [], []
        r = None
    else:  # (a long document: the representatives gathered once, for the test and the table)
        import numpy as np

        r = np.asarray(rep, dtype=np.int64)[np.asarray(seq, dtype=np.int64)]
        if not _some_match(r, verified):
            return [], []
    table = _MatchTable(seq, rep, verified, max_group, r)
    runs = table.good_runs()
    if not runs:
        return [], []
    found = table.pairs_within(_merged(runs))
    return [(seq[a], seq[b]) for a, b, _ in found], [s for _, _, s in found]


def _listed(name: str, cut: int = 0) -> Any:
    """A cached property: the array attribute ``name`` as a list, less its
    last ``cut`` entries."""

    def get(self: Any) -> list[Any]:
        a = getattr(self, name)
        return (a[: len(a) - cut] if cut else a).tolist()  # type: ignore[no-any-return]

    return functools.cached_property(get)


class _MatchTable:
    """Which positions of ``seq`` match (see :func:`adjacent_repeats`): two
    members of one exact group (only neighbours in a group of more than
    ``max_group``), or members of two groups that a verified pair of
    representatives links (when the two groups have at most
    ``max_group ** 2`` pairs of members)."""

    def __init__(self, seq: Sequence[int], rep: Ids, verified: Mapping[tuple[int, int], float], max_group: int, r: Any = None) -> None:
        import numpy as np

        n = len(seq)
        if r is None:  # (``r``: ``rep`` of each position, when the caller has it)
            r = np.asarray(rep, dtype=np.int64)[np.asarray(seq, dtype=np.int64)] if n else np.zeros(0, dtype=np.int64)
        ok = np.flatnonzero(r >= 0)
        order = ok[np.argsort(r[ok], kind="stable")]  # (positions group by group, in order within each)
        first = np.ones(len(order), dtype=bool)
        first[1:] = r[order][1:] != r[order][:-1]
        gid = np.cumsum(first) - 1
        starts = np.flatnonzero(first)
        sizes = np.diff(np.append(starts, len(order)))
        group = np.full(n, -1, dtype=np.int64)
        group[order] = gid
        place = np.zeros(n, dtype=np.int64)  # (a position's place among its group's members)
        place[order] = np.arange(len(order)) - starts[gid]
        index = dict(zip(r[order][starts].tolist(), range(len(starts))))  # representative -> group
        links: dict[tuple[int, int], float] = {}  # (group, later group) -> score; a later pair's wins
        size = sizes.tolist()
        most = max_group * max_group
        for (r1, r2), s in verified.items():
            k1, k2 = index.get(r1), index.get(r2)
            # (a verified pair links two different units: k1 != k2)
            if k1 is None or k2 is None or k1 == k2 or rep[r1] != r1 or rep[r2] != r2 or size[k1] * size[k2] > most:
                continue
            links[(k1, k2) if k1 < k2 else (k2, k1)] = s
        self.linked: list[list[tuple[int, float]]] = [[] for _ in size]
        for (k1, k2), s in links.items():
            self.linked[k1].append((k2, s))
            self.linked[k2].append((k1, s))
        self.links = links
        self._order, self._starts, self._ends = order, starts, starts + sizes
        # the same as arrays, for :meth:`_match` (group -1 reads a last entry False)
        self._group, self._place = group, place
        self._small = np.append(sizes <= max_group, False)
        self._linked = np.append(np.asarray([bool(x) for x in self.linked], dtype=bool), False)
        width = len(size) + 1
        self._width = width
        self._codes = np.sort(np.asarray([k1 * width + k2 for k1, k2 in links], dtype=np.int64))

    # The tables as lists, for following runs one position at a time: made
    # when first read (a search pass that tries no position, as the passes
    # after a drop mostly are, reads none of them).
    group = _listed("_group")
    place = _listed("_place")
    flat = _listed("_order")
    starts = _listed("_starts")
    ends = _listed("_ends")
    small = _listed("_small", cut=1)  # (less the entry read for -1)

    def score(self, x: int, y: int) -> float | None:
        """The score of positions ``x < y`` if they match, else None."""
        gx, gy = self.group[x], self.group[y]
        if gx < 0 or gy < 0:
            return None
        if gx == gy:
            return 100.0 if self.small[gx] or self.place[y] == self.place[x] + 1 else None
        return self.links.get((gx, gy) if gx < gy else (gy, gx))

    def _match(self, a: Any, b: Any) -> Any:
        """:meth:`score` is not None, for arrays of positions ``a < b``."""
        ga, gb = self._group[a], self._group[b]
        same = (ga == gb) & (ga >= 0) & (self._small[ga] | (self._place[b] == self._place[a] + 1))
        return same | _linked(ga, gb, self._linked, self._codes, self._width)

    def good_runs(self) -> list[tuple[int, int]]:
        """The stretch ``[p, p + d + k)`` of every run of ``k >= d`` matches
        along a diagonal ``d``, found from the tries at multiples of ``d``."""
        n = len(self._group)
        if n < 2 or not len(self._starts):
            return []
        score = self.score
        if n <= FEW_UNITS:  # (the tries one by one cost less than the arrays)
            tries = [(a, d) for d in range(1, n) for a in range(0, n - d, d) if score(a, a + d) is not None]
        else:
            tries = self._tries()
        runs: list[tuple[int, int]] = []
        last_d, covered = 0, -1  # (the run last followed: its diagonal and last position)
        for a0, d0 in tries:
            if d0 == last_d and a0 <= covered:
                continue
            p, q = a0, a0
            while p > 0 and score(p - 1, p - 1 + d0) is not None:
                p -= 1
            while q + 1 + d0 < n and score(q + 1, q + 1 + d0) is not None:
                q += 1
            last_d, covered = d0, q
            if q - p + 1 >= d0:
                runs.append((p, q + 1 + d0))
        return runs

    def _tries(self) -> list[tuple[int, int]]:
        """The matching tries ``(a, d)``, ``a`` a multiple of ``d``, by
        diagonal then position, that have a matching neighbour on their
        diagonal (``d = 1``: all): a run of ``k >= d >= 2`` holds a
        neighbour of the try too, and most chance matches of two unrelated
        copies go here."""
        import numpy as np

        n = len(self._group)
        diag = np.arange(1, n, dtype=np.int64)
        count = (n - 1) // diag  # (the multiples a of d with a + d < n)
        d = np.repeat(diag, count)
        a = (np.arange(len(d), dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)) * d
        hit = np.flatnonzero(self._match(a, a + d))
        a, d = a[hit], d[hit]
        left, right = np.maximum(a - 1, 0), np.minimum(a + 1, n - 1 - d)
        keep = (d == 1) | ((a > 0) & self._match(left, left + d)) | ((a + 1 + d < n) & self._match(right, right + d))
        return list(zip(a[keep].tolist(), d[keep].tolist()))

    def pairs_within(self, stretches: Sequence[tuple[int, int]]) -> list[tuple[int, int, float]]:
        """Every matching pair ``(x, y, score)`` with both ends in one of the
        ``stretches`` (disjoint ``[start, end)``), sorted."""
        flat, starts, ends, group, place, small, linked = self.flat, self.starts, self.ends, self.group, self.place, self.small, self.linked
        out: list[tuple[int, int, float]] = []
        for s, e in stretches:
            for x in range(s, e):
                g = group[x]
                if g < 0:
                    continue
                k = starts[g] + place[x] + 1  # (the group's next member, in ``flat``)
                if small[g]:
                    out.extend((x, y, 100.0) for y in flat[k : bisect.bisect_left(flat, e, k, ends[g])])
                elif k < ends[g] and flat[k] < e:
                    out.append((x, flat[k], 100.0))
                for h, v in linked[g]:
                    lo = bisect.bisect_right(flat, x, starts[h], ends[h])
                    out.extend((x, y, v) for y in flat[lo : bisect.bisect_left(flat, e, lo, ends[h])])
        out.sort()
        return out


def _merged(stretches: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Stretches ``[start, end)`` that overlap, as one (touching ones stay apart).

    >>> _merged([(4, 6), (0, 3), (2, 4)])
    [(0, 4), (4, 6)]
    """
    out: list[tuple[int, int]] = []
    for x, y in sorted(stretches):
        if out and x < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], y))
        else:
            out.append((x, y))
    return out


def page_headers_rule(text: str, config: Config) -> Iterator[Edit]:
    """Drop a short line repeated at the top of many pages (see the module docstring)."""
    spans = split_paragraphs(text)
    if len(spans) < HEADER_MIN_REPEATS:
        return
    if "\f" in text:
        tops = {0} | {m.end() for m in _PAGE.finditer(text)}
        pages = [b for b, (s, _) in enumerate(spans) if _page_top(text, s) in tops]
    else:
        pages = list(range(len(spans)))
    firsts: list[tuple[int, int, int]] = []  # (block, line start, line end)
    for b in pages:
        s, e = spans[b]
        m = _LINE_END.search(text, s, e)
        firsts.append((b, s, m.start() if m else e))
    keys = matching_keys([text[s:e] for _, s, e in firsts])
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        _, s, e = firsts[i]
        if _PUNCT.search(text, s, e) or len(k) > HEADER_MAX_CHARS:
            continue
        k = _DIGITS.sub("0", k)
        if len(k.replace("0", "").replace(" ", "")) >= HEADER_MIN_LETTERS:
            groups.setdefault(k, []).append(i)
    whole: dict[int, Drop] = {}
    lines: list[Edit] = []
    for members in groups.values():
        if len(members) < HEADER_MIN_REPEATS:
            continue
        first = members[0]
        _, fs, fe = firsts[first]
        note = f"page header repeated {len(members)} times; first in block {first}"
        for i in members[1:]:
            b, s, e = firsts[i]
            if e == spans[b][1]:  # the header is the whole block
                whole[b] = ((fs, fe), 100.0, note)
            else:  # the header opens a block: drop the line and its line break
                m = _LINE_END.match(text, e)
                end = m.end() if m else e
                lines.append(Edit(HEADERS_NAME, s, end, text[s:end], "", score=100.0, ref=(fs, fe), note=note))
    if not whole and not lines:
        return
    edits = drop_edits(text, spans, whole, rule=HEADERS_NAME)
    yield from sorted(edits + lines, key=lambda e: e.start)


def _page_top(text: str, pos: int) -> int:
    """Where the page holding ``pos`` begins: after the last form feed before
    it, when only blank lines come between."""
    j = pos
    while j > 0 and text[j - 1] in " \t\u3000\r\n":
        j -= 1
    return j if j == 0 or text[j - 1] == "\f" else -1


RULE = Rule(
    name=NAME,
    func=dedup_rule,
    summary="drop a paragraph or block repeated right after itself, or a long paragraph repeated within three paragraphs, exactly or nearly (rapidfuzz on a folded key); each drop names the kept one",
    stage="final",
    options=("dedup_threshold", "dedup_min_chars", "dedup_keep", "dedup_scope"),
    removes_paragraphs=True,
)

HEADERS_RULE = Rule(
    name=HEADERS_NAME,
    func=page_headers_rule,
    summary="drop a short line repeated at the top of many pages or sections",
    default=False,
    stage="prepare",
)
