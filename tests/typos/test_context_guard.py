"""The context pass's guards for what a change cannot see
(:mod:`cleaner.typos.context`): a change at a text's first or last
character reads one side's context only (``CONTEXT_EDGE``), and a change in
a sentence that still reads as damaged is only suggested
(``CONTEXT_DAMAGED_GUARD``)."""

from __future__ import annotations

import pytest

from cleaner.edits import Edit, Suggestion
from cleaner.typos import context
from cleaner.typos.charmodel import CharModel, learn
from cleaner.typos.model import model


@pytest.fixture(scope="module")
def ready() -> CharModel:
    return learn(["今天天气很好，我们去公园。", "昨天天气不好，我们在家。", "我们准备好了，出发吧。", "大家都准备好了吗？", "我们准备好了"] * 20, keep_repeats=True)


def _kinds(items: list[Edit | Suggestion]) -> list[tuple[str, int, str]]:
    return [(type(e).__name__, e.start, e.after) for e in items]


def test_one_sided_is_the_first_or_last_character_of_a_text_or_line() -> None:
    text = "我们准各好了\n大家好"
    assert [i for i in range(len(text)) if context.one_sided(text, i)] == [0, 5, 7, 9]


def test_a_change_at_the_last_character_needs_more(ready: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    # 丁 for 了 at the end of the text: only its left side is context
    assert _kinds(context.with_model("我们准备好丁", ready, [], rule="ocr_confusion")) == [("Suggestion", 5, "了")]
    monkeypatch.setattr(context.settings, "CONTEXT_EDGE", 0.0)
    assert _kinds(context.with_model("我们准备好丁", ready, [], rule="ocr_confusion")) == [("Edit", 5, "了")]


def test_inside_the_text_the_same_repair_is_made(ready: CharModel) -> None:
    assert _kinds(context.with_model("大家都准备好丁，出发吧", ready, [], rule="ocr_confusion")) == [("Edit", 6, "了")]


def test_a_sentence_that_still_reads_as_damaged_is_left_for_review(ready: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    # 历以 (for 所以) stays: neither model reads 历 there, so 准各 -> 准备 is only suggested
    items = context.with_model("历以我们准各好了", ready, [], rule="ocr_confusion")
    assert _kinds(items) == [("Suggestion", 5, "备")]
    assert items[0].note.endswith("kept: context guard")
    assert _kinds(context.with_model("我们准各好了", ready, [], rule="ocr_confusion")) == [("Edit", 3, "备")]
    monkeypatch.setattr(context.settings, "CONTEXT_DAMAGED_GUARD", False)
    assert _kinds(context.with_model("历以我们准各好了", ready, [], rule="ocr_confusion")) == [("Edit", 5, "备")]


def test_a_name_beside_the_repair_is_no_damage(ready: CharModel) -> None:
    # a surname the word model reads as a stray character (车 of 处长车伟民)
    assert not context.damaged._stray_near("处长车伟民准备好了", {}, 6, ready, model())
    assert context.damaged._stray_near("历以我们准备好了", {}, 5, ready, model())


def test_the_word_models_changes_count_as_made(ready: CharModel) -> None:
    # 历 changed to 所 by the word model's pass: the sentence reads clean then
    found = [Edit("ocr_confusion", 0, 1, "历", "所", score=8.0, note="looks like 所")]
    items = context.with_model("历以我们准各好了", ready, found, rule="ocr_confusion")
    assert _kinds(items) == [("Edit", 0, "所"), ("Edit", 5, "备")]


def test_a_candidate_left_nearby_keeps_the_repair_for_review(ready: CharModel, monkeypatch: pytest.MonkeyPatch) -> None:
    # 公圈 (for 公园) at the end reads as an error (score about 10) but is not
    # changed (the edge margin): the sentence keeps an error, so 准各 is only suggested
    items = context.with_model("我们准各好了，我们去公圈", ready, [], rule="ocr_confusion")
    assert _kinds(items) == [("Suggestion", 3, "备"), ("Suggestion", 11, "园")]
    assert items[0].note.endswith("(a second error nearby)")
    monkeypatch.setattr(context.settings, "CONTEXT_DOUBT", 50.0)  # no candidate that strong: only the stray 圈 keeps it
    assert not context.with_model("我们准各好了，我们去公圈", ready, [], rule="ocr_confusion")[0].note.endswith("(a second error nearby)")
    monkeypatch.setattr(context.settings, "CONTEXT_DAMAGED_GUARD", False)
    assert _kinds(context.with_model("我们准各好了，我们去公圈", ready, [], rule="ocr_confusion"))[0] == ("Edit", 3, "备")


def test_two_common_one_character_words_are_not_swapped_on_the_character_model_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # the corpus always writes 向 before 灾民家属, but 同 (with) reads as well
    # there: the word model hardly prefers 向, so the change is a suggestion
    cm = learn(["县里派人向灾民家属表示慰问。", "工作组向灾民家属说明情况。", "他们向灾民家属送去物资。", "政府向灾民家属发放补助。"] * 10, keep_repeats=True)
    (s,) = context.with_model("工作组同灾民家属说明情况。", cm, [], rule="ocr_confusion")
    assert (type(s).__name__, s.before, s.after) == ("Suggestion", "同", "向") and s.note.endswith("kept: function guard")
    monkeypatch.setattr(context.settings, "CONTEXT_FUNCTION_WORDS", float("-inf"))
    monkeypatch.setattr(context.settings, "CONTEXT_WORDS_LEAST", None)  # words +0.9: the general guard holds it too
    assert _kinds(context.with_model("工作组同灾民家属说明情况。", cm, [], rule="ocr_confusion")) == [("Edit", 3, "向")]


def test_a_change_beside_a_name_across_a_list_mark_is_only_suggested() -> None:
    # 粟 (a rare surname) looks like 渠, which the corpus writes before 道常
    cm = learn(["会议由渠道部主持。", "他们拓宽销售渠道常年供货。", "公司拓宽渠道常态运营。"] * 10, keep_repeats=True)
    (s,) = context.with_model("出席会议的有刘健明、粟道常等人。", cm, [], rule="ocr_confusion")
    assert (type(s).__name__, s.after) == ("Suggestion", "渠") and s.note.endswith("kept: name list guard")
    assert _kinds(context.with_model("公司拓宽粟道常态运营。", cm, [], rule="ocr_confusion")) == [("Edit", 4, "渠")]


def test_a_rare_character_the_text_writes_again_is_only_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    # 粟 looks like 渠, which the corpus writes before 道常; a text that
    # writes 粟 again elsewhere has it for its own (the "own word" guard)
    cm = learn(["会议由渠道部主持。", "他们拓宽销售渠道常年供货。", "公司拓宽渠道常态运营。"] * 10, keep_repeats=True)
    text = "公司拓宽粟道常态运营。今年粟米丰收。"
    (s,) = context.with_model(text, cm, [], rule="ocr_confusion")
    assert (type(s).__name__, s.after) == ("Suggestion", "渠") and s.note.endswith("kept: own word guard")
    monkeypatch.setattr(context.settings, "CONTEXT_OWN_RATE", 0.0)
    assert _kinds(context.with_model(text, cm, [], rule="ocr_confusion")) == [("Edit", 4, "渠")]


def test_a_title_modifier_before_a_title_is_only_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    # the corpus writes 常委会副主任; 原 (former) before 副主任 speaks of another phrase
    cm = learn(["人大常委会副主任出席会议。", "常委会副主任讲话。", "市人大常委会副主任主持。"] * 10, keep_repeats=True)
    text = "人大常委原副主任出席会议。"
    items = context.with_model(text, cm, [], rule="ocr_confusion")
    assert [(type(s).__name__, s.before, s.after) for s in items] == [("Suggestion", "原", "会")] and items[0].note.endswith("kept: title guard")
    monkeypatch.setattr(context.driver, "modifies_a_title", lambda text, i: False)
    assert _kinds(context.with_model(text, cm, [], rule="ocr_confusion")) == [("Edit", 4, "会")]


@pytest.fixture
def eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any score makes a change: what keeps one is a guard."""
    monkeypatch.setattr(context.settings, "CONTEXT_THRESHOLD", 0.0)
    monkeypatch.setattr(context.settings, "CONTEXT_UNISOLATED", 0.0)
    monkeypatch.setattr(context.settings, "CONTEXT_DAMAGED_GUARD", False)
    monkeypatch.setattr(context.settings, "CONTEXT_PRIOR_WEIGHT", 0.0)  # a toy corpus reads any text as noisy


@pytest.mark.usefixtures("eager")
def test_a_short_quoted_term_keeps_its_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    # a coinage in quotes (名人销琴: selling pianos through famous names) that
    # the corpus reads as its commoner cousin (名人钢琴)
    cm = learn(["他弹钢琴很好。", "钢琴声很美。", "学钢琴的人越来越多。", "这架钢琴很贵。"] * 10, keep_repeats=True)
    text = "他走出一条“名人销琴”之路。"
    (s,) = context.with_model(text, cm, [], rule="ocr_confusion")
    assert (type(s).__name__, s.before, s.after) == ("Suggestion", "销", "钢") and s.note.endswith("kept: quote guard")
    assert _kinds(context.with_model("他走出一条名人销琴之路。", cm, [], rule="ocr_confusion")) == [("Edit", 7, "钢")]
    # a term the corpus writes in quotes: the guard yields
    known = learn(["他弹钢琴很好。", "钢琴声很美。", "“名人钢琴”之路很长。"] * 10, keep_repeats=True)
    assert _kinds(context.with_model(text, known, [], rule="ocr_confusion")) == [("Edit", 8, "钢")]
    monkeypatch.setattr(context.settings, "CONTEXT_QUOTE_WAIVER", None)
    assert _kinds(context.with_model(text, cm, [], rule="ocr_confusion")) == [("Edit", 8, "钢")]


@pytest.mark.usefixtures("eager")
def test_a_clause_is_not_made_a_copy_of_its_neighbour(monkeypatch: pytest.MonkeyPatch) -> None:
    cm = learn(["有法可依，有法必依，执法必严。", "有法不依，执法不严。", "不能有法不依。"] * 10, keep_repeats=True)
    text = "有法必依，有法难依，使造假者横行。"  # a contrast: 难 is meant
    (s,) = context.with_model(text, cm, [], rule="ocr_confusion")
    assert (type(s).__name__, s.before, s.after) == ("Suggestion", "难", "必") and s.note.endswith("kept: clause guard")
    monkeypatch.setattr(context.vetoes.guards, "parallel_clause", lambda text, i, after: False)
    assert _kinds(context.with_model(text, cm, [], rule="ocr_confusion")) == [("Edit", 7, "必")]


@pytest.mark.usefixtures("eager")
def test_a_digit_put_where_no_numeral_stood_is_only_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    """第云轮: a number stood there, but the model cannot tell which; 云
    looks like 三, so a wrong 三 would read as clean text."""
    cm = learn(["他在第三轮比赛中获胜。", "第三轮比赛开始了。", "比赛进入第三轮。"] * 10, keep_repeats=True)
    text = "昨天他在第云轮比赛中获胜。"
    (s,) = context.with_model(text, cm, [], rule="ocr_confusion")
    assert (type(s).__name__, s.before, s.after) == ("Suggestion", "云", "三") and s.note.endswith("kept: digit guard")
    monkeypatch.setattr(context.vetoes.guards, "guessed_number", lambda before, after: False)
    assert _kinds(context.with_model(text, cm, [], rule="ocr_confusion")) == [("Edit", 5, "三")]


@pytest.mark.usefixtures("eager")
def test_the_name_in_a_photo_credit_is_left_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    cm = learn(["工人在车间工作。", "一千米长的路。", "全长三千米。", "千米以外。"] * 10, keep_repeats=True)
    (s,) = context.with_model("工人在车间工作。（千禾摄）", cm, [], rule="ocr_confusion")
    assert (type(s).__name__, s.before, s.after) == ("Suggestion", "禾", "米") and s.note.endswith("kept: credit guard")
    assert _kinds(context.with_model("工人在车间工作。（千禾）", cm, [], rule="ocr_confusion")) == [("Edit", 10, "米")]
    monkeypatch.setattr(context.vetoes.guards, "in_credit", lambda text, i: False)
    assert _kinds(context.with_model("工人在车间工作。（千禾摄）", cm, [], rule="ocr_confusion")) == [("Edit", 10, "米")]


def test_the_corpus_lifts_the_name_guard_only_with_the_names_own_characters() -> None:
    # the corpus writes 学院教授 often, never 侯学院: a name, kept
    cm = learn(["他是学院教授。", "这位学院教授说。", "我国生态学家侯学煜教授称为奇观。"] * 10, keep_repeats=True)
    text, i = "我国生态学家侯学煜教授称为奇观。", 8
    assert context.vetoes._corpus_writes(text, i, "院", cm)
    assert not context.vetoes._corpus_writes(text, i, "院", cm, first=2)
    assert context.vetoes.context_veto(text, i, "院", 20.0, cm, model(), frozenset(), simplified=True) == "name"


@pytest.mark.usefixtures("eager")
def test_a_change_the_word_model_hardly_prefers_is_only_suggested(monkeypatch: pytest.MonkeyPatch) -> None:
    # 雨雾 and 雨雪 both read well: the corpus only has the commoner one
    cm = learn(["昨天晚上雨雪交加。", "今天雨雪交加，路很滑。", "明天又是雨雪交加的天气。"] * 10, keep_repeats=True)
    (s,) = context.with_model("昨天晚上雨雾交加，路很滑。", cm, [], rule="ocr_confusion")
    assert (type(s).__name__, s.before, s.after) == ("Suggestion", "雾", "雪") and s.note.endswith("kept: words guard")
    assert _kinds(context.with_model("今天晚上雨雷交加，路很滑。", cm, [], rule="ocr_confusion")) == [("Edit", 5, "雪")]  # 雨雷 is no word
    monkeypatch.setattr(context.settings, "CONTEXT_WORDS_LEAST", None)
    assert _kinds(context.with_model("昨天晚上雨雾交加，路很滑。", cm, [], rule="ocr_confusion")) == [("Edit", 5, "雪")]
