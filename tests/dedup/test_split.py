"""Paragraph spans: the blank-line separator finds what the plain pattern finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup.split import _BLANK_SEP, split_paragraphs

#: the separator as first written: a line break, then blank lines (or form feeds)
_PLAIN = re.compile(r"(?:\r\n|\n|\r)(?:[ \t\u3000\f\v]*(?:\r\n|\n|\r|\f))+|\f+")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="\r\n\f \t\u3000\va中", max_size=14))
def test_the_distributed_separator_matches_the_plain_one(text):
    """Distributing the line break over the alternatives (issue 12: the
    engine then skips to the next break) keeps every match and its order;
    a lone CRLF still counts as a blank separator, as it did."""
    assert [m.span() for m in _BLANK_SEP.finditer(text)] == [m.span() for m in _PLAIN.finditer(text)]


def test_paragraphs_between_blank_lines_and_form_feeds():
    text = "第一段。\r\n\r\n第二段，\n还是第二段。\f第三段。\n \n第四段。"
    assert [text[s:e] for s, e in split_paragraphs(text)] == ["第一段。", "第二段，\n还是第二段。", "第三段。", "第四段。"]


def test_a_lone_crlf_separates_as_it_did():
    """Kept as found (output byte-identical): the plain pattern backtracks
    from ``\\r\\n`` to ``\\r`` and reads the ``\\n`` as the blank line, so a
    single CRLF separates paragraphs where a single LF does not."""
    assert split_paragraphs("一\r\n二\r\n\r\n三") == [(0, 1), (3, 4), (8, 9)]
    assert split_paragraphs("一\n二\n\n三") == [(0, 3), (5, 6)]
