"""Context from a character n-gram model learned from the user's corpus
(issue 16), for the rule ``ocr_confusion`` (:mod:`.confusion_rule`).

:func:`find_in_context` judges in context the characters that the word
model left alone: suspects are those the corpus never writes between their
two neighbours (:func:`suspects`); isolated ones, that it writes beside
neither, need less evidence.  Candidates are the visual table's look-alikes
and, at isolated suspects, the characters the corpus writes between the
same neighbours.  Each candidate's score is the character model's gain plus
the word model's gain less a channel cost per source (:class:`Scored`), and
a change needs :data:`CONTEXT_THRESHOLD` (plus :data:`CONTEXT_UNISOLATED`
where the suspect is not isolated) plus the text's noise penalty
(:func:`noise_penalty`); a change at a text's first or last character
:data:`CONTEXT_EDGE` more (:func:`one_sided`).  :func:`with_model` merges its
edits with those of the word model and, as the word model's pass does, only
suggests a change in a sentence that still reads as damaged
(:data:`CONTEXT_DAMAGED_GUARD`).  A missing or doubled character
(:func:`find_indels`, :data:`INDEL_APPLY`, off by default) is looked for
where the corpus never writes two neighbours side by side, at a strict
threshold.

The constants were chosen on the dev split of
``benchmarks/test_bench_context.py`` (THUCNews articles with real OCR
confusions from FASPell's train split injected); its test split measures.

>>> from cleaner.typos.charmodel import learn
>>> cm = learn(["我们在北京工作。他们在北京学习。"] * 30)
>>> suspects("我们在北涼工作。", cm)
[3, 4, 5]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...edits import Edit, Suggestion
from .. import guards
from ..model import WordModel, code_points, han_span, is_han_run, model
from . import settings
from .alikes import Neighbours
from .damaged import doubted, still_damaged
from .detect import han_mask, rare_ngrams, suspects
from .score import Scored, noise_penalty, score_all, scored_candidates
from .vetoes import function_swap, in_a_list_of_names, in_quote, in_title, modifies_a_title, own_rare_char
from .words import long_span

if TYPE_CHECKING:
    from ..charmodel import CharModel

__all__ = ["Scored", "suspects", "one_sided", "scored_candidates", "noise_penalty", "find_in_context", "with_model", "han_span", "in_title", "rare_ngrams", "indel_candidates", "find_indels", "Neighbours", "own_rare_char", "modifies_a_title"]


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
    scored, plausible = score_all(text, cm, banned, neighbours, word_model)
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
        evidence = f"context {c.context:+.1f}, words {c.word:+.1f}, channel {-c.channel:.1f}; {label}"
        held = None if c.veto else "function" if function_swap(c.before, c.after, c.word, word_model or model()) else "name list" if in_a_list_of_names(text, c.start) else "own word" if own_rare_char(text, c.before, cm) else "title" if modifies_a_title(text, c.start) else None
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


def indel_candidates(text: str, cm: CharModel, *, word_model: WordModel | None = None) -> list[Scored]:
    """A character missing between two Han characters that the corpus never
    writes side by side, and a doubled Han character whose pair the corpus
    never writes, as :class:`Scored` candidates (an insertion has an empty
    ``before``, a deletion an empty ``after``; windows of :data:`WINDOW`).

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["他们在北京工作。", "我们在上海学习。"] * 30)
    >>> [(c.start, c.before, c.after) for c in indel_candidates("他们北京工作。", cm)]
    [(2, '', '在')]
    >>> [(c.start, c.before, c.after) for c in indel_candidates("我们在上上海学习。", cm)]
    [(4, '上', '')]
    """
    if len(text) < 3:
        return []
    ids = cm.ids(text)
    han = han_mask(text)
    unseen = rare_ngrams(ids, cm, 2)[1:-1] & han[:-1] & han[1:]
    gaps = np.flatnonzero(unseen) + 1
    changes: list[tuple[int, str, str]] = []
    if len(gaps):
        mids, counts = cm.middles(ids[gaps - 1], ids[gaps], settings.INSERT_CANDIDATES)
        for g, row, cnt in zip(gaps.tolist(), mids.tolist(), counts.tolist()):
            for j, c in zip(row, cnt):
                ch = cm.char(j)
                if c >= settings.INSERT_MIN_COUNT and is_han_run(ch):
                    changes.append((g, "", ch))
    cp = code_points(text)  # the same character: characters the corpus lacks share a class id
    for i in np.flatnonzero(unseen & (cp[1:] == cp[:-1])).tolist():
        changes.append((i + 1, text[i + 1], ""))
    return _score_indels(text, cm, changes, word_model or model())


def _score_indels(text: str, cm: CharModel, changes: Sequence[tuple[int, str, str]], m: WordModel) -> list[Scored]:
    """Each change scored by both models on the text around it, with the
    guards: Traditional text, parallel turns, titles, and the ``word`` guard
    (the pair the change splits or drops is a word: 北大, 天天)."""
    if not changes:
        return []
    n = len(text)
    olds: list[str] = []
    news: list[str] = []
    firsts: list[int] = []
    for at, before, after in changes:
        a, b = max(0, at - settings.WINDOW), min(n, at + len(before) + settings.WINDOW)
        olds.append(text[a:b])
        news.append(text[a:at] + after + text[at + len(before) : b])
        firsts.append(at - a)
    lp = cm.tail_logprob(olds + news, firsts + firsts)
    gains = (lp[len(olds) :] - lp[: len(olds)]).tolist()
    out = []
    for (at, before, after), g, old, new, f in zip(changes, gains, olds, news, firsts):
        wa, wb = han_span(old, f, settings.WINDOW) if before else han_span(old, max(f - 1, 0), settings.WINDOW)
        word = m.logprob(new[wa : wb + len(after) - len(before)]) - m.logprob(old[wa:wb])
        seam = _seam(text, at, m, suffixes=not after)
        cost = (settings.INSERT_COST if after else settings.DELETE_COST) + (settings.INDEL_TWO_WORDS if seam else 0.0)
        veto = _indel_veto(text, at, m, doubled=bool(before))
        if veto is None and not _joins_a_word(new, f, after, m):
            veto = "unjoined"
        out.append(Scored(at, before, after, g, word, cost, visual=False, veto=veto))
    return out


def _seam(text: str, at: int, m: WordModel, *, suffixes: bool = False) -> bool:
    """Whether the gap before ``text[at]`` is the seam of two dictionary
    words, one ending there and one beginning there (``suffixes``: or a place
    or organisation suffix ending there, :func:`cleaner.typos.guards.word_lists`).
    Clean text reads so: a character inserted there breaks a word (一如|往常),
    and a doubled character there (its second copy at ``at``) is two words
    sharing it (居住住所, 学期期间, 出版社社长), which damage seldom makes.

    >>> from cleaner.typos.model import model
    >>> _seam("一切都一如往常", 5, model()), _seam("华人民共国成立", 4, model())
    (True, False)
    >>> _seam("还可在学期期间每周", 5, model()), _seam("经济济发展", 2, model())
    (True, False)
    """
    if at < 1 or at + 1 >= len(text):
        return False
    a, b = han_span(text, at, settings.WINDOW)
    run, k = text[a:b], at - a
    if not any(s == k for s, _ in m.covering_words(run, k)):
        return False
    return any(e == k for _, e in m.covering_words(run, k - 1)) or (suffixes and any(run[:k].endswith(x) for x in guards.word_lists()["proper_suffixes"]))


def _joins_a_word(new: str, at: int, after: str, m: WordModel) -> bool:
    """Whether, in the text with the change made (``new``, the change at
    ``at``), the inserted character, or the copy of a doubled one that
    stays, is in a dictionary word (众议员员 -> 议员, 经济济发展 -> 经济; a
    reduplication such as 趴趴走 leaves no word).

    >>> from cleaner.typos.model import model
    >>> _joins_a_word("高规划", 2, "", model()), _joins_a_word("到处趴走了", 3, "", model())
    (True, False)
    """
    pos = at if after else at - 1
    return 0 <= pos < len(new) and next(iter(m.covering_words(new, pos)), None) is not None


def _indel_veto(text: str, at: int, m: WordModel, *, doubled: bool) -> str | None:
    """The guard that keeps the pair ``text[at - 1 : at + 1]`` as written
    (a doubled character is no parallel turn: only a doubled word is)."""
    ga, gb = han_span(text, at, settings.GUARD_CONTEXT)
    run, k = text[ga:gb], at - ga
    if not guards.traditional_chars().isdisjoint(run) or guards.traditional_sentence(text, at):
        return "script"
    if not doubled and (guards.parallel(run, k) or guards.parallel(run, k - 1)):
        return "parallel"
    if in_title(text, at) or in_quote(text, at):
        return "title"
    if any(a < k and b > k for a, b in m.covering_words(run, k)):
        return "word"
    if doubled and _reduplicated(run, k):
        return "reduplication"
    return None


def _reduplicated(run: str, k: int) -> bool:
    """Whether the pair ``run[k - 1 : k + 1]`` of the same character is a
    measure word reduplicated after 一 (一台台, 一步步: one by one), which
    clean text writes.

    >>> _reduplicated("就好比一台台的车子", 5), _reduplicated("经济济发展", 2)
    (True, False)
    """
    return k >= 2 and run[k - 2] == "一"


def find_indels(
    text: str, cm: CharModel, *, rule: str, exclude: Sequence[int] = (), penalty: float = 0.0, word_model: WordModel | None = None
) -> list[Edit | Suggestion]:
    """Edits for the candidates of :func:`indel_candidates` whose score
    reaches :data:`INDEL_THRESHOLD` plus ``penalty`` (the text's noise) with
    no guard objecting, :data:`CONTEXT_SPACING` characters from each other
    and from ``exclude``; one per position; the rest that score above
    :data:`CONTEXT_SUGGEST` are suggestions."""
    label = f"model {Path(cm.path).name}" if cm.path else "model (in memory)"
    taken = list(exclude)
    items: list[Edit | Suggestion] = []
    seen: set[int] = set()
    for c in sorted(indel_candidates(text, cm, word_model=word_model), key=lambda c: -c.score):
        if c.score < settings.CONTEXT_SUGGEST or c.start in seen or text.count(text[max(c.start - 1, 0) : c.start + 1]) > 1:
            continue  # the document writes the pair elsewhere too (guard "document")
        seen.add(c.start)
        what = f"missing {c.after}" if c.after else f"doubled {c.before}"
        note = f"{what} in context (context {c.context:+.1f}, words {c.word:+.1f}, channel {-c.channel:.1f}; {label})"
        end = c.start + len(c.before)
        strong = c.score >= settings.INDEL_THRESHOLD + penalty and c.context >= settings.INDEL_MIN_CONTEXT
        if c.veto is None and strong and all(abs(c.start - t) >= settings.CONTEXT_SPACING for t in taken):
            taken.append(c.start)
            items.append(Edit(rule, c.start, end, c.before, c.after, score=round(c.score, 3), note=note))
        else:
            why = f"kept: {c.veto} guard" if c.veto else "score below the threshold" if not strong else "another change nearby"
            items.append(Suggestion(rule, c.start, end, c.before, c.after, score=round(c.score, 3), note=f"{note}; {why}"))
    return items


def with_model(
    text: str,
    cm: CharModel,
    found: Iterable[Edit | Suggestion],
    *,
    rule: str,
    banned: frozenset[str] = frozenset(),
    repeats: Callable[[int], bool] | None = None,
) -> list[Edit | Suggestion]:
    """The word model's edits and suggestions (``found``) with those of
    :func:`find_in_context` on the characters it did not change: a change
    the model makes replaces the word model's suggestion there; a suggestion
    of both is reported once."""
    items = list(found)
    done = [e.start for e in items if isinstance(e, Edit)]
    extra = find_in_context(text, cm, rule=rule, exclude=done, banned=banned, repeats=repeats)
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


def _repeats_at(text: str, i: int) -> bool:
    return guards.document_repeats(text, i, i + 1)
