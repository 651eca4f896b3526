"""Tests for the reach functions: the ranges for many spans at once are
the ranges of each span alone, merged (a reach skips the work for a span
the range before already covers: this checks that it loses nothing)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cleaner.rule import Reach, lines_around
from cleaner.rules.whitespace import whitespace_reach
from cleaner.rules.width import width_reach

#: the characters the reaches look at (line breaks, blanks) and some text
_ALPHABET = st.sampled_from(["\n", "\r\n", "\r", " ", "\u3000", "\t", "\v", "\f", "中", "文", "a", "`", "```", ",", "\n\n"])


def _merged(reach: Reach, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The reach of each span alone, overlapping or touching ranges merged."""
    out: list[tuple[int, int]] = []
    for span in spans:
        for a, b in reach(text, [span]):
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
    return out


@st.composite
def _text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = "".join(draw(st.lists(_ALPHABET, max_size=40)))
    points = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    spans: list[tuple[int, int]] = []
    for a, b in zip(points[::2], points[1::2]):
        if not spans or a > spans[-1][1] or (a == b and a >= spans[-1][1]):
            spans.append((a, b))
    return text, spans


@settings(max_examples=600, deadline=None)
@given(_text_and_spans())
def test_reach_of_many_spans_is_the_merged_reach_of_each(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, spans = case
    assume(spans)  # (the pipeline asks only about spans; a code fence then gives the whole text)
    for reach in (lines_around, whitespace_reach, width_reach):
        assert reach(text, spans) == _merged(reach, text, spans), (reach.__name__, text, spans)


def test_reach_of_spans_on_one_line_is_that_line() -> None:
    text = "标题\n第一段，有两处改动。\n\n第二段\n"
    assert lines_around(text, [(4, 5), (7, 7)]) == [(2, 14)]
    assert whitespace_reach(text, [(4, 5), (7, 7)]) == [(3, 14)]
