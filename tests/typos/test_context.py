"""ocr_confusion in context (:mod:`cleaner.typos.context`): candidates the
corpus proposes, their guards, and the merge with the word model's edits.

The corpus of the repairs is the shipped clean text of
``tests/typos/test_charmodel.py`` (zh-Wikipedia articles and the US
Constitution in Simplified Chinese).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cleaner import explain
from cleaner.confusion import visual_neighbours
from cleaner.typos import context
from cleaner.typos.charmodel import PAD, CharModel, learn

from .test_charmodel import FILES, SOURCE

#: a character replaced by one the visual table does not list as its look-alike
CORPUS_TYPOS = [
    ("除非参议员投票时赞成票和产对票相等时。", "除非参议员投票时赞成票和反对票相等时。"),
    ("且在一州当选时不是该州个民者，不得担任众议员。", "且在一州当选时不是该州居民者，不得担任众议员。"),
    ("众议院由各州人民每两年选举产生的众议产组成。", "众议院由各州人民每两年选举产生的众议员组成。"),
]


@pytest.fixture(scope="module")
def legal() -> CharModel:
    lines = [line for name in FILES[:2] for line in (SOURCE / name).read_text(encoding="utf-8").split("\n") if line.strip()]
    return learn(lines)


@pytest.fixture
def corpus_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Corpus proposals cost :data:`context.settings.CONTEXT_CORPUS_COST` (28: on the
    dev split only the surest repairs clear it, and this small corpus gives
    none that sure): the tests of what they do make them cheaper."""
    monkeypatch.setattr(context.settings, "CONTEXT_CORPUS_COST", 16.0)


@pytest.fixture
def indels_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context.settings, "INDEL_APPLY", True)


@pytest.fixture(scope="module")
def weather() -> CharModel:
    return learn(["今天天气很好，我们去公园。", "昨天天气不好，我们在家。"] * 20 + ["明天天气真好。"] * 3, keep_repeats=True)


def test_middles_are_the_commonest_characters_between_two_neighbours(weather: CharModel) -> None:
    left, right = weather.ids("气风"), weather.ids("好园")
    ids, counts = weather.middles(left, right, 4)
    assert [weather.char(j) for j in ids[0] if j != PAD] == ["不", "很", "真"]
    assert counts[0].tolist() == [20, 20, 3, 0] and ids[0, 3] == PAD
    assert ids[1].tolist() == [PAD] * 4  # the corpus never writes 风?园
    assert weather.between("气", "好", 2) == ["不", "很"]


def test_middles_in_one_batch_equal_one_pair_at_a_time(legal: CharModel) -> None:
    text = "众议院由各州人民每两年选举产生的众议员组成。"
    ids = legal.ids(text)
    got, _ = legal.middles(ids[:-2], ids[2:], 5)
    for j in range(len(text) - 2):
        assert [legal.char(x) for x in got[j] if x != PAD] == legal.between(text[j], text[j + 2], 5)


def test_by_default_a_corpus_proposal_needs_its_cost_in_evidence(legal: CharModel) -> None:
    for damaged, right in CORPUS_TYPOS:
        assert explain(damaged, only=["ocr_confusion"], model=legal).text == damaged
    assert "反" in context.middles.corpus_proposals("票和产对票", [2], legal)[0]
    damaged, right = CORPUS_TYPOS[0]
    (cand,) = [c for c in context.scored_candidates(damaged, legal) if c.after == "反"]
    assert cand.channel == context.settings.CONTEXT_CORPUS_COST and cand.score < context.settings.CONTEXT_THRESHOLD <= cand.score + context.settings.CONTEXT_CORPUS_COST - 16.0
    (kept,) = [s for s in explain(damaged, only=["ocr_confusion"], model=legal).suggestions if s.after == "反"]
    assert kept.note.endswith("score below the threshold")


