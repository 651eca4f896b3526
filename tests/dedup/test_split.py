"""Paragraph spans: the blank-line separator finds what the plain pattern finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup.split import _BLANK_SEP, split_paragraphs

#: the separator as first written: a line break, then blank lines (or form feeds)
_PLAIN = re.compile(r"(?:\r\n|\n|\r(?!\n))(?:[ \t\u3000\f\v]*(?:\r\n|\n|\r|\f))+|\f+")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="\r\n\f \t\u3000\va中", max_size=14))
def test_the_distributed_separator_matches_the_plain_one(text):
    """Distributing the line break over the alternatives (issue 12: the
    engine then skips to the next break) keeps every match and its order."""
    assert [m.span() for m in _BLANK_SEP.finditer(text)] == [m.span() for m in _PLAIN.finditer(text)]


def test_paragraphs_between_blank_lines_and_form_feeds():
    text = "第一段。\r\n\r\n第二段，\n还是第二段。\f第三段。\n \n第四段。"
    assert [text[s:e] for s, e in split_paragraphs(text)] == ["第一段。", "第二段，\n还是第二段。", "第三段。", "第四段。"]


def test_a_crlf_file_splits_as_the_same_lf_file_does():
    """A single CRLF is one line break, as a single LF is: the old pattern
    backtracked from ``\\r\\n`` to ``\\r`` and read the ``\\n`` as a blank
    line, so dedup cut a CRLF file line by line."""
    assert split_paragraphs("一\r\n二\r\n\r\n三") == [(0, 4), (8, 9)]
    assert split_paragraphs("一\n二\n\n三") == [(0, 3), (5, 6)]
    for lf in ("甲\n乙\n\n丙\n丁\n", "甲\n \n乙\n\n\n丙", "一行\n两行\n", "甲\r乙\r\r丙"):
        crlf = lf.replace("\n", "\r\n")
        assert len(split_paragraphs(crlf)) == len(split_paragraphs(lf))
        assert [crlf[s:e].replace("\r\n", "\n") for s, e in split_paragraphs(crlf)] == [lf[s:e] for s, e in split_paragraphs(lf)]
