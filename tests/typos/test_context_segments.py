"""A long text is scored in segments (:mod:`cleaner.typos.context.segments`),
so that one long file does not hold all its candidates at once; with a
model learned from its input, each segment leaves out the whole text's own
n-grams (a long file then makes nearly every character a suspect)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from cleaner import explain
from cleaner.typos.charmodel import CharModel, learn
from cleaner.typos.context import segments, settings

from .test_charmodel import CONSTITUTION_TYPOS, FILES, SOURCE

DAMAGED, RIGHT = CONSTITUTION_TYPOS[1]


def _lines() -> list[str]:
    return [line for name in FILES[:2] for line in (SOURCE / name).read_text(encoding="utf-8").split("\n") if line.strip()]


@pytest.fixture(scope="module")
def document() -> tuple[str, CharModel]:
    """The shipped corpus as one document with a damaged line in the middle,
    and the model ``clean --learn`` learns from it."""
    lines = _lines()
    half = len(lines) // 2
    doc = "\n".join(lines[:half] + [DAMAGED] + lines[half:])
    cm = learn([doc], min_count=2)
    cm.stats["from_input"] = True
    return doc, cm


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of each text :func:`score_all` is given, and (in
    ``own_sizes``) how many n-grams its ``own`` holds (0: none given)."""
    seen: list[int] = []
    real = segments.score_all

    def spy(text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(len(text))
        own = kwargs.get("own")
        own_sizes.append(0 if own is None else int(own[1].sum()))
        return real(text, *args, **kwargs)

    own_sizes: list[int] = []
    spy.own_sizes = own_sizes  # type: ignore[attr-defined]

    monkeypatch.setattr(segments, "score_all", spy)
    return seen


def test_a_long_document_with_a_model_of_itself_is_scored_in_segments(document: tuple[str, CharModel], monkeypatch: pytest.MonkeyPatch) -> None:
    doc, cm = document
    monkeypatch.setattr(settings, "CONTEXT_SEGMENT", 4000)  # the shipped corpus holds five of these
    assert len(doc) > 4 * settings.CONTEXT_SEGMENT
    seen = _spy(monkeypatch)
    r = explain(doc, only=["ocr_confusion"], model=cm)
    at = doc.index(DAMAGED) + next(i for i, (a, b) in enumerate(zip(DAMAGED, RIGHT)) if a != b)
    assert [(e.before, e.after) for e in r.edits if e.start == at] == [(DAMAGED[at - doc.index(DAMAGED)], RIGHT[at - doc.index(DAMAGED)])]
    assert len(seen) >= 4 and max(seen) <= settings.CONTEXT_SEGMENT + 2 * segments.SEGMENT_MARGIN
    # each segment leaves out the whole document's own n-grams (pairs and triples, edges included)
    assert set(segments.score_all.own_sizes) == {(len(doc) + 1) + (len(doc) + 2)}  # type: ignore[attr-defined]
    seen.clear()
    monkeypatch.setattr(settings, "CONTEXT_SEGMENT", None)  # the whole document at once: the same edits here
    assert explain(doc, only=["ocr_confusion"], model=cm).edits == r.edits
    assert seen == [len(doc)]


def test_a_model_learned_elsewhere_scores_segments_too(document: tuple[str, CharModel], monkeypatch: pytest.MonkeyPatch) -> None:
    doc, _ = document
    elsewhere = learn(_lines())  # not from the input: nothing is left out
    monkeypatch.setattr(settings, "CONTEXT_SEGMENT", 4000)
    seen = _spy(monkeypatch)
    r = explain(doc, only=["ocr_confusion"], model=elsewhere)
    assert len(seen) >= 4 and set(segments.score_all.own_sizes) == {0}  # type: ignore[attr-defined]
    monkeypatch.setattr(settings, "CONTEXT_SEGMENT", None)
    assert explain(doc, only=["ocr_confusion"], model=elsewhere).edits == r.edits


@pytest.mark.parametrize("seed", range(5))
def test_segment_bounds_cover_the_text_in_order_within_the_size(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("我们在北京工作。\n，！x") for _ in range(rng.randrange(1, 3000)))
    size = rng.randrange(1, 400)
    bounds = segments.segment_bounds(text, size)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(b == c for (_, b), (c, _) in zip(bounds, bounds[1:]))  # no gap, no overlap
    assert all(0 < b - a <= size for a, b in bounds)
    # a cut after a line break wherever the span before it holds one
    for a, b in bounds[:-1]:
        if "\n" in text[a:b]:
            assert text[b - 1] == "\n"


def test_a_segment_leaves_out_the_whole_texts_own_ngrams() -> None:
    """A typo the document writes twice, in two segments, stays rare in
    each: the whole document's own occurrences are left out, not only the
    segment's (else the other copy would count as the corpus's)."""
    from cleaner.typos.context.detect import own_ngrams, rare_ngrams

    doc = "他在北涼。\n" + "我们在北京工作。\n" * 5 + "他在北涼。"
    cm = learn([doc], keep_repeats=True)
    cm.stats["from_input"] = True
    segment, whole = cm.ids("他在北涼。"), own_ngrams(cm.ids(doc))
    at = 3  # the pair 北涼 (pairs padded with an edge: the one at j ends at character j)
    assert rare_ngrams(segment, cm, 2, own=whole)[at]
    assert rare_ngrams(segment, cm, 2)[at] == (settings.CONTEXT_DETECT >= 1)  # alone, the other copy counts once
    assert rare_ngrams(cm.ids("我们在北京工作。"), cm, 2, own=whole)[4]  # 北京: written five times, all of them this text's own
    other = learn([doc, "我们在北京工作。"], keep_repeats=True)  # a corpus of two documents
    other.stats["from_input"] = True
    assert not rare_ngrams(other.ids("我们在北京工作。"), other, 2, own=own_ngrams(other.ids(doc)))[4]  # the other document's counts
