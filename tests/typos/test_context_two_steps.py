""":func:`cleaner.typos.context.proposals._two_steps_beside` against a plain
reference: per isolated suspect, every character two steps away in the
visual table, counted beside each neighbour in the model's n-gram table."""

from __future__ import annotations

import random

import numpy as np
import pytest

from cleaner.typos import guards
from cleaner.typos.charmodel import FIRST_ID, CharModel, learn
from cleaner.typos.context import settings
from cleaner.typos.context.alikes import two_steps, visual_han_neighbours
from cleaner.typos.context.detect import suspect_masks
from cleaner.typos.context.proposals import _two_steps_beside

from .test_charmodel import corpus_lines


def _reference(text: str, cm: CharModel, lone: list[int], listed: set[tuple[int, str]]) -> tuple[list[int], list[str]]:
    least = max(settings.CONTEXT_TWO_STEP_BESIDE or 1, 1)
    trad = guards.traditional_chars()
    ids = cm.ids(text).tolist()
    at: list[int] = []
    alts: list[str] = []
    for i in lone:
        if not (0 < i < len(text) - 1 and "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i + 1] <= "\u9fff"):
            continue
        for x in sorted(two_steps(text[i], visual_han_neighbours)):
            if x == text[i] or (i, x) in listed or not "\u4e00" <= x <= "\u9fff" or x in trad:
                continue
            (new,) = cm.ids(x).tolist()
            if new < FIRST_ID:
                continue
            left, right = cm.count(np.array([[ids[i - 1], new], [new, ids[i + 1]]]))
            if left >= least or right >= least:
                at.append(i)
                alts.append(x)
    return at, alts


@pytest.mark.parametrize(("seed", "least"), [(0, 1), (1, 2), (2, settings.CONTEXT_TWO_STEP_BESIDE)])
def test_two_steps_beside_equals_the_plain_count(seed: int, least: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CONTEXT_TWO_STEP_BESIDE", least)  # smaller counts than the default: more candidates
    lines = corpus_lines()
    cm = learn(lines, min_count=2)
    cm.stats["from_input"] = True  # the model clean --learn makes: its Python proposals run this
    rng = random.Random(seed)
    text = "\n".join(rng.sample(lines, 60))
    _, isolated = suspect_masks(text, cm)
    lone = np.flatnonzero(isolated).tolist()
    expected = _reference(text, cm, lone, set())
    assert len(expected[0]) >= (20 if least < 3 else 1)  # enough candidates that a wrong bit read shows
    listed = set(zip(*expected))
    half = set(rng.sample(sorted(listed), len(listed) // 2))  # listed already there: not proposed again
    assert _two_steps_beside(text, cm, visual_han_neighbours, lone, set()) == expected
    assert _two_steps_beside(text, cm, visual_han_neighbours, lone, half) == _reference(text, cm, lone, half)
