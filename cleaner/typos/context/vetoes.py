"""The guards of one candidate: those of :func:`cleaner.typos.guards.vetoed`
with the corpus's waivers, titles and quoted terms, and the checks that
keep a change a suggestion (a function-word swap, a list of names, the
text's own rare character, a title's modifier)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import guards
from ..model import WordModel, han_span, is_han_run
from . import settings

if TYPE_CHECKING:
    from ..charmodel import CharModel


#: the guards that yield to a candidate completing a long word
LONG_WORD_YIELDS = frozenset({"parallel", "name", "proper", "word", "digit"})


GUARD_WORD_YIELDS = frozenset({"parallel", "name", "proper"})


def context_veto(
    text: str, i: int, after: str, gain: float, cm: CharModel, m: WordModel, banned: frozenset[str], *, long_word: bool = False, lifted: frozenset[str] = frozenset(), simplified: bool = False
) -> str | None:
    """The guards of :func:`cleaner.typos.guards.vetoed`, the guards of a
    short quoted term (``quote``: :func:`in_quote`, unless the corpus writes
    the change's 4-gram :data:`CONTEXT_QUOTE_WAIVER` times), a credit's
    name (``credit``: :func:`cleaner.typos.guards.in_credit`), a digit put
    where no numeral stood (``digit``:
    :func:`cleaner.typos.guards.guessed_number`) and a clause made a copy
    of its neighbour or changed inside the frame it forms with it
    (``clause``: :func:`cleaner.typos.guards.parallel_clause`), where the
    corpus can overrule two of them: ``name``/``proper`` when it writes the
    corrected character with its neighbours (a 4-gram seen
    :data:`CONTEXT_NAME_WAIVER` times, when that is set), ``word`` at a gain
    of :data:`CONTEXT_WORD_WAIVER`; these three, ``digit`` and ``parallel``
    yield to a candidate that completes a long word (``long_word``,
    :data:`CONTEXT_LONG_WORD`: 越采越多 -> 越来越多, 愈痛愈烈 -> 愈演愈烈).
    ``simplified``: the text holds no Traditional character
    (:func:`guards.has_traditional`), so the ``script`` guard cannot object
    (asked once for the text)."""
    ga, gb = han_span(text, i, settings.GUARD_CONTEXT)
    run, k = text[ga:gb], i - ga
    lifted = LONG_WORD_YIELDS if long_word else lifted
    if not simplified and (not guards.traditional_chars().isdisjoint(run) or guards.traditional_sentence(text, i)):
        return "script"
    if guards.number(text[i], after):
        return "number"
    if guards.guessed_number(text[i], after) and "digit" not in lifted:
        return "digit"
    if guards.parallel(run, k) and "parallel" not in lifted:
        return "parallel"
    if in_title(text, i):
        return "title"
    if in_quote(text, i) and settings.CONTEXT_QUOTE_WAIVER is not None and not _corpus_writes(text, i, after, cm, settings.CONTEXT_QUOTE_WAIVER):
        return "quote"
    if guards.in_credit(text, i):
        return "credit"
    if guards.parallel_clause(text, i, after):
        return "clause"
    for name, check in (("name", guards.name), ("proper", guards.proper)):
        if check(run, k, after, m) and name not in lifted and not (settings.CONTEXT_NAME_WAIVER and _corpus_writes(text, i, after, cm, first=settings.CONTEXT_NAME_WAIVER_BEFORE if name == "name" else 0)):
            if name == "proper" and settings.CONTEXT_PROPER_MADE is not None and _makes_a_known_proper_noun(text, i, after, cm, m):
                continue
            return name
    if gain < settings.CONTEXT_WORD_WAIVER and "word" not in lifted and any(run[a:b] not in banned for a, b in m.covering_words(run, k)):
        return "word"
    return None


def _makes_a_known_proper_noun(text: str, i: int, after: str, cm: CharModel, m: WordModel) -> bool:
    """Whether ``after`` at ``i`` makes a proper noun of the word list that
    the corpus writes :data:`CONTEXT_PROPER_MADE` times, where no proper noun
    covers what is written and the corpus never writes ``text[i]`` beside
    either (Han) neighbour.

    >>> from cleaner.typos.charmodel import learn
    >>> from cleaner.typos.model import model
    >>> cm = learn(["香港的人口在增长。"] * 30, keep_repeats=True)
    >>> _makes_a_known_proper_noun("如果否港人口", 2, "香", cm, model()) == (settings.CONTEXT_PROPER_MADE is not None)
    True
    """
    if settings.CONTEXT_PROPER_MADE is None or not (0 < i < len(text) - 1) or not is_han_run(text[i - 1 : i + 2]):
        return False
    ga, gb = han_span(text, i, settings.GUARD_CONTEXT)
    run, k = text[ga:gb], i - ga
    if any(m.tag(run[a:b]) in guards.PROPER_TAGS for a, b in m.covering_words(run, k)):
        return False
    if cm.count(cm.ids(text[i - 1 : i + 1] + text[i : i + 2]).reshape(2, 2)).any():
        return False
    new = run[:k] + after + run[k + 1 :]
    made = [new[a:b] for a, b in m.covering_words(new, k) if 2 <= b - a <= 5 and m.tag(new[a:b]) in guards.PROPER_TAGS]
    return any(int(cm.count(cm.ids(w).reshape(1, -1))[0]) >= settings.CONTEXT_PROPER_MADE for w in made)


def _corpus_writes(text: str, i: int, after: str, cm: CharModel, times: int | None = None, *, first: int = 0) -> bool:
    """Whether the corpus has a 4-gram of the text, with ``after`` at ``i``,
    at least ``times`` times (default :data:`CONTEXT_NAME_WAIVER`); only
    the 4-grams that hold at least ``first`` characters before ``i`` (all
    there are, near the text's start)."""
    times = settings.CONTEXT_NAME_WAIVER if times is None else times
    a, b = max(0, i - 3), min(len(text), i + 4 - min(first, i))
    ids = cm.ids(text[a:i] + after + text[i + 1 : b])
    rows = [ids[s : s + 4] for s in range(0, len(ids) - 3)]
    return bool(rows) and bool((cm.count(np.array(rows)) >= (times or 0)).any())


def own_rare_char(text: str, ch: str, cm: CharModel) -> bool:
    """Whether ``text`` writes ``ch`` twice or more and the corpus of
    ``cm`` seldom (:data:`CONTEXT_OWN_RATE`).

    >>> from cleaner.typos.charmodel import learn
    >>> cm = learn(["我们在北京工作。"] * 40, keep_repeats=True)
    >>> own_rare_char("可垦荒地很多，每年开垦一批。", "垦", cm), own_rare_char("可垦荒地很多。", "垦", cm)
    (True, False)
    >>> own_rare_char("我们在北京，我们在上海。", "我", cm)
    False
    """
    if text.count(ch) < 2:
        return False
    count = int(cm.unigram_counts[cm.ids(ch)[0]]) if cm.knows(ch) else 0
    chars = cm.stats.get("chars", 0)
    return count < settings.CONTEXT_OWN_RATE * max(1, chars if isinstance(chars, int) else 0)


def modifies_a_title(text: str, i: int) -> bool:
    """Whether the character at ``i`` is one that modifies a title (the
    ``title_modifiers`` of ``typo_guards.txt``: 原, 前, 副 ...) and a title
    (``titles``) follows it, after a 副 at most.  Of the context pass's right
    repairs on the benchmark's dev and test splits, the cross-source dev
    split and the People's Daily pieces, one stands before a title (本报记者
    from a misread 报), and its character is no modifier.

    >>> modifies_a_title("常委原副委员长出席", 2), modifies_a_title("本极记者报道", 1)
    (True, False)
    """
    lists = guards.word_lists()
    if text[i : i + 1] not in lists["title_modifiers"]:
        return False
    j = i + 2 if text[i + 1 : i + 2] == "副" else i + 1
    return any(text[j : j + k] in lists["titles"] for k in (2, 3, 4))


def function_swap(before: str, after: str, word: float, m: WordModel) -> bool:
    """Whether changing ``before`` to ``after`` swaps two common
    one-character words (:data:`CONTEXT_FUNCTION_LOGP`) that the word model,
    whose gain is ``word``, hardly prefers (:data:`CONTEXT_FUNCTION_WORDS`):
    such a change is only suggested (guard ``function``).

    >>> from cleaner.typos.model import model
    >>> function_swap("同", "向", 0.9, model()), function_swap("同", "向", 9.0, model())
    (True, False)
    >>> function_swap("粟", "渠", 0.9, model())
    False
    """
    return word < settings.CONTEXT_FUNCTION_WORDS and min(m.char_logp(before), m.char_logp(after)) >= settings.CONTEXT_FUNCTION_LOGP


def hardly_words(text: str, i: int, word: float) -> bool:
    """Whether the word model's gain ``word`` of a change at ``i`` is below
    :data:`CONTEXT_WORDS_LEAST` (both readings are words: 雨雾交加 -> 雨雪)
    and no Latin letter stands beside it (the word model reads Han runs
    only: A般 -> A股 reads no better to it): such a change is only
    suggested (guard ``words``).

    >>> hardly_words("晚，雨雾交加", 3, 0.7), hardly_words("今年A般市场", 3, 0.9)
    (True, False)
    """
    if settings.CONTEXT_WORDS_LEAST is None or word >= settings.CONTEXT_WORDS_LEAST:
        return False
    return not any(ch.isascii() and ch.isalpha() for ch in text[max(0, i - 1) : i + 2])


#: the characters that end an item of a list (besides 、)
_ITEM_ENDS = frozenset("、，,。；;：:！？!?（）()《》“”\"\n\t 　")


def _item(text: str, i: int) -> tuple[int, int]:
    """The span of the list item around ``text[i]`` (between two of
    :data:`_ITEM_ENDS`)."""
    span = guards.span_between(text, i, _ITEM_ENDS)
    assert span is not None  # (no width: never None)
    return span


def in_a_list_of_names(text: str, i: int) -> bool:
    """Whether ``text[i]`` is in a name-sized place of a list written with
    、 whose neighbour across the 、 is a name: ``text[i]`` is one of the
    three characters after a 、 whose item before ends in a name (a common
    surname two or three characters before the 、), or one of the three
    before a 、 whose item after begins with a common surname
    (:func:`cleaner.typos.guards.word_lists`).  Lists of people name people
    the dictionary does not know (a rare surname, a given name that reads
    as a word), and a change there is only suggested.

    >>> in_a_list_of_names("出席的有刘健明、粟志常等人", 8)
    True
    >>> in_a_list_of_names("北京、上海、广州", 3), in_a_list_of_names("北京、上海、广州", 0)
    (False, False)
    """
    surnames = guards.word_lists()["surnames"]
    a, b = _item(text, i)
    if a >= 3 and text[a - 1] == "、" and i - a < 3:
        pa, pb = _item(text, a - 2)
        if any(pb - s >= 2 and s >= pa and text[s] in surnames for s in (pb - 3, pb - 2)):
            return True
    if b + 1 < len(text) and text[b] == "、" and b - i <= 3:
        return text[b + 1] in surnames
    return False


def in_title(text: str, i: int) -> bool:
    """Whether ``text[i]`` is inside a title in 《》 (a name, written as its
    author chose) of at most :data:`TITLE_WIDTH` characters.

    >>> in_title("电影《未血绸缪》上映", 4), in_title("《画壁》的魔幻爱结巨制", 8)
    (True, False)
    """
    return guards.enclosing(text, i, "《", "》", settings.TITLE_WIDTH) is not None


def in_quote(text: str, i: int) -> bool:
    """Whether ``text[i]`` is inside a short quoted term (“”, at most
    :data:`QUOTE_WIDTH` characters): a coinage, slogan or name, often a
    parallel turn (宜商宜居) that a dropped character turns into a doubled
    one.

    >>> in_quote("打造“宜商宜居”的概念", 4), in_quote("他说：“我们明天去北京开会吧。”", 6)
    (True, False)
    """
    return guards.enclosing(text, i, "“", "”", settings.QUOTE_WIDTH) is not None
