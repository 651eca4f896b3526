"""Rule ``stutter``: a word or phrase printed twice by accident (旅游旅游业).

OCR and page joins repeat a word across a line or page break; once the
``paragraphs`` rule has rejoined the break, the repeat stands next to its
copy.  Chinese also repeats on purpose, so a repeat is removed only when
every test below says "accident":

* the repeated unit has two to :data:`MAX_UNIT` Han characters and is not
  one character doubled (哈哈哈哈, 等等等等); one-character doubling (看看,
  清清楚楚) is never touched;
* the unit does not end in 着 (坐着坐着, 走着走着: "X着X着" frames), is not
  a verb and 一/了 (一边走一走一边: "V一V" and "V了V" frames) and does not
  stand before 一下/一番 (讨论讨论一下: a doubled verb and its complement);
* the unit stands twice, not three times or more (加油加油加油: a chant);
* the unit is not a word written twice on purpose (非常非常, 什么什么: the
  ``said_twice`` list of ``cleaner/data/typo_guards.txt``), nor "A不A" /
  "A没A" (行不行不知道), nor 一 and a measure word (一本一本地, 一滴一滴:
  "one by one"; the ``classifiers`` list);
* the doubled form is not itself a dictionary word;
* in the best segmentation of the text around it, exactly one copy stands as
  a whole sequence of words: real reduplication (研究研究, 恭喜恭喜, 一步一步)
  segments into two whole copies, a stutter glues one copy to its neighbour
  (发展|旅游|旅游业: the second 旅游 is inside 旅游业), and a repeat out of
  step with the words is chance (华人|名人|名家);
* the glued copy is not "X长"/"X员" after X (中队中队长: the squadron's
  leader);
* the standing copy is not a preposition or conjunction before a word that
  opens with it (根据|根据地: the ``function_words`` list; only suggested),
  nor a verb that Chinese doubles on purpose to mean "a little" (讨论|讨论稿,
  the ``doubled_verbs`` list; only suggested);
* deleting one copy raises the word model's score by at least
  ``Config.typo_threshold`` (smaller gains, down to ``suggest_threshold``,
  are reported as suggestions).

The copy that is removed is the one that stands alone; its span and the
gain are in the edit.  A span printed twice across a word boundary
(建设进设进度: neither copy is a whole word) is removed when no two
neighbouring words open with the same character (名人|名家) and deleting it
gains :data:`ACROSS_FACTOR` times ``typo_threshold`` or more.

>>> from cleaner import clean
>>> clean("大力发展旅游旅游业。", only=["stutter"])
'大力发展旅游业。'
>>> clean("这个问题我们研究研究，恭喜恭喜，坐着坐着就睡着了。", only=["stutter"])
'这个问题我们研究研究，恭喜恭喜，坐着坐着就睡着了。'
>>> clean("他把书一本一本地放回书架。", only=["stutter"])
'他把书一本一本地放回书架。'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..edits import Edit, Suggestion
from ..rule import Rule
from . import guards
from .model import WordModel, code_points, model

if TYPE_CHECKING:
    from ..config import Config

__all__ = ["RULE", "NAME", "MAX_UNIT", "ACROSS_FACTOR", "stutter_rule", "find"]

NAME = "stutter"
#: longest repeated unit looked for (characters)
MAX_UNIT = 8
#: characters of context either side that the score reads
CONTEXT = 4

#: X + X长: "the X's head" (中队中队长, 村村长) is grammatical
_HEAD_SUFFIXES = frozenset("长员")

_REPEAT = re.compile(r"([\u4e00-\u9fff]{2,%d}?)\1" % MAX_UNIT)


#: a repeat out of step with the words (across a word boundary) is removed
#: only when its gain is at least this many times ``typo_threshold``: in
#: PKU, MSR, THUCNews and the zh-Wikipedia sample the largest gain of such a
#: repeat that is not parallel words is 11.0 (目的|国|的|国际), while a span
#: printed twice across a boundary gains 14-18 (benchmarks/layout.py, dev)
ACROSS_FACTOR = 2.0


def _parallel(words: list[str], lo: int, hi: int) -> bool:
    """Whether two neighbouring words of two characters or more that overlap
    ``[lo, hi)`` open with the same character (名人|名家, 现房|现卖): a
    parallel phrase, whose shared character makes a chance repeat.

    >>> _parallel(["世界华人", "名人", "名家", "书"], 3, 7), _parallel(["重要", "组成", "要", "组成", "部分"], 1, 7)
    (True, False)
    """
    pos = 0
    spans = []
    for w in words:
        spans.append((pos, pos + len(w), w))
        pos += len(w)
    for (s1, e1, w1), (s2, e2, w2) in zip(spans, spans[1:]):
        if len(w1) >= 2 and len(w2) >= 2 and w1[0] == w2[0] and e2 > lo and s1 < hi:
            return True
    return False


#: what follows a reduplicated verb (讨论讨论一下, 商量商量一番): the
#: dictionary holds 讨论一下, so the second copy looks glued into a word
_COMPLEMENTS = ("一下", "一番")


def _frame(unit: str, at: int, cuts: set[int], m: WordModel) -> bool:
    """Whether the repeat of ``unit`` at ``at`` (in a segmented stretch whose
    word ends are ``cuts``) is "V一V" or "V了V" followed by more (一边|走|一|走|
    一边, 我|想|了|想|了解): a verb standing alone as a word and 一/了, which
    together are no word (完成了成了: 成 is inside 完成, a stutter); or the
    question frame "A不A" / "A没A" followed by more (行不行不知道).

    >>> m = model()
    >>> _frame("走一", 2, {0, 2, 3, 4, 5, 7, 8}, m), _frame("成了", 1, {0, 2, 3, 4, 5}, m)
    (True, False)
    >>> _frame("行不", 0, {0, 1, 2, 3, 5}, m)
    True
    """
    if len(unit) == 2 and unit[1] in "不没":
        return True  # A不A, A没A: 好不好, 山不山不谈 (a question frame)
    return len(unit) == 2 and unit[1] in "一了" and not m.is_word(unit) and at in cuts and at + 1 in cuts


def _boundaries(words: list[str]) -> set[int]:
    out = {0}
    pos = 0
    for w in words:
        pos += len(w)
        out.add(pos)
    return out


#: from this many characters on, :func:`_repeats` finds where a repeat can
#: start in numpy passes first (a regex search tries every Han character
#: with every unit length: 16 ms on 1 MB of Chinese, against about 2.5)
SCAN_FROM = 256


def _repeat_starts(text: str) -> list[int]:
    """Every position where :data:`_REPEAT` can match, and more: a unit of
    ``k`` characters (2 to :data:`MAX_UNIT`) followed by itself starts with
    two Han characters that equal the two ``k`` further on.

    >>> _repeat_starts("我们研究研究，再说再说")
    [2, 7]
    """
    import numpy as np

    cp = code_points(text)  # (a lone surrogate too: it is no Han character)
    han = (cp >= 0x4E00) & (cp <= 0x9FFF)
    n = len(cp)
    hit = np.zeros(n, dtype=bool)
    for k in range(2, min(MAX_UNIT, n // 2) + 1):
        same = (cp[: n - k] == cp[k:]) & han[: n - k]  # (the one k further on is then Han too)
        m = n - 2 * k + 1
        hit[:m] |= same[:m] & same[1 : m + 1]
    return np.flatnonzero(hit).tolist()


def _repeats(text: str, pos: int, starts: list[int] | None, at: int) -> tuple[re.Match[str] | None, int]:
    """``_REPEAT.search(text, pos)``: without ``starts``, the search; with
    them (:func:`_repeat_starts`, read from index ``at`` on), a match tried
    only where one can start, the leftmost as the search finds it.  Returns
    the match and where to read ``starts`` from next."""
    if starts is None:
        return _REPEAT.search(text, pos), at
    n = len(starts)
    while at < n and starts[at] < pos:
        at += 1
    while at < n:
        mt = _REPEAT.match(text, starts[at])
        at += 1
        if mt is not None:
            return mt, at
    return None, at


def find(text: str, threshold: float, suggest_threshold: float, *, word_model: WordModel | None = None) -> Iterator[Edit | Suggestion]:
    """Deletions of accidental repeats in ``text`` (see the module doc).

    >>> [(e.start, e.before) for e in find("当地旅游旅游业发展很快。", 6.0, 3.0)]
    [(2, '旅游')]
    """
    m: WordModel | None = word_model
    pos = 0
    starts = _repeat_starts(text) if len(text) >= SCAN_FROM else None
    at = 0
    while True:
        mt, at = _repeats(text, pos, starts, at)
        if mt is None:
            return
        unit = mt.group(1)
        i, k = mt.start(), len(unit)
        pos = i + 1
        if len(set(unit)) == 1 or unit.endswith("着"):
            continue
        if text[i + 2 * k : i + 3 * k] == unit or (i >= k and text[i - k : i] == unit):
            # three copies or more (加油加油加油): a chant or a list, not a
            # word printed twice across a break; the whole run is skipped
            while text[i + k : i + 2 * k] == unit:
                i += k
            pos = i + k
            continue
        if m is None:
            m = model()
        if m.is_word(unit + unit) or text[i + 2 * k : i + 2 * k + 2] in _COMPLEMENTS or unit in guards.word_lists()["said_twice"]:
            continue
        if k == 2 and unit[0] == "一" and unit[1] in guards.word_lists()["classifiers"]:
            continue  # 一X一X: one by one (一本一本地, 一滴一滴落下), whatever the second X glues to
        a = i
        while a > max(0, i - CONTEXT) and "\u4e00" <= text[a - 1] <= "\u9fff":
            a -= 1
        b = i + 2 * k
        while b < min(len(text), i + 2 * k + CONTEXT) and "\u4e00" <= text[b] <= "\u9fff":
            b += 1
        doubled = text[a:b]
        words = m.segment(doubled)
        cuts = _boundaries(words)
        if _frame(unit, i - a, cuts, m):
            continue
        first_whole = (i - a) in cuts and (i + k - a) in cuts
        second_whole = (i + k - a) in cuts and (i + 2 * k - a) in cuts
        across = not first_whole and not second_whole
        if first_whole and second_whole:
            continue  # both whole: reduplication or parallelism (研究研究)
        if across and _parallel(words, i - a, i + 2 * k - a):
            continue  # out of step with parallel words (华人|名人|名家, 计时|计分)
        if second_whole is False and text[i + 2 * k : i + 2 * k + 1] in _HEAD_SUFFIXES:
            continue  # 中队|中队长: the head of the unit, not a repeat
        single = text[a : i + k] + text[i + 2 * k : b]
        gain = m.logprob(single) - m.logprob(doubled)
        cls: type[Edit] | type[Suggestion]
        if across:
            # a span repeated across a word boundary (重要组成要组成部分): out
            # of step with the words as chance repeats are, so only a gain
            # far above the threshold tells it apart
            if gain < ACROSS_FACTOR * threshold:
                continue
            start, note, cls = i + k, "span repeated across a word boundary", Edit
        else:
            if gain < suggest_threshold:
                continue
            # remove the copy that stands alone; keep the one glued into a word
            start = i if first_whole else i + k
            cls = Edit if gain >= threshold else Suggestion
            note = "repeated word" if cls is Edit else "repeated word? gain below typo_threshold"
            if cls is Edit and first_whole and unit in guards.word_lists()["function_words"]:
                # 根据|根据地: a preposition before a noun that opens with it
                cls, note = Suggestion, "repeated word? a function word before a word that opens with it"
            elif cls is Edit and first_whole and unit in guards.word_lists()["doubled_verbs"]:
                # 研究|研究方案: "look into it a little", then what
                cls, note = Suggestion, "repeated word? a verb doubled on purpose (AB AB) before a word that opens with it"
        yield cls(NAME, start, start + k, unit, "", score=round(gain, 3), note=note)
        pos = i + 2 * k


def stutter_rule(text: str, config: Config) -> Iterator[Edit | Suggestion]:
    """The registered rule: :func:`find` with the thresholds of ``config``."""
    return find(text, config.typo_threshold, config.suggest_threshold)


RULE = Rule(
    name=NAME,
    func=stutter_rule,
    summary="remove a word printed twice by accident (a repeat across a line or page break); keep reduplication",
    stage="final",
    options=("typo_threshold", "suggest_threshold"),
)
