"""A dash printed for 一 (cleaner.typos.dashes, inside the ocr_confusion rule)."""

from __future__ import annotations

import pytest

from cleaner import Suggestion, apply_edits, explain
from cleaner.typos.dashes import EDGE_BONUS, DASHES, dash_candidates, dash_gain
from cleaner.typos.model import model


@pytest.mark.parametrize(
    "text, expected",
    [
        ("以防万—，我们早点出发。", "以防万一，我们早点出发。"),
        ("这是我第—次来。", "这是我第一次来。"),
        ("要统－思想。", "要统一思想。"),
        ("要统⼀思想。", "要统一思想。"),  # the Kangxi radical one (PDF extraction)
        ("这是我第-次来。", "这是我第一次来。"),
    ],
)
def test_a_dash_that_completes_a_word_becomes_one(text, expected):
    r = explain(text, only=["ocr_confusion"])
    assert r.text == expected
    assert apply_edits(text, r.edits) == expected
    (e,) = r.edits
    assert e.rule == "ocr_confusion" and e.after == "一" and e.before in DASHES
    assert text[e.start : e.end] == e.before and e.score is not None and e.score >= 6 and e.note == "looks like 一"
    assert not explain(expected, only=["ocr_confusion"]).edits  # a second clean changes nothing


@pytest.mark.parametrize(
    "text",
    [
        "马丁-奥尔森投中三分。",  # a transliterated name
        "北京—上海高铁开通。",  # a route
        "——这是破折号——",  # the Chinese dash is two
        "工期3-5天，A-B两组。",  # ranges and codes
        "北京 - 上海",  # a spaced separator
        "他说—不，我不去。",
        "一一对应",
    ],
)
def test_a_dash_that_completes_no_word_stays(text):
    assert explain(text, only=["ocr_confusion"]).text == text


def test_a_weak_case_is_only_suggested():
    """一 alone reads nearly as well as 一起 here: below the threshold, a suggestion."""
    text = "我们—起去吧。"
    r = explain(text, only=["ocr_confusion"])
    assert r.text == text
    (s,) = [s for s in r.suggestions if s.after == "一"]
    assert isinstance(s, Suggestion) and s.start == 2 and 3 <= (s.score or 0) < 6


def test_gain_is_the_word_model_reading_one_inside_a_word():
    m = model()
    assert dash_gain("以防万", "", m) > dash_gain("马丁", "奥尔森", m) + 6
    assert dash_gain("", "", m) == pytest.approx(0.0)


def test_candidates_need_a_han_neighbour_and_no_dash_beside():
    m = model()
    assert dash_candidates("a—b c—d", m, floor=-100) == []
    assert dash_candidates("——", m, floor=-100) == []
    assert [p for p, *_ in dash_candidates("第—次", m, floor=-100)] == [1]


@pytest.mark.parametrize("text", ["运送３万—４万桶原油。", "收入３００万－４００万元。", "型号ＡＢ—Ｃ型。"])
def test_a_dash_beside_a_full_width_digit_or_letter_is_a_range(text):
    """Full-width digits and letters separate as ASCII ones do (``width``
    may not have run: ``--only ocr_confusion``); 万一 is a word, so before
    this the dash after 万 read as 一."""
    assert dash_candidates(text, model(), floor=-100) == []
    assert explain(text, only=["ocr_confusion"]).text == text


def test_guards_apply_traditional_text_keeps_its_dash():
    """The Han text around is Traditional: the script guard keeps it (a suggestion at most)."""
    found = dash_candidates("這是我第—次來", model(), floor=-100)
    assert found and all(v is not None for *_, v in found)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("第二组，—号选手上场。", "第二组，一号选手上场。"),  # after a comma: no separator there
        ("他是其中之—。", "他是其中之一。"),  # before a full stop
    ],
)
def test_a_dash_with_han_on_one_side_only_needs_less(text, expected):
    assert explain(text, only=["ocr_confusion"]).text == expected
    gain = dash_gain("", "号选手", model())
    assert 0 < gain < 6 <= gain + EDGE_BONUS  # between Han text it would stay a suggestion


@pytest.mark.parametrize("text", ["型号为银河-Ⅲ的机器。", "点击左键->选择任务。", "数据如下。-市场分析", "他说：“好的”─就走了。"])
def test_a_dash_at_a_clause_edge_that_completes_no_word_is_not_even_suggested(text):
    r = explain(text, only=["ocr_confusion"])
    assert r.text == text and not [s for s in r.suggestions if s.after == "一"]
