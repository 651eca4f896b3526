"""Character classes and widths."""

from __future__ import annotations

import random

import pytest

from cleaner.chars import WIDE, display_width


def test_display_width_counts_wide_characters_twice_on_both_paths():
    # mostly-CJK text takes the "remove the narrow ones" path, the rest the
    # "list the wide ones" path: both must count the same
    rng = random.Random(1)
    alphabet = "中文，。abcé—“”😀\ud800한가\u3000ｗ\x00𠀀"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert display_width(text) == len(text) + len(WIDE.findall(text)), repr(text)
    assert display_width("中文ab") == 6
    assert display_width("一二三四五六七八") == 16
    assert display_width("") == 0


def test_display_width_same_on_every_code_point_whichever_path_the_middle_picks():
    # the middle character only chooses which regex counts: a wide middle
    # ("中") or a narrow one ("a") must give the same width for every character
    for code in range(0x110000):
        char = chr(code)
        for text in (char + "中中", "中" + char + "中", char + "aa", "a" + char + "a"):
            assert display_width(text) == len(text) + len(WIDE.findall(text)), hex(code)


def test_lines_of_reads_the_lines_the_line_regex_reads():
    # the split in C (text with LF only) and the regex (text with CR) must
    # give the lines that LINE.finditer gives, without the empty match at
    # the end of the text
    from cleaner.chars import LINE, lines_of

    def by_regex(text: str) -> list[tuple[int, str, str]]:
        out = []
        for m in LINE.finditer(text):
            if m.start() == len(text) and not m.group(0):
                break
            out.append((m.start(), m.group(1), m.group(2)))
        return out

    rng = random.Random(2)
    for alphabet in ("中a \n", "中a \r\n\f"):
        for _ in range(3000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            assert lines_of(text) == by_regex(text), repr(text)


def test_class_table_is_what_the_regex_matches():
    # every code point, astral and surrogates included, for the classes the
    # rules look up with numpy
    import re

    import numpy as np

    from cleaner.chars import CJK, class_table

    every = "".join(map(chr, range(0x110000)))
    for pattern in (f"[{CJK}]", "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]", "[a-c]|[\U00020000-\U0002000f]|x"):
        table = class_table(pattern)
        assert not table[-1]
        assert np.flatnonzero(table).tolist() == [m.start() for m in re.finditer(pattern, every)], pattern
    with pytest.raises(ValueError):
        class_table(r"\w")
