"""A missing or a doubled character (:data:`~.settings.INDEL_APPLY`, off by
default): candidates where the corpus never writes two neighbours side by
side, scored and guarded, then made or suggested at a strict threshold."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ...edits import Edit, Suggestion
from .. import guards
from ..model import WordModel, code_points, han_span, is_han_run, model
from . import settings
from .detect import han_mask, rare_ngrams
from .score import Scored
from .vetoes import in_quote, in_title

if TYPE_CHECKING:
    from ..charmodel import CharModel


def indel_candidates(text: str, cm: CharModel, *, word_model: WordModel | None = None) -> list[Scored]:
    """A character missing between two Han characters that the corpus never
    writes side by side, and a doubled Han character whose pair the corpus
    never writes, as :class:`Scored` candidates (an insertion has an empty
    ``before``, a deletion an empty ``after``; windows of :data:`WINDOW`).

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["他们在北京工作。", "我们在上海学习。"] * 30, keep_repeats=True)
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