@pytest.mark.usefixtures("corpus_on")
@pytest.mark.parametrize("damaged, right", CORPUS_TYPOS)
def test_the_corpus_proposes_what_the_visual_table_does_not(legal: CharModel, damaged: str, right: str) -> None:
    i = next(k for k, (a, b) in enumerate(zip(damaged, right)) if a != b)
    assert right[i] not in {c for c, _ in visual_neighbours(damaged[i])}
    assert explain(damaged, only=["ocr_confusion"]).text == damaged
    r = explain(damaged, only=["ocr_confusion"], model=legal)
    assert r.text == right
    (edit,) = r.edits
    assert edit.rule == "ocr_confusion" and f"channel -{context.settings.CONTEXT_CORPUS_COST:.1f}" in edit.note
    (cand,) = [c for c in context.scored_candidates(damaged, legal) if c.start == i and c.after == right[i]]
    assert not cand.visual and round(cand.score, 3) == edit.score


@pytest.mark.usefixtures("corpus_on")
def test_two_proposals_that_read_as_well_are_only_suggested(weather: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    # 哈 is a word of its own (an interjection): the word model prefers 很 by
    # +3.5 only, where the words guard (CONTEXT_WORDS_LEAST) would keep it
    monkeypatch.setattr(context.settings, "CONTEXT_WORDS_LEAST", None)
    text = "后天天气哈好，我们去公园。"
    r = explain(text, only=["ocr_confusion"], model=weather)
    assert r.text == text and not r.edits
    assert "another candidate scores nearly as well" in r.suggestions[0].note
    clear = learn(["今天天气很好，我们去公园。"] * 20, keep_repeats=True)
    assert explain(text, only=["ocr_confusion"], model=clear).text == "后天天气很好，我们去公园。"


@pytest.mark.usefixtures("corpus_on")
def test_a_title_is_left_as_written(weather: CharModel) -> None:
    clear = learn(["今天天气很好，我们去公园。"] * 20, keep_repeats=True)
    titled = "他读了《今天天气哈好》这本书。"
    vetoes = {c.veto for c in context.scored_candidates(titled, clear) if c.before == "哈"}
    assert vetoes == {"title"}
    assert explain(titled, only=["ocr_confusion"], model=clear).text == titled
    assert [c.veto for c in context.scored_candidates("他说今天天气哈好，这本书。", clear) if c.before == "哈"] == [None]


@pytest.mark.usefixtures("corpus_on")
def test_what_is_written_as_a_word_never_yields_to_a_corpus_proposal(legal: CharModel) -> None:
    # 实操 is in the word list; the corpus writes 实践 (a proposal, not a look-alike)
    cm = learn(["增强自己的实践能力。"] * 40, keep_repeats=True)
    text = "增强自己的实操能力。"
    cands = [c for c in context.scored_candidates(text, cm) if c.after == "践"]
    assert cands and not cands[0].visual and cands[0].veto == "word"
    assert explain(text, only=["ocr_confusion"], model=cm).text == text


@pytest.mark.usefixtures("corpus_on")
def test_with_model_merges_and_keeps_changes_apart(legal: CharModel) -> None:
    damaged, right = CORPUS_TYPOS[0]
    at = right.index("反")
    (edit,) = context.with_model(damaged, legal, [], rule="ocr_confusion")
    assert (edit.rule, edit.start, edit.after) == ("ocr_confusion", at, "反")
    # a change of the word model two characters away: the model only suggests
    (item,) = context.find_in_context(damaged, legal, rule="ocr_confusion", exclude=[at + 2])
    assert not isinstance(item, type(edit)) and item.note.endswith("another change nearby")


@pytest.mark.usefixtures("corpus_on")
def test_corpus_proposals_need_han_neighbours(legal: CharModel) -> None:
    assert "反" in context.middles.corpus_proposals("票和产对票", [2], legal)[0]
    assert context.middles.corpus_proposals("票1产对票", [2], legal) == [[]]


@pytest.mark.parametrize(
    "damaged, right",
    [
        ("众议院由各州人民每两年选举产生的众议员员组成。", "众议院由各州人民每两年选举产生的众议员组成。"),
        ("参议院应由每州州议会选出的两名参议员组成。", None),  # 每州州: the corpus writes it
    ],
)
def test_a_doubled_character_is_dropped(monkeypatch: pytest.MonkeyPatch, legal: CharModel, damaged: str, right: str | None) -> None:
    assert explain(damaged, only=["ocr_confusion"], model=legal).text == damaged  # off by default
    monkeypatch.setattr(context.settings, "INDEL_APPLY", True)
    r = explain(damaged, only=["ocr_confusion"], model=legal)
    assert r.text == (right or damaged)
    if right:
        (edit,) = r.edits
        assert edit.after == "" and edit.note.startswith("doubled 员 in context") and edit.score >= context.settings.INDEL_THRESHOLD
    assert explain(damaged, only=["ocr_confusion"]).text == damaged  # never without a model


@pytest.mark.usefixtures("indels_on")
def test_characters_the_corpus_lacks_are_no_doubled_pair() -> None:
    """Characters the corpus never saw share a class id: two different ones
    side by side (烹饪) are no doubled character."""
    cm = learn(["他们在北京工作。", "我们在上海学习。"] * 30, keep_repeats=True)
    assert [c for c in context.indel_candidates("他们学烹饪工作。", cm) if not c.after] == []
    assert [(c.start, c.before) for c in context.indel_candidates("他们学烹烹工作。", cm) if not c.after] == [(4, "烹")]


@pytest.mark.parametrize(
    "text, at, doubled, veto",
    [
        ("就好比一台台的车子开过来。", 5, True, "reduplication"),  # a measure word after 一
        ("打造“宜宜居”的概念。", 4, True, "title"),  # a short quoted term
        ("一些著著名学校", 3, True, None),
        ("他们北京工作。", 2, False, None),
    ],
)
def test_indel_guards(text: str, at: int, doubled: bool, veto: str | None) -> None:
    from cleaner.typos.model import model

    assert context.indels._indel_veto(text, at, model(), doubled=doubled) == veto


@pytest.mark.usefixtures("indels_on")
def test_a_seam_of_two_words_costs_more() -> None:
    """Two words that share a character at their seam (学期期间) are how clean
    text doubles one: dropping it, or inserting between two words, costs
    :data:`context.settings.INDEL_TWO_WORDS` more."""
    cm = learn(["还可在学期间每周工作。", "经济发展很快。"] * 30, keep_repeats=True)
    (seam,) = [c for c in context.indel_candidates("还可在学期期间每周工作。", cm) if not c.after]
    (plain,) = [c for c in context.indel_candidates("经济济发展很快。", cm) if not c.after]
    assert seam.channel == context.settings.DELETE_COST + context.settings.INDEL_TWO_WORDS and plain.channel == context.settings.DELETE_COST


@pytest.mark.usefixtures("indels_on")
def test_a_missing_character_is_proposed_by_the_corpus(legal: CharModel) -> None:
    damaged, right = "无论何人，非经出席参议员三之二人数的同意，不得被定罪。", "无论何人，非经出席参议员三分之二人数的同意，不得被定罪。"
    assert explain(damaged, only=["ocr_confusion"]).text == damaged
    r = explain(damaged, only=["ocr_confusion"], model=legal)
    assert r.text == right and r.edits[0].note.startswith("missing 分") and r.edits[0].before == ""
    # the corpus writes 在 between 们 and 北 too, but 在 forms no word there
    cm = learn(["他们在北京工作。", "我们在上海学习。"] * 30, keep_repeats=True)
    assert [(c.start, c.after, c.veto) for c in context.indel_candidates("你们北京工作。", cm)] == [(2, "在", "unjoined")]


@pytest.mark.usefixtures("indels_on")
def test_a_reduplication_is_no_doubled_character() -> None:
    cm = learn(["小狗到处走了，可见它很开心。"] * 30, keep_repeats=True)
    text = "小狗到处趴趴走了，可见它很开心。"
    (cand,) = [c for c in context.indel_candidates(text, cm) if c.before == "趴"]
    assert cand.veto == "unjoined"
    assert explain(text, only=["ocr_confusion"], model=cm).text == text


@pytest.mark.usefixtures("indels_on")
def test_indels_keep_the_guards(legal: CharModel) -> None:
    for text in ("他读了《众议员员组成》这本书。", "众议员员组成，众议员员组成。"):
        assert explain(text, only=["ocr_confusion"], model=legal).text == text


def test_rivals_per_position_with_ties() -> None:
    # two candidates that tie for the best are each other's rival; a lone one has none
    pos, gains = [2, 2, 5, 5, 9], [1.0, 4.0, 3.0, 3.0, 0.5]
    assert [context.score._rival(pos, gains, j) for j in range(5)] == [4.0, 1.0, 3.0, 3.0, -math.inf]


@pytest.mark.parametrize("banned", [frozenset(), frozenset({"越来", "工作"})])
def test_the_word_gain_bound_is_never_below_the_gain(banned: frozenset[str]) -> None:
    from cleaner.typos.model import model

    m = model()
    below = 0
    for window in ("越来赴好", "我们在北涼工作", "他说今夭天气很好", "人民日报社论"):
        for p, ch in enumerate(window):
            alts = [a for a, _ in visual_neighbours(ch)][:12] + ["的", "是"]
            bounds = context.score._word_gain_bounds(window, p, alts, m, banned)
            for a, ub in zip(alts, bounds):
                gain = m.logprob(window[:p] + a + window[p + 1 :], banned) - m.logprob(window, banned)
                assert ub >= gain - context.score.WORD_BOUND_MARGIN, (window, p, a)
                below += ub < gain + 1.0
    assert below  # and it is tight somewhere (not a bound of +inf)


def test_a_common_word_lifts_the_parallel_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """越采越多: the frame 越_越 reads as a parallel turn, but 来 completes
    越来越, a common word the corpus writes: the guard yields
    (:data:`context.settings.CONTEXT_GUARD_WORD`)."""
    cm = learn(["现在这样的人越来越多了。", "来这里的游客越来越多。", "他们的生活越来越好。"] * 10, keep_repeats=True)
    text = "参加的人也越采越多。"
    assert explain(text, only=["ocr_confusion"], model=cm).text == "参加的人也越来越多。"
    monkeypatch.setattr(context.settings, "CONTEXT_GUARD_WORD", None)
    r = explain(text, only=["ocr_confusion"], model=cm)
    assert r.text == text and "parallel guard" in r.suggestions[0].note


def _unseen_lines() -> list[str]:
    """Lines of the third shipped file (the ``legal`` model never read it),
    each with a few characters turned into a look-alike."""
    import random

    rng = random.Random(14)
    lines = [line for line in (SOURCE / FILES[2]).read_text(encoding="utf-8").split("\n") if len(line) > 20][:60]
    out = []
    for line in lines:
        chars = list(line)
        for i in rng.sample(range(len(chars)), 3):
            row = context.alikes._visual_row(chars[i])[0]
            if row:
                chars[i] = rng.choice(row)
        out.append("".join(chars))
    return out


def test_look_alikes_beside_neither_neighbour_are_left_out(legal: CharModel) -> None:
    """At an isolated suspect, a look-alike the corpus writes beside neither
    neighbour leaves the candidates (CONTEXT_LONE_BESIDE), with a gain equal
    to the character model's (up to rounding); the rest stay, in order."""
    from cleaner.typos.charmodel import EDGE
    from cleaner.typos.model import model

    nb, m = context.score._default_neighbours(), model()
    away_seen = 0
    for t in _unseen_lines():
        ids = legal.ids(t)
        full = context.proposals.proposals_of(t, legal, nb, m, ids)
        left_out: list[context.proposals.LeftOut] = []
        kept = context.proposals.proposals_of(t, legal, nb, m, ids, left_out=left_out)
        pos, gain, chan, codes = left_out[0]
        away = set(zip(pos.tolist(), map(chr, codes.tolist())))
        assert [c for c in zip(*full[:4]) if (c[0], c[1]) not in away] == list(zip(*kept[:4]))
        assert len(full[0]) == len(kept[0]) + len(away)
        padded = [EDGE, *ids.tolist(), EDGE]
        for i, x in away:
            assert i in kept[4] and x in context.alikes._visual_row(t[i])[0]
            xid = legal.ids(x)[0]
            assert legal.count(np.array([[padded[i], xid], [xid, padded[i + 2]]])).tolist() == [0, 0]
        if len(pos):
            assert np.allclose(gain, legal.gains(t, pos.tolist(), [chr(c) for c in codes.tolist()], ids=ids), rtol=0, atol=1e-9)
        away_seen += len(away)
    assert away_seen > 50


def test_left_out_look_alikes_still_count_in_the_noise(legal: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plausible suspects (noise_penalty) and every candidate scored
    that is no look-alike left out are the same with the look-alikes left
    out as with all of them scored (its best rival's gain up to rounding:
    a left-out one's is CharModel.solo_logp's)."""
    from dataclasses import replace

    texts = _unseen_lines()
    on = [context.score.score_all(t, legal, frozenset(), None, None) for t in texts]
    monkeypatch.setattr(context.settings, "CONTEXT_LONE_BESIDE", False)
    off = [context.score.score_all(t, legal, frozenset(), None, None) for t in texts]
    assert [p for _, p in on] == [p for _, p in off] and sum(p for _, p in on) > 20
    scored = 0
    for (a, _), (b, _) in zip(on, off):
        same = {(c.start, c.after): c for c in b}
        for c in a:
            twin = same[(c.start, c.after)]
            assert replace(c, rival=0.0) == replace(twin, rival=0.0) and math.isclose(c.rival, twin.rival, rel_tol=0, abs_tol=1e-9)
            scored += 1
        assert len(a) <= len(b)
    # 10 scored of 18 (19 of 25 before the component pairs joined the rows
    # that _unseen_lines draws its look-alikes from)
    assert scored >= 8 and sum(len(b) for b, _ in off) > scored


def test_left_out_look_alikes_are_the_same_in_c_and_python(legal: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.typos.model import model

    if context.settings.SPEEDUPS is None:
        pytest.skip("_cleaner_speedups is not built (or CLEANER_PURE_PYTHON is set)")
    nb, m = context.score._default_neighbours(), model()
    texts = _unseen_lines()

    def run() -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = []
        for t in texts:
            left_out: list[context.proposals.LeftOut] = []
            kept = context.proposals.proposals_of(t, legal, nb, m, left_out=left_out)
            out.append((kept, *(a.tolist() for a in left_out[0])))
        return out

    got = run()
    monkeypatch.setattr(context.settings, "SPEEDUPS", None)
    assert got == run() and sum(len(g[1]) for g in got) > 50


@pytest.mark.parametrize("near", [None, 0, 1, 3])
def test_suspects_not_isolated_have_a_rare_pair(legal: CharModel, monkeypatch: pytest.MonkeyPatch, near: int | None) -> None:
    """A suspect that is not isolated has a neighbour beside which the
    corpus writes it at most CONTEXT_NEAR_PAIRS times; the C proposals find
    the same suspects and candidates as Python's, at detection 0 and 1."""
    from cleaner.typos.model import model

    monkeypatch.setattr(context.settings, "CONTEXT_NEAR_PAIRS", near)
    nb, m = context.score._default_neighbours(), model()
    texts = _unseen_lines()
    counted = 0
    for t in texts:
        found, isolated = context.detect.suspect_masks(t, legal)
        two, _ = legal.neighbour_counts(legal.ids(t))
        for i in np.flatnonzero(found & ~isolated).tolist():
            assert near is None or min(two[i], two[i + 1]) <= near
            counted += 1
    assert counted > 100
    for detect in (0, 1):
        monkeypatch.setattr(context.settings, "CONTEXT_DETECT", detect)
        got = [context.proposals.proposals_of(t, legal, nb, m) for t in texts]
        assert got == [context.proposals._py_proposals(t, legal, nb, m) for t in texts] and sum(len(g[0]) for g in got) > 100
