"""Edits: every change `cleaner` makes, with its rule and its span in the input.

An :class:`Edit` replaces ``input[start:end]`` (``before``) with ``after``.
Offsets are code points in the text that was given to :func:`cleaner.explain`,
never in some intermediate text, so a report can point at the original file.
Replaying the edits with :func:`apply_edits` reproduces the cleaned text
exactly; that is checked for every test case.

Rules see the output of the rules before them.  :func:`compose` turns a rule's
edits (in the coordinates of the text it saw) into edits on the original input.
When a later rule touches text that an earlier rule wrote, the two edits are
merged into one whose ``rule`` names both, joined by ``+`` (for example
``"unicode+width"``), so nothing is lost and spans never overlap.

A :class:`Suggestion` is a change that a rule was not sure enough to make: it
is reported with its score and never applied.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import accumulate, compress
from operator import add, and_, eq, ge, itemgetter, le, ne, sub
from typing import Any, NamedTuple

__all__ = ["Edit", "Suggestion", "apply_edits", "compose", "spans_after", "until_stable", "OffsetMap"]


class Edit(NamedTuple):
    """One change: ``before`` at ``[start, end)`` of the input became ``after``.

    ``score`` is the rule's confidence or similarity where it has one,
    ``ref`` the span of related text in the input (for a dropped duplicate
    paragraph: the paragraph it duplicated) and ``note`` a short reason.
    Immutable; variants come from ``edit._replace(...)``.
    """

    rule: str
    start: int
    end: int
    before: str
    after: str
    score: float | None = None
    ref: tuple[int, int] | None = None
    note: str = ""

    @property
    def delta(self) -> int:
        """Change in length that this edit makes (``len(after) - len(before)``)."""
        return len(self.after) - len(self.before)

    @property
    def rules(self) -> tuple[str, ...]:
        """The registered rule names behind this edit (more than one when merged)."""
        return tuple(self.rule.split("+"))

    def to_dict(self) -> dict[str, Any]:
        """The edit as a report row (rounded score; optional fields only when set)."""
        return _row(self)


class Suggestion(NamedTuple):
    """A change a rule proposes but does not make (not sure enough).

    Same fields as :class:`Edit`; ``score`` is required.  Suggestions are
    reported, never applied.
    """

    rule: str
    start: int
    end: int
    before: str
    after: str
    score: float
    ref: tuple[int, int] | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = _row(self)
        d["suggestion"] = True
        return d


#: an Edit from its eight fields in a tuple (no Python-level constructor call)
_new_edit: Callable[[tuple[Any, ...]], Edit] = partial(tuple.__new__, Edit)
#: fields by position, for whole-list passes over Edits and Suggestions
_RULE, _START, _END, _BEFORE, _AFTER = (itemgetter(k) for k in range(5))
#: past every position of any text
_FAR = float("inf")
#: up to this many old and new edits together, compose walks them one by one
_FEW = 48


def _row(e: Edit | Suggestion) -> dict[str, Any]:
    d: dict[str, Any] = {
        "rule": e.rule,
        "start": e.start,
        "end": e.end,
        "before": e.before,
        "after": e.after,
    }
    if e.score is not None:
        d["score"] = round(e.score, 4)
    if e.ref is not None:
        d["ref"] = list(e.ref)
    if e.note:
        d["note"] = e.note
    return d


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (sorted by position) to ``text``.

    Raises ValueError when the edits overlap or when an edit's ``before`` is
    not what the text holds at its span.

    >>> apply_edits("你好,世界", [Edit("width", 2, 3, ",", "，")])
    '你好，世界'
    """
    out: list[str] = []
    append = out.append
    pos = 0
    n = len(text)
    for e in edits:
        start = e.start
        end = e.end
        if start < pos or end < start or end > n:
            raise ValueError(f"edit {e.rule} [{start}, {end}) overlaps an earlier edit or leaves the text")
        if text[start:end] != e.before:
            raise ValueError(f"edit {e.rule} [{start}, {end}) expects {e.before!r} but the text holds {text[start:end]!r}")
        append(text[pos:start])
        append(e.after)
        pos = end
    append(text[pos:])
    return "".join(out)


