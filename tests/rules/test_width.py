"""Rule `width`: full-width letters and digits; ASCII punctuation inside Chinese."""

from __future__ import annotations

import pytest

from cleaner import clean


def only(text: str) -> str:
    return clean(text, only=["width"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("２０２１年ＧＤＰ增长", "2021年GDP增长"),
        ("会议于今天召开,大家踊跃发言。", "会议于今天召开，大家踊跃发言。"),
        ("收入增长5.2%;支出增长15%;", "收入增长5.2%；支出增长15%；"),
        ("注:以上数据为初步统计", "注：以上数据为初步统计"),
        ("你吃了吗?我吃了!", "你吃了吗？我吃了！"),
        ("真的吗?!", "真的吗？！"),
        ("召开第62次(扩大)会议", "召开第62次（扩大）会议"),
        ("(《人民日报》)", "（《人民日报》）"),
        ("国内生产总值(GDP)继续增长", "国内生产总值（GDP）继续增长"),
        ("他说:“走吧。”", "他说：“走吧。”"),
        ("时间:10:30开始", "时间：10:30开始"),
        # the Chinese zero written as a full-width ０ (or letter Ｏ) among Chinese numerals
        ("二０００年", "二〇〇〇年"),
        ("一九九０年", "一九九〇年"),
        ("二０一九年", "二〇一九年"),
        ("二ＯＯ八年", "二〇〇八年"),
        ("第１０页，二０２１年", "第10页，二021年"),  # a run of other digits: ASCII as before
        ("一ＯＫ", "一OK"),
    ],
)
def test_changes(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "价格为1,000元，比分3:2。",  # numbers
        "增长21.34亿元，同比增长5.2%。",
        "访问 https://example.com/a?x=1,2;y=(3) 获取，或写信给 a.b@example.cn。",
        "调用`print(a, b)`函数",  # inline code
        "```\nprint(\"你好,世界\")\n```",  # fenced code
        "He said: Hello, world! Is it (really) true?",  # English
        "函数f(x)的值",  # a call, not Chinese parentheses
        "“全角标点”（保持）：不变！",
        "(1)第一条",  # list numbering at the start of a line is left as written
        "Ｐython？",  # full-width letters change, but not here: the test below covers them
    ][:-1],
)
def test_leaves_alone(text):
    assert only(text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("达到了6000t;一个是新建厂房", "达到了6000t；一个是新建厂房"),  # a unit glued to Chinese
        ("这里的房价涨了15%,大家都很关注", "这里的房价涨了15%，大家都很关注"),
        ("比如abandon,我们记住的是发音", "比如abandon，我们记住的是发音"),
    ],
)
def test_ascii_mark_after_a_number_or_word_inside_chinese(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "比例为1:2，人口3,000人",  # numbers
        "He said: 你好，朋友。",  # English before the mark
        "代码 a;b 和 f(x) 保持原样",  # code
        "字段为 id,name,地址,电话",  # CSV
        "见 http://a.cn/x?a=1;b=中 一文",
    ],
)
def test_marks_shaped_like_numbers_code_and_english_stay(text):
    assert only(text) == text


def _random_texts(alphabet: str, n: int = 3000, length: int = 40) -> list[str]:
    import random

    rng = random.Random(12)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, length))) for _ in range(n)]


def test_protected_spans_are_found_line_by_line_as_in_the_whole_text():
    # the prefiltered search gives what one search of the whole text gives
    from cleaner.rules.width import _PROTECTED, _protected

    pieces = ["a", "中", ",", ",", "\n", "\r", " ", "`", "@", "b.cn", "://", "www.", "http", "x", "，", "1"]
    texts = ["".join(p) for p in _random_texts("".join(chr(65 + i) for i in range(len(pieces))))]
    texts = ["".join(pieces[ord(c) - 65] for c in t) for t in texts]
    texts += ["见 http://a.cn/x?a=1,2 及 a@b.cn\n中文,没有", "a,b,c\nd,e,f", "`a,b` ```\nx,y,z\n```"]
    # (lines whose only trigger is two commas: a CSV row only at their start)
    texts += ["中文,中文,中文", "x\n甲,乙,丙\n1,2", "一行，很长的一行，不是,表格,吧", "a@b.cn\n1,2,3\n中,文,"]
    # (a line with a URL or an address is searched from where one can start)
    texts += ["很长的正文，来源 www.a.cn，完", "见x-1.ftp+s://a.b 和 a_b%c@d.cn", "`x` 中 a@b.cn ftp://c", "@,a,b", "://a@b.cn,x,y", "a.b-c@d-e.f.g"]
    # (commas the only trigger: found from comma to comma, not by the regex)
    commas = [",", ",", "\n", "\r", "中", "a", " ", "，", "1"]
    texts += ["".join(commas[ord(c) - 65] for c in t) for t in _random_texts("ABCDEFGHI")]
    for text in texts:
        assert _protected(text) == [(m.start(), m.end()) for m in _PROTECTED.finditer(text)], text


