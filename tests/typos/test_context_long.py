"""Near misses of long words (:data:`cleaner.typos.context.settings.CONTEXT_LONG_WORD`):
a character the corpus writes between the same neighbours that makes a
dictionary word of four or more characters is proposed at suspects that are
not isolated too, costs less, and the word, name, proper-noun and parallel
guards yield to it; and corpus proposals two steps away in the visual table
(:data:`cleaner.typos.context.settings.CONTEXT_TWO_STEP_COST`)."""

from __future__ import annotations

import pytest

from cleaner.edits import Edit
from cleaner.typos import context, guards
from cleaner.typos.charmodel import CharModel, learn
from cleaner.typos.model import model

#: 举足轻重 is a dictionary word; the corpus writes 要的 (so 要 is not isolated)
GROW = ["它起着举足轻重的作用。", "这是举足轻重的一步。", "他在行业中举足轻重。"] * 60 + ["我要的东西。"] * 3
NEAR_MISS = "它是举足轻要的角色。"  # 要 at 5


@pytest.fixture(scope="module")
def grow() -> CharModel:
    return learn(GROW, keep_repeats=True)


@pytest.fixture
def no_look_alikes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context.score, "_default_neighbours", lambda: lambda c: ())


def _edits(text: str, cm: CharModel) -> list[Edit]:
    return [e for e in context.find_in_context(text, cm, rule="ocr_confusion") if isinstance(e, Edit)]