def until_stable(
    edits_of: Callable[[str], Iterable[Edit]],
    text: str,
    *,
    max_passes: int = 4,
    local: Callable[[str, list[tuple[int, int]]], list[tuple[int, int]]] | None = None,
) -> list[Edit]:
    """Run ``edits_of`` on ``text``, then on its own output, until a pass
    finds nothing (at most ``max_passes`` passes); the edits of all passes,
    composed onto ``text``.  For a rule whose repairs change the evidence
    for its next ones (a joined line changes the line lengths, a repaired
    character splits a segment), so that the rule is idempotent.

    ``local(text, spans)``, for a rule whose edits depend only on the
    neighbourhood they are in, gives the sorted, disjoint ranges of the new
    text that the last pass's edits (``spans``, in the new text) can have
    changed the evidence of; later passes read only those ranges.

    >>> def pairs(t):  # one "aa" -> "a" per pass, the leftmost
    ...     i = t.find("aa")
    ...     return [Edit("x", i, i + 2, "aa", "a")] if i >= 0 else []
    >>> edits = until_stable(pairs, "aaaa")
    >>> apply_edits("aaaa", edits)
    'a'
    """
    edits = list(edits_of(text))
    if not edits:
        return edits
    current = apply_edits(text, edits)
    last = edits
    for _ in range(max_passes - 1):
        if local is None:
            more = list(edits_of(current))
        else:
            more = []
            for a, b in local(current, spans_after(last)):
                more.extend(e._replace(start=e.start + a, end=e.end + a) for e in edits_of(current[a:b]))
        if not more:
            break
        edits = compose(text, current, edits, more)
        current = apply_edits(current, more)
        last = more
    return edits


def spans_after(edits: Sequence[Edit]) -> list[tuple[int, int]]:
    """Where sorted edits' outputs stand in the text they produce.

    >>> spans_after([Edit("width", 2, 3, ",", "，"), Edit("whitespace", 5, 7, "  ", " ")])
    [(2, 3), (5, 6)]
    """
    out: list[tuple[int, int]] = []
    append = out.append
    delta = 0
    for e in edits:
        start = e.start + delta
        n = len(e.after)
        append((start, start + n))
        delta += n - (e.end - e.start)
    return out


def _overlaps(a1: int, a2: int, b1: int, b2: int) -> bool:
    """Whether [a1, a2) and [b1, b2) overlap, an empty span counting as a point
    that overlaps only what strictly contains it."""
    if a1 < a2 and b1 < b2:
        return a1 < b2 and b1 < a2
    if a1 == a2 and b1 < b2:
        return b1 < a1 < b2
    if b1 == b2 and a1 < a2:
        return a1 < b1 < a2
    return False


def edit_outputs(edits: Sequence[Edit]) -> tuple[list[int], list[int], list[int]]:
    """Where sorted edits' outputs stand in the text they produce: their
    starts, their ends, and the change in length before each edit and
    after the last (``len(edits) + 1`` running sums, the first 0).  What
    :func:`compose` and :class:`OffsetMap` read; a caller that needs both
    for the same edits computes it once.

    >>> edit_outputs([Edit("width", 2, 3, ",", "，"), Edit("whitespace", 5, 7, "  ", "")])
    ([2, 5], [3, 5], [0, 0, -2])
    """
    lengths = list(map(len, map(_AFTER, edits)))
    shift = [0, *accumulate(map(sub, lengths, map(len, map(_BEFORE, edits))))]
    starts = list(map(add, map(_START, edits), shift))
    return starts, list(map(add, starts, lengths)), shift


def compose(
    original: str,
    current: str,
    old: Sequence[Edit],
    new: Sequence[Edit],
    *,
    outputs: tuple[list[int], list[int], list[int]] | None = None,
) -> list[Edit]:
    """Merge ``new`` edits, made on ``current``, into ``old`` edits on ``original``.

    ``current`` must equal ``apply_edits(original, old)``.  Returns edits on
    ``original`` whose replay gives ``apply_edits(current, new)``.  Runs in
    O(len(old) + len(new)).  ``outputs``: :func:`edit_outputs` of ``old``,
    when the caller has them.

    The old edits' output spans (on ``current``) and the new edits' spans
    are merged in order (by start, then end; at equal spans an old edit
    comes first, so an insertion at a deletion point lands after the
    deleted text).  Items chain into one group while they overlap the
    group's span; a group of more than one becomes one edit whose ``rule``
    names all of its rules.

    >>> old = [Edit("width", 2, 3, ",", "，")]
    >>> [tuple(e[:5]) for e in compose("你好,世界 ", "你好，世界 ", old, [Edit("whitespace", 5, 6, " ", "")])]
    [('width', 2, 3, ',', '，'), ('whitespace', 5, 6, ' ', '')]
    >>> [tuple(e[:5]) for e in compose("你好,世界", "你好，世界", old, [Edit("script", 2, 4, "，世", "，世")])]
    [('width+script', 2, 4, ',世', '，世')]
    """
    if not new:
        return list(old)
    if not old and set(map(type, new)) == {Edit}:  # (the first rule that changes the text: nothing moves)
        return list(compress(new, map(ne, map(_BEFORE, new), map(_AFTER, new))))
    if outputs is None and len(old) + len(new) <= _FEW:
        walked = _walk_disjoint(old, new)
        if walked is not None:
            return walked
    cs, ce, shift = edit_outputs(old) if outputs is None else outputs
    starts = list(map(_START, new))
    ends = list(map(_END, new))
    ks = _places(cs, ce, starts, ends)
    # A new edit stands alone when the old output before it ends at or
    # before its start and the one after starts at or after its end (an
    # empty output inside its span, or its insertion inside an old output,
    # is an overlap; at either end it is not).  The checks and the
    # placing run as whole-list passes and old edits are copied in runs:
    # after a layout rule there are thousands of either.
    before_ce = [-1, *ce]
    after_cs = [*cs, _FAR]
    alone = list(map(and_, map(le, map(before_ce.__getitem__, ks), starts), map(ge, map(after_cs.__getitem__, ks), ends)))
    moves = list(map(shift.__getitem__, ks))
    _, _, _, befores, afters, scores, refs, notes = zip(*new)
    moved = list(map(_new_edit, zip(map(_RULE, new), map(sub, starts, moves), map(sub, ends, moves), befores, afters, scores, refs, notes)))
    if not all(alone) or any(map(eq, befores, afters)):
        return _with_groups(original, current, old, new, (cs, ce, shift), ks, alone, moved)
    out: list[Edit] = []
    done = 0  # old[:done] are placed
    for k, e in zip(ks, moved):
        if k != done:
            out += old[done:k]
            done = k
        out.append(e)
    out += old[done:]
    return out