def test_fast_patterns_find_what_their_plain_forms_find():
    # _PUNCT and _PROTECT_TRIGGER are written to open with one class (or a
    # literal per branch) so that the regex engine skips to candidates
    import random
    import re

    from cleaner.rules.width import _PROTECT_TRIGGER, _PUNCT

    plain = {_PUNCT: re.compile(r"[,;:?!]+|[()]"), _PROTECT_TRIGGER: re.compile(r"[`@]|://|www\.|,[^,\n]*,")}
    rng = random.Random(4)
    alphabet = ",;:?!()`@/w.中a \n"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        for fast, slow in plain.items():
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)], repr(text)


def test_later_rounds_judge_the_marks_a_fresh_scan_would_find():
    # the rounds after the first reuse the first scan's marks (less the ones
    # converted): the result must be what scanning each round's text gives
    import random

    from cleaner.config import make_config
    from cleaner.edits import apply_edits
    from cleaner.rules.width import _PUNCT, _apply, _protected, _punct_positions, width_rule

    def rescanning(text: str) -> str:
        protected = _protected(text)
        view, changes = text, {}
        for _ in range(8):
            marks = [m.span() for m in _PUNCT.finditer(view)]
            found = {i: c for i, c in _punct_positions(view, protected, marks).items() if i not in changes}
            if not found:
                break
            changes.update(found)
            view = _apply(view, found)
        return view

    rng = random.Random(9)
    for _ in range(3000):
        text = "".join(rng.choice(["中", "文", ",", ";", "(", ")", " ", "a", "1", "“", "\n", ":", "，"]) for _ in range(rng.randint(1, 16)))
        assert apply_edits(text, list(width_rule(text, make_config()))) == rescanning(text), repr(text)


def test_a_mark_at_a_line_start_is_not_judged_by_the_line_above():
    """At a line start the character before the mark is nothing; nothing is
    not a closing quote, so the line above does not make the mark Chinese
    (it did once the whitespace rule had removed a blank there: cleaning
    was not idempotent)."""
    assert clean("中\n,") == "中\n,"
    assert clean("中\t\n,") == clean(clean("中\t\n,"))
    assert clean("他说”,好") == "他说”，好"


def test_a_token_on_the_line_above_does_not_make_a_mark_chinese():
    """The token before a mark is read on the mark's own line: a line above
    ending in a word glued to Chinese once made a line-start mark Chinese
    (the pattern's "$" matched before the line break), unless a blank
    stood after the word, so removing that blank changed the mark."""
    assert clean("中a\n,") == "中a\n,"
    assert clean("中a\t\n,") == clean(clean("中a\t\n,"))
    assert clean("增长15%,他说") == "增长15%，他说"



def test_parentheses_pair_as_with_the_regex_scan():
    # the events come from str.find; the pairs must be those of a scan of
    # every "(", ")" and line break (protected spans skipped, fences too)
    import random
    import re

    from cleaner.rules.width import _paren_pairs, _protected

    def scanned(text, protected):
        stack, p, out = [], 0, []
        for m in re.finditer(r"[()\n]", text):
            i = m.start()
            while p < len(protected) and protected[p][1] <= i:
                p += 1
            if p < len(protected) and protected[p][0] <= i:
                continue
            if m.group() == "\n":
                stack.clear()
            elif m.group() == "(":
                stack.append(i)
            elif stack:
                out.append((stack.pop(), i))
        return out

    rng = random.Random(12)
    pieces = ["(", ")", "\n", "中", "a", " ", "```", "`x`", "http://a.cn/(x)", ","]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        protected = _protected(text)
        assert list(_paren_pairs(text, protected)) == scanned(text, protected), repr(text)


