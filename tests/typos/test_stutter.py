"""Rule `stutter`: accidental repeats go, reduplication and parallelism stay."""

from __future__ import annotations

import pytest

from cleaner import Suggestion, apply_edits, clean, explain
from cleaner.typos.stutter import find
from tests.conftest import evaldata


def only(text: str) -> str:
    return clean(text, only=["stutter"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("大力发展旅游旅游业，增加收入。", "大力发展旅游业，增加收入。"),
        ("打造电子电子商务平台。", "打造电子商务平台。"),
        ("加快发展服务服务业。", "加快发展服务业。"),
    ],
)
def test_removes_a_glued_repeat(text, expected):
    r = explain(text, only=["stutter"])
    assert r.text == expected
    assert apply_edits(text, r.edits) == expected
    (e,) = r.edits
    assert e.rule == "stutter" and e.after == "" and e.score is not None and e.score >= 6


@pytest.mark.parametrize(
    "text",
    [
        "这个问题我们研究研究再说。",  # ABAB verb
        "恭喜恭喜，新年快乐！",  # greeting
        "他坐着坐着就睡着了。",  # X着X着
        "你先看看，再想想。",  # AA
        "一定要讲得清清楚楚。",  # AABB
        "我们要敢闯敢干，一往无前。",  # parallel frame
        "哈哈哈哈，太好笑了。",  # one character doubled
        "例如菱形格啊棋盘格啊等等等等。",
        "一步一步往前走。",  # whole-word repeat
        "自治县中队中队长带领战士巡逻。",  # X + X长: the squadron's leader
        "世界华人名人名家书画展。",  # a repeat out of step with the words
        "科技创新、制度创新和管理创新。",  # parallel phrasing
        "观众高喊加油加油加油，气氛热烈。",  # three copies: a chant
        "买价一价一价一",  # three copies (found by hypothesis: two cleans removed two)
        "他一边走一走一边看一看风景。",  # V一V then 一边: the repeat is 走一走一
        "我想了想了解一下情况。",  # V了V then 了解
        "这件事我们讨论讨论一下。",  # a doubled verb before its complement
        "大家商量商量一番再定。",
        "他跑得非常非常快，油耗也非常非常低。",  # emphasis (非常低 is a dictionary entry)
        "你说的是什么什么样的人？",  # "such and such"
        "这款车行不行不好说。",  # A不A, then 不好说
        "他把旧书一本一本地搬回家。",  # 一 and a measure word twice (本地 is a word)
        "雨水一滴一滴落进桶里。",  # (滴落 is a word)
    ],
)
def test_keeps_real_repetition(text):
    assert only(text) == text
    assert clean(clean(text)) == clean(text)


def test_page_break_stutter_is_fixed_after_the_join():
    # the page break falls inside a word, so `paragraphs` rejoins it first
    a = "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，大力发展文化旅"
    b = "游旅游业，认真做好年底前的收尾工作。"
    r = explain(a + "\n\n" + b)
    assert r.text == "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，大力发展文化旅游业，认真做好年底前的收尾工作。"
    assert any("stutter" in e.rules for e in r.edits)


def test_a_weak_repeat_is_only_suggested():
    items = list(find("大力发展旅游旅游业", 100.0, 3.0))
    assert items and all(isinstance(i, Suggestion) for i in items)


def test_real_prose_has_no_stutter():
    for name in ("prose/icwb2_pku_test.utf8.txt", "prose/icwb2_msr_test.utf8.txt"):
        text = evaldata(name).read_text(encoding="utf-8")
        assert [e for e in find(text, 6.0, 3.0)] == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("这是经济收入的重要组成要组成部分。", "这是经济收入的重要组成部分。"),
        ("他在海运、造船业方业方面提出了合作的建议。", "他在海运、造船业方面提出了合作的建议。"),
        ("市长到现场查看施工进工进度。", "市长到现场查看施工进度。"),
    ],
)
def test_removes_a_span_repeated_across_a_word_boundary(text, expected):
    r = explain(text, only=["stutter"])
    assert r.text == expected
    assert all("across a word boundary" in e.note for e in r.edits)


@pytest.mark.parametrize(
    "text",
    [
        "组委会安排的赛时计时计分系统运行正常。",  # 计时|计分: parallel words share a character
        "这里的二手房现房现卖，价格透明。",  # 现房|现卖
        "他们是不是不再来了？",  # 是不是|不再: a weak gain
    ],
)
def test_keeps_chance_repeats_across_words(text):
    assert only(text) == text


def test_the_numpy_prescan_finds_what_the_regex_search_finds(monkeypatch):
    """On a long text :func:`find` tries the repeat pattern only where the
    numpy pre-scan says one can start; it must give the same edits as the
    plain search, also on texts dense with repeats, three-copy runs and
    non-Han characters between them."""
    import random

    from cleaner.typos import stutter

    rng = random.Random(7)
    units = ["旅游", "电子", "服务", "研究", "发展中", "一", "了", "着", "长", "，", "a", "。", "走一", "加油"]
    texts = ["".join(rng.choice(units) for _ in range(rng.randint(100, 400))) for _ in range(300)]
    texts += ["当地旅游旅游业发展很快。" * 40, "加油加油加油" * 60, "x" * 300, "中文" * 200 + "\ud800当地旅游旅游业"]
    got = [list(find(t, 6.0, 3.0)) for t in texts]
    monkeypatch.setattr(stutter, "SCAN_FROM", 10**9)
    want = [list(find(t, 6.0, 3.0)) for t in texts]
    assert got == want
    assert sum(map(len, want)) > 50  # (the texts do hold repeats it acts on)
    starts = set(stutter._repeat_starts(texts[0]))
    assert all(m.start() in starts for m in stutter._REPEAT.finditer(texts[0]))


@pytest.mark.parametrize("text", ["在根据根据地的建设中，我们取得了经验。", "学生的考试通过通过率很高。"])
def test_a_function_word_before_a_word_that_opens_with_it_is_only_suggested(text):
    r = explain(text, only=["stutter"])
    assert r.text == text
    (s,) = r.suggestions
    assert isinstance(s, Suggestion) and "function word" in s.note
    assert clean("当地旅游旅游业发展很快。", only=["stutter"]) == "当地旅游业发展很快。"  # not a function word: the repeat goes


@pytest.mark.parametrize("text", ["我们先回去交流交流经验。", "每天早上锻炼锻炼身体。"])
def test_a_verb_doubled_on_purpose_before_a_word_that_opens_with_it_is_only_suggested(text):
    """AB AB ("do it a little") glued to a word that opens with AB
    (交流|交流经验): grammar, as often as a page break."""
    r = explain(text, only=["stutter"])
    assert r.text == text
    (s,) = r.suggestions
    assert "doubled on purpose" in s.note
    assert clean("当地旅游旅游业发展很快。", only=["stutter"]) == "当地旅游业发展很快。"  # not such a verb: the repeat goes
