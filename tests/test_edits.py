"""Edits: replay, composition across rules, offset mapping."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.edits import Edit, OffsetMap, apply_edits, compose, edit_outputs, spans_after


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


def _reference_compose(original: str, current: str, old: list[Edit], new: list[Edit]) -> list[Edit]:
    """compose as its docstring says, written plainly: every old output span
    and new span in one sorted list (by start, end, old first), chained into
    groups while they overlap the group's span (an empty span overlapping
    only what strictly contains it)."""

    def overlaps(a1: int, a2: int, b1: int, b2: int) -> bool:
        if a1 == a2 or b1 == b2:  # a point: inside the other span, strictly
            return a1 < b1 < a2 if b1 == b2 else b1 < a1 < b2
        return max(a1, b1) < min(a2, b2)

    items = []
    delta = 0
    for e in old:
        items.append((e.start + delta, e.start + delta + len(e.after), 0, e))
        delta += e.delta
    items += [(e.start, e.end, 1, e) for e in new]
    items.sort(key=lambda it: it[:3])
    out: list[Edit] = []
    delta = 0
    i = 0
    while i < len(items):
        c1, c2 = items[i][:2]
        j = i + 1
        while j < len(items) and overlaps(c1, c2, items[j][0], items[j][1]):
            c2 = max(c2, items[j][1])
            j += 1
        group = items[i:j]
        o1 = c1 - delta
        delta += sum(e.delta for _, _, is_new, e in group if not is_new)
        i = j
        if len(group) == 1 and not group[0][2]:
            out.append(group[0][3])
            continue
        pieces, pos = [], c1
        for gs, ge, is_new, e in group:
            if is_new:
                pieces += [current[pos:gs], e.after]
                pos = ge
        after = "".join(pieces) + current[pos:c2]
        edits = [e for *_, e in group]
        rules = list(dict.fromkeys(r for e in edits for r in e.rules))
        notes = list(dict.fromkeys(e.note for e in edits if e.note))
        scores = [e.score for e in edits if e.score is not None]
        refs = [e.ref for e in edits if e.ref is not None]
        if original[o1 : c2 - delta] != after:
            out.append(
                Edit("+".join(rules), o1, c2 - delta, original[o1 : c2 - delta], after,
                     scores[-1] if scores else None, refs[-1] if refs else None, "; ".join(notes))
            )
    return out


def _dense_edits(draw, text: str, rule: str) -> list[Edit]:
    """Sorted edits packed close together: insertions (two at one point
    too), deletions, replacements, and edits that change nothing."""
    edits = []
    pos = 0
    while pos <= len(text) and len(edits) < 12:
        a = pos + draw(st.integers(0, 2))
        if a > len(text):
            break
        b = min(len(text), a + draw(st.integers(0, 3)))
        after = draw(st.sampled_from(["", "x", "中文", text[a:b], "yy"]))
        score = draw(st.sampled_from([None, 0.5]))
        ref = draw(st.sampled_from([None, (0, 1)]))
        edits.append(Edit(rule, a, b, text[a:b], after, score, ref, draw(st.sampled_from(["", "n"]))))
        pos = b if b > a and draw(st.booleans()) else b + 1
    return edits


@st.composite
def _layered(draw):
    original = draw(st.text(alphabet="ab，中\n ", max_size=30))
    layers = [draw(st.integers(1, 3)) for _ in range(3)]
    edits: list[Edit] = []
    current = original
    steps = []
    for k, _ in enumerate(layers):
        new = _dense_edits(draw, current, f"r{k}")
        steps.append((current, edits, new))
        edits = _reference_compose(original, current, edits, new)
        current = apply_edits(current, new)
    return original, steps


@settings(max_examples=300, deadline=None)
@given(_layered())
def test_compose_matches_the_plain_sorted_merge(case):
    """The placed-by-bisection compose gives exactly the edits (every field,
    in order) of the plain sort-and-chain algorithm, on dense, overlapping,
    adjacent and no-op edits; with or without the outputs given."""
    original, steps = case
    for current, old, new in steps:
        expected = _reference_compose(original, current, old, new)
        assert compose(original, current, old, new) == expected
        assert compose(original, current, old, new, outputs=edit_outputs(old)) == expected
        assert all(type(e) is Edit for e in compose(original, current, old, new))


def test_compose_places_an_insertion_at_a_deletion_point_after_the_deleted_text():
    old = [Edit("whitespace", 2, 4, "  ", "")]
    new = [Edit("width", 2, 2, "", "，"), Edit("width", 2, 3, "世", "世!")]
    got = compose("你好  世界", "你好世界", old, new)
    assert got == _reference_compose("你好  世界", "你好世界", old, new)
    assert [tuple(e[:5]) for e in got] == [("whitespace", 2, 4, "  ", ""), ("width", 4, 4, "", "，"), ("width", 4, 5, "世", "世!")]


@settings(max_examples=100, deadline=None)
@given(_layered())
def test_offset_map_is_the_same_with_the_outputs_given(case):
    original, steps = case
    for current, old, _ in steps:
        plain, given_ = OffsetMap(old), OffsetMap(old, edit_outputs(old))
        for p in range(len(current) + 1):
            assert plain.pos(p, "start") == given_.pos(p, "start")
            assert plain.pos(p, "end") == given_.pos(p, "end")


@settings(max_examples=100, deadline=None)
@given(_layered())
def test_edit_outputs_are_where_the_edits_output_stands(case):
    original, steps = case
    for current, old, _ in steps:
        starts, ends, shift = edit_outputs(old)
        assert list(zip(starts, ends)) == spans_after(old)
        assert all(current[s:t] == e.after for s, t, e in zip(starts, ends, old))
        assert len(shift) == len(old) + 1 and shift[-1] == len(current) - len(original)
