"""The context pass over a text: :func:`find_in_context` (the edits and
suggestions of the scored candidates) and :func:`with_model` (merged with
the word model's)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ...edits import Edit, Suggestion
from .. import guards
from ..model import WordModel, model
from . import settings
from .alikes import Neighbours, visual_han_neighbours
from .damaged import doubted, still_damaged
from .indels import find_indels
from .score import Scored, noise_penalty
from .segments import score_segments
from .vetoes import function_swap, hardly_words, in_a_list_of_names, modifies_a_title, own_rare_char
from .words import long_span

if TYPE_CHECKING:
    from ..charmodel import CharModel


def find_in_context(
    text: str,
    cm: CharModel,
    *,
    rule: str,
    exclude: Sequence[int] = (),
    banned: frozenset[str] = frozenset(),
    repeats: Callable[[int], bool] | None = None,
    threshold: float | None = None,
    suggest_threshold: float | None = None,
    neighbours: Neighbours | None = None,
    word_model: WordModel | None = None,
) -> list[Edit | Suggestion]:
    """Edits where the combined score (:class:`Scored`) reaches
    ``threshold`` (default :data:`CONTEXT_THRESHOLD`) and no guard objects,
    the best first, at least :data:`CONTEXT_SPACING` characters from each
    other and from the positions in ``exclude``; suggestions from
    ``suggest_threshold``.  A noisy text needs more (:func:`noise_penalty`).
    ``repeats(i)``: whether the document writes the character at ``i`` with
    a neighbour elsewhere too (the ``document`` guard; default
    :func:`cleaner.typos.guards.document_repeats`).  Each edit's note names
    the model."""
    threshold = settings.CONTEXT_THRESHOLD if threshold is None else threshold
    suggest = settings.CONTEXT_SUGGEST if suggest_threshold is None else suggest_threshold
    scored, plausible = score_segments(text, cm, banned, neighbours, word_model)
    found = [c for c in scored if c.score >= suggest + (0.0 if c.isolated else settings.CONTEXT_UNISOLATED)]
    penalty = noise_penalty(plausible, len(text))
    if not found:
        return find_indels(text, cm, rule=rule, exclude=exclude, penalty=penalty, word_model=word_model) if settings.INDEL_APPLY else []
    threshold += penalty
    if repeats is None:
        repeats = functools.partial(_repeats_at, text)
    taken = list(exclude)
    label = f"model {Path(cm.path).name}" if cm.path else "model (in memory)"
    items: list[Edit | Suggestion] = []
    best: dict[int, Scored] = {}
    for c in sorted(found, key=lambda c: -c.score):
        clear = c.visual or c.context - c.rival >= settings.CONTEXT_CORPUS_MARGIN
        need = threshold + (0.0 if c.isolated else settings.CONTEXT_UNISOLATED) + (settings.CONTEXT_EDGE if one_sided(text, c.start) else 0.0)
        may_edit = c.veto is None and c.score >= need and clear and all(abs(c.start - t) >= settings.CONTEXT_SPACING for t in taken)
        if not may_edit and c.start in best:
            continue  # neither an edit nor its place's first suggestion: dropped unread (no guard, no note)
        if _written_here(text, c, repeats, word_model or model()):
            continue  # the document's own spelling (guard "document")
        evidence = f"context {c.context:+.1f}, words {c.word:+.1f}, channel {-c.channel:.1f}{_engine_pair(c, neighbours)}; {label}"
        held = None if c.veto else "function" if function_swap(c.before, c.after, c.word, word_model or model()) else "words" if hardly_words(text, c.start, c.word) else "name list" if in_a_list_of_names(text, c.start) else "own word" if own_rare_char(text, c.before, cm) else "title" if modifies_a_title(text, c.start) else None
        if may_edit and held is None:
            taken.append(c.start)
            items.append(Edit(rule, c.start, c.start + 1, c.before, c.after, score=round(c.score, 3), note=f"looks like {c.after} in context ({evidence})"))
        elif c.start not in best:
            best[c.start] = c
            why = f"kept: {c.veto or held} guard" if c.veto or held else "score below the threshold" if c.score < need else "another candidate scores nearly as well" if not clear else "another change nearby"
            items.append(Suggestion(rule, c.start, c.start + 1, c.before, c.after, score=round(c.score, 3), note=f"looks like {c.after} in context ({evidence}); {why}"))
    changed = {e.start for e in items if isinstance(e, Edit)}
    items = [e for e in items if isinstance(e, Edit) or e.start not in changed]
    if settings.CONTEXT_DAMAGED_GUARD:
        items = doubted(text, items, {c.start for c in found if c.veto is None and c.score >= settings.CONTEXT_DOUBT} - changed - set(exclude))
    if settings.INDEL_APPLY:
        items.extend(find_indels(text, cm, rule=rule, exclude=taken, penalty=penalty, word_model=word_model))
    items.sort(key=lambda e: (e.start, isinstance(e, Suggestion)))
    return items


def with_model(
    text: str,
    cm: CharModel,
    found: Iterable[Edit | Suggestion],
    *,
    rule: str,
    banned: frozenset[str] = frozenset(),
    repeats: Callable[[int], bool] | None = None,
    neighbours: Neighbours | None = None,
) -> list[Edit | Suggestion]:
    """The word model's edits and suggestions (``found``) with those of
    :func:`find_in_context` on the characters it did not change: a change
    the model makes replaces the word model's suggestion there; a suggestion
    of both is reported once.  ``neighbours``: the candidates' table
    (default: the visual table's look-alikes)."""
    items = list(found)
    done = [e.start for e in items if isinstance(e, Edit)]
    extra = find_in_context(text, cm, rule=rule, exclude=done, banned=banned, repeats=repeats, neighbours=neighbours)
    if settings.CONTEXT_DAMAGED_GUARD:
        extra = still_damaged(text, cm, items, extra)
    changed = {e.start for e in extra if isinstance(e, Edit)}
    items = [e for e in items if isinstance(e, Edit) or e.start not in changed]
    seen = {(e.start, e.after) for e in items}
    items.extend(e for e in extra if isinstance(e, Edit) or (e.start, e.after) not in seen)
    items.sort(key=lambda e: (e.start, isinstance(e, Suggestion)))
    return items


def one_sided(text: str, i: int) -> bool:
    """Whether ``text[i]`` has no character on one side: the first or last
    of the text or of a line, where the character model reads only one
    side's context.

    >>> one_sided("我们准各好了", 5), one_sided("我们准各好了", 3), one_sided("第一行\\n第二行", 2)
    (True, False, True)
    """
    return i == 0 or i == len(text) - 1 or text[i - 1] in "\n\r" or text[i + 1] in "\n\r"


def _written_here(text: str, c: Scored, repeats: Callable[[int], bool], m: WordModel) -> bool:
    """The ``document`` guard: whether the document writes what is written
    at ``c`` elsewhere too: the character with a neighbour (``repeats``), or,
    for a candidate that completes a long word, the whole stretch that word
    would cover (a near miss whose one pair the document also writes
    elsewhere, 要的 of 举足轻要的 in 我要的, is still a near miss).

    >>> from cleaner.typos.model import model
    >>> t = "它是举足轻要的角色。这是我要的。"
    >>> c = Scored(5, "要", "重", 18.0, 19.0, 16.0, visual=False, long_word=True)
    >>> _written_here(t, c, lambda i: True, model()), _written_here(t + "举足轻要", c, lambda i: True, model())
    (False, True)
    """
    if not c.long_word:
        return repeats(c.start)
    span = long_span(text, c.start, c.after, m)
    return span is None or text.count(text[span[0] : span[1]]) > 1


def _engine_pair(c: Scored, neighbours: Neighbours | None) -> str:
    """``", your engine's pair"`` when ``c`` is a candidate only the OCR
    engine's own table (``Config.confusions``) proposes, else ``""``.

    >>> from .alikes import with_engine_pairs
    >>> c = Scored(2, "炮", "见", 18.9, 19.5, 8.0, visual=True)
    >>> _engine_pair(c, with_engine_pairs(("炮 见",))), _engine_pair(c, None)
    (", your engine's pair", '')
    """
    if neighbours is None or neighbours is visual_han_neighbours or not c.visual:
        return ""
    return "" if c.after in dict(visual_han_neighbours(c.before)) else ", your engine's pair"


def _repeats_at(text: str, i: int) -> bool:
    return guards.document_repeats(text, i, i + 1)
