"""Rule `lexicon`: near misses of the user's terms."""

from __future__ import annotations

import pytest

from cleaner import Edit, Suggestion, apply_edits, clean, explain
from cleaner.typos.lexicon import find
from tests.typos.conftest import small_table

LEX = ("赵明远", "东湖科技馆", "桃岭")


def fixed(text: str, lexicon=LEX) -> str:
    return apply_edits(text, [e for e in find(text, lexicon, neighbours=small_table) if isinstance(e, Edit)])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("会议由赵明运主持。", "会议由赵明远主持。"),  # substitution
        ("参观东湖科枝馆。", "参观东湖科技馆。"),
        ("参观东湖科馆。", "参观东湖科技馆。"),  # a character missing (terms of four or more)
        ("参观东湖科技技馆。", "参观东湖科技馆。"),  # a character too many
    ],
)
def test_near_misses_are_corrected(text, expected):
    assert fixed(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "会议由赵明远主持。",  # exact
        "桃花开了，桃树很多。",  # two-character term: only a look-alike counts
        "来到东湖科技园区。",  # the near miss is a word where it stands
    ],
)
def test_leaves_alone(text):
    assert fixed(text) == text


def test_a_word_near_miss_is_only_suggested():
    items = list(find("来到东湖科技园区。", LEX, neighbours=small_table))
    assert all(isinstance(i, Suggestion) for i in items)


def test_ambiguous_near_miss_is_left_alone():
    text = "赵明运来了。"
    assert fixed(text, ("赵明远", "赵明达")) == text


def test_config_lexicon_drives_the_rule():
    text = "会议由赵明运主持。"
    assert clean(text, only=["lexicon"]) == text  # no lexicon, no change
    r = explain(text, only=["lexicon"], lexicon=("赵明远",))
    assert r.text == "会议由赵明远主持。"
    assert [e.rule for e in r.edits] == ["lexicon"] and r.edits[0].score is not None
