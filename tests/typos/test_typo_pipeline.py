"""The typo rules in the default pipeline: registered, replayable, idempotent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner import apply_edits, clean, explain

TYPO_RULES = ("lexicon", "stutter", "ocr_confusion", "consistency")


def test_registered_in_the_final_stage_and_on_by_default():
    for name in TYPO_RULES:
        rule = cleaner.RULES[name]
        assert rule.stage == "final" and rule.default
    order = list(cleaner.RULES)
    assert [order.index(n) for n in TYPO_RULES] == sorted(order.index(n) for n in TYPO_RULES)


def test_a_damaged_document_is_repaired_and_every_edit_names_its_rule():
    text = "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，大力发展文化旅\n\n游旅游业。工作己经完成了。\n"
    r = explain(text)
    assert "文化旅游业" in r.text and "已经" in r.text
    assert apply_edits(text, r.edits) == r.text
    assert clean(r.text) == r.text
    typo_edits = [e for e in r.edits if set(e.rules) & set(TYPO_RULES)]
    assert typo_edits and all(e.score is not None for e in typo_edits)


def test_disable_turns_them_off():
    text = "工作己经完成了。"
    assert clean(text, disable=list(TYPO_RULES)) == text


_ALPHABET = st.sampled_from(list("研究看清楚恭喜坐着敢闯干工作己已经土士未末体休，。、") + ["旅游", "战土", "\n\n"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_properties(text):
    r = explain(text, only=list(TYPO_RULES))
    assert apply_edits(text, r.edits) == r.text
    for e in r.edits:
        assert text[e.start : e.end] == e.before
    for s in r.suggestions:
        assert text[s.start : s.end] == s.before
