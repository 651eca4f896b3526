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
from dataclasses import dataclass, field
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
    pos = 0
    for e in edits:
        if e.start < pos or e.end < e.start or e.end > len(text):
            raise ValueError(f"edit {e.rule} [{e.start}, {e.end}) overlaps an earlier edit or leaves the text")
        if text[e.start : e.end] != e.before:
            raise ValueError(
                f"edit {e.rule} [{e.start}, {e.end}) expects {e.before!r} but the text holds {text[e.start:e.end]!r}"
            )
        out.append(text[pos : e.start])
        out.append(e.after)
        pos = e.end
    out.append(text[pos:])
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
    """Where sorted edits' outputs stand in the text they produce."""
    out = []
    delta = 0
    for e in edits:
        start = e.start + delta
        out.append((start, start + len(e.after)))
        delta += len(e.after) - (e.end - e.start)
    return out


@dataclass(slots=True)
class _Item:
    cs: int  # start in current coordinates
    ce: int  # end in current coordinates
    old: Edit | None = None  # an earlier edit (original coordinates), or
    new: Edit | None = None  # a new edit (current coordinates)
    order: int = field(default=0)


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


def compose(original: str, current: str, old: Sequence[Edit], new: Sequence[Edit]) -> list[Edit]:
    """Merge ``new`` edits, made on ``current``, into ``old`` edits on ``original``.

    ``current`` must equal ``apply_edits(original, old)``.  Returns edits on
    ``original`` whose replay gives ``apply_edits(current, new)``.  Runs in
    O(len(old) + len(new)).
    """
    if not new:
        return list(old)
    fast = _compose_disjoint(old, new)
    if fast is not None:
        return fast
    # Current-coordinate spans of the old edits' outputs.
    items: list[_Item] = []
    delta = 0
    for e in old:
        cs = e.start + delta
        items.append(_Item(cs, cs + len(e.after), old=e, order=0))
        delta += e.delta
    news = [_Item(e.start, e.end, new=e, order=1) for e in new]
    # Sort: by start, then end; at equal spans an old edit comes first, so an
    # insertion at a deletion point lands after the deleted text.
    merged = sorted(items + news, key=lambda it: (it.cs, it.ce, it.order))

    out: list[Edit] = []
    delta = 0  # current - original, over old edits already passed
    i = 0
    n = len(merged)
    while i < n:
        first = merged[i]
        c1, c2 = first.cs, first.ce
        group = [first]
        j = i + 1
        # Items chain into one group while they overlap the group's span.
        while j < n and _overlaps(c1, c2, merged[j].cs, merged[j].ce):
            group.append(merged[j])
            c2 = max(c2, merged[j].ce)
            j += 1
        delta_before = delta
        for g in group:
            if g.old is not None:
                delta += g.old.delta
        if len(group) == 1 and first.old is not None:
            out.append(first.old)
        else:
            o1 = c1 - delta_before
            o2 = c2 - delta
            # The new text of the group: current[c1:c2] with the new edits applied.
            pieces: list[str] = []
            pos = c1
            rules: list[str] = []
            score: float | None = None
            ref: tuple[int, int] | None = None
            notes: list[str] = []
            for g in group:
                ge = g.old if g.old is not None else g.new
                assert ge is not None
                for r in ge.rules:
                    if r not in rules:
                        rules.append(r)
                if ge.score is not None:
                    score = ge.score
                if ge.ref is not None:
                    ref = ge.ref
                if ge.note and ge.note not in notes:
                    notes.append(ge.note)
                if g.new is not None:
                    pieces.append(current[pos : g.cs])
                    pieces.append(g.new.after)
                    pos = g.ce
            pieces.append(current[pos:c2])
            after = "".join(pieces)
            before = original[o1:o2]
            if before != after:
                out.append(Edit("+".join(rules), o1, o2, before, after, score, ref, "; ".join(notes)))
        i = j
    return out


def _compose_disjoint(old: Sequence[Edit], new: Sequence[Edit]) -> list[Edit] | None:
    """The common case in one merge pass: no new edit touches text an old edit
    wrote.  Returns None as soon as one does (the general path handles it).
    The order is the general path's: an old edit comes first when its output
    span sorts before or equal to the new edit's span."""
    out: list[Edit] = []
    i = 0
    n_old = len(old)
    delta = 0  # current - original, over the old edits passed
    for e in new:
        a, b = e.start, e.end
        while i < n_old:
            o = old[i]
            cs = o.start + delta
            ce = cs + len(o.after)
            if cs < a or (cs == a and ce <= b):
                if _overlaps(cs, ce, a, b):
                    return None
                out.append(o)
                delta += len(o.after) - len(o.before)
                i += 1
            else:
                if _overlaps(cs, ce, a, b):
                    return None
                break
        if e.before != e.after:
            out.append(Edit(e.rule, a - delta, b - delta, e.before, e.after, e.score, e.ref, e.note))
    out.extend(old[i:])
    return out


class OffsetMap:
    """Map positions in a rule's input back to the original input.

    Built from the edits so far (on the original).  A position inside text
    that an edit wrote maps to the edit's start (``side="start"``) or end
    (``side="end"``).
    """

    __slots__ = ("_cs", "_ce", "_edits", "_deltas")

    def __init__(self, edits: Sequence[Edit]) -> None:
        self._edits = list(edits)
        self._cs: list[int] = []
        self._ce: list[int] = []
        self._deltas: list[int] = []  # cumulative delta after each edit
        delta = 0
        for e in self._edits:
            cs = e.start + delta
            self._cs.append(cs)
            self._ce.append(cs + len(e.after))
            delta += e.delta
            self._deltas.append(delta)

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
        return p - (self._deltas[k - 1] if k else 0)

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