def test_fullwidth_runs_from_the_gate_are_the_regex_matches():
    import random

    from cleaner.rules.width import _ANY_PUNCT, _CJK_CHAR, _FULLWIDTH_ALNUM, _fullwidth_runs, width_acts

    rng = random.Random(13)
    alphabet = "中a1 ０Ｏｚ＠［｀｛\uff0f\uff1a\uff5b\uff5a\uff10，,("
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in _fullwidth_runs(text)] == [m.span() for m in _FULLWIDTH_ALNUM.finditer(text)], repr(text)
        plain = _FULLWIDTH_ALNUM.search(text) or (_ANY_PUNCT.search(text) and _CJK_CHAR.search(text))
        assert width_acts(text) == bool(plain), repr(text)


def test_every_cjk_character_stands_in_the_gate_block():
    # _has_cjk looks for CJK only from the first character of its block on
    import re

    from cleaner.rules.width import _CJK_BLOCK, _CJK_CHAR, _has_cjk

    gate = re.compile(_CJK_BLOCK.pattern)
    outside = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and _CJK_CHAR.match(chr(cp)) and not gate.match(chr(cp))]
    assert outside == []
    assert _has_cjk("abc\u3000ｅ，") and not _has_cjk("abc\u3000ｅ") and not _has_cjk("")


@pytest.mark.parametrize("window", [None, 3, 1])
def test_scan_finds_what_the_regexes_find(monkeypatch, window):
    # a long text is scanned with numpy (also a window at a time: a run of
    # full-width letters across two windows is one run)
    import random

    from cleaner import chars
    from cleaner.rules.width import _CJK_CHAR, _FULLWIDTH_ALNUM, _scan

    rng = random.Random(14)
    alphabet = "中a1 ０Ｏｚ＠［｀｛\uff0f\uff1a\uff5b\uff5a\uff10，,(\u3000\u3001𠀀\ud800ｦ"
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(5000)]
    expected = [([m.span() for m in _FULLWIDTH_ALNUM.finditer(t)], _CJK_CHAR.search(t) is not None) for t in texts]
    monkeypatch.setattr(chars, "CODE_WINDOW", window or chars.CODE_WINDOW)
    assert [_scan(t) for t in texts] == expected


def test_a_long_text_gives_the_edits_of_the_regex_scans(monkeypatch):
    from cleaner.config import make_config
    from cleaner.rules import width

    cfg = make_config()
    for text in ("２０２１年,增长5.2%;见(附表)\n二００八年，ＡＢＣ\n", "Plain English, ＡＢＣ and １２３; no Chinese.\n", "", "中文"):
        before = list(width.width_rule(text, cfg))
        monkeypatch.setattr(width, "_NUMPY_MIN", 0)
        assert list(width.width_rule(text, cfg)) == before
        monkeypatch.undo()


@pytest.mark.parametrize(
    "text, expected",
    [
        # the letters O and o that OCR read for the Chinese zero 〇
        ("二O二一年十二月", "二〇二一年十二月"),
        ("二O二O年", "二〇二〇年"),  # the last one ends a year of four
        ("一九九O年", "一九九〇年"),
        ("二oo八年", "二〇〇八年"),
        ("编号一O一", "编号一〇一"),
        # left as written: next to a Latin letter or an Arabic digit, first in
        # the number, ending one that is no year, or a year of one Chinese digit
        ("二O二1年", "二O二1年"),
        ("二00八年", "二00八年"),  # the digit 0: authors type it for 〇 (edited news does)
        ("一OK", "一OK"),
        ("O一二三", "O一二三"),
        ("二O年", "二O年"),
        ("一二O", "一二O"),
        ("一OOO年", "一OOO年"),
        ("版本V2O一", "版本V2O一"),
        # full-width forms among them: the same
        ("二０O八年", "二〇〇八年"),
        ("二ｏ二一年", "二〇二一年"),
    ],
)
def test_letter_o_among_chinese_digits(text, expected):
    assert only(text) == expected
    assert only(expected) == expected  # idempotent


def test_zero_lookalikes_found_by_the_gate_are_those_the_rule_changes():
    import random

    from cleaner.rules.width import width_acts

    rng = random.Random(15)
    alphabet = "二〇零0Oo０Ｏｏ年A1Ａ中 "
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        changed = only(text)
        assert width_acts(text) == (changed != text), repr(text)
        assert only(changed) == changed, repr(text)