def _walk_disjoint(old: Sequence[Edit], new: Sequence[Edit]) -> list[Edit] | None:
    """:func:`compose` of a few edits that are all alone (see there), one
    by one: below :data:`_FEW` edits the setting up of the whole-list
    passes costs more than a walk.  None when a new edit overlaps an old
    output or changes nothing."""
    out: list[Edit] = []
    i = 0
    n_old = len(old)
    delta = 0  # current - original, over the old edits passed
    for e in new:
        a, b = e.start, e.end
        if e.before == e.after:
            return None
        while i < n_old:
            o = old[i]
            cs = o.start + delta
            ce = cs + len(o.after)
            if cs < a or (cs == a and ce <= b):
                if ce > a:  # (the old output before a new edit ends after its start)
                    return None
                out.append(o)
                delta += len(o.after) - len(o.before)
                i += 1
            else:
                if cs < b:  # (the old output after a new edit starts before its end)
                    return None
                break
        out.append(_new_edit((e.rule, a - delta, b - delta, e.before, e.after, e.score, e.ref, e.note)))
    out += old[i:]
    return out


def _places(cs: list[int], ce: list[int], starts: list[int], ends: list[int]) -> list[int]:
    """For each new span (``starts``, ``ends``, sorted) how many old output
    spans (``cs``, ``ce``) come before it: those that start before it, and
    at the same start those that end no later.

    >>> _places([0, 3, 3], [2, 3, 5], [3, 3], [3, 6])
    [2, 3]
    """
    ks = _before(cs, starts)
    n_old = len(cs)
    if n_old and not all(map(ne, map([*cs, _FAR].__getitem__, ks), starts)):
        for j, a in enumerate(starts):
            k = ks[j]
            while k < n_old and cs[k] == a and ce[k] <= ends[j]:
                k += 1
            ks[j] = k
    return ks


def _with_groups(
    original: str,
    current: str,
    old: Sequence[Edit],
    new: Sequence[Edit],
    outputs: tuple[list[int], list[int], list[int]],
    ks: list[int],
    alone: list[bool],
    moved: list[Edit],
) -> list[Edit]:
    """:func:`compose` where some new edits overlap old outputs (not
    ``alone``) or change nothing: each of those goes into a group with what
    it overlaps (:func:`_group`); the others are placed as they are."""
    cs, ce, shift = outputs
    out: list[Edit] = []
    done = 0  # old[:done] are placed
    j = 0
    n_new = len(new)
    while j < n_new:
        k = ks[j]
        if alone[j]:
            if new[j].before != new[j].after:  # (a new edit that changes nothing is left out)
                out += old[done:k]
                out.append(moved[j])
                done = k
            j += 1
            continue
        # a group: from the old edit before when it overlaps, else from this one
        i = k - 1 if k > done and ce[k - 1] > new[j].start else k
        out += old[done:i]
        done, j, merged = _group(original, current, old, new, cs, ce, shift, i, j)
        if merged is not None:
            out.append(merged)
    out += old[done:]
    return out


