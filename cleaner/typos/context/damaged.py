"""The sentence-level guard (:data:`~.settings.CONTEXT_DAMAGED_GUARD`): a
change that leaves its sentence reading as damaged, or with a second
candidate left nearby, is only suggested."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...edits import Edit, Suggestion
from .. import guards
from ..model import WordModel, model
from .detect import suspect_masks

if TYPE_CHECKING:
    from ..charmodel import CharModel


def still_damaged(text: str, cm: CharModel, found: Sequence[Edit | Suggestion], extra: list[Edit | Suggestion]) -> list[Edit | Suggestion]:
    """``extra`` (the context pass's items) with each one-character change
    that leaves its sentence reading as damaged, with every change of both
    passes made (:func:`cleaner.typos.guards.damaged_context`, the guard the
    word model's changes pass), reported as a suggestion instead (the
    ``context`` guard): a sentence with a second error that neither pass
    can mend is left for review.  Dropping a change can expose another's
    context, so repeat until the set holds.

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["所以我希望我每一场演唱会都有人来。所以我有时候会讨厌这种情况。"] * 20, keep_repeats=True)
    >>> e = Edit("ocr_confusion", 3, 4, "着", "希", score=12.0, note="looks like 希 in context")
    >>> [type(x).__name__ for x in still_damaged("历以我着望我每一场演唱会", cm, [], [e])]
    ['Suggestion']
    >>> e = Edit("ocr_confusion", 5, 6, "侯", "候", score=16.6, note="looks like 候 in context")
    >>> [type(x).__name__ for x in still_damaged("所以我有时侯会讨厌这种情况", cm, [], [e])]
    ['Edit']
    """
    m = model()
    subs = {id(e) for e in extra if isinstance(e, Edit) and len(e.before) == len(e.after) == 1}
    kept = {p: e.after for e in found if isinstance(e, Edit) and len(e.before) == len(e.after) == 1 for p in (e.start,)}
    mine = {e.start: e for e in extra if id(e) in subs}
    dropped: set[int] = set()
    while mine:
        changes = {**kept, **{p: e.after for p, e in mine.items()}}
        damaged = [p for p in mine if _stray_near(text, changes, p, cm, m)]
        if not damaged:
            break
        for p in damaged:
            del mine[p]
            dropped.add(p)
    if not dropped:
        return extra
    out: list[Edit | Suggestion] = []
    for e in extra:
        if id(e) in subs and e.start in dropped:
            out.append(Suggestion(e.rule, e.start, e.end, e.before, e.after, score=e.score if e.score is not None else 0.0, note=f"{e.note}; kept: context guard"))
        else:
            out.append(e)
    return out


_SENTENCE_END = frozenset("。！？!?\n\r")


def _around(text: str, p: int) -> tuple[int, int]:
    """The span within :data:`guards.CONTEXT_WIDTH` of ``p`` that does not
    cross the end of its sentence (。！？ or a line break).

    >>> _around("他说。我们准各好了吗？好", 6)
    (3, 10)
    """
    w = guards.CONTEXT_WIDTH
    a, b = max(0, p - w), min(len(text), p + w + 1)
    a = next((j + 1 for j in range(p - 1, a - 1, -1) if text[j] in _SENTENCE_END), a)
    b = next((j for j in range(p + 1, b) if text[j] in _SENTENCE_END), b)
    return a, b


def doubted(text: str, items: list[Edit | Suggestion], doubts: set[int]) -> list[Edit | Suggestion]:
    """``items`` with each change that has, within its sentence's span
    (:func:`_around`), a position in ``doubts`` (a candidate no guard objects
    to, scoring at least :data:`CONTEXT_DOUBT`, left unchanged) reported as a
    suggestion: the sentence holds a second error the pass leaves.

    >>> e = Edit("ocr_confusion", 10, 11, "士", "土", score=23.7, note="looks like 土 in context")
    >>> [type(x).__name__ for x in doubted("我对于各个地万那种风士人情", [e], {6})]
    ['Suggestion']
    >>> [type(x).__name__ for x in doubted("我对于各个地万那种。风士人情", [e], {6})]
    ['Edit']
    """
    if not doubts:
        return items
    out: list[Edit | Suggestion] = []
    for e in items:
        a, b = _around(text, e.start)
        if isinstance(e, Edit) and any(a <= q < b for q in doubts):
            e = Suggestion(e.rule, e.start, e.end, e.before, e.after, score=e.score or 0.0, note=f"{e.note}; kept: context guard (a second error nearby)")
        out.append(e)
    return out


def _stray_near(text: str, changes: dict[int, str], p: int, cm: CharModel, m: WordModel) -> bool:
    """Whether, with ``changes`` made, a Han character within
    :data:`guards.CONTEXT_WIDTH` of ``p`` in its sentence, other than a
    changed one, reads as damage to both models: the word model's stray
    character (no word pair with either neighbour, log probability as a word
    below :data:`guards.STRAY_LOGP`, as :func:`guards.damaged_context`) that
    the corpus never writes between its two neighbours (:func:`suspect_masks`).
    The word model alone flags common characters of news (几 in 了几大分类,
    增 before a number) that an in-domain corpus writes where they stand.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["所以我希望我每一场演唱会都有人来。"] * 30, keep_repeats=True)
    >>> _stray_near("历以我希望我每一场演唱会", {}, 3, cm, model()), _stray_near("所以我希望我每一场演唱会", {}, 3, cm, model())
    (True, False)
    """
    a, b = _around(text, p)
    lo, hi = max(0, a - 1), min(len(text), b + 1)
    seg = list(text[lo:hi])
    for q, ch in changes.items():
        if lo <= q < hi:
            seg[q - lo] = ch
    odd = suspect_masks("".join(seg), cm)[1]
    for q in range(a - lo, b - lo):
        ch = seg[q]
        if not odd[q] or q + lo in changes or (q > 0 and seg[q - 1] + ch in m.bigrams) or (q + 1 < len(seg) and ch + seg[q + 1] in m.bigrams):
            continue
        if m.char_logp(ch) < guards.STRAY_LOGP and not _in_name(seg, q, m):
            return True
    return False


def _in_name(seg: Sequence[str], q: int, m: WordModel) -> bool:
    """Whether ``seg[q]`` belongs to a name, which reads as stray to the
    word model and is not damage: a person's name, at ``q`` or starting
    there (a surname before a given name: 车 of 处长车伟民), or a proper
    noun (:func:`guards.name`, :func:`guards.proper`)."""
    run = "".join(seg)
    return guards.name(run, q, run[q], m) or (q + 1 < len(run) and guards.name(run, q + 1, run[q + 1], m)) or guards.proper(run, q, run[q], m)