@pytest.mark.usefixtures("no_look_alikes")
def test_a_near_miss_of_a_long_word_is_proposed_where_what_is_written_is_not_isolated(grow: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    found, isolated = context.detect.suspect_masks(NEAR_MISS, grow)
    assert found[5] and not isolated[5]  # the corpus writes 要的, never 轻要的
    (cand,) = [c for c in context.scored_candidates(NEAR_MISS, grow) if c.start == 5]
    assert (cand.after, cand.long_word, cand.visual, cand.channel) == ("重", True, False, context.settings.CONTEXT_LONG_WORD_COST)
    assert cand.veto is None
    assert [(e.start, e.after) for e in _edits(NEAR_MISS, grow)] == [(5, "重")]
    monkeypatch.setattr(context.settings, "CONTEXT_LONG_WORD", None)
    assert all(c.start != 5 for c in context.scored_candidates(NEAR_MISS, grow))
    assert _edits(NEAR_MISS, grow) == []


@pytest.mark.usefixtures("no_look_alikes")
def test_a_long_word_the_corpus_writes_too_rarely_is_not_proposed(monkeypatch: pytest.MonkeyPatch) -> None:
    cm = learn(["它起着举足轻重的作用。"] + ["轻重的问题。"] * 5 + ["我要的东西。"] * 3, keep_repeats=True)  # 举足轻重 once, 轻重的 six times
    assert context.words.near_long_words(NEAR_MISS, [5], cm, model()) == ([], [])
    monkeypatch.setattr(context.settings, "CONTEXT_LONG_WORD_MIN_COUNT", 1)
    assert context.words.near_long_words(NEAR_MISS, [5], cm, model()) == ([5], ["重"])


def test_what_is_written_as_long_a_word_is_no_near_miss() -> None:
    m = model()
    assert context.words.long_span("要大力发展经济", 2, "刀", m) is None  # 大力发展 is written: 大刀发展 is no longer
    assert context.words.long_span(NEAR_MISS, 5, "重", m) == (2, 6)
    assert context.words.long_span(NEAR_MISS, 5, "人", m) is None


@pytest.mark.parametrize("guard", ["name", "proper"])
def test_the_name_guards_yield_to_a_long_word(monkeypatch: pytest.MonkeyPatch, grow: CharModel, guard: str) -> None:
    monkeypatch.setattr(guards, guard, lambda run, k, after, m: True)
    monkeypatch.setattr(context.settings, "CONTEXT_NAME_WAIVER", None)
    assert context.vetoes.context_veto(NEAR_MISS, 5, "重", 20.0, grow, model(), frozenset()) == guard
    assert context.vetoes.context_veto(NEAR_MISS, 5, "重", 20.0, grow, model(), frozenset(), long_word=True) is None


def test_the_word_guard_yields_to_a_long_word(grow: CharModel) -> None:
    text = "它是举足轻松的角色。"  # 轻松 is a word: no corpus proposal gets past it, unless it makes a long one
    assert context.vetoes.context_veto(text, 5, "重", -float("inf"), grow, model(), frozenset()) == "word"
    assert context.vetoes.context_veto(text, 5, "重", -float("inf"), grow, model(), frozenset(), long_word=True) is None


@pytest.mark.usefixtures("no_look_alikes")
def test_the_parallel_guard_yields_to_a_long_word(monkeypatch: pytest.MonkeyPatch) -> None:
    cm = learn(["价格战愈演愈烈。", "竞争愈演愈烈了。"] * 10 + ["痛快。"] * 3, keep_repeats=True)
    text = "矛盾愈痛愈烈。"  # 痛 inside 愈?愈, isolated: the corpus proposes 演
    assert context.vetoes.context_veto(text, 3, "演", 20.0, cm, model(), frozenset()) == "parallel"
    assert _edits(text, cm) == []  # isolated: a long word costs as any proposal, too much for 23 lines of corpus
    monkeypatch.setattr(context.settings, "CONTEXT_CORPUS_COST", context.settings.CONTEXT_LONG_WORD_COST)
    (cand,) = [c for c in context.scored_candidates(text, cm) if c.start == 3 and c.after == "演"]
    assert cand.long_word and cand.isolated and cand.veto is None  # 愈演愈烈 is a word the corpus writes
    assert [(e.start, e.after) for e in _edits(text, cm)] == [(3, "演")]


@pytest.mark.usefixtures("no_look_alikes")
def test_the_document_guard_asks_for_the_whole_near_miss(grow: CharModel) -> None:
    twice = NEAR_MISS + "它也是举足轻要的一环。"
    assert _edits(twice, grow) == []  # the document writes 举足轻要 twice: its own spelling
    other = NEAR_MISS + "这是我要的东西。"  # only the pair 要的 recurs
    assert context.driver._repeats_at(other, 5)
    assert [(e.start, e.after) for e in _edits(other, grow)] == [(5, "重")]


def test_a_corpus_proposal_two_steps_away_costs_less(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = {"洋": [("泮", 0.9)], "泮": [("洋", 0.9), ("京", 0.8)], "京": [("泮", 0.8)]}
    looks = lambda c: rows.get(c, [])  # noqa: E731 (洋 -> 泮 -> 京: 京 is two steps from 洋)
    assert context.alikes.two_steps("洋", looks) >= {"京"} and "京" not in dict(looks("洋"))
    cm = learn(["我们在北京工作。"] * 30 + ["他们在上海工作。"] * 30, keep_repeats=True)
    pos, alts, chan, visual, _, longs = context.proposals.proposals_of("我们在北洋工作。", cm, looks, model())
    got = {a: (c, v, lw) for p, a, c, v, lw in zip(pos, alts, chan, visual, longs) if p == 4}
    assert got["京"] == (context.settings.CONTEXT_TWO_STEP_COST, False, False)
    monkeypatch.setattr(context.settings, "CONTEXT_TWO_STEP_COST", context.settings.CONTEXT_CORPUS_COST)
    pos, alts, chan, *_ = context.proposals.proposals_of("我们在北洋工作。", cm, looks, model())
    assert {a: c for p, a, c in zip(pos, alts, chan) if p == 4}["京"] == context.settings.CONTEXT_CORPUS_COST


#: 洋 -> 泮 -> 京: 京 is two steps from 洋, never one
TWO_STEP_ROWS = {"洋": [("泮", 0.9)], "泮": [("洋", 0.9), ("京", 0.8)], "京": [("泮", 0.8)]}


def _two_step_looks(c: str) -> list[tuple[str, float]]:
    return TWO_STEP_ROWS.get(c, [])


def test_a_character_two_steps_away_beside_a_neighbour_is_a_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    """At an isolated suspect, a character two steps away that the corpus
    writes beside a neighbour (北京 often) but never between the two
    neighbours (北京工 never) is a candidate at the two-step cost."""
    least = context.settings.CONTEXT_TWO_STEP_BESIDE
    assert least is not None and least > 1
    cm = learn(["北京的人。"] * least + ["他们在上海工作。"] * 30, keep_repeats=True)
    text = "我们在北洋工作。"
    _, isolated = context.detect.suspect_masks(text, cm)
    assert isolated[4] and "京" not in cm.between("北", "工", 50)
    pos, alts, chan, visual, _, longs = context.proposals.proposals_of(text, cm, _two_step_looks, model())
    got = {a: (c, v, lw) for p, a, c, v, lw in zip(pos, alts, chan, visual, longs) if p == 4}
    assert got == {"京": (context.settings.CONTEXT_TWO_STEP_COST, False, False)}  # 泮: the corpus never writes it
    fewer = learn(["北京的人。"] * (least - 1) + ["他们在上海工作。"] * 30, keep_repeats=True)  # written too rarely beside 北
    assert "京" not in context.proposals.proposals_of(text, fewer, _two_step_looks, model())[1]
    monkeypatch.setattr(context.settings, "CONTEXT_TWO_STEP_BESIDE", None)
    assert "京" not in context.proposals.proposals_of(text, cm, _two_step_looks, model())[1]


def test_a_middle_two_steps_away_is_a_candidate_where_what_is_written_is_not_isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the corpus writes what is written beside a neighbour (洋工),
    the characters it writes between the two neighbours that are two steps
    away are candidates at :data:`CONTEXT_TWO_STEP_NEAR_COST`; another
    middle (南) is only a long-word proposal, until a word is looked for."""
    cm = learn(["我们在北京工作。"] * 5 + ["在北南工作。"] * 3 + ["洋工的。"] * 3, keep_repeats=True)
    text = "我们在北洋工作。"
    found, isolated = context.detect.suspect_masks(text, cm)
    assert found[4] and not isolated[4]
    pos, alts, chan, visual, _, longs = context.proposals.proposals_of(text, cm, _two_step_looks, model())
    got = {a: (c, v, lw) for p, a, c, v, lw in zip(pos, alts, chan, visual, longs) if p == 4}
    assert got == {"京": (context.settings.CONTEXT_TWO_STEP_NEAR_COST, False, False), "南": (context.settings.CONTEXT_LONG_WORD_COST, False, None)}
    monkeypatch.setattr(context.settings, "CONTEXT_TWO_STEP_NEAR_COST", None)
    pos, alts, chan, *_ = context.proposals.proposals_of(text, cm, _two_step_looks, model())
    assert {a: c for p, a, c in zip(pos, alts, chan) if p == 4} == {"京": context.settings.CONTEXT_LONG_WORD_COST, "南": context.settings.CONTEXT_LONG_WORD_COST}


def test_the_dictionary_proposes_the_character_of_a_four_character_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt-in (:data:`CONTEXT_WORD_PROPOSAL_COST`): at an isolated suspect,
    the character that makes a dictionary word of four characters (其乐无穷)
    is a candidate though the corpus never writes it there; off, it is not."""
    cm = learn(["他们在这里工作。"] * 20 + ["无穷无尽。"] * 3, keep_repeats=True)
    text = "他说其乐无穹啊"
    _, isolated = context.detect.suspect_masks(text, cm)
    assert isolated[5]
    monkeypatch.setattr(context.settings, "CONTEXT_WORD_PROPOSAL_COST", None)
    assert (5, "穷") not in set(zip(*context.proposals.proposals_of(text, cm, context.score._default_neighbours(), model())[:2]))
    monkeypatch.setattr(context.settings, "CONTEXT_WORD_PROPOSAL_COST", 16.0)
    for nb in (context.score._default_neighbours(), _two_step_looks):  # the C proposals and the Python ones
        pos, alts, chan, visual, _, longs = context.proposals.proposals_of(text, cm, nb, model())
        got = {(p, a): (c, v, lw) for p, a, c, v, lw in zip(pos, alts, chan, visual, longs)}
        assert got[(5, "穷")] == (16.0, False, False) and pos == sorted(pos)
