"""Guards: where a word-frequency model must not change a character.

A unigram word model prefers well-known words, so on its own it "corrects"
text that is right: a person's name into a famous one, a brand or a place into
a better-known name, a parallel idiom (敢闯敢干) into its dictionary cousin
(敢想敢干), reduplication (山山水水) into a word.  Each guard below is a veto
on a single-character change at position ``k`` of a run of Han characters
``run``; typo rules call :func:`vetoed`, which returns the first guard that
objects (its name goes into the suggestion's note).

* ``script``: the context has Traditional characters, which the
  Simplified word model cannot judge (the ``script`` rule's business);
* ``word``: the character already forms a dictionary word with a neighbour
  (腿疼 beside 腿痛): what is written is plausible;
* ``parallel``: the neighbours of the character repeat around it (``X?X``,
  ``X?X?`` frames: 敢闯敢干, 有声有色, 一朝一夕) or the character is doubled
  (清清楚楚, 山山峁峁);
* ``name``: the character is inside a word that jieba tags as a person name,
  or follows a common surname within a short name (李建国, 马伊琍), or the
  change would make a person's name;
* ``proper``: the original span is a place, organisation or other proper
  noun in jieba's dictionary, the change would make one, or the character
  stands just before a place or organisation suffix (…镇, …公司);
* ``digit``: a character that is no numeral changed into a digit by the
  context pass (第云轮 -> 第三轮: a number stands there, but which?):
  :func:`guessed_number`;
* ``clause``: the change would make its clause a copy of the clause
  beside it (有法不依，有法难依), or change a frame of two clauses
  (讲真话、讲实话): a contrast or parallel written on purpose
  (:func:`parallel_clause`; ``ocr_confusion``'s changes, with a model or
  without);
* ``credit``: the name of a photo or drawing credit in brackets
  (（千禾摄）: :func:`in_credit`, in the context pass);
* ``document``: the document itself uses the original characters elsewhere
  (a repeated n-gram is a term of the document, not an accident);
* ``context``: with the change made, another character within
  :data:`CONTEXT_WIDTH` of it in the same sentence still reads as damage (it
  forms no word pair with either neighbour and is rare as a word on its own,
  :func:`damaged_context`), or the sentence is written in Traditional
  characters (:func:`traditional_sentence`): the score was read in a damaged context, and a
  sentence with a second error the model cannot mend is left for review.

The word lists (surnames, titles, suffixes) are in
``cleaner/data/typo_guards.txt``.

>>> from cleaner.typos.model import model
>>> vetoed("敢闯敢干", 1, "想", model())
'parallel'
>>> vetoed("李建国说", 2, "图", model())
'name'
>>> vetoed("越来赴", 2, "越", model()) is None
True
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from ..chars import script_chars
from .model import WordModel

__all__ = ["vetoed", "number", "NUMERALS", "guessed_number", "DIGITS", "reads_as_name", "damaged_context", "word_lists", "simplified", "traditional_majority", "has_traditional", "PROPER_TAGS", "NAME_TAGS", "CONTEXT_WIDTH", "STRAY_LOGP", "traditional_sentence"]

#: a word at least this probable is common (王国 -10.6; 刘德 -16.2 is not)
COMMON_WORD_LOGP = -13.5
#: jieba tags of person names
NAME_TAGS = frozenset({"nr", "nrt", "nrfg"})
#: jieba tags of proper nouns (names, places, organisations, other)
PROPER_TAGS = NAME_TAGS | frozenset({"ns", "nt", "nz"})
#: characters either side of a change that :func:`damaged_context` reads
CONTEXT_WIDTH = 8
#: a character that forms no word pair with a neighbour and is less probable
#: than this as a one-character word (natural log; 的 -3.4, 在 -4.6, 型 -11)
#: reads as damage.  Chosen on FASPell's OCR train split: at -8, 71 of the
#: 74 sentences the rule changes there are wholly right (89 of 109 without
#: the guard); -9, -10, -11 keep 0.94, 0.91, 0.87.
STRAY_LOGP = -8.0
#: characters either side of a change that :func:`traditional_sentence` reads
SCRIPT_WIDTH = 40
_SENTENCE_END = frozenset("。！？!?\n\r")


@functools.cache
def word_lists() -> dict[str, frozenset[str]]:
    """The sections of ``typo_guards.txt``: surnames, surnames_also_words,
    said_twice, titles, title_modifiers, proper_suffixes, classifiers,
    credit_marks, function_words, doubled_verbs."""
    text = resources.files("cleaner").joinpath("data/typo_guards.txt").read_text(encoding="utf-8")
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
            continue
        if current is None:
            raise ValueError("typo_guards.txt: items before the first [section]")
        current.update(line.split())
    return {k: frozenset(v) for k, v in sections.items()}


@functools.cache
def _t2s_pairs() -> dict[str, str]:
    """Each character of the basic CJK block that OpenCC ``t2s`` changes,
    with its Simplified form (precomputed: ``cleaner/data/script_chars.txt``)."""
    pairs = script_chars("t2s")
    return dict(zip(pairs[::2], pairs[1::2]))


@functools.cache
def traditional_chars() -> frozenset[str]:
    """Characters of the basic CJK block that OpenCC ``t2s`` changes: the
    word model knows Simplified Chinese only, so it must not judge them.

    >>> "這" in traditional_chars(), "这" in traditional_chars()
    (True, False)
    """
    return frozenset(_t2s_pairs())


@functools.cache
def _traditional_class() -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(traditional_chars())) + "]")


def has_traditional(text: str) -> bool:
    """Whether ``text`` holds a character of :func:`traditional_chars`: one
    regex scan, several times faster than a set test, which makes a string
    of every character.

    >>> has_traditional("英國首相"), has_traditional("英国首相")
    (True, False)
    """
    return _traditional_class().search(text) is not None


@functools.cache
def _t2s_table() -> list[int]:
    """A str.translate table for OpenCC ``t2s`` on the basic CJK block: a
    list by code point (a code point past its end raises IndexError, so
    translate leaves it), which translate reads faster than a dict."""
    table = list(range(0xA000))
    for a, b in _t2s_pairs().items():
        table[ord(a)] = ord(b)
    return table


@functools.cache
def simplified_chars() -> frozenset[str]:
    """Characters of the basic CJK block that OpenCC ``s2t`` changes and
    ``t2s`` does not (总, 经; not 暗, which both scripts write): the mark of
    Simplified text.

    >>> "总" in simplified_chars(), "暗" in simplified_chars(), "總" in simplified_chars()
    (True, False, False)
    """
    return frozenset(script_chars("block_simplified"))


def traditional_majority(text: str) -> bool:
    """Whether ``text`` has more Traditional-only characters than
    Simplified-only ones: it is written in Traditional characters (a stray
    Traditional character in a Simplified line is not).

    >>> traditional_majority("有模有樣。"), traditional_majority("公司总经理任堯森称"), traditional_majority("abc")
    (True, False, False)
    """
    if not has_traditional(text):
        return False
    # (two regex scans, not a set test per character; the sets are disjoint)
    return _traditional_count(text) > _simplified_count(text)


def simplified(text: str) -> str:
    """``text`` with its Traditional lines (:func:`traditional_majority`) in
    Simplified characters, character for character (so positions keep
    their meaning): the word model can then judge Traditional words as it
    judges Simplified ones.  Simplified lines stay as they are, stray
    Traditional characters included (an OCR misreading may be one); text
    without Traditional characters comes back as it is.

    >>> simplified("英國首相發表聲明。\\n公司总经理任堯森称")
    '英国首相发表声明。\\n公司总经理任堯森称'
    """
    trad = _traditional_class()
    m = trad.search(text)
    if m is None:
        return text
    table = _t2s_table()
    if _OTHER_LINE_ENDS.search(text):  # (rare: line ends other than "\n")
        return "".join(line.translate(table) if traditional_majority(line) else line for line in text.splitlines(keepends=True))
    # Only "\n" ends lines: visit just the lines that hold a Traditional
    # character, found from the matches, instead of testing every line.
    out: list[str] = []
    done = end = 0
    while m is not None:
        start = text.rfind("\n", end, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        line = text[start:end]
        if _traditional_count(line) > _simplified_count(line):
            out.append(text[done:start])
            out.append(line.translate(table))
            done = end
        m = trad.search(text, end)
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


#: the line ends of str.splitlines other than "\n"
_OTHER_LINE_ENDS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _traditional_count(text: str) -> int:
    return len(_traditional_class().findall(text))


def _simplified_count(text: str) -> int:
    return len(_simplified_class().findall(text))


@functools.cache
def _simplified_class() -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(simplified_chars())) + "]")


def parallel(run: str, k: int) -> bool:
    """The character at ``k`` sits in a frame of repeated characters.

    >>> parallel("敢闯敢干", 1), parallel("敢闯敢干", 3), parallel("清清楚楚", 2)
    (True, True, True)
    >>> parallel("敢于创新", 1)
    False
    """
    c = run[k]
    n = len(run)
    left = run[k - 1] if k > 0 else ""
    right = run[k + 1] if k + 1 < n else ""
    if c == left or c == right:
        return True  # doubled character: 清清楚楚, 看看
    if left and left == right:
        return True  # X?X: 敢闯敢干 at 闯, 一朝一夕
    if left and k >= 3 and run[k - 3] == left:
        return True  # X?X? at the second ?: 敢闯敢干 at 干
    if right and k + 3 < n and run[k + 3] == right:
        return True  # ?X?X at the first ?: 闯敢干敢
    if k >= 2 and run[k - 2] == c:
        return True  # ?X?: the character itself repeats (越来越 is a word, not this)
    if k + 2 < n and run[k + 2] == c:
        return True
    return False


def _words_at(run: str, k: int, m: WordModel) -> list[str]:
    """Dictionary words of two or more characters in ``run`` that cover ``k``."""
    return [run[a:b] for a, b in m.covering_words(run, k)]


def name(run: str, k: int, after: str, m: WordModel) -> bool:
    """The character at ``k`` is (or would become) part of a person's name.

    >>> from cleaner.typos.model import model
    >>> name("赵明远说", 2, "运", model()), name("越来赴", 2, "越", model())
    (True, False)
    >>> name("潘跃", 0, "活", model()), name("潘跃起来", 0, "活", model())
    (True, False)
    """
    surnames = word_lists()["surnames"]
    if k < 2 and len(run) - k in (2, 3) and run[: k + 1] in surnames:
        return True  # a run of a surname and a given name alone (a byline, a list of names)
    new = run[:k] + after + run[k + 1 :]
    for w in _words_at(run, k, m):
        if m.tag(w) in NAME_TAGS:
            return True
    for a, b in m.covering_words(new, k):
        if m.tag(new[a:b]) in NAME_TAGS and not m.is_word(run[a:b]):
            return True
    # a two-character name a word list holds, of a surname that is also a
    # word (武|X, 石|X) and a given name
    if k >= 1 and m.is_word(run[k - 1 : k + 1]) and reads_as_name(run[k - 1 : k + 1], m):
        return True
    # a surname one or two characters before: 张|志强, 马|伊琍, 欧阳|X
    for s in (k - 1, k - 2):
        for length in (1, 2):
            if s >= 0 and s + length <= k and run[s : s + length] in surnames and not _in_word(run, s, k, m):
                return True
    # right after a three-character name, a change that makes a word with
    # the name's last character (卢金增|摄 -> 增援) reads into the name
    if k >= 3 and run[k - 3] in surnames and not _in_word(run, k - 3, k, m) and m.is_word(run[k - 1] + after):
        return True
    return False


def reads_as_name(pair: str, m: WordModel) -> bool:
    """A two-character word that reads as a person's name: a surname (the
    ``surnames`` of ``typo_guards.txt`` or those that are also everyday
    words, ``surnames_also_words``) and a character that jieba's dictionary
    tags as a given name on its own.

    >>> from cleaner.typos.model import model
    >>> reads_as_name("石磊", model()), reads_as_name("周未", model())
    (True, False)
    """
    lists = word_lists()
    return len(pair) == 2 and (pair[0] in lists["surnames"] or pair[0] in lists["surnames_also_words"]) and m.tag(pair[1]) in NAME_TAGS


def _in_word(run: str, s: int, k: int, m: WordModel) -> bool:
    """Whether the character at ``s`` belongs to a common word (not a name)
    that ends before ``k`` (王国 in 王国的 is no name; 刘德, a rare "word"
    of the web lists, does not count)."""
    for a, b in m.covering_words(run, s):
        lp = m.word_logp(run[a:b])
        if b <= k and lp is not None and lp >= COMMON_WORD_LOGP and m.tag(run[a:b]) not in NAME_TAGS:
            return True
    return False


def proper(run: str, k: int, after: str, m: WordModel) -> bool:
    """The character at ``k`` is in a proper noun, would make one, or stands
    just before a place or organisation suffix.

    >>> from cleaner.typos.model import model
    >>> proper("来到桃溪镇", 2, "林", model()), proper("越来赴", 2, "越", model())
    (True, False)
    """
    for w in _words_at(run, k, m):
        if m.tag(w) in PROPER_TAGS:
            return True
    new = run[:k] + after + run[k + 1 :]
    for a, b in m.covering_words(new, k):
        if m.tag(new[a:b]) in PROPER_TAGS and not m.is_word(run[a:b]):
            return True
    suffixes = word_lists()["proper_suffixes"]
    for gap in (1, 2, 3):
        for length in (1, 2, 3):
            start = k + gap
            if run[start : start + length] in suffixes and start + length <= len(run):
                # the suffix must not itself be swallowed by a word across it
                if not any(a < start < b for a, b in m.covering_words(run, start)):
                    return True
    return False


def document_repeats(text: str, start: int, end: int) -> bool:
    """The characters around ``text[start:end]`` (with one neighbour on
    either side) occur elsewhere in ``text``: the document repeats them.

    >>> document_repeats("万象堂开业。万象堂很好。", 1, 2)
    True
    >>> document_repeats("越来赴赖人了", 2, 3)
    False
    """
    left = text[max(0, start - 1) : end]
    right = text[start : end + 1]
    return (len(left) >= 2 and text.count(left) >= 2) or (len(right) >= 2 and text.count(right) >= 2)


def traditional_sentence(text: str, pos: int) -> bool:
    """Whether the sentence around ``pos`` (up to 。！？ or a line break, at
    most :data:`SCRIPT_WIDTH` characters either side) is written in
    Traditional characters (:func:`traditional_majority`): the ``script``
    guard of :func:`vetoed` sees only the run of Han characters around a
    change, which may hold none.

    >>> traditional_sentence("滂陀大雨中的街道、刺眼的燈光。", 1)
    True
    >>> traditional_sentence("刺眼的燈光。滂陀大雨中的街道。", 7), traditional_sentence("滂陀大雨中的灯光，車。", 1)
    (False, False)
    """
    a, b = _sentence_span(text, pos, SCRIPT_WIDTH)
    return traditional_majority(text[a:b])


def _sentence_span(text: str, pos: int, width: int) -> tuple[int, int]:
    """The span of the sentence around ``pos`` (not past 。！？ or a line
    break), at most ``width`` characters either side: two regex scans
    (the character loops cost 6.7 us a call at :data:`SCRIPT_WIDTH`, the
    ``script`` guard of every context candidate).

    >>> _sentence_span("甲乙。丙丁戊！己", 4, 40), _sentence_span("甲乙丙丁戊", 2, 1)
    ((3, 6), (1, 4))
    """
    a = max(0, pos - width)
    b = min(len(text), pos + width + 1)
    if pos > a:
        last = _LAST_END.match(text, a, pos)  # the last end in text[a:pos]
        if last is not None:
            a = last.end()
    if pos + 1 < b:
        first = _FIRST_END.search(text, pos + 1, b)  # the first end in text[pos + 1:b]
        if first is not None:
            b = first.start()
    return a, b


_FIRST_END = re.compile("[" + re.escape("".join(sorted(_SENTENCE_END))) + "]")
_LAST_END = re.compile("(?s:.*)" + _FIRST_END.pattern)


def damaged_context(text: str, changes: dict[int, str], pos: int, m: WordModel) -> bool:
    """Whether, with ``changes`` (position -> new character) made in
    ``text``, a character other than a changed one within
    :data:`CONTEXT_WIDTH` of ``pos`` in the same sentence (not past 。！？
    or a line break) reads as damage: a Han character that forms no word
    pair (``m.bigrams``) with either neighbour and whose log probability as
    a one-character word is below :data:`STRAY_LOGP`.  A sentence written in
    Traditional characters (:func:`traditional_sentence`) counts as damaged
    too: the Simplified word model cannot read it (滂陀 in
    滂陀大雨中的街道、刺眼的燈光).  O(CONTEXT_WIDTH + SCRIPT_WIDTH).

    >>> from cleaner.typos.model import model
    >>> damaged_context("有的时候那个农服", {6: "衣"}, 6, model())
    False
    >>> damaged_context("那介发型预在那的农服", {8: "衣"}, 8, model())
    True
    """
    if traditional_sentence(text, pos):
        return True
    a, b = _sentence_span(text, pos, CONTEXT_WIDTH)
    lo = max(0, a - 1)
    window = list(text[lo : min(len(text), b + 1)])
    for p, ch in changes.items():
        if lo <= p < lo + len(window):
            window[p - lo] = ch
    bigrams = m.bigrams
    for i in range(a - lo, b - lo):
        ch = window[i]
        if i + lo in changes or not ("\u4e00" <= ch <= "\u9fff"):
            continue
        if (i > 0 and window[i - 1] + ch in bigrams) or (i + 1 < len(window) and ch + window[i + 1] in bigrams):
            continue
        if m.char_logp(ch) < STRAY_LOGP:
            return True
    return False


#: Chinese numerals (their financial forms, 半 and 几 too): one read for
#: another is a different number, which no language model can tell from the
#: right one
NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟半几")


def number(before: str, after: str) -> bool:
    """A numeral changed into another: the text states a number (翻了四番,
    西北五省区), and a model's preference for a commoner one (一番, 三省)
    is no evidence that the number was misread.

    >>> number("四", "一"), number("四", "西"), number("己", "已")
    (True, False, False)
    """
    return before in NUMERALS and after in NUMERALS


#: the numerals that say how many (not 百 千 万 亿, which a run of numerals
#: around them fixes: 三首六十万 -> 三百六十万)
DIGITS = frozenset("〇零一二三四五六七八九十两")


def guessed_number(before: str, after: str) -> bool:
    """A character that is no numeral changed into a digit (:data:`DIGITS`):
    a model reads that a number stands there (第_轮, _个人), not which one,
    and a wrong number reads as clean text where the misread character was
    plainly damaged.  Found on People's Daily dev text, where a model
    turned 第云轮 (第一轮, misread) into 第三轮, 云 looking like 三; the
    context pass keeps it unless the change completes a long word, whose
    number is part of it (一心一意).

    >>> guessed_number("云", "三"), guessed_number("首", "百"), guessed_number("四", "一")
    (True, False, False)
    """
    return after in DIGITS and before not in NUMERALS


#: what separates two clauses for :func:`parallel_clause`
CLAUSE_MARKS = frozenset("，。；！？、：“”‘’（）《》「」『』,.;!?:()\n")
#: the longest clause :func:`parallel_clause` compares (a contrast of two
#: clauses is short; a long one is a sentence, compared by nothing here)
CLAUSE_WIDTH = 16


def span_between(text: str, i: int, marks: frozenset[str], width: int | None = None) -> tuple[int, int] | None:
    """The span around ``text[i]`` between two of ``marks`` (or the text's
    ends), or None when it is longer than ``width``: a clause, an item of a
    list.

    >>> span_between("有法不依，有法难依，执法不严", 7, frozenset("，")), span_between("有法不依，有法难依", 7, frozenset("，"), 3)
    ((5, 9), None)
    """
    a = i
    while a > 0 and text[a - 1] not in marks:
        a -= 1
        if width is not None and i - a >= width:
            return None
    b = i + 1
    while b < len(text) and text[b] not in marks:
        b += 1
        if width is not None and b - a > width:
            return None
    return a, b


def enclosing(text: str, i: int, opens: str, closes: str, width: int) -> tuple[int, int] | None:
    """The places of the bracket pair around ``text[i]``: the nearest of
    ``opens`` at most ``width`` characters before it with none of
    ``closes`` between, and the first of ``closes`` from ``i`` on, at most
    ``width`` characters after the opener (so at most ``width`` characters
    inside); None when there is no such pair.  The title, quote and credit
    guards ask it.

    >>> enclosing("电影《未血绸缪》上映", 4, "《", "》", 40), enclosing("《画壁》的魔幻爱结巨制", 8, "《", "》", 40)
    ((2, 7), None)
    >>> enclosing("（千禾摄）", 2, "（(", "）)", 24), enclosing("他说“我们明天去北京开会吧。”", 5, "“", "”", 8)
    ((0, 4), None)
    """
    lo = max(0, i - width)
    a = max(text.rfind(o, lo, i + 1) for o in opens)
    if a < 0 or any(text.find(c, a, i) >= 0 for c in closes):
        return None
    ends = [b for b in (text.find(c, i, a + width + 2) for c in closes) if b >= 0]
    return (a, min(ends)) if ends else None


def _clause(text: str, i: int) -> tuple[int, int] | None:
    """The clause holding ``text[i]`` (:func:`span_between` of
    :data:`CLAUSE_MARKS`), or None when it is longer than
    :data:`CLAUSE_WIDTH` or ``text[i]`` is a mark."""
    return None if text[i] in CLAUSE_MARKS else span_between(text, i, CLAUSE_MARKS, CLAUSE_WIDTH)


def parallel_clause(text: str, i: int, after: str) -> bool:
    """Changing ``text[i]`` to ``after`` would make its clause the same as
    the clause just before or after it (across one mark), or the two
    clauses are a frame of the same length that agree in at least half
    their characters.  Two such clauses are written side by side on
    purpose, a contrast or a parallel (有法不依，有法难依: the law not
    followed, the law hard to follow; 讲真话、讲实话), and a misreading
    seldom makes one or keeps one whole: where they agree the frame holds,
    where they differ is the contrast the writer chose, and a model that
    prefers a commoner phrase there reads one clause without the other.
    Clauses of at most :data:`CLAUSE_WIDTH` characters.  Found on clean
    news text, where a corpus that writes 有法不依 and 说实话 changed the
    second clause of each, and the word model alone turned the first verb
    of a quoted pair of four-character clauses into an idiom's.

    >>> parallel_clause("有法不依，有法难依，执法不严", 7, "不"), parallel_clause("讲真话、讲实话", 4, "说")
    (True, True)
    >>> parallel_clause("有法不依，有法难依，执法不严", 7, "可"), parallel_clause("有法可依，执法必严", 2, "不")
    (True, False)
    """
    here = _clause(text, i)
    if here is None:
        return False
    a, b = here
    new = text[a:i] + after + text[i + 1 : b]
    beside = []
    if a >= 2:
        beside.append(_clause(text, a - 2))
    if b + 1 < len(text):
        beside.append(_clause(text, b + 1))
    for c in beside:
        if c is None or c[1] - c[0] != b - a:
            continue
        other = text[c[0] : c[1]]
        if other == new:
            return True
        if 2 * sum(x == y for x, y in zip(other, text[a:b])) >= b - a >= 2:
            return True
    return False


#: how far a bracket around a credit may open before the character
CREDIT_WIDTH = 24


def in_credit(text: str, i: int) -> bool:
    """Whether ``text[i]`` is among the three characters before a credit
    mark (``credit_marks`` of ``typo_guards.txt``: 摄, 供图 ...) that ends a
    bracketed credit, where news prints the photographer's or artist's name
    (（新华社记者王某某摄）, （千禾摄）): a name, which a corpus reads as a
    word.  The words before it (新华社记者) are not guarded.

    >>> in_credit("工人在车间。（千禾摄）", 8), in_credit("（新华社记去韩晓华摄）", 5)
    (True, False)
    >>> in_credit("（新华社记去韩晓华摄）", 7), in_credit("千禾摄影展", 1)
    (True, False)
    """
    pair = enclosing(text, i, "（(", "）)", CREDIT_WIDTH)
    if pair is None:
        return False
    a, b = pair
    marks = [mark for mark in word_lists()["credit_marks"] if text.endswith(mark, a + 1, b)]
    if not marks:
        return False
    end = b - max(map(len, marks))
    return end - 3 <= i < end


def vetoed(run: str, k: int, after: str, m: WordModel, banned: frozenset[str] = frozenset()) -> str | None:
    """The name of the first guard that forbids changing ``run[k]`` to
    ``after``, or None when no guard objects (``document`` is checked by the
    rule, which holds the whole text).  Words in ``banned`` (misspellings
    that the word lists carry) do not count as words."""
    if has_traditional(run):
        return "script"
    if number(run[k], after):
        return "number"
    if parallel(run, k):
        return "parallel"
    if name(run, k, after, m):
        return "name"
    if proper(run, k, after, m):
        return "proper"
    if any(run[a:b] not in banned for a, b in m.covering_words(run, k)):
        return "word"
    return None