def _before(cs: list[int], starts: list[int]) -> list[int]:
    """For each of the sorted ``starts``, how many of the sorted ``cs`` are
    smaller: a bisection for each start, or (fewer ``cs``) a count of where
    each of ``cs`` falls among the starts, summed.

    >>> _before([2, 5, 5, 9], [0, 5, 6, 10])
    [0, 1, 3, 4]
    >>> _before([5], [0, 5, 6])
    [0, 0, 1]
    """
    if len(starts) <= len(cs):
        return list(map(partial(bisect.bisect_left, cs), starts))
    counts = [0] * (len(starts) + 1)
    for q in map(partial(bisect.bisect_right, starts), cs):
        counts[q] += 1
    counts.pop()
    return list(accumulate(counts))


def _group(
    original: str,
    current: str,
    old: Sequence[Edit],
    new: Sequence[Edit],
    cs: list[int],
    ce: list[int],
    shift: list[int],
    i: int,
    j: int,
) -> tuple[int, int, Edit | None]:
    """The group of :func:`compose` that starts at ``old[i]`` or ``new[j]``
    (whichever comes first): where it ends in each list, and its edit (None
    when it changes nothing)."""
    n_old = len(old)
    n_new = len(new)
    i0 = i
    # the group's items: (edit, is_new, start, end in current coordinates)
    group: list[tuple[Edit, bool, int, int]] = []
    c1 = c2 = -1
    while i < n_old or j < n_new:
        if j < n_new:
            e = new[j]
            a, b = e.start, e.end
            take_old = i < n_old and (cs[i] < a or (cs[i] == a and ce[i] <= b))
        else:
            take_old = True
        item = (old[i], False, cs[i], ce[i]) if take_old else (e, True, a, b)
        if group:
            if not _overlaps(c1, c2, item[2], item[3]):
                break
            c2 = max(c2, item[3])
        else:
            c1, c2 = item[2], item[3]
        group.append(item)
        if take_old:
            i += 1
        else:
            j += 1
    o1 = c1 - shift[i0]
    o2 = c2 - shift[i]
    # The new text of the group: current[c1:c2] with the new edits applied.
    pieces: list[str] = []
    pos = c1
    rules: list[str] = []
    score: float | None = None
    ref: tuple[int, int] | None = None
    notes: list[str] = []
    for g, is_new, gs, ge in group:
        for r in g.rule.split("+"):
            if r not in rules:
                rules.append(r)
        if g.score is not None:
            score = g.score
        if g.ref is not None:
            ref = g.ref
        if g.note and g.note not in notes:
            notes.append(g.note)
        if is_new:
            pieces.append(current[pos:gs])
            pieces.append(g.after)
            pos = ge
    pieces.append(current[pos:c2])
    after = "".join(pieces)
    before = original[o1:o2]
    if before == after:
        return i, j, None
    return i, j, Edit("+".join(rules), o1, o2, before, after, score, ref, "; ".join(notes))


class OffsetMap:
    """Map positions in a rule's input back to the original input.

    Built from the edits so far (on the original).  A position inside text
    that an edit wrote maps to the edit's start (``side="start"``) or end
    (``side="end"``).
    """

    __slots__ = ("_cs", "_ce", "_edits", "_deltas")

    def __init__(self, edits: Sequence[Edit], outputs: tuple[list[int], list[int], list[int]] | None = None) -> None:
        """``outputs``: the edits' :func:`edit_outputs`, when the caller has them."""
        self._edits = list(edits)
        # (_deltas[k]: the change in length before edit k)
        self._cs, self._ce, self._deltas = edit_outputs(self._edits) if outputs is None else outputs

    def pos(self, p: int, side: str = "start") -> int:
        """Original position of current position ``p``.

        A deletion at ``p`` counts as before ``p`` for ``side="start"`` and
        after it for ``side="end"``, so mapped spans never overlap an edit.
        """
        cs, ce = self._cs, self._ce
        k = bisect.bisect_left(ce, p)
        while k < len(ce) and ce[k] == p and (cs[k] < ce[k] or side == "start"):
            k += 1
        if k < len(cs) and cs[k] < p:  # strictly inside text an edit wrote
            e = self._edits[k]
            return e.start if side == "start" else e.end
        return p - self._deltas[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        s = self.pos(start, "start")
        t = self.pos(end, "end") if end > start else s
        return (s, max(s, t))

    def map_edit(self, e: Edit | Suggestion) -> Edit | Suggestion:
        """Re-express a suggestion's spans (and any edit's ``ref``) on the original."""
        if not self._edits:
            return e
        ref = self.span(*e.ref) if e.ref is not None else None
        if isinstance(e, Suggestion):
            s, t = self.span(e.start, e.end)
            return e._replace(start=s, end=t, ref=ref)
        return e._replace(ref=ref)
