"""Rule `page_numbers`: page-number lines that run up through a document."""

from __future__ import annotations

import pytest

from cleaner import apply_edits, clean, explain

#: a page of prose, long enough to be a page (MIN_PAGE_CHARS)
PAGE = "会议要求各部门加强协调配合，落实责任，抓紧推进各项工作，" * 4


def only(text: str) -> str:
    return clean(text, only=["page_numbers"])


def pages(marks: list[str], sep: str = "\n\n") -> str:
    return "".join(f"{PAGE}{sep}{m}{sep}" for m in marks)


@pytest.mark.parametrize(
    "marks, numbers",
    [
        (["— 1 —", "— 2 —", "— 3 —"], [1, 2, 3]),
        (["- 4 -", "- 5 -", "- 7 -"], [4, 5, 7]),  # a page lost to OCR
        (["－12－", "－13－", "－14－"], [12, 13, 14]),
        (["第 1 页 共 2 页", "第2页/共2页"], [1, 2]),  # says "page": two are enough
        (["Page 3 of 9", "page 4 of 9"], [3, 4]),
        (["3/9", "4 / 9"], [3, 4]),
    ],
)
def test_drops_a_run_of_page_numbers(marks, numbers):
    text = pages(marks)
    r = explain(text, only=["page_numbers"])
    assert r.text == PAGE + ("\n\n" + PAGE) * (len(marks) - 1) + "\n\n"
    assert [(e.rule, e.note) for e in r.edits] == [("page_numbers", f"page number {n}") for n in numbers]
    assert apply_edits(text, r.edits) == r.text
    assert only(r.text) == r.text


@pytest.mark.parametrize(
    "marks",
    [
        ["— 1 —"],  # one is no sequence
        ["— 1 —", "— 2 —"],  # two dashes are too few
        ["— 5 —", "— 2 —", "— 9 —"],  # not page by page
        ["1", "2", "3"],  # bare numbers: chapter headings, table cells
        ["3/9", "4/10", "5/11"],  # fractions with different totals: data
        ["第 1 页", "第 7 页"],  # too far apart
    ],
)
def test_keeps_what_is_no_page_sequence(marks):
    text = pages(marks)
    assert only(text) == text


def test_keeps_numbered_lines_close_together():
    text = "目录\n- 1 -\n- 2 -\n- 3 -\n" + PAGE
    assert only(text) == text


def test_the_halves_of_a_cut_paragraph_meet_and_join():
    text = f"{PAGE}我们要认\n\n— 1 —\n\n真做好收尾工作。{PAGE}\n\n— 2 —\n\n{PAGE}\n\n— 3 —\n"
    out = clean(text)
    assert "要认真做好收尾工作" in out and "—" not in out
    assert out.endswith("，\n")


def test_crlf_and_form_feeds():
    text = "".join(f"{PAGE}\r\n\f- {n} -\r\n" for n in (1, 2, 3))
    # the form feed stays (the whitespace rule's business), the last line
    # break of the document too
    assert only(text) == f"{PAGE}\r\n\f{PAGE}\r\n\f{PAGE}\r\n"


def test_a_run_found_after_another_is_dropped_in_the_same_pass():
    # 6 stands too close to 7, and 9 comes after 10: the run 7-8-10 goes
    # first, then 6 and 9 are a run among the lines left (a second clean
    # would drop them; found by fuzzing)
    short = "短的一段，不到一页。"
    text = (
        f"Page 6 of 12\n{short}\nPage 7 of 12\n{PAGE}\nPage 8 of 12\n{PAGE}\n"
        f"Page 10 of 12\n{PAGE}\nPage 9 of 12\n{PAGE}\n"
    )
    once = only(text)
    assert "Page" not in once
    assert only(once) == once


def test_the_first_character_lookahead_finds_what_the_formats_find():
    # _AFTER_LF looks ahead for what a line of any format begins with before
    # it tries the formats: the same matches as without the lookahead
    import random
    import re

    from cleaner.rules import page_numbers as mod

    plain = re.compile(mod._AFTER_LF.pattern.replace(f"(?=[{mod._BLANK}]*{mod._FIRST})", "", 1))
    assert plain.pattern != mod._AFTER_LF.pattern
    rng = random.Random(3)
    pieces = [" ", "\u3000", "\f", "3", "12", "３", "٣", "-", "—", "~", "第", "页", "共", "Page", "PAGE", "of", "/", "／", "，", "正文", "a"]
    for _ in range(5000):
        lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(1, 6))]
        text = "\n".join(lines)
        assert [m.span() for m in mod._AFTER_LF.finditer(text)] == [m.span() for m in plain.finditer(text)], repr(text)
