"""Which characters the context model doubts (:func:`cleaner.typos.context.suspects`)
and what a change needs there: isolated suspects (the corpus writes what is
written beside neither neighbour) and the others (only not between the two),
the candidates the corpus proposes, and the proper-noun guard that yields to
what the corpus writes."""

from __future__ import annotations

import pytest

from cleaner.confusion import visual_neighbours
from cleaner.edits import Edit
from cleaner.typos import context, guards
from cleaner.typos.charmodel import CharModel, learn
from cleaner.typos.model import model

#: 夭 is 天's closest look-alike in the visual table
SKY = ["今天天气很好，我们去公园。"] * 30 + ["他说今夭折的树很多。"] * 3


@pytest.fixture(scope="module")
def sky() -> CharModel:
    return learn(SKY, keep_repeats=True)


def test_the_covering_trigram_finds_what_the_pairs_miss(sky: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "今夭天气很好，我们去公园。"  # the corpus writes 今夭 (今夭折), never 今夭天
    assert visual_neighbours("夭")[0][0] == "天"
    assert context.suspects(text, sky) == [1, 2]  # 今 is written often beside both neighbours (CONTEXT_NEAR_PAIRS)
    assert [e.after for e in _edits(text, sky)] == ["天"]
    with monkeypatch.context() as patch:
        patch.setattr(context.settings, "CONTEXT_NEAR_PAIRS", None)
        assert context.suspects(text, sky) == [0, 1, 2]
    monkeypatch.setattr(context.settings, "CONTEXT_DETECT_PAIRS", True)
    assert context.suspects(text, sky) == []
    assert _edits(text, sky) == []


def test_a_suspect_that_is_not_isolated_needs_more(sky: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    text, right = "今夭天气很好，我们去公园。", "今天天气很好，我们去公园。"
    (cand,) = [c for c in context.scored_candidates(text, sky) if c.start == 1]
    assert cand.after == "天" and not cand.isolated and cand.veto is None
    assert [(e.start, e.after) for e in _edits(text, sky)] == [(1, "天")]  # the default: it clears the higher bar
    monkeypatch.setattr(context.settings, "CONTEXT_UNISOLATED", cand.score - context.settings.CONTEXT_THRESHOLD + 0.5)
    (kept,) = context.find_in_context(text, sky, rule="ocr_confusion")
    assert not isinstance(kept, Edit) and kept.note.endswith("score below the threshold")
    isolated = "昨夭天气很好，我们去公园。"  # the corpus writes 夭 beside neither 昨 nor 天
    (other,) = [c for c in context.scored_candidates(isolated, sky) if c.start == 1]
    assert other.isolated and other.score >= context.settings.CONTEXT_THRESHOLD
    assert [(e.start, e.after) for e in _edits(isolated, sky)] == [(1, "天")]


def test_a_look_alike_the_corpus_never_writes_there_is_not_scored(sky: CharModel) -> None:
    rows = lambda c: [("天", 0.9), ("好", 0.8), ("夫", 0.7)] if c == "夭" else []  # noqa: E731 (夫: unknown to the model)
    pos, alts, deficit = context.proposals._visual_candidates("今夭天气", sky, rows, [], [1])  # 1 not isolated: 今天天 only
    assert (pos, alts, deficit.tolist()) == ([1], ["天"], [0.0])
    pos, alts, deficit = context.proposals._visual_candidates("今夭天气", sky, rows, [1], [])  # as if isolated: every known one
    assert (pos, alts) == ([1, 1], ["天", "好"]) and deficit.tolist() == pytest.approx([0.0, 0.1])
    assert context.proposals._visual_candidates("", sky, rows, [], [])[:2] == ([], [])
    # where what is written is not isolated, such look-alikes are dropped ...
    assert {c.after for c in context.scored_candidates("今夭天气很好，我们去公园。", sky) if c.start == 1} == {"天"}
    # ... where it is isolated, they are scored (and count in the noise)
    looks = lambda c: [("天", 0.9), ("好", 0.8)] if c == "夭" else []  # noqa: E731 (好: known, never between 今/昨 and 天)
    for text, isolated in (("今夭天气很好，我们去公园。", False), ("昨夭天气很好，我们去公园。", True)):
        pos, alts, *_ = context.proposals.proposals_of(text, sky, looks, model())
        assert [a for p, a in zip(pos, alts) if p == 1] == (["天", "好"] if isolated else ["天"])


def test_the_corpus_proposes_only_at_isolated_suspects(monkeypatch: pytest.MonkeyPatch) -> None:
    # (and, elsewhere, only what completes a long word: tests/typos/test_context_long.py)
    cm = learn(["我们在北京工作。"] * 30 + ["他们北方人。"] * 3, keep_repeats=True)
    monkeypatch.setattr(context.alikes, "_han_neighbours", lambda c, nb_fn: ())  # no look-alikes: the corpus alone
    monkeypatch.setattr(context.score, "_default_neighbours", lambda: lambda c: ())
    lone = "我们在北洋工作。"  # the corpus writes 洋 beside neither 北 nor 工
    assert {(c.start, c.after) for c in context.scored_candidates(lone, cm)} >= {(4, "京")}
    near = "我们在他们工作。"  # 们: beside 他 in the corpus, so not isolated
    found_mask, isolated = context.detect.suspect_masks(near, cm)
    assert found_mask[4] and not isolated[4]
    assert all(c.start != 4 for c in context.scored_candidates(near, cm))


@pytest.mark.parametrize(
    "waiver, before, kept",
    [
        (None, 0, True),
        (5, 0, False),  # 天天气很, 天气很好: the corpus writes them 30 times
        (10_000, 0, True),
        (5, 2, True),  # none of them holds 昨, the name's character before 夭 (CONTEXT_NAME_WAIVER_BEFORE)
    ],
)
def test_the_name_guard_yields_to_what_the_corpus_writes(monkeypatch: pytest.MonkeyPatch, sky: CharModel, waiver: int | None, before: int, kept: bool) -> None:
    monkeypatch.setattr(guards, "name", lambda run, k, after, m: True)  # as if 夭 stood in a name
    monkeypatch.setattr(context.settings, "CONTEXT_NAME_WAIVER", waiver)
    monkeypatch.setattr(context.settings, "CONTEXT_NAME_WAIVER_BEFORE", before)
    text = "昨夭天气很好，我们去公园。"
    (cand,) = [c for c in context.scored_candidates(text, sky) if c.start == 1 and c.after == "天"]
    assert (cand.veto == "name") is kept
    assert bool(_edits(text, sky)) is not kept


def _edits(text: str, cm: CharModel) -> list[Edit]:
    return [e for e in context.find_in_context(text, cm, rule="ocr_confusion") if isinstance(e, Edit)]


#: the corpus writes 香港 often, 否 never beside 果 or 港
HARBOUR = ["如果香港人口增长，住房需求会上升。"] * 30 + ["他否认了这个说法。"] * 3


@pytest.mark.parametrize("made, kept", [(None, True), (20, False), (10_000, True)])
def test_the_proper_guard_yields_to_a_proper_noun_the_corpus_knows(monkeypatch: pytest.MonkeyPatch, made: int | None, kept: bool) -> None:
    cm = learn(HARBOUR, keep_repeats=True)
    monkeypatch.setattr(context.settings, "CONTEXT_PROPER_MADE", made)
    monkeypatch.setattr(context.settings, "CONTEXT_NAME_WAIVER", None)  # the 4-gram waiver alone would lift it here
    text = "如果否港人口增长，住房需求会上升。"
    (cand,) = [c for c in context.scored_candidates(text, cm) if c.start == 2 and c.after == "香"]
    assert (cand.veto == "proper") is kept


def test_a_rare_written_character_makes_a_corpus_proposal_cheaper(monkeypatch: pytest.MonkeyPatch) -> None:
    cm = learn(["我们在北京工作。他们在北京学习。"] * 60, keep_repeats=True)  # 京 120 times: 觎 (never) is under 1/100 as often
    text = "我们在北觎工作。"  # 京 between 北 and 工 in the corpus
    cost = {c.after: c.channel for c in context.scored_candidates(text, cm) if c.start == 4 and not c.visual}
    monkeypatch.setattr(context.settings, "CONTEXT_RARE_RATIO", None)
    full = {c.after: c.channel for c in context.scored_candidates(text, cm) if c.start == 4 and not c.visual}
    assert cost["京"] == full["京"] - context.settings.CONTEXT_RARE_DISCOUNT
