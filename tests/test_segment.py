"""Tests for cleaner.segment: the cohesion of a boundary and its shortcut."""

from __future__ import annotations

import random

import pytest

from cleaner import segment
from cleaner.segment import cohesion, logprob


def test_a_word_across_the_boundary_gives_a_large_cohesion_and_none_gives_zero():
    assert cohesion("请读者认", "真填写") > 6
    assert cohesion("部门要", "主动承担") == 0.0  # (no word or prefix crosses: not segmented)
    assert cohesion("", "真填写") == 0.0


def _pairs(n: int) -> list[tuple[str, str]]:
    from benchmarks.inject.sources import zh_paragraphs

    text = "".join(zh_paragraphs()[:400])
    rng = random.Random(12)
    out = []
    for _ in range(n):
        i = rng.randrange(4, len(text) - 4)
        out.append((text[i - rng.randint(1, 4) : i], text[i : i + rng.randint(1, 4)]))
    return out


def test_the_shortcut_only_skips_boundaries_the_segmentation_reads_as_two_pieces():
    # Where no string that starts left of the boundary and takes the first
    # character right of it is a word or a word's prefix, the best
    # segmentation of the whole is that of the two pieces: the full
    # computation gives 0 but for rounding, far under every threshold of
    # the paragraphs rule (0.5, 3, 6).
    try:
        pairs = _pairs(3000)
    except Exception as e:  # (the clean paragraphs come with the benchmarks)
        pytest.skip(f"no clean paragraphs: {e}")
    skipped = 0
    for a, b in pairs:
        full = logprob(a + b) - logprob(a) - logprob(b)
        if not segment._crossable(a, b):
            skipped += 1
            assert abs(full) < 1e-9, (a, b, full)
            assert cohesion(a, b) == 0.0
        else:
            assert cohesion(a, b) == full
    assert 0 < skipped < len(pairs)
