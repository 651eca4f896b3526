"""Edits: replay, composition across rules, offset mapping."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.edits import Edit, OffsetMap, apply_edits, compose


def test_apply_edits_replaces_spans():
    text = "你好,世界!"
    edits = [Edit("width", 2, 3, ",", "，"), Edit("width", 5, 6, "!", "！")]
    assert apply_edits(text, edits) == "你好，世界！"


def test_apply_edits_rejects_wrong_before():
    with pytest.raises(ValueError, match="expects"):
        apply_edits("abc", [Edit("x", 0, 1, "b", "c")])


def test_apply_edits_rejects_overlap():
    with pytest.raises(ValueError, match="overlaps"):
        apply_edits("abcdef", [Edit("x", 0, 3, "abc", ""), Edit("x", 2, 4, "cd", "")])


def test_compose_maps_later_edits_to_original_offsets():
    original = "  你好,世界"
    first = [Edit("whitespace", 0, 2, "  ", "")]
    current = apply_edits(original, first)
    second = [Edit("width", 2, 3, ",", "，")]
    composed = compose(original, current, first, second)
    assert [(e.rule, e.start, e.end) for e in composed] == [("whitespace", 0, 2), ("width", 4, 5)]
    assert apply_edits(original, composed) == "你好，世界"


def test_compose_merges_an_edit_of_written_text_and_names_both_rules():
    original = "ï¼Œ"
    first = [Edit("unicode", 0, 3, "ï¼Œ", "，x")]
    current = apply_edits(original, first)
    second = [Edit("width", 1, 2, "x", "y")]
    composed = compose(original, current, first, second)
    assert len(composed) == 1
    assert composed[0].rule == "unicode+width"
    assert composed[0].rules == ("unicode", "width")
    assert apply_edits(original, composed) == "，y"


def test_offset_map_positions_inside_written_text_map_to_edit_bounds():
    edits = [Edit("a", 2, 4, "cd", "XYZ")]  # "abcdef" -> "abXYZef"
    m = OffsetMap(edits)
    assert m.pos(0) == 0
    assert m.pos(3, "start") == 2 and m.pos(3, "end") == 4
    assert m.pos(5) == 4  # after the edit: shifted back by one
    assert m.span(5, 7) == (4, 6)


def _random_edits(draw, text: str, rule: str) -> list[Edit]:
    n = len(text)
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=8)))
    edits = []
    pos = 0
    for a, b in zip(cuts[::2], cuts[1::2]):
        if a < pos:
            continue
        after = draw(st.text(alphabet="xyz中", max_size=3))
        if text[a:b] != after:
            edits.append(Edit(rule, a, b, text[a:b], after))
            pos = b if b > a else a + 1
    return edits


@st.composite
def _two_rounds(draw):
    original = draw(st.text(alphabet="ab，中\n ", max_size=30))
    first = _random_edits(draw, original, "r1")
    current = apply_edits(original, first)
    second = _random_edits(draw, current, "r2")
    third_base = apply_edits(current, second)
    third = _random_edits(draw, third_base, "r3")
    return original, first, current, second, third_base, third


@settings(max_examples=400, deadline=None)
@given(_two_rounds())
def test_composed_edits_replay_to_the_final_text(case):
    original, first, current, second, third_base, third = case
    composed = compose(original, current, first, second)
    assert apply_edits(original, composed) == third_base
    composed = compose(original, third_base, composed, third)
    final = apply_edits(third_base, third)
    assert apply_edits(original, composed) == final
    # every composed edit's before is the original text at its span
    for e in composed:
        assert original[e.start : e.end] == e.before
        assert set(e.rules) <= {"r1", "r2", "r3"}
